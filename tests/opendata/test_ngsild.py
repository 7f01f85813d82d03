"""NGSI-LD read at ``/ngsi-ld/v1/`` on the demo data: the same entities as the export
``/api/v1/environment/ngsi-ld``, the Smart Data Models context, queries and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from paknam.core.store import Store
from paknam.governance import service as governance
from paknam.governance.alerts import AlertSpec
from tests.opendata.conftest import OpenServer
from tests.web.conftest import Server, serve

LD = {"Accept": "application/ld+json"}
SDM_ENVIRONMENT = "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld"


def _get(server: Server, path: str, headers: dict[str, str] | None = None, **params: Any):  # type: ignore[no-untyped-def]
    return httpx.get(f"{server.url}/ngsi-ld/v1/{path}", params=params, headers=headers, timeout=60)


def _ok(server: Server, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    r = _get(server, path, headers, **params)
    assert r.status_code == 200, r.text
    return r.json()


def test_air_quality_entities_are_the_exports_newest(open_server: OpenServer) -> None:
    found = _ok(open_server, "entities", LD, type="AirQualityObserved", limit=1000)
    assert found and all(e["type"] == "AirQualityObserved" for e in found)
    stations = {s.id: s for s in open_server.store.list_stations()}
    for e in found:
        station = e["id"].removeprefix("urn:ngsi-ld:AirQualityObserved:paknam:")
        assert station in stations
        assert e["@context"][0] == SDM_ENVIRONMENT
        when = e["dateObserved"]["value"]["@value"]
        after = (datetime.fromisoformat(when) + timedelta(seconds=1)).isoformat()
        export = httpx.get(
            f"{open_server.url}/api/v1/environment/ngsi-ld",
            params={"station": station, "start": when, "end": after},
        ).json()
        assert len(export) == 1
        assert {**export[0], "id": e["id"]} == e
    # by id, with the context linked instead of embedded for plain JSON
    one = _get(open_server, f"entities/{found[0]['id']}")
    assert one.status_code == 200
    assert "@context" not in one.json() and SDM_ENVIRONMENT in one.headers["Link"]
    assert one.json() == {k: v for k, v in found[0].items() if k != "@context"}


def test_water_quality_and_types(open_server: OpenServer) -> None:
    types = _ok(open_server, "types")["typeList"]
    assert set(types) == {"AirQualityObserved", "WaterQualityObserved", "Alert"}
    water = _ok(open_server, "entities", type="WaterQualityObserved", limit=1000)
    assert water and all(
        e["id"].startswith("urn:ngsi-ld:WaterQualityObserved:paknam:") for e in water
    )
    both = _ok(open_server, "entities", type="AirQualityObserved,WaterQualityObserved", limit=1000)
    assert len(both) == len(water) + len(
        _ok(open_server, "entities", type="AirQualityObserved", limit=1000)
    )


def test_query_attrs_key_values_paging_and_count(open_server: OpenServer) -> None:
    everything = _ok(open_server, "entities", type="AirQualityObserved", limit=1000)
    with_aqi = [e for e in everything if "airQualityIndex" in e]
    assert with_aqi
    threshold = sorted(e["airQualityIndex"]["value"] for e in with_aqi)[len(with_aqi) // 2]
    high = _ok(
        open_server,
        "entities",
        type="AirQualityObserved",
        q=f"airQualityIndex>={threshold}",
        limit=1000,
    )
    assert {e["id"] for e in high} == {
        e["id"] for e in with_aqi if e["airQualityIndex"]["value"] >= threshold
    }
    name = everything[0]["name"]["value"]
    named = _ok(
        open_server, "entities", type="AirQualityObserved", q=f'name=="{name}"|airQualityIndex<0'
    )
    assert [e["id"] for e in named] == [e["id"] for e in everything if e["name"]["value"] == name]
    kv = _ok(
        open_server,
        "entities",
        type="AirQualityObserved",
        attrs="name,location",
        options="keyValues",
        limit=2,
    )
    assert set(kv[0]) == {"id", "type", "name", "location"} and isinstance(kv[0]["name"], str)
    r = _get(open_server, "entities", type="AirQualityObserved", limit=1, offset=1, count="true")
    assert r.headers["NGSILD-Results-Count"] == str(len(everything))
    assert [e["id"] for e in r.json()] == [everything[1]["id"]]
    assert len(_ok(open_server, "entities", type="AirQualityObserved")) == min(20, len(everything))
    pattern = _ok(
        open_server, "entities", idPattern=r"urn:ngsi-ld:AirQualityObserved:paknam:1.*", limit=1000
    )
    assert pattern and all(e["id"].split(":")[-1].startswith("1") for e in pattern)


def test_geo_queries(open_server: OpenServer) -> None:
    everything = _ok(open_server, "entities", type="AirQualityObserved", limit=1000)
    lon, lat = everything[0]["location"]["value"]["coordinates"]
    near = _ok(open_server, "entities", type="AirQualityObserved", georel="near;maxDistance==200",
               geometry="Point", coordinates=f"[{lon},{lat}]", limit=1000)  # fmt: skip
    assert everything[0]["id"] in {e["id"] for e in near}
    box = [[[lon - 0.001, lat - 0.001], [lon + 0.001, lat - 0.001], [lon + 0.001, lat + 0.001],
            [lon - 0.001, lat + 0.001], [lon - 0.001, lat - 0.001]]]  # fmt: skip
    within = _ok(open_server, "entities", type="AirQualityObserved", georel="within",
                 geometry="Polygon", coordinates=str(box), limit=1000)  # fmt: skip
    assert [e["id"] for e in within] == [
        e["id"] for e in near if e["id"] in {x["id"] for x in within}
    ]
    assert everything[0]["id"] in {e["id"] for e in within}
    far = _ok(open_server, "entities", type="AirQualityObserved", georel="near;minDistance==200",
              geometry="Point", coordinates=f"[{lon},{lat}]", limit=1000)  # fmt: skip
    assert everything[0]["id"] not in {e["id"] for e in far}


@pytest.fixture(scope="module")
def alert_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A store of its own with two active alerts (one by district, one by polygon) and
    one cancelled: the demo's alerts have expired by now."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('ngsild') / 'alerts.sqlite3'}")

    def spec(**kw: Any) -> AlertSpec:
        fields: dict[str, Any] = {
            "topic": "flood", "severity": "severe", "headline_th": "น้ำทะเลหนุนสูง",
            "headline_en": "High tide", "description_th": "ระดับน้ำสูงกว่าตลิ่ง",
            "description_en": "Water above the bank", "districts": ["1101"],
        }  # fmt: skip
        return AlertSpec(**{**fields, **kw})

    governance.create_alert(store, spec(), "officer1")
    square = [[100.55, 13.55], [100.65, 13.55], [100.65, 13.65], [100.55, 13.65], [100.55, 13.55]]
    governance.create_alert(
        store,
        spec(topic="air", severity="moderate", districts=[],
             polygon={"type": "Polygon", "coordinates": [square]}),
        "officer1",
    )  # fmt: skip
    gone = governance.create_alert(store, spec(headline_en="Gone"), "officer1")
    governance.cancel_alert(store, gone["id"], "officer1")
    for url in serve(store):
        yield Server(url, store)
    store.close()


def test_alerts_are_the_active_public_alerts(alert_server: Server) -> None:
    active = httpx.get(f"{alert_server.url}/api/v1/alerts", params={"state": "active"}).json()[
        "alerts"
    ]
    assert len(active) == 2
    alerts = _ok(alert_server, "entities", LD, type="Alert", limit=1000)
    assert {e["id"] for e in alerts} == {f"urn:ngsi-ld:Alert:paknam:{a['id']}" for a in active}
    by_severity = {e["severity"]["value"]: e for e in alerts}
    assert set(by_severity) == {"high", "medium"}
    flood, air = by_severity["high"], by_severity["medium"]
    assert flood["category"]["value"] == "weather" and air["category"]["value"] == "environment"
    assert flood["location"]["value"]["type"] in ("Polygon", "MultiPolygon")  # the district
    assert air["location"]["value"]["coordinates"][0][0] == [100.55, 13.55]
    for e in alerts:
        assert e["@context"][0].endswith("dataModel.Alert/master/context.jsonld")
        assert e["alertSource"]["value"].endswith(".xml")
        assert e["name"]["value"] == "น้ำทะเลหนุนสูง"
    near_flood = _ok(alert_server, "entities", type="Alert", georel="intersects",
                     geometry="Point", coordinates="[100.6, 13.6]")  # fmt: skip
    assert {e["id"] for e in near_flood} >= {air["id"]}
    one = _ok(alert_server, f"entities/{flood['id']}")
    assert one["severity"]["value"] == "high" and "@context" not in one


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({}, "type"),
        ({"type": "Parking"}, "type"),
        ({"type": "Alert", "limit": "x"}, "limit"),
        ({"type": "Alert", "limit": "5000"}, "limit"),
        ({"type": "Alert", "q": "severity=="}, "q"),
        (
            {"type": "Alert", "georel": "near", "geometry": "Point", "coordinates": "[100,13]"},
            "georel",
        ),
        (
            {"type": "Alert", "georel": "within", "geometry": "Polygon", "coordinates": "[1"},
            "coordinates",
        ),
        ({"type": "Alert", "georel": "within"}, "georel"),
        ({"type": "Alert", "idPattern": "("}, "idPattern"),
        ({"type": "Alert", "idPattern": "[a-"}, "idPattern"),
        ({"idPattern": "(u+)+$"}, "idPattern"),  # would backtrack for ages
        ({"idPattern": "u.*r.*n.*:.*x"}, "idPattern"),
        ({"type": "Alert", "options": "nonsense"}, "options"),
    ],
)
def test_bad_queries_are_400_problem_details(
    open_server: OpenServer, params: dict[str, str], param: str
) -> None:
    r = _get(open_server, "entities", **params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["type"] == "https://uri.etsi.org/ngsi-ld/errors/BadRequestData"
    assert body["error"]["fields"][0]["field"] == param


def test_unknown_entities_are_404(open_server: OpenServer) -> None:
    for eid in (
        "urn:ngsi-ld:AirQualityObserved:paknam:nope",
        "urn:ngsi-ld:Alert:paknam:999999",
        "x",
    ):
        r = _get(open_server, f"entities/{eid}")
        assert r.status_code == 404
        assert r.json()["type"] == "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound"
