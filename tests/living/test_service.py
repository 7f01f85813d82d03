"""The forecast service end to end on the simulated station (both engines)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.store import Store
from paknam.living import store as living_store
from paknam.living.demo import SIMULATED_ID, load_simulated_water_level
from paknam.living.service import run_forecasts
from tests.api.conftest import login

NOW = 1_767_200_400 + 200 * 86400  # 2026-07-20


def test_forecast_service_issues_stores_and_warns(store: Store) -> None:
    load_simulated_water_level(store, now=NOW)
    report = run_forecasts(store, now=NOW)
    (run,) = report.stations
    assert run.skipped is None and run.trained
    assert run.seasonal_prior  # 200 days at a Samut Prakan station: the PSMSL prior is used
    issue = NOW - NOW % 3600
    assert run.issued_at == issue
    with store.read() as conn:
        fc = living_store.latest_forecast(conn, SIMULATED_ID)
    points = fc["points"]
    assert [p["lead_h"] for p in points] == list(range(1, 73))
    for p in points:
        assert p["lo95"] <= p["lo80"] <= p["value"] <= p["hi80"] <= p["hi95"]
        assert abs(p["tide"] + p["residual"] - p["value"]) < 1e-9
    # force a warning: lower the levels under the forecast peak, run again (no retrain)
    peak = max(p["value"] for p in points)
    with store.write() as conn:
        living_store.set_warning_levels(
            conn,
            SIMULATED_ID,
            {"watch": peak - 0.3, "warning": peak - 0.2, "danger": peak - 0.1},
            "test",
        )
    again = run_forecasts(store, now=NOW)
    assert not again.stations[0].trained and len(again.raised) == 1
    (w,) = store.list_warnings(domain="living")
    assert (w["kind"], w["severity"], w["station_id"]) == ("water_level", "severe", SIMULATED_ID)
    assert w["expected_at"] is not None and 0 < w["probability"] <= 1
    with store.write() as conn:
        living_store.set_warning_levels(
            conn, SIMULATED_ID, {"danger": 19.0, "warning": 18.0, "watch": 17.0}, "test"
        )
    cleared = run_forecasts(store, now=NOW)
    assert cleared.cleared == again.raised
    with store.read() as conn:
        assert living_store.count_forecasts(conn, SIMULATED_ID) == 1  # same issue time


def test_forecast_service_skips_stale_station(store: Store) -> None:
    load_simulated_water_level(store, now=NOW)
    report = run_forecasts(store, now=NOW + 3 * 86400)
    assert "h old" in (report.stations[0].skipped or "")


def test_forecast_api(store: Store) -> None:
    load_simulated_water_level(store, now=NOW)
    with TestClient(create_app(store)) as client:
        r = client.get(f"/api/v1/stations/{SIMULATED_ID}/forecast")
        assert r.status_code == 404 and "paknam forecast run" in r.json()["error"]["message"]
        officer = login(client, store, "officer")
        r = client.put(
            f"/api/v1/stations/{SIMULATED_ID}/warning-levels",
            json={"watch": 1.5, "warning": 1.4},
            headers=officer,
        )
        assert r.status_code == 422 and "must rise" in r.json()["error"]["message"]
        run_forecasts(store, now=NOW)
        body = client.get(f"/api/v1/stations/{SIMULATED_ID}/forecast").json()
        assert body["simulated"] is True and body["datum"] == "MSL (simulated)"
        assert len(body["points"]) == 72
        assert body["warning_levels"] == {"watch": 1.0, "warning": 1.1, "danger": 1.2}
        r = client.get("/api/v1/stations/18t/forecast")
        assert r.status_code == 404
