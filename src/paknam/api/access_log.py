"""Citizens' tokens kept out of the access log.

A complaint token (``pkc_...``) in ``/api/v1/complaints/follow/{token}``, the
``/follow/{token}`` page or Open311's ``/open311/v2/tokens/{token}.json`` is what lets its
holder follow, reopen and rate a complaint: whoever reads the server's log must not get it.
:class:`RedactTokens` rewrites the path uvicorn logs (``uvicorn.access``) to
``/follow/***`` and drops the values of secret-looking query parameters. :func:`install`
adds it to the logger; :func:`paknam.api.app.create_app` calls it, so it holds under
``paknam serve`` (any number of workers) and under any other uvicorn launch.

The API also takes the token in the ``X-Complaint-Token`` header
(``GET /api/v1/complaints/follow``), which no access log records.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "***"
_END = r"(?=[/?#\s\"]|$)"
_TOKEN_IN_PATH = re.compile(
    rf"(/(?:follow|tokens)/)(?!(?:reopen|rate){_END})[^/?#\s\"]+?((?:\.json|\.xml)?){_END}"
)
_SECRET_PARAMS = re.compile(
    r"([?&](?:token|api_key|apikey|key|manage_token|access_token|code)=)[^&#\s\"]*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` (a path with its query, or a whole log line) without tokens."""
    text = _TOKEN_IN_PATH.sub(rf"\g<1>{REDACTED}\g<2>", text)
    return _SECRET_PARAMS.sub(rf"\g<1>{REDACTED}", text)


class RedactTokens(logging.Filter):
    """Redacts tokens from uvicorn's access records (``'%s - "%s %s HTTP/%s" %d'``: the
    path is the third argument) and from any other record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Add :class:`RedactTokens` to ``logger_name`` once."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
