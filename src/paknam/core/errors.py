"""The one error hierarchy of paknam.

::

    PaknamError                       base of everything we raise on purpose
    ├── NotFound                      an id that does not exist (HTTP 404)
    ├── Conflict                      would duplicate or contradict stored data (409)
    ├── InvalidInput                  a value that breaks a rule, with the offending items (422)
    │   └── BatchRejected             a batch of observations with per-item reasons
    ├── AuthenticationFailed          missing or wrong credentials (401)
    ├── PermissionDenied              credentials fine, action not allowed (403)
    ├── TooManyRequests               too many requests or failed logins; retry later (429)
    └── StoreUnavailable              the database cannot be reached (503)

Only ``paknam.api`` turns these into HTTP status codes and only ``paknam.cli`` into exit
codes; everything else raises them with a message that names what, which and where.
"""

from __future__ import annotations

from dataclasses import dataclass


class PaknamError(Exception):
    """Base class of all paknam errors."""


class NotFound(PaknamError):
    """Something named by id does not exist."""


class Conflict(PaknamError):
    """The request would duplicate or contradict stored data."""


@dataclass(frozen=True, slots=True)
class ItemError:
    """One rejected item of a batch: its position, a reason, and optionally its field."""

    index: int
    reason: str
    field: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"index": self.index, "reason": self.reason}
        if self.field is not None:
            out["field"] = self.field
        return out


class InvalidInput(PaknamError):
    """A value breaks a rule. ``field`` names the offending field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class BatchRejected(InvalidInput):
    """A batch with bad items; nothing of it was stored. ``errors`` lists each bad item."""

    def __init__(self, errors: list[ItemError], total: int) -> None:
        self.errors = errors
        self.total = total
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"{len(errors)} of {total} items rejected, nothing stored; "
            f"item {first.index}: {first.reason}{more}"
        )


class AuthenticationFailed(PaknamError):
    """Missing, unknown, expired or revoked credentials."""


class PermissionDenied(PaknamError):
    """Valid credentials that may not do this."""


class StoreUnavailable(PaknamError):
    """The database cannot be reached or is not initialised."""


class TooManyRequests(PaknamError):
    """Too many requests from one client, or failed logins for one account: come back in
    ``retry_after`` seconds (HTTP 429 with ``Retry-After``)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
