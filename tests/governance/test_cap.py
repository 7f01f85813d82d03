import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from shapely.geometry import Polygon

from paknam.core.errors import InvalidInput
from paknam.governance.cap import (
    CAP_NS,
    MAX_POLYGON_POINTS,
    AreaSpec,
    area_from_district,
    build_alert,
    reference,
    validate,
)

GEO = Path(__file__).parents[2] / "src/paknam/data/geo/samut_prakan_amphoe.geojson"
NS = {"cap": CAP_NS}
SENT = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)  # 08:00 Thai time


def _warning(**changes):
    w = {
        "domain": "environment",
        "kind": "aqi",
        "station_id": "19T",
        "district_code": "1101",
        "severity": "severe",
        "headline_th": "คุณภาพอากาศมีผลกระทบต่อสุขภาพ ที่สถานี 19T",
        "headline_en": "Unhealthy air at station 19T",
        "description_th": "ค่า AQI 160 เกินเกณฑ์ 150",
        "description_en": "AQI 160 is above 150",
        "value": 160.0,
        "threshold": 150.0,
        "observed_at": "2025-01-02T07:00:00+07:00",
        "expected_at": None,
        "probability": None,
        "details": {},
        "status": "active",
    }
    w.update(changes)
    return w


@pytest.fixture(scope="module")
def district():
    features = json.loads(GEO.read_text(encoding="utf-8"))["features"]
    return area_from_district(features[0])


def _doc(xml):
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(xml)


def test_cap_alert_validates_with_thai_and_english_infos(district):
    xml = build_alert(
        _warning(), sender="paknam.example", identifier="a-1", sent=SENT, area=district
    )
    validate(xml)
    root = _doc(xml)
    assert root.tag == f"{{{CAP_NS}}}alert"
    infos = root.findall("cap:info", NS)
    assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["th-TH", "en-US"]
    th, en = infos
    assert th.findtext("cap:headline", namespaces=NS).startswith("คุณภาพอากาศ")
    assert en.findtext("cap:headline", namespaces=NS) == "Unhealthy air at station 19T"
    assert "อำเภอเมืองสมุทรปราการ" in th.findtext("cap:area/cap:areaDesc", namespaces=NS)
    assert "Mueang Samut Prakan" in en.findtext("cap:area/cap:areaDesc", namespaces=NS)
    for info in infos:
        assert info.findtext("cap:severity", namespaces=NS) == "Severe"
        assert info.findtext("cap:urgency", namespaces=NS) == "Immediate"
        assert info.findtext("cap:certainty", namespaces=NS) == "Observed"
        assert [c.text for c in info.findall("cap:category", NS)] == ["Env", "Health"]
        assert info.findtext("cap:area/cap:geocode/cap:valueName", namespaces=NS) == "TH-DOPA"
        assert info.findtext("cap:area/cap:geocode/cap:value", namespaces=NS) == "1101"
    assert en.findtext("cap:expires", namespaces=NS) == "2025-01-03T08:00:00+07:00"


def test_cap_times_have_thai_offset_never_z(district):
    xml = build_alert(
        _warning(), sender="paknam.example", identifier="a-1", sent=SENT, area=district
    )
    root = _doc(xml)
    assert root.findtext("cap:sent", namespaces=NS) == "2025-01-02T08:00:00+07:00"
    times = [root.findtext("cap:sent", namespaces=NS)]
    times += [e.text for e in root.iter(f"{{{CAP_NS}}}expires")]
    assert times and all(t.endswith("+07:00") for t in times)
    assert "Z<" not in xml


def test_cap_polygon_closed_lat_lon_and_simplified(district):
    xml = build_alert(
        _warning(), sender="paknam.example", identifier="a-1", sent=SENT, area=district
    )
    polygon = _doc(xml).find("cap:info/cap:area/cap:polygon", NS).text
    points = [tuple(map(float, p.split(","))) for p in polygon.split(" ")]
    assert 4 <= len(points) <= MAX_POLYGON_POINTS
    assert points[0] == points[-1]
    for lat, lon in points:  # Samut Prakan: lat ~13.5, lon ~100.6
        assert 13.0 < lat < 14.0 and 100.0 < lon < 101.5
    outline = Polygon([(lon, lat) for lat, lon in points])
    assert outline.is_valid
    assert outline.area == pytest.approx(district.geometry.area, rel=0.05)


def test_cap_circle_and_forecast_codes():
    area = AreaSpec("ปากน้ำ", "Pak Nam", circle=(13.5991, 100.5968, 5.0))
    w = _warning(
        kind="water_level",
        severity="moderate",
        district_code=None,
        expected_at=(SENT + timedelta(hours=3)).isoformat(),
        probability=0.7,
    )
    xml = build_alert(w, sender="paknam.example", identifier="t-1", sent=SENT, area=area)
    info = _doc(xml).find("cap:info", NS)
    assert info.findtext("cap:area/cap:circle", namespaces=NS) == "13.5991,100.5968 5"
    assert info.findtext("cap:category", namespaces=NS) == "Met"
    assert info.findtext("cap:urgency", namespaces=NS) == "Future"
    assert info.findtext("cap:certainty", namespaces=NS) == "Likely"
    assert info.findtext("cap:expires", namespaces=NS) == "2025-01-02T17:00:00+07:00"
    soon = _warning(expected_at=(SENT + timedelta(minutes=30)).isoformat(), probability=0.2)
    xml = build_alert(soon, sender="paknam.example", identifier="t-2", sent=SENT, area=area)
    info = _doc(xml).find("cap:info", NS)
    assert info.findtext("cap:urgency", namespaces=NS) == "Expected"
    assert info.findtext("cap:certainty", namespaces=NS) == "Possible"


def test_cap_update_and_cancel_reference_earlier_alert(district):
    first = reference("paknam.example", "a-1", SENT)
    assert first == "paknam.example,a-1,2025-01-02T08:00:00+07:00"
    later = SENT + timedelta(hours=1)
    for msg_type, ident in (("Update", "a-2"), ("Cancel", "a-3")):
        xml = build_alert(
            _warning(),
            sender="paknam.example",
            identifier=ident,
            sent=later,
            area=district,
            msg_type=msg_type,
            references=[first],
        )
        validate(xml)
        root = _doc(xml)
        assert root.findtext("cap:msgType", namespaces=NS) == msg_type
        assert root.findtext("cap:references", namespaces=NS) == first


def test_cap_update_without_references_rejected(district):
    with pytest.raises(InvalidInput, match="must reference"):
        build_alert(
            _warning(), sender="p", identifier="a-2", sent=SENT, area=district, msg_type="Update"
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "catastrophic"}, "severity 'catastrophic' is not one of minor"),
        ({"headline_en": "  "}, "headline_en is empty"),
        ({"kind": "noise"}, "kind 'noise' is not registered by any domain"),
        ({"probability": 1.5}, r"probability 1.5 is not in \[0, 1\]"),
    ],
)
def test_cap_invalid_warning_rejected(district, changes, message):
    with pytest.raises(InvalidInput, match=message):
        build_alert(_warning(**changes), sender="p", identifier="a", sent=SENT, area=district)


def test_cap_invalid_ids_and_times_rejected(district):
    with pytest.raises(InvalidInput, match="sender 'pak nam'"):
        build_alert(_warning(), sender="pak nam", identifier="a", sent=SENT, area=district)
    with pytest.raises(InvalidInput, match="no UTC offset"):
        build_alert(
            _warning(), sender="p", identifier="a", sent=datetime(2025, 1, 2), area=district
        )


def test_cap_hand_broken_document_fails_validation(district):
    xml = build_alert(
        _warning(), sender="paknam.example", identifier="a-1", sent=SENT, area=district
    )
    broken = xml.replace("<urgency>Immediate</urgency>", "<urgency>Now</urgency>", 1)
    with pytest.raises(InvalidInput, match=r"CAP 1\.2 schema: .*urgency"):
        validate(broken)
    z_time = xml.replace("2025-01-02T08:00:00+07:00", "2025-01-02T01:00:00Z", 1)
    with pytest.raises(InvalidInput, match="sent"):
        validate(z_time)
    no_scope = xml.replace("<scope>Public</scope>", "", 1)
    with pytest.raises(InvalidInput, match=r"CAP 1\.2 schema"):
        validate(no_scope)
    with pytest.raises(InvalidInput, match="not well-formed"):
        validate(xml[:-20])
