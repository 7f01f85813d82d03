"""Officer login and accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

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


@router.post("/auth/login", response_model=TokenAnswer)
def login(
    store: StoreDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenAnswer:
    """Exchange username and password (form fields, OAuth2 password style) for a token."""
    return TokenAnswer(access_token=store.login(username, password))


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
