from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest

from paknam.core.errors import InvalidInput
from paknam.core.store import Store
from paknam.core.timeutil import now_s
from paknam.core.warnings import Signal
from paknam.governance.alerts import (
    SENDER,
    AlertSpec,
    cancel_alert,
    create_alert,
    get_alert,
    get_cap_xml,
    list_alerts,
    sync_from_warnings,
    update_alert,
)
from paknam.governance.cap import CAP_NS, validate
from tests.conftest import add_air_station

NS = {"cap": CAP_NS}


def _spec(**kw: object) -> AlertSpec:
    base: dict[str, object] = {
        "topic": "flood",
        "severity": "severe",
        "headline_th": "น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์",
        "headline_en": "High tide flooding, Phra Samut Chedi",
        "description_th": "คาดว่าระดับน้ำสูงสุด 1.3 ม. เวลา 18:00 น.",
        "description_en": "Water expected to peak at 1.3 m at 18:00.",
        "districts": ["1105"],
        "urgency": "Expected",
        "certainty": "Likely",
        "instruction_th": "ยกของขึ้นที่สูง",
        "instruction_en": "Move belongings to higher ground.",
    }
    base.update(kw)
    return AlertSpec(**base)  # type: ignore[arg-type]


def test_lifecycle_alert_update_cancel(store: Store) -> None:
    with store.write() as conn:
        first = create_alert(conn, _spec(), "officer1")
        second = update_alert(conn, first, {"severity": "extreme"}, "officer1")
        third = cancel_alert(conn, second, "officer1")
    with store.read() as conn:
        xmls = [get_cap_xml(conn, i) for i in (first, second, third)]
        a1, a3 = get_alert(conn, first), get_alert(conn, third)
        active, past = list_alerts(conn, state="active"), list_alerts(conn, state="past")
    for xml in xmls:
        validate(xml)  # every document we keep is valid CAP 1.2
    roots = [ET.fromstring(x) for x in xmls]
    assert [r.findtext("cap:msgType", namespaces=NS) for r in roots] == [
        "Alert",
        "Update",
        "Cancel",
    ]
    ids = [(r.findtext("cap:identifier", namespaces=NS), r.findtext("cap:sent", namespaces=NS))
           for r in roots]  # fmt: skip
    refs_update = roots[1].findtext("cap:references", namespaces=NS).split()
    refs_cancel = roots[2].findtext("cap:references", namespaces=NS).split()
    assert refs_update == [f"{SENDER},{ids[0][0]},{ids[0][1]}"]
    assert refs_cancel == [f"{SENDER},{i},{s}" for i, s in ids[:2]]
    infos = roots[1].findall("cap:info", NS)
    assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["th-TH", "en-US"]
    assert infos[0].findtext("cap:severity", namespaces=NS) == "Extreme"
    assert infos[0].findtext("cap:urgency", namespaces=NS) == "Expected"
    area = infos[0].find("cap:area", NS)
    assert area.findtext("cap:geocode/cap:value", namespaces=NS) == "1105"
    assert area.findtext("cap:polygon", namespaces=NS)  # the district outline
    assert "พระสมุทรเจดีย์" in area.findtext("cap:areaDesc", namespaces=NS)
    assert all(r.findtext("cap:sent", namespaces=NS).endswith("+07:00") for r in roots)
    assert [m["msg_type"] for m in a1["thread"]] == ["Alert", "Update", "Cancel"]
    assert a3["state"] == "past" and a1["state"] == "past"
    assert active == [] and [a["id"] for a in past] == [third]
    with store.write() as conn, pytest.raises(InvalidInput, match="cancelled"):
        update_alert(conn, first, {"severity": "minor"}, "officer1")


def test_bad_alerts_are_refused_and_nothing_stored(store: Store) -> None:
    cases = [
        (_spec(districts=["9999"]), "district"),
        (_spec(districts=[]), "districts, a polygon or a circle"),
        (_spec(severity="catastrophic"), "severity"),
        (_spec(topic="weather"), "topic"),
        (_spec(urgency="Soon"), "urgency"),
        (_spec(categories=["Flood"]), "category"),
        (_spec(headline_en="  "), "headline_en"),
        (_spec(expires=datetime.now(UTC) - timedelta(hours=1)), "expires"),
        (_spec(polygon={"type": "Point", "coordinates": [100.6, 13.6]}), "polygon"),
    ]
    for spec, word in cases:
        with pytest.raises(InvalidInput, match=word), store.write() as conn:
            create_alert(conn, spec, "officer1")
    with store.read() as conn:
        assert list_alerts(conn, state="all") == []


def test_circle_and_polygon_areas(store: Store) -> None:
    poly = {
        "type": "Polygon",
        "coordinates": [[[100.55, 13.55], [100.6, 13.55], [100.6, 13.6], [100.55, 13.55]]],
    }
    with store.write() as conn:
        i = create_alert(conn, _spec(districts=[], circle=(13.6, 100.6, 2.5), polygon=poly), "o")
        xml = get_cap_xml(conn, i)
    area = ET.fromstring(xml).find("cap:info/cap:area", NS)
    assert area.findtext("cap:circle", namespaces=NS) == "13.6,100.6 2.5"
    assert area.findtext("cap:polygon", namespaces=NS) == (
        "13.55,100.55 13.55,100.6 13.6,100.6 13.55,100.55"
    )


def _signal(severity: str = "severe", value: float = 180.0) -> Signal:
    t = now_s() - 600
    return Signal(
        domain="environment",
        kind="aqi",
        station_id="18t",
        severity=severity,
        headline_th="คุณภาพอากาศมีผลกระทบต่อสุขภาพ",
        headline_en=f"Unhealthy air (AQI {value:g})",
        description_th=f"AQI {value:g}",
        description_en=f"AQI {value:g}",
        observed_at=t,
        value=value,
        threshold=150.0,
    )


def test_warnings_become_alerts_updates_and_cancels(store: Store) -> None:
    add_air_station(store)
    store.sync_warnings("environment", [_signal()], evaluated=["18t"], kinds=["aqi"])
    with store.write() as conn:
        assert {k: len(v) for k, v in sync_from_warnings(conn).items()} == {
            "Alert": 1, "Update": 0, "Cancel": 0, "unregistered": 0, "historical": 0}  # fmt: skip
        # nothing changed: nothing issued
        assert all(not v for v in sync_from_warnings(conn).values())
    store.sync_warnings(
        "environment", [_signal("extreme", 260.0)], evaluated=["18t"], kinds=["aqi"]
    )
    with store.write() as conn:
        assert len(sync_from_warnings(conn)["Update"]) == 1
    store.sync_warnings("environment", [], evaluated=["18t"], kinds=["aqi"])
    with store.write() as conn:
        assert len(sync_from_warnings(conn)["Cancel"]) == 1
        thread = get_alert(conn, list_alerts(conn, state="all")[0]["id"])["thread"]
    assert [m["msg_type"] for m in thread] == ["Alert", "Update", "Cancel"]
    with store.read() as conn:
        alert = get_alert(conn, thread[0]["id"])
        root = ET.fromstring(get_cap_xml(conn, thread[0]["id"]))
    assert alert["topic"] == "air" and alert["districts"] == ["1101"]
    assert root.findtext("cap:info/cap:event", namespaces=NS) == "คุณภาพอากาศมีผลกระทบต่อสุขภาพ"
    assert root.findtext("cap:info/cap:certainty", namespaces=NS) == "Observed"


@pytest.mark.parametrize(
    ("meta", "th", "en"),
    [
        ({"replayed": True, "sample": True}, "(ข้อมูลจริงเล่นซ้ำ) ", "(REPLAYED) "),
        ({"simulated": True}, "(จำลอง) ", "(SIMULATED) "),
        ({}, "", ""),
    ],
    ids=["replayed", "simulated", "measured"],
)
def test_a_rule_alert_names_its_data_as_the_map_does(
    store: Store, meta: dict[str, object], th: str, en: str
) -> None:
    """A replayed station's readings are real measurements shifted in time: its alerts are
    drills, headed "(REPLAYED)" as the map and the station page call them, not "(SIMULATED)"
    (the demo's canal alerts were: real 2018–2020 BMA samples called simulated)."""
    add_air_station(store, meta=meta)
    store.sync_warnings("environment", [_signal()], evaluated=["18t"], kinds=["aqi"])
    with store.write() as conn:
        (aid,) = sync_from_warnings(conn)["Alert"]
        alert = get_alert(conn, aid)
    assert alert["status"] == ("Actual" if not meta else "Exercise")
    assert alert["headline_th"].startswith(th + "คุณภาพอากาศ")
    assert alert["headline_en"].startswith(en + "Unhealthy air")
    assert alert["simulated"] == bool(meta)  # a drill from data not measured live
    assert alert["replayed"] == bool(meta.get("replayed"))  # which the list's badge names
    # the Atom feed says "drill" once and keeps the headline's own word for the data
    from paknam.governance.atom import alerts_feed

    with store.read() as conn:
        listed = list_alerts(conn, state="active")
    feed = ET.fromstring(alerts_feed(listed, base_url="http://x", updated="2026-01-01T00:00:00Z"))
    (title,) = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")][1:]
    assert "SIMULATED / จำลอง" not in title and title.count(th.strip() or "@@") <= 1
    assert ("EXERCISE" in title) == bool(meta)


def test_every_warning_kind_tells_citizens_what_to_do(store: Store) -> None:
    """Rule alerts carry their warning kind's instruction (Thai and English) in the JSON and
    in both CAP ``info`` blocks; every public kind registers one."""
    from paknam.core.registry import warning_kinds

    for kind in warning_kinds().values():
        if kind.public:
            assert kind.instruction_th.strip() and kind.instruction_en.strip(), kind.kind
    add_air_station(store)
    store.sync_warnings("environment", [_signal()], evaluated=["18t"], kinds=["aqi"])
    with store.write() as conn:
        (aid,) = sync_from_warnings(conn)["Alert"]
        alert = get_alert(conn, aid)
        root = ET.fromstring(get_cap_xml(conn, aid))
    aqi = warning_kinds()["aqi"]
    assert (alert["instruction_th"], alert["instruction_en"]) == (
        aqi.instruction_th,
        aqi.instruction_en,
    )
    texts = [i.findtext("cap:instruction", namespaces=NS) for i in root.findall("cap:info", NS)]
    assert texts == [aqi.instruction_th, aqi.instruction_en]
