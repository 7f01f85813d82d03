"""Dependencies shared by the routes: the store and the caller's identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paknam.core.auth import Principal
from paknam.core.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from paknam.core.store import Store
from paknam.core.timeutil import TimeParseError, parse_time

_bearer = HTTPBearer(auto_error=False, description="Device key (pkd_...) or session (pks_...)")


def time_param(value: str | None, name: str, default: int) -> int:
    """Epoch seconds of an ISO 8601 query parameter, or ``default`` when absent."""
    if value is None:
        return default
    try:
        return parse_time(value)
    except TimeParseError as exc:
        raise InvalidInput(f"{name}: {exc}", field=name) from None


async def get_store(request: Request) -> Store:
    """The application's store (``async``: no worker thread needed to read an attribute)."""
    return request.app.state.store  # type: ignore[no-any-return]


StoreDep = Annotated[Store, Depends(get_store)]


def get_principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationFailed("this needs an 'Authorization: Bearer <token>' header")
    return store.principal(credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_optional_principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, or None for an anonymous request (a bad token is still refused).

    ``async`` so that an anonymous request needs no worker thread; a token is looked up
    in one."""
    if credentials is None:
        return None
    return await run_in_threadpool(get_principal, store, credentials)


MaybePrincipalDep = Annotated[Principal | None, Depends(get_optional_principal)]
"""For public reads that show officers more."""


def _require_roles(*roles: str):  # type: ignore[no-untyped-def]
    def check(principal: PrincipalDep) -> Principal:
        if principal.kind != "user" or principal.role not in roles:
            raise PermissionDenied(f"this needs an officer account with role {' or '.join(roles)}")
        return principal

    return check


OfficerDep = Annotated[Principal, Depends(_require_roles("admin", "officer"))]
AdminDep = Annotated[Principal, Depends(_require_roles("admin"))]
