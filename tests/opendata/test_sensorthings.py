"""The SensorThings API v1.1 at ``/sta/v1.1/``, read with ``frost-sta-client`` (and httpx
for what the client does not send) against a running server, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import frost_sta_client as fsc
import httpx
import pytest
import requests
from frost_sta_client.service.auth_handler import AuthHandler

from paknam.core.models import StationCreate
from paknam.core.store import Store
from tests.conftest import _reset
from tests.opendata.conftest import OpenServer
from tests.web.conftest import serve

HOURS = 48

# frost-sta-client calls furl's deprecated ``pathstr``
pytestmark = pytest.mark.filterwarnings("ignore:furl.pathstr is deprecated:DeprecationWarning")


@dataclass
class Sta:
    url: str
    store: Store
    key: str  # device key of station 18t
    other_key: str  # device key of station 19t

    @property
    def root(self) -> str:
        return self.url + "/sta/v1.1"

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.root}/{path}", params=params, timeout=30)

    def ok(self, path: str, **params: Any) -> Any:
        r = self.get(path, **params)
        assert r.status_code == 200, r.text
        return r.json()

    def service(self, key: str | None = None) -> fsc.SensorThingsService:
        return fsc.SensorThingsService(self.root, auth_handler=Bearer(key) if key else None)


class Bearer(AuthHandler):
    """A device key as ``Authorization: Bearer`` (frost-sta-client's handler sends Basic)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def add_auth_header(self) -> Any:
        key = self.key

        class _Auth(requests.auth.AuthBase):
            def __call__(self, r: Any) -> Any:
                r.headers["Authorization"] = f"Bearer {key}"
                return r

        return _Auth()


def _time(h: int) -> str:
    """Thai time of hour ``h`` counted from 2025-01-01 00:00 +07:00."""
    return f"2025-01-{1 + h // 24:02d}T{h % 24:02d}:00:00+07:00"


def _load(store: Store) -> None:
    def station(sid: str, kind: str, lon: float, lat: float, quantities: list[str]) -> None:
        store.add_station(
            StationCreate(
                id=sid,
                name_th=f"สถานี {sid}",
                name_en=f"Station {sid}",
                kind=kind,
                lon=lon,
                lat=lat,
                quantities=quantities,  # type: ignore[arg-type]
            )
        )

    station("18t", "air", 100.597345, 13.599149, ["pm25", "pm10"])
    station("19t", "air", 100.70, 13.70, ["pm25"])
    station("wx1", "weather", 100.55, 13.65, ["air_temperature"])
    items = []
    for h in range(HOURS):
        items.append({"station": "18t", "quantity": "pm25", "time": _time(h), "value": 10 + h % 24})
        items.append({"station": "18t", "quantity": "pm10", "time": _time(h), "value": 40 + h})
        items.append({"station": "19t", "quantity": "pm25", "time": _time(h), "value": 5.5 + h})
    for h in range(24):
        items.append(
            {
                "station": "wx1",
                "quantity": "air_temperature",
                "time": _time(h),
                "value": 25.25 + h / 4,
            }
        )
    store.ingest_items(items)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def sta(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sta]:
    if request.param == "sqlite":
        store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('sta') / 'sta.sqlite3'}")
    else:
        store = request.getfixturevalue("_pg_store")
        _reset(store)
    _load(store)
    key = store.create_device_key(["18t"], "sta test")[1]
    other = store.create_device_key(["19t"], "sta test")[1]
    for url in serve(store):
        yield Sta(url, store, key, other)
    if request.param == "sqlite":
        store.close()


def _datastream(sta: Sta, station: str, quantity: str) -> int:
    found = sta.ok(
        "Datastreams",
        **{"$filter": f"Thing/id eq '{station}' and ObservedProperty/id eq '{quantity}'"},
    )["value"]
    assert len(found) == 1, found
    return int(found[0]["@iot.id"])


# ---- the walk, with the standard client -------------------------------------------------


def test_frost_client_walks_things_datastreams_observations(sta: Sta) -> None:
    service = sta.service()
    things = {t.id: t for t in service.things().query().list()}
    assert set(things) == {"18t", "19t", "wx1"}
    thing = service.things().find("18t")
    assert thing.name == "สถานี 18t" and thing.properties["kind"] == "air"
    streams = {d.name: d for d in thing.get_datastreams().query().list()}
    assert len(streams) == 2
    pm25 = next(d for d in streams.values() if d.properties["quantity"] == "pm25")
    assert pm25.unit_of_measurement.symbol == "µg/m³"
    assert pm25.unit_of_measurement.definition.startswith("http://qudt.org/vocab/unit/")
    assert pm25.observation_type.endswith("OM_Measurement")
    assert pm25.phenomenon_time == f"{_time(0)}/{_time(HOURS - 1)}"
    # filter by time, ordered: hours 5..9 of the first day
    observations = (
        pm25.get_observations()
        .query()
        .filter(f"phenomenonTime ge {_time(5)} and phenomenonTime lt {_time(10)}")
        .orderby("phenomenonTime", "ASC")
        .list()
    )
    got = [(o.phenomenon_time, o.result) for o in observations]
    assert got == [(_time(h), 10.0 + h) for h in range(5, 10)]
    # paging: 48 observations 10 at a time, the client follows @iot.nextLink
    paged = pm25.get_observations().query().top(10).list()
    assert len(list(paged)) == HOURS
    # and back up from an observation to its thing and its feature
    first = service.observations().find(observations.get(0).id)
    assert first.result == 15.0
    up = sta.ok(f"Observations({first.id})/Datastream/Thing")
    assert up["@iot.id"] == "18t"
    foi = sta.ok(f"Observations({first.id})/FeatureOfInterest")
    assert foi["feature"] == {"type": "Point", "coordinates": [100.597345, 13.599149]}


def test_the_same_values_as_api_v1_for_every_series(sta: Sta) -> None:
    for station, quantity in (
        ("18t", "pm25"),
        ("18t", "pm10"),
        ("19t", "pm25"),
        ("wx1", "air_temperature"),
    ):
        ds = _datastream(sta, station, quantity)
        v1 = httpx.get(
            f"{sta.url}/api/v1/stations/{station}/series",
            params={"quantity": quantity, "start": _time(0), "end": _time(HOURS)},
        ).json()["points"]
        entities = sta.service().datastreams().find(ds).get_observations().query().top(7).list()
        sta_points = sorted((o.phenomenon_time, o.result) for o in entities)
        assert sta_points == [(p["time"], p["value"]) for p in v1]
        assert len(v1) in (24, HOURS)


def test_expand_nested_select_and_count(sta: Sta) -> None:
    things = sta.ok(
        "Things",
        **{
            "$filter": "id eq '18t'",
            "$expand": "Locations,Datastreams($orderby=id;$expand=ObservedProperty,"
            "Observations($top=2;$orderby=result desc;$count=true))",
        },
    )["value"]
    (thing,) = things
    assert thing["Locations"][0]["location"]["type"] == "Point"
    ds = thing["Datastreams"]
    assert [d["ObservedProperty"]["@iot.id"] for d in ds] == ["pm25", "pm10"]
    assert [o["result"] for o in ds[0]["Observations"]] == [33.0, 33.0]
    assert ds[1]["Observations@iot.count"] == HOURS
    assert "$orderby=result+desc" in httpx.URL(
        ds[0]["Observations@iot.nextLink"]
    ).query.decode().replace("%24", "$")
    assert "Thing@iot.navigationLink" in ds[0]
    # $select keeps only what is named
    sel = sta.ok("Datastreams", **{"$select": "id,name", "$count": "true", "$top": "1"})
    assert sel["@iot.count"] == 4 and set(sel["value"][0]) == {"@iot.id", "name"}
    assert sel["@iot.nextLink"].endswith("%24skip=1") or "skip=1" in sel["@iot.nextLink"]
    # a path in $expand is a nested expand
    d = sta.ok(f"Datastreams({ds[0]['@iot.id']})", **{"$expand": "Thing/Locations,Sensor"})
    assert d["Thing"]["Locations"][0]["@iot.id"] == "18t"
    assert d["Sensor"]["@iot.id"] == "air"
    root = sta.ok("")
    assert {v["name"] for v in root["value"]} >= {"Things", "Observations", "FeaturesOfInterest"}
    assert any("request-data" in c for c in root["serverSettings"]["conformance"])


AROUND_CITY_HALL = (
    "geography'POLYGON((100.55 13.55, 100.65 13.55, 100.65 13.62, 100.55 13.62, 100.55 13.55))'"
)


@pytest.mark.parametrize(
    ("path", "flt", "expected"),
    [
        ("Things", "id eq '18t' or id eq 'wx1'", ["18t", "wx1"]),
        ("Things", "not (id ne '19t')", ["19t"]),
        ("Things", "properties/kind eq 'air' and startswith(id, '1')", ["18t", "19t"]),
        ("Things", "substringof('wx', id)", ["wx1"]),
        ("Things", "endswith(name, '9t') or contains(tolower(description), 'wx1')", ["19t", "wx1"]),
        ("Things", "length(id) add 1 eq 4 and toupper(id) eq 'WX1'", ["wx1"]),
        ("Things", "Datastreams/ObservedProperty/id eq 'pm10'", ["18t"]),
        ("Things", f"geo.intersects(Locations/location, {AROUND_CITY_HALL})", ["18t"]),
        ("Locations", f"geo.intersects(location, {AROUND_CITY_HALL})", ["18t"]),
        ("Locations", f"st_within(location, {AROUND_CITY_HALL})", ["18t"]),
        ("Locations", f"not st_within(location, {AROUND_CITY_HALL})", ["19t", "wx1"]),
        ("Locations", "geo.distance(location, geography'POINT(100.7 13.7)') lt 0.01", ["19t"]),
        ("FeaturesOfInterest", f"st_intersects(feature, {AROUND_CITY_HALL})", ["18t"]),
        (
            "ObservedProperties",
            "id eq 'pm25' or name eq 'Air temperature'",
            ["air_temperature", "pm25"],
        ),
        ("Sensors", "Datastreams/Thing/id eq 'wx1'", ["weather"]),
        ("Datastreams", "unitOfMeasurement/symbol eq '°C'", ["wx1:air_temperature"]),
        # an interval is before a time when it ends before it, after when it starts after
        ("Datastreams", f"phenomenonTime gt {_time(30)}", []),
        ("Datastreams", f"phenomenonTime lt {_time(30)}", ["wx1:air_temperature"]),
        (
            "Datastreams",
            f"phenomenonTime ge {_time(0)}",
            ["18t:pm25", "18t:pm10", "19t:pm25", "wx1:air_temperature"],
        ),
        (
            "Datastreams",
            "Thing/properties/kind eq 'weather' or ObservedProperty/id eq 'pm10'",
            ["18t:pm10", "wx1:air_temperature"],
        ),
    ],
)
def test_filter_on_entities(sta: Sta, path: str, flt: str, expected: list[str]) -> None:
    got = sta.ok(path, **{"$filter": flt})["value"]
    if path == "Datastreams":
        names = [f"{d['properties']['station_id']}:{d['properties']['quantity']}" for d in got]
        assert sorted(names) == sorted(expected)
    else:
        assert sorted(str(e["@iot.id"]) for e in got) == sorted(expected)


@pytest.mark.parametrize(
    ("flt", "values"),
    [
        (f"phenomenonTime ge {_time(3)} and phenomenonTime le {_time(5)}", [13.0, 14.0, 15.0]),
        (f"resultTime gt {_time(44)}", [31.0, 32.0, 33.0]),
        ("phenomenonTime lt 2024-12-31T17:02:00Z", [10.0]),  # the same instant in UTC
        ("phenomenonTime ge 2025-01-01T00:00:00 07:00 and result lt 11", [10.0, 10.0]),  # '+' lost
        (f"phenomenonTime lt {_time(2)[:-6]}.5+07:00", [10.0, 11.0, 12.0]),
        (f"phenomenonTime le {_time(2)[:-6]}.5+07:00", [10.0, 11.0, 12.0]),
        (f"phenomenonTime gt {_time(45)[:-6]}.5+07:00", [32.0, 33.0]),
        (f"phenomenonTime eq {_time(2)[:-6]}.5+07:00", []),
        ("result add 1 gt 33 and result mul 2 le 66", [33.0, 33.0]),
        (
            "result sub 10 eq 0 or "
            "(result div 2 eq 16 and not (phenomenonTime gt 2025-01-02T00:00:00+07:00))",
            [10.0, 32.0, 10.0],
        ),
        ("- result lt -32", [33.0, 33.0]),
        ("20 sub result gt 9", [10.0, 10.0]),
        ("result eq null", []),
        (f"Datastream/ObservedProperty/id eq 'pm25' and phenomenonTime eq {_time(1)}", [11.0]),
    ],
)
def test_filter_on_observations_runs_in_the_database(
    sta: Sta, flt: str, values: list[float]
) -> None:
    ds = _datastream(sta, "18t", "pm25")
    got = sta.ok(
        f"Datastreams({ds})/Observations", **{"$filter": flt, "$orderby": "phenomenonTime"}
    )["value"]
    assert [o["result"] for o in got] == values


def test_observations_across_datastreams(sta: Sta) -> None:
    everything = sta.ok("Observations", **{"$count": "true", "$top": "0"})
    assert everything["@iot.count"] == 3 * HOURS + 24 and everything["value"] == []
    only = sta.ok(
        "Observations",
        **{
            "$filter": "Datastream/Thing/id eq '19t' and result gt 51",
            "$orderby": "result desc",
            "$expand": "Datastream($select=id,name)",
            "$count": "true",
        },
    )
    assert only["@iot.count"] == 2 and [o["result"] for o in only["value"]] == [52.5, 51.5]
    assert set(only["value"][0]["Datastream"]) == {"@iot.id", "name"}
    near = sta.ok(
        "Observations",
        **{"$filter": f"st_within(FeatureOfInterest/feature, {AROUND_CITY_HALL}) and result ge 87"},
    )
    assert [o["result"] for o in near["value"]] == [87.0]
    foi = sta.ok("FeaturesOfInterest('wx1')/Observations", **{"$count": "true", "$top": "1"})
    assert foi["@iot.count"] == 24 and foi["value"][0]["result"] == 25.25


@pytest.mark.parametrize(
    ("params", "option"),
    [
        ({"$top": "-1"}, "$top"),
        ({"$top": "10001"}, "$top"),
        ({"$skip": "x"}, "$skip"),
        ({"$count": "yes"}, "$count"),
        ({"$filter": "name eq"}, "$filter"),
        ({"$filter": "name eq 'x"}, "$filter"),
        ({"$filter": "nosuch eq 1"}, "$filter"),
        ({"$filter": "frobnicate(name)"}, "$filter"),
        ({"$orderby": "nosuch desc"}, "$orderby"),
        ({"$select": "nosuch"}, "$select"),
        ({"$expand": "Observations"}, "$expand"),
        ({"$expand": "Datastreams($top=x)"}, "$top"),
        ({"$expand": "Datastreams($filter=)"}, "$filter"),
        ({"$format": "csv"}, "$format"),
    ],
)
def test_bad_options_are_400_naming_the_option(
    sta: Sta, params: dict[str, str], option: str
) -> None:
    r = sta.get("Things", **params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == 400 and body["message"]
    assert body["error"]["fields"][0]["field"] == option


@pytest.mark.parametrize(
    "flt",
    [
        "result gt phenomenonTime",
        "result mul result gt 4",
        "year(phenomenonTime) eq 2025",
        "phenomenonTime gt 5",
        "result gt 2025-01-01T00:00:00Z",
        "id eq 1",
        "phenomenonTime add 1 gt 2025-01-01T00:00:00Z",
    ],
)
def test_observation_filters_not_offered_are_400(sta: Sta, flt: str) -> None:
    r = sta.get("Observations", **{"$filter": flt})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["fields"][0]["field"] == "$filter"


def test_paths_that_name_nothing_are_404(sta: Sta) -> None:
    for path in (
        "Nothing",
        "Things('nope')",
        "Datastreams(999999)",
        "Things('18t')/Sensor",
        "Observations(5)",
        "Things/Datastreams",
    ):
        r = sta.get(path)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["error"]["code"] == "not_found"


# ---- creating Observations -------------------------------------------------------------


def test_create_observation_needs_the_stations_device_key(sta: Sta) -> None:
    ds = _datastream(sta, "18t", "pm25")
    body = {"phenomenonTime": "2025-01-03T00:00:00+07:00", "result": 42.5}
    url = f"{sta.root}/Datastreams({ds})/Observations"
    assert httpx.post(url, json=body).status_code == 401
    assert (
        httpx.post(url, json=body, headers={"Authorization": "Bearer pkd_wrong"}).status_code == 401
    )
    other = httpx.post(url, json=body, headers={"Authorization": f"Bearer {sta.other_key}"})
    assert other.status_code == 403, other.text
    assert (
        sta.ok(f"Datastreams({ds})/Observations", **{"$count": "true", "$top": "0"})["@iot.count"]
        == HOURS
    )
    made = httpx.post(url, json=body, headers={"Authorization": f"Bearer {sta.key}"})
    assert made.status_code == 201, made.text
    assert made.json()["result"] == 42.5
    read_back = httpx.get(made.headers["Location"]).json()
    assert read_back["phenomenonTime"] == "2025-01-03T00:00:00+07:00"
    assert read_back["result"] == 42.5
    # the same again stores nothing new (as /api/v1/observations)
    again = httpx.post(url, json=body, headers={"Authorization": f"Bearer {sta.key}"})
    assert again.status_code == 201
    count = sta.ok(f"Datastreams({ds})/Observations", **{"$count": "true", "$top": "0"})
    assert count["@iot.count"] == HOURS + 1
    v1 = httpx.get(
        f"{sta.url}/api/v1/stations/18t/series",
        params={
            "quantity": "pm25",
            "start": "2025-01-03T00:00:00+07:00",
            "end": "2025-01-03T01:00:00+07:00",
        },
    ).json()["points"]
    assert [(p["time"], p["value"]) for p in v1] == [("2025-01-03T00:00:00+07:00", 42.5)]
    # HTTP Basic with the key as password (what frost-sta-client's AuthHandler sends)
    basic = base64.b64encode(f"device:{sta.key}".encode()).decode()
    made = httpx.post(
        f"{sta.root}/Observations",
        json={
            "Datastream": {"@iot.id": ds},
            "phenomenonTime": "2025-01-03T01:00:00+07:00",
            "result": 1,
        },
        headers={"Authorization": f"Basic {basic}"},
    )
    assert made.status_code == 201, made.text


def test_create_observation_with_frost_client(sta: Sta) -> None:
    ds_id = _datastream(sta, "18t", "pm10")
    service = sta.service(sta.key)
    ds = service.datastreams().find(ds_id)
    obs = fsc.Observation(result=77.25, phenomenon_time="2025-01-04T00:00:00+07:00", datastream=ds)
    service.create(obs)
    assert isinstance(obs.id, int)
    back = service.observations().find(obs.id)
    assert back.result == 77.25 and back.phenomenon_time == "2025-01-04T00:00:00+07:00"
    with pytest.raises(requests.HTTPError) as refused:
        sta.service(sta.other_key).create(
            fsc.Observation(result=1.0, phenomenon_time="2025-01-04T00:00:00+07:00", datastream=ds)
        )
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phenomenonTime": "2025-01-03T02:00:00+07:00", "result": -5}, "result"),  # below 0
        ({"phenomenonTime": "2025-01-03T02:00:00+07:00", "result": "12"}, "result"),
        ({"phenomenonTime": "2025-01-03T02:00:00", "result": 12}, "phenomenonTime"),
        (
            {"phenomenonTime": "2025-01-03T02:00:00Z/2025-01-03T03:00:00Z", "result": 12},
            "phenomenonTime",
        ),
        ({"phenomenonTime": "2099-01-01T00:00:00Z", "result": 12}, "result"),  # in the future
        (
            {
                "phenomenonTime": "2025-01-03T02:00:00Z",
                "result": 12,
                "Datastream": {"@iot.id": 1_000_000},
            },
            "Datastream",
        ),
        (
            {
                "phenomenonTime": "2025-01-03T02:00:00Z",
                "result": 12,
                "FeatureOfInterest": {"@iot.id": "19t"},
            },
            "FeatureOfInterest",
        ),
    ],
)
def test_bad_observations_are_400_and_store_nothing(
    sta: Sta, body: dict[str, Any], field: str
) -> None:
    ds = _datastream(sta, "18t", "pm25")
    before = sta.ok(f"Datastreams({ds})/Observations", **{"$count": "true", "$top": "0"})
    r = httpx.post(
        f"{sta.root}/Datastreams({ds})/Observations",
        json=body,
        headers={"Authorization": f"Bearer {sta.key}"},
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"]["fields"][0]["field"] == field
    after = sta.ok(f"Datastreams({ds})/Observations", **{"$count": "true", "$top": "0"})
    assert after["@iot.count"] == before["@iot.count"]


def test_observation_post_is_rate_limited_and_size_capped(sta: Sta) -> None:
    from paknam.api.limits import BODY_CAPS, RATE_RULES

    for path in ("/sta/v1.1/Observations", "/sta/v1.1/Datastreams(7)/Observations"):
        assert any(r.method == "POST" and r.path.fullmatch(path) for r in RATE_RULES)
        assert any(m == "POST" and p.fullmatch(path) and cap <= 65536 for m, p, cap in BODY_CAPS)
    r = httpx.post(
        f"{sta.root}/Observations",
        content=b'{"result": 1, "x": "' + b"a" * 70_000 + b'"}',
        headers={"Authorization": f"Bearer {sta.key}", "Content-Type": "application/json"},
    )
    assert r.status_code == 413


# ---- on the demo data -------------------------------------------------------------------


def test_demo_data_walk_matches_api_v1(open_server: OpenServer) -> None:
    """The demo's real sample: every active station is a Thing; the newest 1000
    observations of a Datastream, filtered by time, are those of ``/api/v1``."""
    service = fsc.SensorThingsService(open_server.url + "/sta/v1.1")
    things = {t.id: t for t in service.things().query().top(7).list()}  # paged
    stations = {s.id for s in open_server.store.list_stations() if s.active}
    assert set(things) == stations
    thing = things["18t"] if "18t" in things else next(iter(things.values()))
    ds = next(iter(thing.get_datastreams().query().list()))
    start, end = ds.phenomenon_time.split("/")
    rows = list(
        ds.get_observations()
        .query()
        .filter(f"phenomenonTime ge {start}")
        .orderby("phenomenonTime", "ASC")
        .top(1000)
        .list()
    )
    end_s = datetime.fromisoformat(end) + timedelta(seconds=1)
    v1 = open_server.get(
        f"/api/v1/stations/{thing.id}/series",
        quantity=ds.properties["quantity"],
        start=start,
        end=end_s.isoformat(),
    )["points"]
    assert len(rows) == len(v1) > 10
    assert [(o.phenomenon_time, o.result) for o in rows] == [(p["time"], p["value"]) for p in v1]
    assert rows[-1].phenomenon_time == end


def test_observation_posts_count_against_the_rate_limit(sqlite_store: Store) -> None:
    """Refused posts (no key) count too: probing keys costs the same as writing."""
    from fastapi.testclient import TestClient

    from paknam.api.app import create_app
    from paknam.api.limits import Limits
    from paknam.core.config import Settings

    app = create_app(sqlite_store, warm_up=False)
    app.state.limits = Limits(Settings(rate_limit_sensorthings="3/minute"))
    with TestClient(app, client=("192.0.2.9", 50000)) as c:
        codes = [c.post("/sta/v1.1/Observations", json={"result": 1}).status_code for _ in range(4)]
        codes.append(c.post("/sta/v1.1/Datastreams(1)/Observations", json={}).status_code)
        read = c.get("/sta/v1.1/Things").status_code
    assert codes == [401, 401, 401, 429, 429] and read == 200
