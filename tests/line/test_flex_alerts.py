"""Alerts reach LINE as Flex Messages (severity colour, Thai and English, place, time, a
button to the alert page) with the text as the fallback, read by the SDK's model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from linebot.v3.messaging import FlexMessage

from paknam.core.notify.line_flex import SEVERITY_COLOURS, alert_flex, alt_text
from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.core.notify.worker import Worker, channels_from_settings
from paknam.core.store import Store
from paknam.governance import service
from paknam.governance.alerts import AlertSpec, create_alert

from .conftest import USER
from .loopback import LinePlatform

ALERT = {
    "topic": "flood",
    "severity": "severe",
    "headline_th": "น้ำทะเลหนุนสูง อำเภอพระสมุทรเจดีย์",
    "headline_en": "High tide flooding, Phra Samut Chedi",
    "description_th": "ระดับน้ำสูงกว่าตลิ่ง 30 ซม. ช่วง 18:00-21:00 น.",
    "description_en": "Water 30 cm above the bank from 18:00 to 21:00.",
    "districts": ["1105"],
}


def test_flex_card_of_an_alert() -> None:
    sent = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    alert = {**ALERT, "msg_type": "Alert", "sent": sent, "expires": sent + timedelta(hours=6)}
    link = "https://paknam.example/alerts/7"
    msg = alert_flex(
        alert, "[รุนแรง] น้ำทะเลหนุนสูง", link, "th", {"1105": ("พระสมุทรเจดีย์", "Phra Samut Chedi")}
    )
    model = FlexMessage.from_dict(msg)
    assert model.alt_text == "[รุนแรง] น้ำทะเลหนุนสูง"
    bubble = msg["contents"]
    assert bubble["header"]["backgroundColor"] == SEVERITY_COLOURS["severe"]
    assert bubble["header"]["contents"][0]["text"] == "รุนแรง · Severe"  # the badge's words
    body = str(bubble["body"])
    assert ALERT["headline_th"] in body and ALERT["headline_en"] in body
    assert "พระสมุทรเจดีย์" in body and "Phra Samut Chedi" in body
    assert "05/12/2026 17:00" in body  # Thai time
    button = bubble["footer"]["contents"][0]["action"]
    assert button == {"type": "uri", "label": "ดูรายละเอียด / Details", "uri": link}
    english = alert_flex({**alert, "msg_type": "Cancel"}, "x", link, "en")
    assert english["contents"]["header"]["contents"][0]["text"] == "CANCELLED · ยกเลิกประกาศ"
    assert "Whole province" not in str(english) and "Where" in str(english)
    assert len(alt_text("ก" * 3000)) == 1500
    drill = alert_flex({**alert, "status": "Exercise"}, "x", link, "en")["contents"]
    assert drill["header"]["contents"][0]["text"] == "[การฝึกซ้อม / EXERCISE] Severe · รุนแรง"
    assert drill["header"]["backgroundColor"] not in SEVERITY_COLOURS.values()  # never red
    assert drill["footer"]["contents"][0]["action"]["uri"] == link + "?lang=en"


def test_alert_goes_out_as_flex_with_text_fallback(
    store: Store, configured: LinePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = configured
    with store.write() as conn:
        subscribe(conn, Subscription("line", USER, ["1105"], ["flood"], "en", (), "line"))
        alert_id = create_alert(conn, AlertSpec(**ALERT), created_by="officer1")
    service.send_alert(store, alert_id, created_by="officer1", link_base="https://paknam.example")
    worker = Worker(store, {"line": channels_from_settings()["line"]})
    try:
        assert worker.run_once() == 1
    finally:
        worker.close()
    sent = line.multicasts[-1]
    assert sent["to"] == [USER] and not line.bad
    msg = sent["messages"][0]
    FlexMessage.from_dict(msg)
    assert msg["type"] == "flex" and msg["altText"].startswith("[Severe] High tide flooding")
    assert msg["contents"]["body"]["contents"][0]["text"] == ALERT["headline_en"]  # en first
    footer = msg["contents"]["footer"]["contents"][0]["action"]
    assert footer["uri"] == f"https://paknam.example/alerts/{alert_id}?lang=en"  # English reader
