"""Text normalisation and matching for catalogue search, Thai and English alike.

Thai text is normalised with PyThaiNLP (:func:`pythainlp.util.normalize`: duplicated or
misordered vowels and tone marks, e.g. two ``เ`` typed for ``แ``), then everything is
NFKC-folded and case-folded. Thai has no spaces between words, so a query word matches
when it is a substring of the normalised text; spaces are also ignored ("bangkachao"
finds "Bang Kachao"). Pure functions.
"""

from __future__ import annotations

import re
import unicodedata

from pythainlp.util import normalize as thai_normalize

_SPACE_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def normalise(text: str) -> str:
    """Lower-case, NFKC, Thai-normalised text with single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    text = thai_normalize(text).casefold()
    return _SPACE_RE.sub(" ", text).strip()


def index_text(*parts: str) -> str:
    """The text stored for search: the normalised parts joined by `` | ``."""
    return " | ".join(normalise(p) for p in parts if p)


def query_words(query: str) -> list[str]:
    """The normalised words of a query (empty for a blank query)."""
    return [w for w in normalise(query).split(" ") if w]


def score(words: list[str], names: str, text: str) -> int:
    """0 when some word is missing; else higher when words are found in the names.

    ``names`` and ``text`` are normalised (see :func:`index_text`).
    """
    total = 0
    bare_names, bare_text = names.replace(" ", ""), text.replace(" ", "")
    for word in words:
        if word in names or word in bare_names:
            total += 3
        elif word in text or word in bare_text:
            total += 1
        else:
            return 0
    return total
