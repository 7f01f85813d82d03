"""Errors of the Traffy Fondue bridge, mapped from the Exchange API's error messages
(``docs/error-codes.md`` of traffy-nectec/exchange-api-doc: every error is a JSON body
``{"status": "fail", "message": ...}``).

::

    TraffyError (PaknamError)            base; HTTP 502 where an API answer carries one
    ├── TraffyAuthFailed                 "Invalid user or pass", or a token refused twice
    ├── TraffyQuotaExhausted             "Running out of API usage quota", or paknam's own
    │                                    count says the call would go past the quota
    ├── TraffyRejected                   "Invalid input JSON format", "[X] is not specified",
    │                                    an unknown ticket, any other ``fail``
    └── TraffyUnavailable                no answer, a 5xx, an answer that is not JSON
"""

from __future__ import annotations

from paknam.core.errors import PaknamError


class TraffyError(PaknamError):
    """Something went wrong talking to Traffy Fondue."""

    retryable = False


class TraffyAuthFailed(TraffyError):
    """Traffy refused the user/password, or a fresh token."""


class TraffyQuotaExhausted(TraffyError):
    """No credit left this month (Traffy said so, or paknam's count says so)."""

    retryable = True


class TraffyRejected(TraffyError):
    """Traffy answered ``fail`` to this request (bad input, unknown ticket...)."""


class TraffyUnavailable(TraffyError):
    """Traffy could not be reached or answered something that is not its JSON."""

    retryable = True
