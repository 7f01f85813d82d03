"""Officer login and accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from paknam.api.limits import LoginGuard, client_key
from paknam.core.http.deps import AdminDep, PrincipalDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES
from paknam.core.models import UserCreate, UserPublic

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=ERROR_RESPONSES)


class TokenAnswer(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    kind: str
    name: str
    role: str | None
    stations: list[str]


@router.post(
    "/auth/login",
    response_model=TokenAnswer,
    responses={429: {"description": "Too many failed logins; see Retry-After"}},
)
async def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenAnswer:
    """Exchange username and password (form fields, OAuth2 password style) for a token.

    After a few failures for one username or from one address, each further try must
    wait longer (1 s, 2 s, 4 s ... up to 15 min): meanwhile the answer is 429 with
    ``Retry-After``, even for the right password."""
    guard: LoginGuard = request.app.state.limits.login
    client = client_key(request.scope)
    token = await guard.attempt(store.login, username, password, client)
    return TokenAnswer(access_token=token)


@router.post("/auth/logout", status_code=204)
def logout(
    store: StoreDep,
    principal: PrincipalDep,
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(HTTPBearer())],
) -> Response:
    store.logout(credentials.credentials)
    return Response(status_code=204)


@router.get("/auth/me", response_model=Me)
def me(principal: PrincipalDep) -> Me:
    return Me(
        kind=principal.kind,
        name=principal.name,
        role=principal.role,
        stations=sorted(principal.stations),
    )


@router.post("/users", status_code=201, response_model=UserPublic)
def create_user(new: UserCreate, store: StoreDep, _: AdminDep) -> UserPublic:
    """Create an officer account (admin only)."""
    return store.add_user(new)
