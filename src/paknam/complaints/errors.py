"""Errors of the complaints domain, joined to the one hierarchy of :mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)          a value that breaks a rule (HTTP 422)
    └── UnknownService                         a service code not in the catalogue
    Conflict (paknam.core.errors)              contradicts stored data (HTTP 409)
    └── TransitionNotAllowed                   the complaint's state does not allow the move
    AuthenticationFailed (paknam.core.errors)  missing or wrong credentials (HTTP 401)
    └── ApiKeyRejected                         an Open311 ``api_key`` missing, unknown or revoked

Open311 answers them in the specification's error list with the same HTTP status.
Each message names the complaint, the state or the code at fault and what is allowed.
"""

from __future__ import annotations

from paknam.core.errors import AuthenticationFailed, Conflict, InvalidInput


class UnknownService(InvalidInput):
    """A service code that is not in :data:`paknam.complaints.catalogue.SERVICES`."""


class TransitionNotAllowed(Conflict):
    """A complaint cannot move from its state to the one asked (officer or citizen)."""


class ApiKeyRejected(AuthenticationFailed):
    """An Open311 submission without a valid ``api_key``."""
