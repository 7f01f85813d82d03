"""The generic polled JSON/CSV source, the sources configuration, and
GET /api/v1/sources (configured-but-never-run sources listed, Thai-time fields)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from paknam.api.sources import router
from paknam.core.models import StationCreate, UserCreate
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources.config import SourceConfigError, build_sources, load_config
from paknam.sources.http import HttpClient
from paknam.sources.polled import _ABSENT, PolledSource, get_path
from paknam.sources.runner import harvest_source

from .loopback import Answer, loopback

NOW = parse_time("2026-12-04T12:00:00+07:00")


def add_canal(store: Store, sid: str = "sp-canal-01") -> None:
    store.add_station(
        StationCreate(
            id=sid,
            name_th="คลองสำโรง",
            name_en="Khlong Samrong",
            kind="water_quality",
            lon=100.65,
            lat=13.64,
            quantities=["do", "ph"],
        )
    )


def mock(doc: Any = None, text: str | None = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(200, text=text, headers={"Content-Type": "text/csv"})
        return httpx.Response(200, json=doc)

    return httpx.MockTransport(handler)


def test_get_path_dotted_and_pointer() -> None:
    doc = {"data": {"items": [{"a/b": 1}, {"v": 2}]}}
    assert get_path(doc, "data.items.1.v") == 2
    assert get_path(doc, "/data/items/0/a~1b") == 1
    assert get_path(doc, "") is doc
    assert get_path(doc, "data.nope") is _ABSENT and get_path(doc, "data.items.9") is _ABSENT


def test_json_long_records_with_local_time_format_and_station_map(store: Store) -> None:
    add_canal(store)
    doc = {
        "result": {
            "rows": [
                {"site": {"code": "A1"}, "param": "do", "t": "04/12/2026 10:00", "v": "4.2"},
                {"site": {"code": "A1"}, "param": "ph", "t": "04/12/2026 10:00", "v": 7.1},
                {"site": {"code": "A1"}, "param": "do", "t": "04/12/2026 09:00", "v": "-"},
                {"site": {"code": "A1"}, "param": "do", "t": "04/12/2026 10:00", "v": "4.2"},
                {"site": {"code": "ZZ"}, "param": "do", "t": "04/12/2026 10:00", "v": "5"},
                {"param": "do", "v": "1"},
            ]
        }
    }
    (src,) = build_sources(
        [
            {
                "id": "agency-canal",
                "kind": "json",
                "url": "https://agency.example/api",
                "records": "result.rows",
                "station": "site.code",
                "station_map": {"A1": "sp-canal-01"},
                "quantity": "param",
                "value": "v",
                "time": "t",
                "time_format": "%d/%m/%Y %H:%M",
            }
        ],
        transport=mock(doc),
    )
    o = harvest_source(store, src, now=NOW)
    assert o.ok and o.harvest is not None, o.error
    t = parse_time("2026-12-04T10:00:00+07:00")
    assert [(p.time, p.value) for p in store.read_series("sp-canal-01", "do", 0, 2**40)] == [
        (t, 4.2)
    ]
    assert o.harvest.stored == 2  # do, ph; the repeat counted once; "-" not measured
    notes = " | ".join(o.harvest.notes)
    assert "unknown station 'ZZ'" in notes and "record 5: no station or time" in notes
    o = harvest_source(store, src, now=NOW + 60)
    assert o.ok and o.harvest is not None and o.harvest.stored == 0


def test_csv_wide_records_with_a_static_station_created(store: Store) -> None:
    text = "time,DO,pH\n2026-12-04 09:00,5.0,7.0\n2026-12-04 08:00,4.0,\n2026-12-04 10:00,x,7.2\n"
    src = PolledSource(
        "canal-csv",
        kind="csv",
        url="https://agency.example/x.csv",
        station_id="sp-canal-02",
        values={"do": "DO", "ph": "pH"},
        time_format="%Y-%m-%d %H:%M",
        create_station={
            "id": "sp-canal-02",
            "name_th": "คลอง",
            "name_en": "Canal",
            "lon": 100.6,
            "lat": 13.6,
            "kind": "water_quality",
            "quantities": ["do", "ph"],
        },
        client=HttpClient(transport=mock(text=text)),
    )
    o = harvest_source(store, src, now=NOW)
    assert o.ok and o.harvest is not None, o.error
    assert o.harvest.stored == 4 and any("'x' is not a number" in n for n in o.harvest.notes)
    assert store.get_station("sp-canal-02").name_en == "Canal"


def test_json_shape_change_is_not_retryable(store: Store) -> None:
    (src,) = build_sources(
        [
            {
                "id": "j",
                "kind": "json",
                "url": "https://a.example/",
                "records": "data",
                "station_id": "s",
                "quantity_id": "do",
                "value": "v",
            }
        ],
        transport=mock({"items": []}),
    )
    o = harvest_source(store, src, now=NOW)
    assert not o.ok and o.retryable is False and "no list of records at 'data'" in (o.error or "")


def test_config_from_env_and_file_and_errors_naming_the_entry(tmp_path: Path) -> None:
    assert load_config({}) == []  # default: nothing enabled, no internet
    env = {"PAKNAM_SOURCES": '[{"id": "air4thai", "kind": "air4thai"}]'}
    (a,) = build_sources(load_config(env))
    assert (a.id, a.kind, a.every_s) == ("air4thai", "air4thai", 900)
    toml = tmp_path / "sources.toml"
    toml.write_text(
        '[[sources]]\nid = "thaiwater-wl"\nkind = "thaiwater"\nevery_s = 300\n'
        'timeout_s = 5\n\n[[sources]]\nid = "off"\nkind = "air4thai"\nenabled = false\n'
    )
    (tw,) = build_sources(load_config({"PAKNAM_SOURCES_FILE": str(toml)}))
    assert (tw.id, tw.every_s) == ("thaiwater-wl", 300)
    bad = [
        ([{"kind": "air4thai"}], "source 1: id must be"),
        ([{"id": "a", "kind": "air4thai"}, {"id": "a", "kind": "air4thai"}], "used twice"),
        ([{"id": "x", "kind": "ftp"}], "source 1 ('x'): unknown kind 'ftp'"),
        ([{"id": "x", "kind": "air4thai", "every_s": 0}], "every_s must be"),
        ([{"id": "x", "kind": "air4thai", "colour": 1}], "unexpected keyword argument 'colour'"),
        ([{"id": "x", "kind": "json", "url": "u"}], "station"),
    ]
    for config, message in bad:
        with pytest.raises(
            SourceConfigError, match=message.replace("(", r"\(").replace(")", r"\)")
        ):
            build_sources(config)
    with pytest.raises(SourceConfigError, match="PAKNAM_SOURCES: not valid JSON"):
        load_config({"PAKNAM_SOURCES": "[{"})
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_config({"PAKNAM_SOURCES_FILE": str(tmp_path / "nope.json")})


def test_api_lists_health_and_never_run_sources(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with loopback() as lb:
        lb.play("/feed", Answer(500, b"down"))
        monkeypatch.setenv(
            "PAKNAM_SOURCES",
            json.dumps(
                [
                    {"id": "air4thai", "kind": "air4thai", "url": lb.base + "/feed", "retries": 0},
                    {"id": "thaiwater-wl", "kind": "thaiwater"},
                ]
            ),
        )
        from paknam.sources.config import configured_sources

        air, _tw = configured_sources()
        assert not harvest_source(store, air, now=NOW).ok
    app = FastAPI()
    app.include_router(router)
    app.state.store = store
    store.add_user(UserCreate(username="desk", password="a long password", role="officer"))
    officer = {"Authorization": f"Bearer {store.login('desk', 'a long password')}"}
    with TestClient(app) as client:
        anonymous = client.get("/api/v1/sources").json()
        body = client.get("/api/v1/sources", headers=officer).json()
    # the error text (a URL of the agency's system) is for officers; anyone sees it fails
    assert [(r["source_id"], r["failures"], r["last_error"]) for r in anonymous] == [
        ("air4thai", 1, None),
        ("thaiwater-wl", 0, None),
    ]
    by_id = {r["source_id"]: r for r in body}
    assert list(by_id) == ["air4thai", "thaiwater-wl"]
    a, t = by_id["air4thai"], by_id["thaiwater-wl"]
    assert a["never_run"] is False and a["failures"] == 1 and "HTTP 500" in a["last_error"]
    assert a["last_attempt_at"] == "2026-12-04T12:00:00+07:00" and a["last_success_at"] is None
    assert a["stale"] is False and a["configured"] is True and a["every_s"] == 900
    assert t["never_run"] is True and t["last_attempt_at"] is None and t["stale"] is False
    assert set(a) >= {"rows_last", "rows_total", "lag_s", "newest_time", "stale_since"}
