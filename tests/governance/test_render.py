from __future__ import annotations

import pytest

from paknam.core.notify.render import SMS_MAX_SEGMENTS, sms_size
from paknam.governance.render import render_alert


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),  # 153 per part when concatenated
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("[" * 80, "GSM-7", 1),  # extension characters count twice
        ("[" * 81, "GSM-7", 2),
        ("ก" * 70, "UCS-2", 1),  # Thai: UCS-2, 70 in one segment
        ("ก" * 71, "UCS-2", 2),  # 67 per part when concatenated
        ("ก" * 134, "UCS-2", 2),
        ("ก" * 135, "UCS-2", 3),
        ("a" * 69 + "😀", "UCS-2", 2),  # outside the BMP: two UTF-16 units
        ("", "GSM-7", 0),
    ],
)
def test_sms_segments(text: str, encoding: str, segments: int) -> None:
    size = sms_size(text)
    assert (size.encoding, size.segments) == (encoding, segments)


def test_alert_texts_fit_their_channels() -> None:
    alert = {
        "severity": "severe",
        "msg_type": "Alert",
        "headline_th": "น้ำทะเลหนุนสูง " * 30,
        "headline_en": "High tide",
        "description_th": "ก" * 6000,
        "description_en": "Water expected to peak at 1.3 m.",
        "instruction_th": None,
        "instruction_en": "Move belongings up.",
    }
    link = "https://paknam.example/alerts/7"
    out = render_alert(alert, link)
    assert len(out["th"]["line"]) <= 5000 and out["th"]["line"].endswith(link)
    assert sms_size(out["th"]["sms"]).segments <= SMS_MAX_SEGMENTS
    assert out["th"]["sms"].endswith(link) and "…" in out["th"]["sms"]
    assert out["en"]["sms"] == f"[Severe] High tide {link}?lang=en"
    assert out["en"]["email_subject"] == "[Severe] High tide"
    assert "Move belongings up." in out["en"]["email_body"]


@pytest.mark.parametrize(
    ("status", "mark"),
    [("Exercise", "[การฝึกซ้อม / EXERCISE] "), ("Test", "[ทดสอบ / TEST] "), ("Actual", "")],
)
def test_drills_are_marked_first_on_every_channel(status: str, mark: str) -> None:
    alert = {
        "severity": "extreme",
        "status": status,
        "headline_th": "น้ำหนุน",
        "headline_en": "High tide",
        "description_th": "ก",
        "description_en": "a",
    }
    for msg_type, th, en in (
        ("Alert", "[รุนแรงมาก]", "[Extreme]"),
        ("Update", "[ปรับปรุง · รุนแรงมาก]", "[UPDATE · Extreme]"),
        ("Cancel", "[ยกเลิกประกาศ]", "[CANCELLED]"),
    ):
        out = render_alert({**alert, "msg_type": msg_type}, "https://p.example/alerts/1")
        for lang, tag in (("th", th), ("en", en)):
            for key in ("line", "sms", "email_subject", "email_body"):
                assert out[lang][key].startswith(f"{mark}{tag} "), (lang, key, out[lang][key])
