"""Thai and English sentences of the air-source explanation, by key (a message catalogue).

Each entry is ``key: (thai, english)``; fields in braces are filled by
:func:`paknam.environment.attribution.air.explain.explain_air_source`. Keeping them here, as
data, lets a dashboard, a LINE message and a report say the same thing, and lets a
translator work without reading the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["AIR_TEXTS", "render"]

_T: dict[str, tuple[str, str]] = {
    "too_few_hours": (
        "ข้อมูลยังน้อยเกินไปที่จะบอกได้ว่า {pollutant}{at_th} มาจากทิศใด: มีเพียง {windy} ชั่วโมง"
        "ที่มีทั้งค่า {pollutant} และลมอย่างน้อย {calm} m/s (ต้องมีอย่างน้อย {need} ชั่วโมง)",
        "Too little data to say where {pollutant}{at_en} comes from: only {windy} hours have "
        "both a {pollutant} value and wind of at least {calm} m/s ({need} are needed).",
    ),
    "no_variation": (
        "{pollutant}{at_th} มีค่าเท่ากันทุกชั่วโมง ({value} {unit}) จึงไม่มีค่าสูงให้หาแหล่งที่มา",
        "{pollutant}{at_en} has the same value ({value} {unit}) at every hour: there are no "
        "high values to trace.",
    ),
    "sector": (
        "{pollutant}{at_th} มีค่าสูง (ตั้งแต่เปอร์เซ็นไทล์ที่ {pct} คือ {thr} {unit} ขึ้นไป) "
        "บ่อยที่สุดเมื่อลมพัดมาจากทิศ{sector_th} ({code}, {range}){speed_th}: ร้อยละ {cpf} ของ "
        "{n} ชั่วโมงที่ลมมาจากทิศนี้ (ใน {runs} ช่วงแยกกัน) มีค่าสูง "
        "เทียบกับร้อยละ {base} ของทุก {windy} ชั่วโมงที่มีลม "
        "(และร้อยละ {expected} ที่คาดได้จากความเร็วลมของทิศนี้เพียงอย่างเดียว) "
        "และร้อยละ {share} ของชั่วโมงที่มีค่าสูง (ขณะมีลม) มากับลมทิศนี้ ใน {days} วันที่ต่างกัน",
        "{pollutant}{at_en} is high (at or above its {pct}th percentile, {thr} {unit}) most "
        "often when the wind blows from the {sector_en} ({code}, {range}){speed_en}: {cpf}% of "
        "the {n} hours with that wind (in {runs} separate spells) were high, against {base}% "
        "of all {windy} hours with wind and {expected}% expected from the wind speeds of that "
        "direction alone; {share}% of the high hours with wind came from there, on {days} "
        "different days.",
    ),
    "speed": (
        " ความเร็วลม {speed} (ร้อยละ {cell_cpf} ของ {cell_n} ชั่วโมงมีค่าสูง)",
        " at {speed} ({cell_cpf}% of {cell_n} hours high)",
    ),
    "neighbours": ("ทิศข้างเคียงที่เด่นเช่นกัน: {group}", "Neighbouring sectors stand out too: {group}."),
    "nearby_source": (
        "น่าจะมีแหล่งกำเนิดอยู่ใกล้ ๆ ทางทิศ{sector_th}ของสถานี: เมื่อลมมาจากทิศนี้ ค่าลดลงตามความเร็วลม"
        "มากกว่าทิศอื่น (เฉลี่ย {light_mean} {unit} เมื่อลมต่ำกว่า {low} m/s, {light_n} ชั่วโมง และ "
        "{strong_mean} {unit} เมื่อลมแรงกว่า, {strong_n} ชั่วโมง: อัตราส่วน {ratio} เทียบกับ {ratio_all} "
        "ของทิศอื่น) อย่างที่เป็นกับแหล่งกำเนิดระดับพื้นดินที่อยู่ใกล้",
        "A nearby source to the {code} is likely: with wind from there, values fall with wind "
        "speed more than in other directions (mean {light_mean} {unit} below {low} m/s, "
        "{light_n} hours, and {strong_mean} {unit} at or above, {strong_n} hours: a ratio of "
        "{ratio} against {ratio_all} for the other directions), as for a low source close by.",
    ),
    "distant_or_elevated_source": (
        "น่าจะมีแหล่งกำเนิดทางทิศ{sector_th} ซึ่งอยู่ไกลออกไปหรืออยู่สูง (เช่น ปล่องควัน): เมื่อลมมาจาก"
        "ทิศนี้ ค่าในลมแรงค่อนข้างสูงกว่าทิศอื่น (เฉลี่ย {strong_mean} {unit} เมื่อลมตั้งแต่ {low} m/s, "
        "{strong_n} ชั่วโมง และ {light_mean} {unit} ในลมอ่อน, {light_n} ชั่วโมง: อัตราส่วนลมอ่อนต่อลมแรง "
        "{ratio} เทียบกับ {ratio_all} ของทิศอื่น)",
        "A source to the {code} is likely, farther away or elevated (a stack): with wind from "
        "there, values stay high in stronger wind, unlike other directions (mean {strong_mean} "
        "{unit} at {low} m/s or more, {strong_n} hours, and {light_mean} {unit} in light wind, "
        "{light_n} hours: a light-to-strong ratio of {ratio} against {ratio_all} for the other "
        "directions).",
    ),
    "source_direction": (
        "น่าจะมีแหล่งกำเนิดทางทิศ{sector_th} แต่ความเร็วลมยังบอกไม่ได้ว่าอยู่ใกล้หรือไกล "
        "({light_n} ชั่วโมงที่ลมต่ำกว่า {low} m/s, {strong_n} ชั่วโมงที่ลมแรงกว่า)",
        "A source to the {code} is likely; wind speed does not tell whether it is near or far "
        "({light_n} hours below {low} m/s, {strong_n} at or above).",
    ),
    "regional_from_sector": (
        "แต่สถานีใกล้เคียงก็สูงขึ้นพร้อมกัน (ดูด้านล่าง): ส่วนใหญ่น่าจะเป็นหมอกควันระดับภูมิภาคที่ลม"
        "พัดมาจากทิศ{sector_th} มากกว่าแหล่งกำเนิดเดียวใกล้สถานี",
        "But the nearby stations rise at the same time (below): much of it is likely regional "
        "haze carried from the {code} rather than a single nearby source.",
    ),
    "no_clear_sector": (
        "ไม่มีทิศลมใดเด่นชัดสำหรับ {pollutant}{at_th}: สัดส่วนชั่วโมงที่มีค่าสูงมากที่สุดคือร้อยละ "
        "{cpf} เมื่อลมมาจากทิศ{sector_th} ({code}, {n} ชั่วโมงใน {runs} ช่วงแยกกัน) "
        "เทียบกับร้อยละ {base} โดยรวม ยังไม่พอจะชี้ว่ามีแหล่งกำเนิดในทิศใดทิศหนึ่ง",
        "No wind direction stands out for {pollutant}{at_en}: the largest share of high hours "
        "is {cpf}% with winds from the {sector_en} ({code}, {n} hours in {runs} separate "
        "spells), against {base}% overall; not enough to point to a source in one direction.",
    ),
    "no_sector_reported": (
        "ยังไม่มีทิศลมใดที่มีข้อมูลถึง {min} ชั่วโมง จึงยังบอกทิศของแหล่งกำเนิด {pollutant}{at_th} ไม่ได้",
        "No wind sector has {min} hours of data yet: the direction of the {pollutant} source"
        "{at_en} cannot be told.",
    ),
    "calm_note": (
        "ค่าสูงพบบ่อยเมื่อลมสงบด้วย (ร้อยละ {calm_cpf} ของ {calm_n} ชั่วโมงที่ลมสงบ): มลพิษสะสมตัวเมื่ออากาศนิ่ง",
        "High values are also frequent in calm air ({calm_cpf}% of {calm_n} calm hours): "
        "pollution builds up when the air is still.",
    ),
    "calm_local": (
        "{pollutant}{at_th} สูงบ่อยที่สุดเมื่อลมสงบ (ร้อยละ {calm_cpf} ของ {calm_n} ชั่วโมงที่ลมสงบ "
        "เทียบกับร้อยละ {base} เมื่อมีลม) โดยไม่มีทิศลมใดเด่นชัด: น่าจะเป็นแหล่งกำเนิดใกล้สถานี"
        "ที่สะสมตัวเมื่ออากาศนิ่ง",
        "{pollutant}{at_en} is high most often in calm air ({calm_cpf}% of {calm_n} calm "
        "hours, against {base}% with wind) and no wind direction stands out: local emissions "
        "building up in still air are likely.",
    ),
    "regional": (
        "สถานีใกล้เคียง ({others}) ขึ้นลงไปพร้อมกัน (ค่าสหสัมพันธ์มัธยฐาน {r}; ร้อยละ {shared} "
        "ของชั่วโมงที่มีค่าสูงก็สูงที่สถานีใกล้เคียงด้วย): เป็นหมอกควันระดับภูมิภาค",
        "The nearby stations ({others}) rise and fall with it (median r {r}; {shared}% of its "
        "high hours were high there too): regional haze.",
    ),
    "local": (
        "สถานีใกล้เคียง ({others}) ไม่ได้สูงขึ้นตาม (ค่าสหสัมพันธ์มัธยฐาน {r}; ร้อยละ {shared} "
        "ของชั่วโมงที่มีค่าสูงที่สูงพร้อมกัน): สาเหตุน่าจะอยู่ในพื้นที่",
        "The nearby stations ({others}) do not follow it (median r {r}; {shared}% of its high "
        "hours shared): the cause is likely local.",
    ),
    "mixed": (
        "สถานีใกล้เคียง ({others}) สูงขึ้นตามบางส่วน (ค่าสหสัมพันธ์มัธยฐาน {r}; ร้อยละ {shared} "
        "ของชั่วโมงที่มีค่าสูงที่สูงพร้อมกัน): ทั้งหมอกควันระดับภูมิภาคและแหล่งในพื้นที่มีส่วน",
        "The nearby stations ({others}) partly follow it (median r {r}; {shared}% of its high "
        "hours shared): both regional haze and local sources contribute.",
    ),
    "diurnal": (
        "ในรอบวัน ค่าสูงสุดราว {peak} น. (เฉลี่ย {peak_mean} {unit}) และต่ำสุดราว {trough} น. "
        "(เฉลี่ย {trough_mean} {unit})",
        "Over the day it is highest around {peak} ({peak_mean} {unit} on average) and lowest "
        "around {trough} ({trough_mean} {unit}).",
    ),
    "no_neighbours": (
        "ยังไม่ได้เปรียบเทียบกับสถานีใกล้เคียง จึงยังตัดความเป็นไปได้ของหมอกควันระดับภูมิภาคไม่ได้",
        "Nearby stations were not compared: regional haze cannot be ruled out.",
    ),
    "short_record": (
        "หมายเหตุ: ข้อมูลมีเพียง {days} วัน ผลยังไม่หนักแน่น ควรตรวจซ้ำเมื่อมีข้อมูลมากขึ้น",
        "Note: only {days} days of data; the evidence is thin, check again with more.",
    ),
    "method": (
        "(ชั่วโมงที่ลมสงบ ต่ำกว่า {calm} m/s ไม่นับในทิศลม: {calm_n} จาก {valid} ชั่วโมง)",
        "(Calm hours, wind below {calm} m/s, are left out of the wind sectors: {calm_n} of "
        "{valid} hours.)",
    ),
}

AIR_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(_T)
"""Message catalogue: key → (Thai, English)."""


def render(key: str, **fields: object) -> tuple[str, str]:
    """The Thai and English sentence of ``key`` with ``fields`` filled in."""
    th, en = AIR_TEXTS[key]
    return th.format(**fields), en.format(**fields)
