"""air4thai imports: the getAQI JSON feed and both history CSV layouts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paknam.core.errors import BatchRejected, InvalidInput
from paknam.core.store import Store
from paknam.core.timeutil import parse_time
from paknam.sources.air4thai import import_air4thai, parse_getaqi_json

DATA = Path(__file__).resolve().parents[1] / "data"


def test_air4thai_json_creates_stations_with_real_ids(store: Store) -> None:
    rep = import_air4thai(store, DATA / "air4thai_getAQI_sample_3stations.json")
    assert sorted(rep.stations_created) == ["16t", "18t", "29t"]
    s18 = store.get_station("18t")
    assert (s18.lon, s18.lat, s18.district_code) == (100.597345, 13.599149, "1101")
    assert s18.name_en == "City Hall, Samut Prakan"
    t = parse_time("2025-12-25T00:00:00+07:00")
    (p,) = store.read_series("18t", "pm25_24h", t, t + 1)
    assert p.value == 48.1  # the feed's AQILast PM25 value at 18t
    again = import_air4thai(store, DATA / "air4thai_getAQI_sample_3stations.json")
    assert again.result.stored == 0 and again.stations_created == []


def test_air4thai_json_skips_not_measured() -> None:
    doc = {
        "stations": [
            {
                "stationID": "x1",
                "nameTH": "ก",
                "nameEN": "x",
                "lat": "13.6",
                "long": "100.6",
                "AQILast": {
                    "date": "2025-12-25",
                    "time": "07:00",
                    "PM25": {"value": "12.5"},
                    "PM10": {"value": "-1"},
                },
            }
        ]
    }
    (station,), frame = parse_getaqi_json(doc)
    assert [q.quantity for q in station.quantities] == ["pm25_24h"]
    assert frame[["station", "quantity", "time", "value"]].to_dict("records") == [
        {
            "station": "x1",
            "quantity": "pm25_24h",
            "time": "2025-12-25T07:00:00+07:00",
            "value": 12.5,
        }
    ]
    with pytest.raises(InvalidInput, match="not an air4thai getAQI document"):
        parse_getaqi_json({"data": []})


def test_air4thai_history_forweb_skips_unmeasured_met(store: Store) -> None:
    rep = import_air4thai(store, DATA / "air4thai_history_forweb_sample.csv")
    assert sorted(rep.stations_created) == ["29t", "74t"]
    assert any("74t: WS is always 0" in n for n in rep.notes)
    q74 = {s.quantity for s in store.get_station("74t").series}
    q29 = {s.quantity for s in store.get_station("29t").series}
    assert "wind_speed" not in q74 and "wind_direction" not in q74
    assert {"wind_speed", "wind_direction", "pm25", "air_temperature"} <= q29
    t = parse_time("2023-12-01T00:00:00+07:00")
    assert store.read_series("29t", "pm25", t, t + 1)[0].value == 40.8


def test_air4thai_history_webv2_hour_beginning_stored_at_end(store: Store) -> None:
    import_air4thai(store, DATA / "air4thai_history_webv2_sample.csv")
    # "00:00 - 01:00" on 2021-12-01 with PM2.5 32 is stored at 01:00
    t = parse_time("2021-12-01T01:00:00+07:00")
    assert store.read_series("54t", "pm25", t, t + 1)[0].value == 32.0


def test_air4thai_unknown_station_all_or_nothing(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    shutil.copy(DATA / "air4thai_history_forweb_sample.csv", f)
    with f.open("a") as fh:
        fh.write("o21,2023-12-01 00:00:00,10,,,,,,,,,\n")
    with pytest.raises(InvalidInput, match="'o21' is neither in the store"):
        import_air4thai(store, f)
    assert store.list_stations() == []
    rep = import_air4thai(store, f, skip_invalid=True)
    assert rep.result.rejected == 1 and "29t" in rep.stations_created


def test_air4thai_bad_value_rejects_file(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        "station_id,datetime,PM25\n29t,2023-12-01 00:00:00,-5\n29t,2023-12-01 01:00:00,7\n"
    )
    with pytest.raises(BatchRejected, match="below 0"):
        import_air4thai(store, f)
    assert store.list_stations() == [] and store.count_observations() == 0


def test_air4thai_unreadable_cell_named_by_line(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text(
        "station_id,datetime,PM25,PM10\n"
        "29t,2023-12-01 00:00:00,40.8,-\n"
        "29t,2023-12-01 01:00:00,N/A,66\n"
        "29t,2023-12-01 02:00:00,1O,\n"
    )
    with pytest.raises(BatchRejected) as info:
        import_air4thai(store, f)
    assert [(e.index, e.reason) for e in info.value.errors] == [
        (3, "PM25 'N/A' is not a number"),
        (4, "PM25 '1O' is not a number"),
    ]
    assert store.list_stations() == []
    rep = import_air4thai(store, f, skip_invalid=True)
    assert (rep.result.stored, rep.result.rejected) == (2, 2)
