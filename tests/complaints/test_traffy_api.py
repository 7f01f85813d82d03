"""The Traffy Fondue webhook and the officers' bridge endpoints over HTTP: a ticket
delivered by webhook appears as a complaint; closing it in paknam sends ``update-issue``
once (through the change hook); the echo does not loop; bad input gets a 4xx JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from paknam.api.app import create_app
from paknam.api.limits import RATE_RULES, Limits
from paknam.cli import app as cli_app
from paknam.complaints import service
from paknam.complaints.hooks import CHANGE_HOOKS
from paknam.complaints.traffy.hook import PushOnChange
from paknam.core.config import Settings
from paknam.core.store import Store
from tests.api.conftest import login
from tests.complaints import traffy_fixtures as fx
from tests.complaints.traffy_fixtures import SECRET, webhook_ticket
from tests.complaints.traffy_loopback import TraffyServer

traffy, traffy_env = fx.traffy, fx.traffy_env
HOOK = "/api/v1/complaints/traffy/webhook"
URL = f"{HOOK}?key={SECRET}"


@pytest.fixture
def api(store: Store, traffy_env: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as c:
        yield c


def _hook() -> PushOnChange:
    (hook,) = [h for h in CHANGE_HOOKS if isinstance(h, PushOnChange)]
    return hook


def test_webhook_ticket_becomes_a_complaint_closing_it_updates_traffy_once(
    api: TestClient, store: Store, traffy: TraffyServer
) -> None:
    traffy.add_issue("2026-ABCDEF")
    r = api.post(URL, json=webhook_ticket())
    assert r.status_code == 201, r.text
    cid = r.json()["complaint_id"]
    assert r.json()["result"] == "imported"
    assert api.post(URL, json=webhook_ticket()).json()["result"] == "exists"  # unique
    assert service.inbox(store)["total"] == 1

    officer = login(api, store, "officer")
    seen = api.get(f"/api/v1/complaints/{cid}", headers=officer).json()
    assert (seen["service_code"], seen["client"], seen["status"]) == ("road", "traffy", "new")
    assert seen["description"] == "พบฝาท่อระบายน้ำชำรุด หน้าศาลากลาง"
    assert seen["media_url"] == "https://storage.googleapis.com/traffy-fondue/line_img/example.jpeg"
    assert seen["events"][0]["actor"] == "traffy"

    r = api.post(
        f"/api/v1/complaints/{cid}/status",
        json={"status": "resolved", "note": "เปลี่ยนฝาท่อใหม่แล้ว"},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    _hook().join()  # the hook sends in the background
    assert [u["state_name"] for u in traffy.updates] == ["เสร็จสิ้น"]
    assert "เปลี่ยนฝาท่อใหม่แล้ว" in traffy.updates[0]["note"]

    again = api.post("/api/v1/complaints/traffy/push", headers=officer)
    assert again.status_code == 200 and again.json()["sent"] == 0

    # Traffy's PATCH webhook repeating our own update: an echo, nothing changes
    echo = {"ticket_id": "2026-ABCDEF", "org": "x", "status": "เสร็จสิ้น", "note": "เปลี่ยนฝาท่อใหม่แล้ว"}
    r = api.patch(URL, json=echo)
    assert r.status_code == 200 and r.json()["result"] == "echo"
    _hook().join()
    status = api.get("/api/v1/complaints/traffy", headers=officer).json()
    assert status["outbox"] == {"sent": 1} and status["tickets"] == 1
    assert status["quota"]["credits_used"] == 1
    assert traffy.count("/update-issue/v1") == 1


def test_patch_for_an_unseen_ticket_fetches_it(api: TestClient, traffy: TraffyServer) -> None:
    traffy.add_issue("2026-NEW999", type="น้ำท่วม")
    r = api.patch(URL, json={"ticket_id": "2026-NEW999", "status": "กำลังดำเนินการ"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "in_progress"
    r = api.patch(URL, json={"ticket_id": "2026-NOWHERE", "status": "เสร็จสิ้น"})
    assert (
        r.status_code == 404 and "unknown to paknam and to Traffy" in r.json()["error"]["message"]
    )


def test_comment_events_are_kept_as_officer_notes(
    api: TestClient, store: Store, traffy: TraffyServer
) -> None:
    cid = api.post(URL, json=webhook_ticket()).json()["complaint_id"]
    chat = {
        "event": "chat",
        "message_comment_id": 2115334,
        "message_id": 2040189,
        "ticket_id": "2026-ABCDEF",
        "comment": "ยังไม่ได้ซ่อมครับ",
        "timestamp": "2026-09-17 15:13:57.662001",
        "sender_org_id": None,
    }
    r = api.post(URL, json=chat)
    assert r.status_code == 200 and r.json()["result"] == "noted"
    last = service.get(store, cid)["events"][-1]
    assert last["note"] == "Traffy Fondue chat: ยังไม่ได้ซ่อมครับ" and last["public"] is False


@pytest.mark.parametrize(
    ("target", "body", "status", "field"),
    [
        (HOOK, webhook_ticket(), 401, None),  # no key
        (f"{HOOK}?key=wrong", webhook_ticket(), 401, None),
        (URL, webhook_ticket(ticket_id="../etc"), 422, "ticket_id"),
        (URL, webhook_ticket(latitude="north"), 422, "latitude"),
        (URL, webhook_ticket(latitude=13.7649, longitude=100.5383), 422, "lat"),
        (URL, {k: v for k, v in webhook_ticket().items() if k != "longitude"}, 422, "longitude"),
        (URL, [1, 2], 422, "body"),
        (URL, {"event": "like", "ticket_id": "2026-ABCDEF"}, 422, "event"),
    ],
)
def test_bad_webhook_input_is_a_4xx_json(
    api: TestClient, target: str, body: object, status: int, field: str | None
) -> None:
    r = api.post(target, json=body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["message"]
    if field is not None:
        assert field in json.dumps(r.json())


def test_webhook_body_not_json_too_big_or_patch_without_status(api: TestClient) -> None:
    r = api.post(URL, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    r = api.post(URL, content=b"x" * (70 * 1024), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    r = api.patch(URL, json={"ticket_id": "2026-ABCDEF"})
    assert r.status_code == 422 and "status" in r.json()["error"]["message"]
    r = api.post(HOOK, json=webhook_ticket(), headers={"X-Traffy-Key": SECRET})
    assert r.status_code == 201  # the key may come in a header too


def test_webhook_is_rate_limited_like_anonymous_writes(store: Store, traffy_env: Settings) -> None:
    assert {r.method for r in RATE_RULES if r.path.fullmatch(HOOK)} == {"POST", "PATCH"}
    app = create_app(store)
    app.state.limits = Limits(Settings(rate_limit_traffy="2/minute"))
    with TestClient(app) as c:
        codes = [c.patch(URL, json={"ticket_id": "2026-X"}).status_code for _ in range(3)]
    assert codes == [422, 422, 429]  # no status: refused twice, then the limit


def test_webhook_off_without_a_secret(
    store: Store, traffy_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paknam.core import config

    monkeypatch.delenv("PAKNAM_TRAFFY_WEBHOOK_SECRET")
    config.get_settings.cache_clear()
    with TestClient(create_app(store)) as c:
        r = c.post(URL, json=webhook_ticket())
    assert r.status_code == 404 and "not enabled" in r.json()["error"]["message"]


def test_cli_sync_and_status(
    store: Store, traffy: TraffyServer, traffy_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paknam.core import config

    monkeypatch.setenv("PAKNAM_DATABASE_URL", store.url)
    config.get_settings.cache_clear()
    traffy.add_issue("2026-CLI001")
    runner = CliRunner()
    done = runner.invoke(cli_app, ["complaints", "traffy", "sync", "--duration", "all"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout.strip().splitlines()[-1])["imported"] == 1
    shown = runner.invoke(cli_app, ["complaints", "traffy", "status"])
    assert json.loads(shown.stdout.strip().splitlines()[-1])["tickets"] == 1
    bad = runner.invoke(cli_app, ["complaints", "traffy", "sync", "--duration", "week"])
    assert bad.exit_code == 2
    monkeypatch.setenv("PAKNAM_TRAFFY_PASS", "wrong")
    config.get_settings.cache_clear()
    refused = runner.invoke(cli_app, ["complaints", "traffy", "sync"])
    assert refused.exit_code == 2 and "Invalid user or pass" in refused.output
