"""Old, replayed or simulated data never reaches citizens as an ``Actual`` alert.

An import of history that breaks every rule gives officers' warnings only: no Alert, and
nothing queued. Fresh data of the same kind does alert, naming the place and the time it
was measured. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from paknam.core.notify.schema import messages
from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.core.registry import CapEvent, WarningKind
from paknam.core.store import Store
from paknam.core.timeutil import now_s, to_local_iso
from paknam.governance.alerts import get_alert, get_cap_xml, is_fresh, list_alerts
from paknam.governance.cap import CAP_NS
from paknam.pipeline.flow import rule, run_rules
from tests.conftest import add_air_station

NS = {"cap": CAP_NS}


def _severe_pm25(store: Store, end_s: int, station: str = "18t") -> None:
    """Two hours of 24-h PM2.5 ending at ``end_s``, the last one severe (AQI > 200)."""
    store.ingest_items(
        [
            {
                "station": station,
                "quantity": "pm25_24h",
                "time": to_local_iso(end_s - 3600),
                "value": 50.8,
            },
            {
                "station": station,
                "quantity": "pm25_24h",
                "time": to_local_iso(end_s),
                "value": 160.0,
            },
        ]
    )


def _setup(store: Store, **station: object) -> None:
    add_air_station(store, quantities=["pm25_24h"], **station)
    with store.write() as conn:
        subscribe(conn, Subscription("sms", "0812345678", ["1101"], ["air"]))


def _queued(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar_one())


def test_history_that_breaks_the_rules_gives_no_actual_alert(store: Store) -> None:
    _setup(store)
    _severe_pm25(store, int(datetime(2020, 1, 15, 8, tzinfo=UTC).timestamp()))
    run = run_rules(store, [rule("environment.checks")])
    assert len(run.rules["environment.checks"].raised) == 1  # officers see the warning
    assert run.alerts.alert == run.alerts.update == run.alerts.queued == []
    assert len(run.alerts.historical) == 1
    with store.read() as conn:
        assert list_alerts(conn, state="all") == []
    assert _queued(store) == 0
    again = run_rules(store, [rule("environment.checks")])  # and it stays so
    assert again.alerts.alert == [] and _queued(store) == 0


def test_fresh_data_alerts_naming_the_place_and_the_time(store: Store) -> None:
    _setup(store)
    end = (now_s() // 3600 - 1) * 3600
    _severe_pm25(store, end)
    run = run_rules(store, [rule("environment.checks")])
    assert len(run.alerts.alert) == 1 and len(run.alerts.queued) == 1
    with store.read() as conn:
        alert = get_alert(conn, run.alerts.alert[0])
        root = ET.fromstring(get_cap_xml(conn, run.alerts.alert[0]))
    assert alert["status"] == "Actual"
    hhmm = datetime.fromtimestamp(end, UTC).astimezone().strftime("%H:%M")
    local = to_local_iso(end)[11:16]
    assert "ข้อมูลเมื่อ" in alert["headline_th"] and local in alert["headline_th"], hhmm
    assert "measured" in alert["headline_en"] and local in alert["headline_en"]
    area_th = root.findtext("cap:info[cap:language='th-TH']/cap:area/cap:areaDesc", namespaces=NS)
    area_en = root.findtext("cap:info[cap:language='en-US']/cap:area/cap:areaDesc", namespaces=NS)
    assert area_th.startswith("ศาลากลางจังหวัดสมุทรปราการ") and "อำเภอเมืองสมุทรปราการ" in area_th
    assert area_en.startswith("City Hall, Samut Prakan") and "District" in area_en


def test_a_newer_measurement_time_alone_is_no_change() -> None:
    from types import SimpleNamespace

    from paknam.governance.alerts import MEASURED_EN, MEASURED_TH, _changed

    texts = {
        "severity": "severe",
        "description_th": "ค่า AQI 286",
        "description_en": "AQI 286",
    }
    last = SimpleNamespace(
        headline_th="อากาศ" + MEASURED_TH + "5 ธ.ค. 2569 03:00 น.",
        headline_en="Air" + MEASURED_EN + "5 Dec 2026 03:00",
        **texts,
    )
    later = SimpleNamespace(
        headline_th="อากาศ" + MEASURED_TH + "5 ธ.ค. 2569 04:00 น.",
        headline_en="Air" + MEASURED_EN + "5 Dec 2026 04:00",
        **texts,
    )
    assert not _changed(last, later)
    assert _changed(last, SimpleNamespace(**{**vars(later), "severity": "extreme"}))


def test_replayed_station_gives_exercise_only(store: Store) -> None:
    _setup(store, meta={"replayed": True})
    _severe_pm25(store, (now_s() // 3600 - 1) * 3600)
    run = run_rules(store, [rule("environment.checks")])
    assert len(run.alerts.alert) == 1 and run.alerts.queued == []
    with store.read() as conn:
        assert get_alert(conn, run.alerts.alert[0])["status"] == "Exercise"


@pytest.mark.parametrize(
    ("age", "fresh"),
    [(timedelta(0), True), (timedelta(hours=3), True), (timedelta(hours=4), False)],
)
def test_is_fresh_uses_the_kinds_window(age: timedelta, fresh: bool) -> None:
    kind = WarningKind("x", "air", CapEvent(("Env",), "ก", "x"), fresh_s=3 * 3600)
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert is_fresh({"observed_at": now - age}, kind, now) is fresh
    assert is_fresh({"observed_at": None}, kind, now) is False
