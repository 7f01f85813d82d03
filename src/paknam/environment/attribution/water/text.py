"""Thai and English sentences of the canal-drop explanation, by key (a message catalogue).

Each entry is ``key: (thai, english)``; fields in braces are filled by
:func:`paknam.environment.attribution.water.explain.explain_water_drop`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["WATER_TEXTS", "render"]

_T: dict[str, tuple[str, str]] = {
    "no_drop": (
        "{param_th} ผ่านเกณฑ์ ({rule_th}) ทุกสถานีและทุกครั้งที่ตรวจ: ไม่พบจุดที่คุณภาพน้ำเริ่มเสื่อม",
        "{param} met the limit ({rule_en}) at every station and sampling: no drop found.",
    ),
    "no_data": (
        "ไม่มีค่า {param_th} ที่สถานีใดเลย จึงยังบอกไม่ได้ว่าคุณภาพน้ำเสื่อมที่ใด",
        "There is no {param} value at any station: where the water quality drops cannot be told.",
    ),
    "widespread": (
        "{param_th} ไม่ผ่านเกณฑ์ ({rule_th}) ทุกสถานีตั้งแต่การตรวจครั้งแรก ({time}): หาจุดเริ่มต้นภายใน"
        "เครือข่ายนี้ไม่ได้ ความเสื่อมมาจากเหนือสถานี {headwaters} หรือเกิดทั่วทั้งพื้นที่",
        "{param} broke the limit ({rule_en}) at every station from the first sampling ({time}): "
        "the drop cannot be located inside this network; it comes from above {headwaters}, or "
        "is widespread.",
    ),
    "reach": (
        "{param_th} เริ่มไม่ผ่านเกณฑ์ ({rule_th}) ที่สถานี {station} เมื่อ {time}: {value} {unit} "
        "ขณะที่สถานีเหนือน้ำยังมีค่า {feeder_values} คุณภาพน้ำจึงเริ่มเสื่อมในช่วงคลอง {reach}",
        "{param} first broke the limit ({rule_en}) at {station} on {time}: {value} {unit}, "
        "while upstream still had {feeder_values}. The drop appears in the reach {reach}.",
    ),
    "uncertain": (
        "{param_th} เริ่มไม่ผ่านเกณฑ์ ({rule_th}) ที่สถานี {station} เมื่อ {time} ({value} {unit}) "
        "แต่สถานีเหนือน้ำ {missing} ไม่ได้ตรวจในเวลานั้น ความเสื่อมจึงอาจเริ่มจากเหนือขึ้นไป",
        "{param} first broke the limit ({rule_en}) at {station} on {time} ({value} {unit}), "
        "but upstream {missing} was not sampled then: the drop may have started farther up.",
    ),
    "headwater": (
        "{param_th} เริ่มไม่ผ่านเกณฑ์ ({rule_th}) ที่สถานี {station} เมื่อ {time} ({value} {unit}) "
        "ซึ่งไม่มีสถานีเหนือน้ำ (ตามทิศการไหลในเวลานั้น): สาเหตุอยู่ที่หรือเหนือสถานี {station}",
        "{param} first broke the limit ({rule_en}) at {station} on {time} ({value} {unit}), "
        "which has no station upstream of it under that time's flow: the cause is at or above "
        "{station}.",
    ),
    "no_flow": (
        "{param_th} เริ่มไม่ผ่านเกณฑ์ ({rule_th}) ที่สถานี {station} เมื่อ {time} ({value} {unit}) "
        "ขณะที่ไม่มีน้ำไหลเข้า (ประตูน้ำปิดหรือน้ำนิ่ง): สาเหตุน่าจะอยู่ในพื้นที่รอบสถานี {station}",
        "{param} first broke the limit ({rule_en}) at {station} on {time} ({value} {unit}) "
        "while no water flowed in (gate closed or slack water): a local cause around "
        "{station} is likely.",
    ),
    "other_origins": (
        "จุดอื่นที่ความเสื่อมเริ่มขึ้นเองในเวลาต่อมา: {items}",
        "Other places where a drop started on its own later: {items}.",
    ),
    "arrived": ("จากนั้นไปถึง {items}", "It then reached {items}."),
    "arrived_item": ("{station} หลังจากนั้น {hours} ชม.{speed}", "{station} {hours} h later{speed}"),
    "speed": (" (ประมาณ {kmh} กม./ชม.)", " (about {kmh} km/h)"),
    "reversed": (
        "ได้รับผลทางเหนือน้ำเมื่อน้ำไหลย้อนกลับ (น้ำขึ้น): {items}",
        "Reached upstream on reversed (flood-tide) flow: {items}.",
    ),
    "against_flow": (
        "ไม่ผ่านเกณฑ์ภายหลังทั้งที่อยู่ทวนน้ำและไม่มีบันทึกว่าน้ำไหลย้อน (อาจมีแหล่งอื่น หรือมีน้ำไหลย้อนที่ไม่ได้บันทึก): {items}",
        "Broke the limit later although upstream, with no reversed flow recorded (another "
        "source, or an unrecorded reversal): {items}.",
    ),
    "earlier": (
        "ไม่ผ่านเกณฑ์ก่อนที่น้ำจากจุดเสื่อมจะไปถึง (อาจมีแหล่งอื่นหรือน้ำทะเลหนุน): {items}",
        "Broke the limit before water from the drop could reach them (another source, or "
        "tidal back-flow): {items}.",
    ),
    "same_time": (
        "ไม่ผ่านเกณฑ์ในการตรวจครั้งเดียวกัน (ช่วงห่างการตรวจกว้างเกินกว่าจะวัดเวลาเดินทาง): {items}",
        "Broke the limit at the same sampling (samplings too far apart to time the travel): "
        "{items}.",
    ),
    "already": (
        "ไม่ผ่านเกณฑ์อยู่ก่อนแล้ว จึงบอกเวลาเดินทางไม่ได้: {items}",
        "Failing already before (their timing tells nothing): {items}.",
    ),
    "not_reached": ("ยังผ่านเกณฑ์: {items}", "Stayed within the limit: {items}."),
    "flow_assumed": (
        "การวิเคราะห์นี้สมมติว่าน้ำไหลลงท้ายน้ำตลอดเวลา แต่คลองในสมุทรปราการขึ้นลงตามน้ำทะเลและมี"
        "ประตูน้ำ ควรระบุทิศการไหลในแต่ละช่วงเวลาเมื่อทราบ",
        "Flow was assumed to run downstream at all times; Samut Prakan's canals are tidal and "
        "gated, so give the flow direction per time when it is known.",
    ),
    "grab_samples": (
        "ค่าจากการเก็บตัวอย่างเป็นครั้ง ๆ บอกได้เพียงว่าความเสื่อมเกิดระหว่างการตรวจสองครั้ง",
        "Grab samples only bound the timing between two samplings.",
    ),
}

WATER_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(_T)
"""Message catalogue: key → (Thai, English)."""


def render(key: str, **fields: object) -> tuple[str, str]:
    """The Thai and English sentence of ``key`` with ``fields`` filled in."""
    th, en = WATER_TEXTS[key]
    return th.format(**fields), en.format(**fields)
