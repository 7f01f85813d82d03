"""Fixtures of the Traffy bridge tests: the loopback server, settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from paknam.core import config
from paknam.core.config import Settings
from tests.complaints.traffy_loopback import TraffyServer

SECRET = "a-long-shared-webhook-secret"


@pytest.fixture
def traffy() -> Iterator[TraffyServer]:
    server = TraffyServer().start()
    yield server
    server.stop()


@pytest.fixture
def traffy_env(
    traffy: TraffyServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """``PAKNAM_TRAFFY_*`` set for the loopback (no classifier model: no triage by it)."""
    env = {
        "PAKNAM_TRAFFY_API_BASE": traffy.url,
        "PAKNAM_TRAFFY_USER": traffy.user,
        "PAKNAM_TRAFFY_PASS": traffy.password,
        "PAKNAM_TRAFFY_ORG_ID": traffy.org_id,
        "PAKNAM_TRAFFY_WEBHOOK_SECRET": SECRET,
        "PAKNAM_TRAFFY_QUOTA_RESERVE": "2",
        "PAKNAM_TRAFFY_TYPE_MAP": '{"ฝาท่อ": "drain"}',
        "PAKNAM_MODEL_DIR": str(tmp_path / "no-model"),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    config.get_settings.cache_clear()
    yield config.get_settings()
    config.get_settings.cache_clear()


def webhook_ticket(ticket_id: str = "2026-ABCDEF", **fields: object) -> dict[str, object]:
    """A new-ticket webhook body as in docs/webhooks.md (in Samut Prakan)."""
    body: dict[str, object] = {
        "timestamp": "2026-08-31 10:00:00.000000",
        "ticket_id": ticket_id,
        "description": "พบฝาท่อระบายน้ำชำรุด หน้าศาลากลาง",
        "type_id": 12,
        "type": "ถนน",
        "photo": ["https://storage.googleapis.com/traffy-fondue/line_img/example.jpeg"],
        "latitude": 13.5996,
        "longitude": 100.5969,
        "address": "ถนนสุขุมวิท ตำบลปากน้ำ อำเภอเมืองสมุทรปราการ",
        "orgs": [{"org_id": 151, "org": "เทศบาลนครสมุทรปราการ"}],
    }
    body.update(fields)
    return body
