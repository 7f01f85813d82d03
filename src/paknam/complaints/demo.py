"""Sample complaints for the demo: invented, labelled "ตัวอย่าง / sample", spread over the
six districts and over the workflow's states, so that the inbox, Open311 and the indicator
show something. Loaded once (client ``demo``); nothing here is a real citizen's text.
"""

from __future__ import annotations

import sqlalchemy as sa

from paknam.complaints import handling, intake
from paknam.complaints.hooks import emit
from paknam.complaints.schema import complaints as table
from paknam.core.store import Store
from paknam.core.timeutil import now_s

H = 3600
SAMPLES: tuple[tuple[str, str, float, float, int, tuple[tuple[str, int], ...]], ...] = (
    # service, text, lat, lon, hours ago, (state, hours after filing) ...
    (
        "road",
        "ถนนหน้าตลาดปากน้ำเป็นหลุมลึก รถจักรยานยนต์ล้ม",
        13.5996,
        100.5969,
        300,
        (("assigned", 2), ("in_progress", 20), ("resolved", 60)),
    ),
    (
        "lighting",
        "ไฟถนนดับทั้งซอย มืดมาก เดินกลับบ้านไม่ปลอดภัย",
        13.6080,
        100.6020,
        200,
        (("assigned", 1), ("resolved", 30)),
    ),
    (
        "flooding",
        "น้ำทะเลหนุนท่วมถนนริมแม่น้ำ สูงประมาณ 30 ซม.",
        13.5860,
        100.5930,
        50,
        (("in_progress", 3),),
    ),
    (
        "cleanliness",
        "ขยะล้นถังหน้าโรงเรียน ส่งกลิ่นเหม็นหลายวัน",
        13.6200,
        100.7200,
        100,
        (("assigned", 5), ("resolved", 40)),
    ),
    ("drain", "ท่อระบายน้ำอุดตัน น้ำขังหน้าบ้าน", 13.6210, 100.7150, 30, ()),
    ("traffic", "รถติดหนักหน้าห้างทุกเช้า ไม่มีเจ้าหน้าที่จราจร", 13.6500, 100.5500, 20, (("assigned", 1),)),
    (
        "canal",
        "ผักตบชวาเต็มคลอง เรือสัญจรไม่ได้",
        13.5500,
        100.8000,
        500,
        (("assigned", 24), ("in_progress", 100), ("resolved", 400)),
    ),
    (
        "trees",
        "กิ่งไม้ใหญ่พาดสายไฟ เสี่ยงหักโค่น",
        13.5520,
        100.5520,
        250,
        (("assigned", 10), ("not_fixable", 200)),
    ),
    ("noise", "เสียงดังจากโรงงานกลางดึก", 13.7000, 100.8200, 10, ()),
    (
        "stray_animals",
        "สุนัขจรจัดไล่กัดเด็กในหมู่บ้าน",
        13.6950,
        100.8150,
        400,
        (("assigned", 6), ("forwarded", 30)),
    ),
    ("sidewalk", "ทางเท้าแตก กระเบื้องหลุด คนแก่สะดุดล้ม", 13.6480, 100.5480, 150, (("rejected", 4),)),
    ("pm25", "ฝุ่นควันจากการเผาในที่โล่ง แสบตา", 13.5480, 100.7980, 60, (("assigned", 2),)),
)
NOTES = {
    "resolved": "ดำเนินการเรียบร้อย (ตัวอย่าง) / Done (sample)",
    "rejected": "เรื่องซ้ำกับที่แจ้งไว้แล้ว (ตัวอย่าง) / Duplicate (sample)",
    "not_fixable": "ต้องรอรื้อสายไฟ (ตัวอย่าง) / Needs the cables moved first (sample)",
    "forwarded": "ส่งต่อท้องถิ่น (ตัวอย่าง) / To the local administration (sample)",
}


def load_demo_complaints(store: Store, now: int | None = None) -> int:
    """Add the sample complaints once; returns how many were added (0 when present)."""
    now = now_s() if now is None else now
    changes = []
    with store.write() as conn:
        present = conn.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.client == "demo")
        ).scalar()
        if present:
            return 0
        for code, text, lat, lon, ago, steps in SAMPLES:
            filed = now - ago * H
            done = intake.submit(
                conn,
                intake.ComplaintIn(code, f"[ตัวอย่าง / sample] {text}", lat, lon, client="demo"),
                now=filed,
            )
            changes += done.changes
            for state, after in steps:
                agency = "local-1106" if state == "forwarded" else None
                changes += handling.change_status(
                    conn,
                    done.complaint_id,
                    state,
                    "demo",
                    filed + after * H,
                    note=NOTES.get(state),
                    agency_code=agency,
                )
    emit(changes)
    return len(SAMPLES)
