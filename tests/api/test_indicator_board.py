"""The indicator board: every indicator of the proposal, from each domain, in one shape."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from paknam.api import indicators as board_module

EXPECTED = {
    "env_good_air_time",
    "env_wqi",
    "living_monitored_length",
    "living_warning_lead_time",
    "living_warning_accuracy",
    "gov_people_reachable",
    "gov_alert_delivery_time",
    "gov_complaints_handled_quickly",
    "energy_alternative_share",
    "economy_tourists",
    "economy_tourism_revenue",
    "people_teachers_trained",
    "people_schools_covered",
    "people_students_pbl_devices",
}
KEYS = {"id", "domain", "name_th", "name_en", "unit", "value", "target", "baseline", "period",
        "status"}  # fmt: skip
STATUSES = {"on_track", "off_track", "insufficient_data", "no_data"}


def test_board_lists_every_indicator_in_one_shape(client: TestClient) -> None:
    r = client.get("/api/v1/indicators", params={"year": 2026, "fresh": True})
    assert r.status_code == 200, r.text
    records = r.json()
    assert {i["id"] for i in records} == EXPECTED
    for i in records:
        assert set(i) >= KEYS, i["id"]
        assert i["status"] in STATUSES, (i["id"], i["status"])
        assert i["name_th"] and i["name_en"]
    # an empty store: nothing is claimed
    reach = next(i for i in records if i["id"] == "gov_people_reachable")
    assert reach["value"] == 0 and reach["status"] == "off_track"
    assert next(i for i in records if i["id"] == "env_wqi")["value"] is None


def test_a_failing_domain_does_not_take_the_board_down(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(store, year):  # type: ignore[no-untyped-def]
        raise RuntimeError("tourism table missing")

    registered = [
        dataclasses.replace(d, indicators=broken) if d.name == "economy" else d
        for d in board_module.domains()
    ]
    monkeypatch.setattr(board_module, "domains", lambda: registered)
    records = client.get("/api/v1/indicators", params={"fresh": True}).json()
    err = next(i for i in records if i["domain"] == "economy")
    assert err["status"] == "error" and "tourism table missing" in err["details"]["error"]
    assert any(i["id"] == "people_teachers_trained" for i in records)


def test_board_is_cached_unless_fresh(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    real = board_module.board
    monkeypatch.setattr(board_module, "board", lambda s, y: calls.append(y) or real(s, y))
    client.get("/api/v1/indicators", params={"year": 2025, "fresh": True})
    client.get("/api/v1/indicators", params={"year": 2025})
    assert calls == [2025]
    client.get("/api/v1/indicators", params={"year": 2025, "fresh": True})
    assert calls == [2025, 2025]
