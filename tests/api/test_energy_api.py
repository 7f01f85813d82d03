"""The /api/v1/energy router on both engines (included here until the lead registers it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.store import Store
from paknam.energy import routes as energy_api
from paknam.energy.demo import COMMUNITY_ID, load_demo_energy
from tests.api.conftest import login
from tests.energy.helpers import ingest_frame, synthetic_pv

SITE = {
    "id": "pv-hall",
    "name_th": "ศาลากลางจังหวัด โซลาร์รูฟ",
    "name_en": "Provincial hall solar roof",
    "lon": 100.5969,
    "lat": 13.5996,
    "irradiance_plane": "poa",
    "meters": ["pv_power", "air_temperature"],
    "arrays": [{"kwp": 8, "tilt_deg": 10, "azimuth_deg": 180, "inverter_ac_kw": 7}],
}


@pytest.fixture
def api(store: Store) -> Iterator[TestClient]:
    app = create_app(store)
    if not any(getattr(r, "path", "").startswith("/api/v1/energy") for r in app.routes):
        app.include_router(energy_api.router)
    with TestClient(app) as c:
        yield c


def test_site_write_needs_officer_and_read_is_geojson(api: TestClient, store: Store) -> None:
    assert api.post("/api/v1/energy/sites", json=SITE).status_code == 401
    viewer = login(api, store, "viewer")
    assert api.post("/api/v1/energy/sites", json=SITE, headers=viewer).status_code == 403
    officer = login(api, store, "officer")
    r = api.post("/api/v1/energy/sites", json=SITE, headers=officer)
    assert r.status_code == 201, r.text
    assert api.post("/api/v1/energy/sites", json=SITE, headers=officer).status_code == 409
    bad = {**SITE, "id": "pv-2", "arrays": [{"kwp": -1, "tilt_deg": 10, "azimuth_deg": 180}]}
    r = api.post("/api/v1/energy/sites", json=bad, headers=officer)
    assert r.status_code == 422 and "kwp" in r.text
    r = api.get("/api/v1/energy/sites")
    assert r.headers["content-type"].startswith("application/geo+json")
    feat = r.json()["features"][0]
    assert feat["geometry"]["coordinates"] == [100.5969, 13.5996]
    assert feat["properties"]["name_th"] and feat["properties"]["simulated"] is False
    assert (r.json()["limit"], r.json()["offset"]) == (100, 0)
    assert api.get("/api/v1/energy/sites", params={"offset": 1}).json()["features"] == []
    assert api.get("/api/v1/energy/sites/nope").status_code == 404


def test_performance_flags_and_upload(api: TestClient, store: Store, tmp_path: Path) -> None:
    officer = login(api, store, "officer")
    assert api.post("/api/v1/energy/sites", json=SITE, headers=officer).status_code == 201
    import numpy as np

    frame = synthetic_pv(40, factor=np.r_[np.full(20, 0.8), np.full(20, 0.45)])
    ingest_frame(store, "pv-hall", frame, {"poa": "poa_irradiance", "pv": "pv_power"})
    q = {"start": "2024-01-01T00:00:00+07:00", "end": "2024-02-10T00:00:00+07:00"}
    r = api.get("/api/v1/energy/sites/pv-hall/performance", params=q)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["irradiance_basis"] == "measured_poa" and len(body["days"]) == 40
    assert body["days"][3]["e_expected_kwh"] > body["days"][3]["e_ac_kwh"] > 0
    flags = api.get("/api/v1/energy/sites/pv-hall/flags", params=q).json()["flags"]
    assert [f["start"] for f in flags if f["kind"] == "step_drop"] == ["2024-01-21"]
    bad = api.get("/api/v1/energy/sites/pv-hall/performance", params={"start": "2024-01-01"})
    assert bad.status_code == 422 and "offset" in bad.text
    csv = "time,pv_kw\n2024-03-01T12:00:00+07:00,3.1\n2024-03-01T12:15:00+07:00,x\n"
    files = {"file": ("m.csv", csv.encode(), "text/csv")}
    r = api.post("/api/v1/energy/sites/pv-hall/readings", files=files, headers=officer)
    assert r.status_code == 422 and r.json()["error"]["items"][0]["index"] == 3
    r = api.post(
        "/api/v1/energy/sites/pv-hall/readings",
        files=files,
        params={"skip_invalid": "true"},
        headers=officer,
    )
    assert r.status_code == 200 and r.json()["stored"] == 1 and r.json()["errors"]
    r = api.post("/api/v1/energy/checks", headers=officer)
    assert r.status_code == 200


def test_community_statement_balance_indicator(
    api: TestClient, store: Store, tmp_path: Path
) -> None:
    load_demo_energy(store, shared_dir=tmp_path)
    officer = login(api, store, "officer")
    c = api.get(f"/api/v1/energy/communities/{COMMUNITY_ID}").json()
    assert c["simulated"] is True and len(c["members"]) == 6
    url = f"/api/v1/energy/communities/{COMMUNITY_ID}/settlements"
    assert api.post(url, params={"month": "2016-08"}).status_code == 401
    r = api.post(url, params={"month": "2016-08"}, headers=officer)
    assert r.status_code == 201, r.text
    st = api.get(f"/api/v1/energy/communities/{COMMUNITY_ID}/statements/2016-08").json()
    assert st["settled"] and st["runs"][0]["created_by"] == "officer1"
    assert st["members"][0]["entries"]["grid_import"]["name_en"].startswith("Bought")
    bal = api.get("/api/v1/energy/balance", params={"year": 2016}).json()
    assert [m["period"] for m in bal["months"]] == ["2016-08", "2016-09", "2016-10"]
    assert bal["includes_simulated"] is True and "TGO" in bal["emission_factor_source"]
    site = api.get("/api/v1/energy/sites/sim-citylearn-b01/balance", params={"year": 2016})
    assert site.json()["total"]["self_consumption"] > 0
    ind = api.get("/api/v1/energy/indicator", params={"year": 2016}).json()
    for key in (
        "id",
        "name_th",
        "name_en",
        "unit",
        "value",
        "target",
        "baseline",
        "period",
        "status",
    ):
        assert key in ind
    assert ind["status"] == "insufficient_data"
