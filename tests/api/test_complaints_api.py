"""/api/v1/complaints: citizens' web form, duplicates, +1, token; officers' workflow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paknam.core.store import Store
from tests.api.complaints_app import complaints_client, new_api_key
from tests.api.conftest import login
from tests.complaints.helpers import CITY_HALL, JPEG, PNG

BASE = "/api/v1/complaints"


@pytest.fixture
def cclient(store: Store) -> Iterator[TestClient]:
    yield from complaints_client(store)


@pytest.fixture
def api_key(store: Store) -> str:
    return new_api_key(store)


def _file(client: TestClient, **kw: object) -> dict:
    data = {
        "service_code": "cleanliness",
        "description": "ขยะล้นถังหน้าตลาด ส่งกลิ่นเหม็น",
        "lat": CITY_HALL[0],
        "lon": CITY_HALL[1],
    }
    data.update(kw)
    r = client.post(BASE, data=data)
    assert r.status_code == 201, r.text
    return r.json()


def test_reference_lists(cclient: TestClient) -> None:
    states = {s["status"]: s for s in cclient.get(f"{BASE}/states").json()}
    assert states["resolved"]["name_th"] == "เสร็จสิ้น" and states["resolved"]["next"] == ["reopened"]
    agencies = cclient.get(f"{BASE}/agencies").json()
    assert len(agencies) == 6 * 3 + 8 and all(a["sample"] for a in agencies)
    assert cclient.get(f"{BASE}/services").json()[0]["sla_hours"] == 168


def test_citizen_flow_web_form_follow_reopen_rate(cclient: TestClient, store: Store) -> None:
    r = cclient.post(
        BASE,
        data={
            "service_code": "cleanliness",
            "description": "ขยะล้นถัง",
            "lat": CITY_HALL[0],
            "lon": CITY_HALL[1],
        },
        files={"photo": ("a.jpg", JPEG, "image/jpeg")},
    )
    assert r.status_code == 201, r.text
    done = r.json()
    cid, token = done["id"], done["token"]
    assert done["complaint"]["agency"]["code"] == "local-1101"
    officer = login(cclient, store, "officer")
    r = cclient.post(
        f"{BASE}/{cid}/status", json={"status": "resolved", "note": "เก็บแล้ว"}, headers=officer
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    seen = cclient.get(f"{BASE}/follow/{token}").json()
    assert seen["status"] == "resolved" and seen["status_notes"] == "เก็บแล้ว"
    assert seen["photos"][0]["stage"] == "before"
    r = cclient.post(f"{BASE}/follow/{token}/reopen", json={"reason": "ยังมีขยะอยู่"})
    assert r.status_code == 200 and r.json()["reopen_count"] == 1
    r = cclient.post(f"{BASE}/follow/{token}/rate", json={"stars": 5})
    assert r.status_code == 409 and "still open" in r.json()["error"]["message"]
    cclient.post(f"{BASE}/{cid}/status", json={"status": "resolved"}, headers=officer)
    assert cclient.post(f"{BASE}/follow/{token}/rate", json={"stars": 3}).status_code == 200
    again = cclient.post(f"{BASE}/follow/{token}/rate", json={"stars": 5})
    assert again.status_code == 409 and "already rated" in again.json()["error"]["message"]
    assert cclient.post(f"{BASE}/follow/{token}/rate", json={"stars": 9}).status_code == 422
    assert cclient.get(f"{BASE}/follow/pkc_unknown_token").status_code == 404


def test_web_form_errors(cclient: TestClient, store: Store) -> None:
    r = cclient.post(
        BASE,
        data={
            "service_code": "nope",
            "description": "ขยะ",
            "lat": CITY_HALL[0],
            "lon": CITY_HALL[1],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "service_code"
    r = cclient.post(
        BASE, data={"service_code": "road", "description": "ถนนพัง", "lat": 13.76, "lon": 100.54}
    )
    assert r.status_code == 422 and "outside Samut Prakan" in r.json()["error"]["message"]
    r = cclient.post(
        BASE,
        data={
            "service_code": "road",
            "description": "ถนนพัง",
            "lat": CITY_HALL[0],
            "lon": CITY_HALL[1],
        },
        files={"photo": ("x.png", b"<svg/>", "image/png")},
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "photo"
    r = cclient.post(BASE, data={"service_code": "road", "description": "ถนนพัง"})
    assert r.status_code == 422
    officer = login(cclient, store, "officer")
    assert cclient.get(BASE, headers=officer).json()["total"] == 0


def test_duplicates_then_plus_one(cclient: TestClient) -> None:
    cid = _file(cclient)["id"]
    near = cclient.get(
        f"{BASE}/duplicates",
        params={
            "lat": CITY_HALL[0] + 0.0003,
            "lon": CITY_HALL[1],
            "service_code": "cleanliness",
            "text": "ขยะล้นถัง",
        },
    ).json()
    assert [d["service_request_id"] for d in near] == [str(cid)]
    assert 30 < near[0]["distance_m"] < 40
    body = {"supporter": "line:Uabc"}
    assert cclient.post(f"{BASE}/{cid}/support", json=body).json()["supporters"] == 1
    assert cclient.post(f"{BASE}/{cid}/support", json=body).json() == {
        "id": cid,
        "added": False,
        "supporters": 1,
    }
    assert cclient.post(f"{BASE}/999/support", json=body).status_code == 404


def test_officer_inbox_and_actions(cclient: TestClient, store: Store) -> None:
    a = _file(cclient)["id"]
    b = _file(cclient, service_code="traffic", description="รถติดหนักมากทุกเช้า")["id"]
    assert cclient.get(BASE).status_code == 401
    officer = login(cclient, store, "officer")
    inbox = cclient.get(BASE, params={"status": "open"}, headers=officer).json()
    assert inbox["total"] == 2
    assert [i["id"] for i in inbox["items"]] == [b, a]  # traffic is due first (24 h)
    police = cclient.get(BASE, params={"agency_code": "police-1101"}, headers=officer).json()
    assert [i["id"] for i in police["items"]] == [b]
    page = cclient.get(BASE, params={"limit": 1, "offset": 1}, headers=officer).json()
    assert page["total"] == 2 and [i["id"] for i in page["items"]] == [a]
    assert (page["limit"], page["offset"]) == (1, 1)
    assert cclient.get(BASE, params={"limit": 1001}, headers=officer).status_code == 422
    r = cclient.post(f"{BASE}/{a}/assign", json={"assignee": "somsri"}, headers=officer)
    assert r.json()["assignee"] == "somsri"
    r = cclient.post(f"{BASE}/{a}/notes", json={"note": "นัดรถขยะ", "public": True}, headers=officer)
    assert r.json()["status_notes"] == "นัดรถขยะ"
    r = cclient.post(
        f"{BASE}/{a}/photos",
        data={"stage": "after"},
        files={"photo": ("a.png", PNG, "image/png")},
        headers=officer,
    )
    assert r.status_code == 201
    assert cclient.get(r.json()["url"]).content == PNG
    r = cclient.post(f"{BASE}/{a}/status", json={"status": "rejected"}, headers=officer)
    assert r.status_code == 422 and "needs a note" in r.json()["error"]["message"]
    r = cclient.post(f"{BASE}/{a}/status", json={"status": "done"}, headers=officer)
    assert r.status_code == 422
    detail = cclient.get(f"{BASE}/{a}", headers=officer).json()
    assert [e["kind"] for e in detail["events"]] == ["created", "assigned", "note", "photo"]
    assert detail["events"][1]["actor"] == "officer1"
    assert cclient.post(f"{BASE}/sla-check", headers=officer).json() == {
        "reminded": [],
        "escalated": [],
    }
    ind = cclient.get(f"{BASE}/indicator", params={"period": "2026"}).json()
    assert ind["id"] == "gov_complaints_handled_quickly"


def test_api_keys_admin_only(cclient: TestClient, store: Store) -> None:
    officer = login(cclient, store, "officer")
    assert cclient.post(f"{BASE}/api-keys", json={"label": "x"}, headers=officer).status_code == 403
    admin = login(cclient, store, "admin")
    r = cclient.post(f"{BASE}/api-keys", json={"label": "LINE bot"}, headers=admin)
    assert r.status_code == 201
    key, kid = r.json()["api_key"], r.json()["id"]
    listed = cclient.get(f"{BASE}/api-keys", headers=admin).json()
    assert listed[0]["label"] == "LINE bot" and key not in str(listed)
    assert cclient.delete(f"{BASE}/api-keys/{kid}", headers=admin).status_code == 204
    r = cclient.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "road",
            "lat": CITY_HALL[0],
            "long": CITY_HALL[1],
            "description": "ถนนพัง",
        },
    )
    assert r.status_code == 401


def test_classify_without_model_says_so(cclient: TestClient, tmp_path, monkeypatch) -> None:
    from paknam.core import config

    monkeypatch.setenv("PAKNAM_MODEL_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    try:
        r = cclient.post(f"{BASE}/classify", json={"text": "ไฟดับ"})
        assert r.status_code == 404 and "paknam complaints train" in r.json()["error"]["message"]
    finally:
        config.get_settings.cache_clear()


def test_classifier_suggests_and_submissions_keep_the_suggestion(
    cclient: TestClient, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paknam.complaints.classifier import ComplaintClassifier
    from paknam.complaints.classifier_data import read_traffy_csv
    from paknam.core import config
    from tests.complaints.test_classifier import write_synthetic_csv

    write_synthetic_csv(tmp_path / "t.csv.gz")
    ComplaintClassifier.fit(read_traffy_csv(tmp_path / "t.csv.gz")).save(tmp_path)
    monkeypatch.setenv("PAKNAM_MODEL_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    try:
        r = cclient.post(
            f"{BASE}/classify",
            json={"text": "ไฟถนนดับทั้งซอย มืดมาก", "lat": CITY_HALL[0], "lon": CITY_HALL[1]},
        )
        assert r.status_code == 200
        best = r.json()["suggestions"][0]
        assert best["service_code"] == "lighting" and best["name_en"] == "Street lighting"
        assert best["agency_code"] == "local-1101"
        done = _file(cclient, service_code="road", description="ขยะล้นถังส่งกลิ่นเหม็นมาก")
        officer = login(cclient, store, "officer")
        seen = cclient.get(f"{BASE}/{done['id']}", headers=officer).json()
        assert seen["suggested"][0]["service_code"] == "cleanliness"
        assert seen["suggested"][0]["agency_code"] == "local-1101"
        assert seen["service_code"] == "road"  # the citizen's choice routes; the hint is kept
    finally:
        config.get_settings.cache_clear()


def test_triage_queue_and_officer_settles_the_category(
    cclient: TestClient, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sure guess that disagrees with the citizen goes to the triage queue; the officer's
    category re-routes it and clears the flag."""
    from paknam.complaints.classifier_data import read_traffy_csv
    from paknam.complaints.classifier_train import fit_report_refit
    from paknam.core import config
    from tests.complaints.test_classifier import write_synthetic_csv

    write_synthetic_csv(tmp_path / "t.csv.gz", months=(1, 2, 3), per_month=200)
    fit_report_refit(read_traffy_csv(tmp_path / "t.csv.gz"))[0].save(tmp_path)
    monkeypatch.setenv("PAKNAM_MODEL_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    try:
        agree = _file(cclient, service_code="cleanliness")
        differ = _file(cclient, service_code="road", description="ขยะล้นถังส่งกลิ่นเหม็นมาก")
        officer = login(cclient, store, "officer")
        queue = cclient.get(f"{BASE}?triage=true", headers=officer).json()
        assert [c["id"] for c in queue["items"]] == [differ["id"]]
        assert queue["items"][0]["suggested"][0]["service_code"] == "cleanliness"
        r = cclient.post(
            f"{BASE}/{differ['id']}/triage", json={"service_code": "nope"}, headers=officer
        )
        assert r.status_code == 422 and r.json()["error"]["fields"]
        r = cclient.post(
            f"{BASE}/{differ['id']}/triage",
            json={"service_code": "cleanliness"},
            headers=officer,
        )
        assert r.status_code == 200, r.text
        assert r.json()["service_code"] == "cleanliness" and r.json()["triage"] is False
        assert cclient.get(f"{BASE}?triage=true", headers=officer).json()["total"] == 0
        assert cclient.post(f"{BASE}/{agree['id']}/triage", json={}).status_code in (401, 403)
    finally:
        config.get_settings.cache_clear()
