"""Open311 API keys: who may ``POST /open311/v2/requests.json``.

Open311 asks clients (a LINE bot, a municipality's app, a kiosk) for an ``api_key``. Keys
are issued by an administrator (``paknam complaints key create --label ...`` or
``POST /api/v1/complaints/api-keys``), shown once, stored as SHA-256 (they are 256-bit
random, so a fast hash is enough), and revocable. A key identifies the *client*, not the
citizen: idempotency and duplicate checks are per client.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.errors import ApiKeyRejected
from paknam.complaints.schema import complaint_api_keys as keys
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.timeutil import now_s, to_local_iso

KEY_PREFIX = "pko_"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create_api_key(conn: Connection, label: str) -> tuple[int, str]:
    """A new key: (key id, the clear key — shown once)."""
    label = label.strip()
    if not 1 <= len(label) <= 200:
        raise InvalidInput("an API key needs a label of 1 to 200 characters", field="label")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    kid = conn.execute(
        keys.insert().values(key_hash=sha256(key), prefix=key[:10], label=label, created_s=now_s())
    ).inserted_primary_key[0]  # type: ignore[index]
    return int(kid), key


def revoke_api_key(conn: Connection, key_id: int) -> None:
    done = conn.execute(
        keys.update()
        .where(keys.c.id == key_id, keys.c.revoked_s.is_(None))
        .values(revoked_s=now_s())
    )
    if done.rowcount == 0:
        raise NotFound(f"API key {key_id} does not exist or is already revoked")


def list_api_keys(conn: Connection) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "prefix": r.prefix,
            "label": r.label,
            "created": to_local_iso(r.created_s),
            "revoked": to_local_iso(r.revoked_s) if r.revoked_s else None,
        }
        for r in conn.execute(sa.select(keys).order_by(keys.c.id))
    ]


def client_for_key(conn: Connection, api_key: str | None) -> str:
    """The client id (``key:<id>``) of a valid key; :class:`ApiKeyRejected` otherwise."""
    if not api_key:
        raise ApiKeyRejected("api_key is required to submit a service request")
    row = conn.execute(
        sa.select(keys.c.id, keys.c.revoked_s).where(keys.c.key_hash == sha256(api_key))
    ).first()
    if row is None or row.revoked_s is not None:
        raise ApiKeyRejected("api_key unknown or revoked")
    return f"key:{row.id}"
