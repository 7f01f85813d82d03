"""``GET /api/v1/warnings``: citizens see the kinds meant for them; officers see all."""

from __future__ import annotations

from fastapi.testclient import TestClient

from paknam.core.store import Store
from paknam.core.timeutil import now_s
from paknam.core.warnings import Signal
from tests.api.conftest import login
from tests.conftest import add_air_station


def _signal(domain: str, kind: str) -> Signal:
    return Signal(
        domain=domain,
        kind=kind,
        station_id="18t",
        severity="moderate",
        headline_th="หัวข้อ",
        headline_en="Headline",
        description_th="รายละเอียด",
        description_en="Details",
        observed_at=now_s() - 600,
    )


def test_officer_only_warnings_are_hidden_from_the_public(client: TestClient, store: Store) -> None:
    add_air_station(store)
    store.sync_warnings("environment", [_signal("environment", "aqi")], evaluated=["18t"],
                        kinds=["aqi"])  # fmt: skip
    store.sync_warnings("energy", [_signal("energy", "energy_outage")], evaluated=["18t"],
                        kinds=["energy_outage"])  # fmt: skip
    public = client.get("/api/v1/warnings").json()
    assert [w["kind"] for w in public] == ["aqi"]
    officer = login(client, store, "officer")
    seen = client.get("/api/v1/warnings", headers=officer).json()
    assert sorted(w["kind"] for w in seen) == ["aqi", "energy_outage"]
    bad = client.get("/api/v1/warnings", headers={"Authorization": "Bearer pks_nonsense"})
    assert bad.status_code == 401
