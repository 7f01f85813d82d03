"""Officer accounts (argon2 passwords, roles, sessions) and device keys (hashed).

Device keys are 256-bit random tokens, so a fast hash (SHA-256) is enough to store them
safely; passwords are low-entropy and use argon2id. Session tokens are random too and
stored as SHA-256. Nothing secret is stored in clear or logged.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from paknam.core.config import get_settings
from paknam.core.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from paknam.core.models import UserCreate, UserPublic
from paknam.core.schema import device_key_stations, device_keys, sessions, stations, users
from paknam.core.timeutil import as_utc

_hasher = PasswordHasher()
KEY_PREFIX = "pkd_"
SESSION_PREFIX = "pks_"
_slots: threading.BoundedSemaphore | None = None
_slots_made = threading.Lock()


@contextmanager
def _hashing() -> Iterator[None]:
    """At most ``password_hash_concurrency`` argon2 computations at once in this process
    (each takes 64 MiB: 64 parallel logins must not take 4 GiB)."""
    global _slots
    if _slots is None:
        with _slots_made:
            if _slots is None:
                _slots = threading.BoundedSemaphore(
                    max(1, get_settings().password_hash_concurrency)
                )
    with _slots:
        yield


def hash_password(password: str) -> str:
    with _hashing():
        return _hasher.hash(password)


def _password_matches(password_hash: str, password: str) -> bool:
    with _hashing():
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an officer (``user``) or a device key (``key_id`` with stations)."""

    kind: str  # "user" | "device"
    name: str
    role: str | None = None
    key_id: int | None = None
    stations: frozenset[str] = frozenset()

    def may_write_station(self, station_id: str) -> bool:
        if self.kind == "user":
            return self.role in ("admin", "officer")
        return station_id in self.stations


# ---- users -------------------------------------------------------------------------------


def add_user(conn: Connection, new: UserCreate) -> UserPublic:
    if conn.execute(sa.select(users.c.id).where(users.c.username == new.username)).first():
        raise Conflict(f"user {new.username!r} already exists")
    uid = conn.execute(
        users.insert().values(
            username=new.username,
            password_hash=hash_password(new.password),
            role=new.role,
            display_name=new.display_name or new.username,
            active=True,
            created_at=datetime.now(UTC),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    return UserPublic(
        id=uid,
        username=new.username,
        role=new.role,
        display_name=new.display_name or new.username,
        active=True,
    )


def verify_credentials(conn: Connection, username: str, password: str) -> tuple[int, bool]:
    """(user id, password needs rehash) for valid credentials; else AuthenticationFailed."""
    row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    if row is None or not row.active:
        # hash anyway so that timing does not tell which usernames exist
        hash_password(password)
        raise AuthenticationFailed("wrong username or password")
    if not _password_matches(row.password_hash, password):
        raise AuthenticationFailed("wrong username or password")
    return int(row.id), _hasher.check_needs_rehash(row.password_hash)


def rehash_password(conn: Connection, user_id: int, password: str) -> None:
    conn.execute(
        users.update().where(users.c.id == user_id).values(password_hash=hash_password(password))
    )


def create_session(conn: Connection, user_id: int, hours: int) -> str:
    """A new session token for a verified user (stored as SHA-256)."""
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    conn.execute(sessions.delete().where(sessions.c.expires_at < now))  # purge expired
    conn.execute(
        sessions.insert().values(
            token_hash=_sha256(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def logout(conn: Connection, token: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.token_hash == _sha256(token)))


def principal_for_token(conn: Connection, token: str) -> Principal:
    """Resolve a bearer token (session or device key) to its principal."""
    digest = _sha256(token)
    if token.startswith(SESSION_PREFIX):
        row = conn.execute(
            sa.select(users.c.username, users.c.role, users.c.active, sessions.c.expires_at)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == digest)
        ).first()
        if row is None or not row.active or as_utc(row.expires_at) < datetime.now(UTC):
            raise AuthenticationFailed("session token unknown or expired; log in again")
        return Principal("user", row.username, role=row.role)
    if token.startswith(KEY_PREFIX):
        key_row = conn.execute(
            sa.select(device_keys.c.id, device_keys.c.prefix, device_keys.c.revoked_at).where(
                device_keys.c.key_hash == digest
            )
        ).first()
        if key_row is None or key_row.revoked_at is not None:
            raise AuthenticationFailed("device key unknown or revoked")
        owned = conn.execute(
            sa.select(stations.c.id)
            .join(device_key_stations, device_key_stations.c.station_pk == stations.c.pk)
            .where(device_key_stations.c.key_id == key_row.id)
        )
        return Principal(
            "device", key_row.prefix, key_id=key_row.id, stations=frozenset(r.id for r in owned)
        )
    raise AuthenticationFailed("bearer token is neither a session token nor a device key")


# ---- device keys -------------------------------------------------------------------------


def create_device_key(
    conn: Connection, station_ids: list[str], label: str = ""
) -> tuple[int, str, str]:
    """A new key for ``station_ids``: returns (key id, clear key shown once, prefix)."""
    if not station_ids:
        raise InvalidInput("a device key needs at least one station")
    pks = []
    for sid in station_ids:
        pk = conn.execute(sa.select(stations.c.pk).where(stations.c.id == sid)).scalar()
        if pk is None:
            raise NotFound(f"station {sid!r} does not exist")
        pks.append(pk)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = key[: len(KEY_PREFIX) + 6]
    key_id = conn.execute(
        device_keys.insert().values(
            key_hash=_sha256(key),
            prefix=prefix,
            label=label or ",".join(station_ids),
            created_at=datetime.now(UTC),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    for pk in sorted(set(pks)):
        conn.execute(device_key_stations.insert().values(key_id=key_id, station_pk=pk))
    return key_id, key, prefix


def revoke_device_key(conn: Connection, key_id: int) -> None:
    done = conn.execute(
        device_keys.update()
        .where(device_keys.c.id == key_id, device_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    if done.rowcount == 0:
        raise NotFound(f"device key {key_id} does not exist or is already revoked")
