"""Errors of the governance domain, joined to the one hierarchy of :mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)     a value that breaks a rule (HTTP 422)
    ├── CapInvalid                        a CAP document or its input breaks CAP 1.2
    ├── AlertNotActive                    the alert was cancelled or has expired
    └── NoRecipients                      an officer's send would reach nobody
    Conflict (paknam.core.errors)         would contradict stored data (HTTP 409)
    └── AlertAlreadySent                  sending again without ``force``

Each message names the alert, the field or the value at fault.
"""

from __future__ import annotations

from paknam.core.errors import Conflict, InvalidInput


class CapInvalid(InvalidInput):
    """A CAP document or its input breaks CAP 1.2 (schema or the rules of
    :mod:`paknam.governance.cap`)."""


class AlertNotActive(InvalidInput):
    """The alert cannot be updated, cancelled or sent: it was cancelled or has expired."""


class AlertAlreadySent(Conflict):
    """The alert was queued for delivery before; send it again only with ``force``.

    Attributes
    ----------
    earlier : list[int]
        The outbox messages it was queued as.
    """

    def __init__(self, message: str, *, earlier: list[int]) -> None:
        super().__init__(message)
        self.earlier = earlier


class NoRecipients(InvalidInput):
    """An officer's send whose audience holds nobody with live consent: refused, so that
    "sent to 0 of 0" is never mistaken for a delivery (field ``audience``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="audience")
