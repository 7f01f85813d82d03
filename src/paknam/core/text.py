"""Text typed by citizens: control characters refused at intake, never emitted into XML.

C0 control characters (U+0000–U+001F, and DEL U+007F) other than tab, newline and
carriage return have no place in a complaint, a report or an address, and most of them
are not allowed in XML 1.0 at all: one stored ``\\x0b`` would make every Open311 XML list
that includes it ill-formed. :func:`check_text` refuses them (422 naming the field);
:func:`xml_safe` drops whatever XML 1.0 cannot carry, for rows stored before the check.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from paknam.core.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def find_control(text: str) -> int | None:
    """Index of the first forbidden control character in ``text``, or None."""
    found = _CONTROL.search(text)
    return found.start() if found else None


def check_text(value: str | None, field: str) -> str | None:
    """``value`` unchanged; :class:`InvalidInput` (422, naming ``field``) if it holds a
    control character other than tab, newline or carriage return."""
    if value is None:
        return None
    at = find_control(value)
    if at is not None:
        raise InvalidInput(
            f"{field} contains the control character U+{ord(value[at]):04X} at position {at}; "
            f"only printable text, tab and new lines are accepted "
            f"({field} มีอักขระควบคุมที่ไม่อนุญาต)",
            field=field,
        )
    return value


def check_texts(values: dict[str, str | None]) -> None:
    """:func:`check_text` on each ``field: value``."""
    for field, value in values.items():
        check_text(value, field)


def _no_control(value: str) -> str:
    at = find_control(value)
    if at is not None:
        raise ValueError(
            f"contains the control character U+{ord(value[at]):04X} at position {at}; only "
            "printable text, tab and new lines are accepted (มีอักขระควบคุมที่ไม่อนุญาต)"
        )
    return value


PlainText = Annotated[str, AfterValidator(_no_control)]
"""A pydantic ``str`` without control characters (422 naming the field, like any field)."""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (C0 controls but tab/newline/
    CR, lone surrogates, U+FFFE/U+FFFF)."""
    return _NOT_XML.sub("", text)


_ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d\s-]{6,}\d")


def redact_addresses(text: str) -> str:
    """``text`` with e-mail addresses and telephone-like digit runs replaced by ``[…]``:
    for a gateway's answer that goes to a log (an SMTP refusal names the recipient)."""
    return _ADDRESSES.sub("[…]", text)
