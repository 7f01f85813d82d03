"""Smart Environment (สิ่งแวดล้อม): air and canal water quality, their rules and indicators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.core.registry import (
    CapEvent,
    Dataset,
    DemoPlan,
    DemoStep,
    Domain,
    Indicator,
    Link,
    Rule,
    RuleRun,
    WarningKind,
    commands_in,
    routers_in,
    tables_of,
)
from paknam.environment import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _indicators(store: Store, year: int | None) -> list[Indicator]:
    from paknam.environment.service import indicator_records

    return indicator_records(store, year)


def _checks(store: Store) -> RuleRun:
    from paknam.environment.service import run_environment_checks

    r = run_environment_checks(store)
    active = store.list_warnings(domain="environment")
    lines = [
        f"environment warnings: {len(r.raised)} raised, {len(r.updated)} updated, "
        f"{len(r.cleared)} cleared; {len(active)} active",
        *(f"  [{w['severity']}] {w['headline_th']} / {w['headline_en']}" for w in active),
    ]
    return RuleRun(r.raised, r.updated, r.cleared, lines)


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.core.config import redact_url
    from paknam.environment.demo import load_demo

    added, result = load_demo(store, plan)
    return [
        f"demo data: {added} new station(s); {result.received} observations read, "
        f"{result.stored} stored, {result.unchanged} already there  [{redact_url(store.url)}]"
    ]


SAMPLE_FRESH_S = 2 * 86400
"""Canal water is sampled (by hand or by sensor) far less often than air: a sample up to
two days old may still warn citizens; air and water level need data of the last 3 hours."""

_PCD_NOTE = (
    "Observations of PCD stations (Air4Thai) are public government data of the Pollution "
    "Control Department, whose feed states no licence: cite PCD as the source. The "
    "province's own stations and the values paknam derives are under CC BY 4.0."
)
AIR_QUANTITIES = (
    "pm25",
    "pm25_24h",
    "pm10",
    "pm10_24h",
    "o3",
    "o3_8h",
    "co",
    "co_8h",
    "no2",
    "so2",
)
WATER_QUANTITIES = (
    "water_temperature", "ph", "do", "bod", "cod", "nh3n", "no3n", "total_phosphorus",
    "tcb", "fcb", "suspended_solids", "conductivity", "salinity", "turbidity",
)  # fmt: skip

DATASETS = (
    Dataset(
        name="air-quality-hourly",
        title_th="คุณภาพอากาศรายชั่วโมงตามสถานี",
        title_en="Air quality, hourly, by station",
        notes_th="ค่าฝุ่น PM2.5, PM10, โอโซน, CO, NO2 และ SO2 รายชั่วโมง (และค่าเฉลี่ยเคลื่อนที่) "
        "จากสถานีตรวจวัดคุณภาพอากาศในจังหวัด หน่วยตามที่กรมควบคุมมลพิษเผยแพร่",
        notes_en="Hourly PM2.5, PM10, ozone, CO, NO2 and SO2 (and their running means) at "
        "the province's air-quality stations, in the units PCD publishes.",
        keywords=("air quality", "PM2.5", "คุณภาพอากาศ", "ฝุ่น"),
        theme="ENVI",
        category_th="สิ่งแวดล้อม",
        frequency="HOURLY",
        licence_note=_PCD_NOTE,
        quantities=AIR_QUANTITIES,
        station_kinds=("air",),
        links=(
            Link(
                "stations",
                "/api/v1/stations?kind=air",
                "GeoJSON",
                "สถานีตรวจวัดคุณภาพอากาศ",
                "Air-quality stations",
            ),
        ),
    ),
    Dataset(
        name="thai-aqi",
        title_th="ดัชนีคุณภาพอากาศของประเทศไทย (AQI)",
        title_en="Thai Air Quality Index (AQI)",
        notes_th="ดัชนีคุณภาพอากาศรายชั่วโมงตามเกณฑ์กรมควบคุมมลพิษ คำนวณจากค่าตรวจวัดของแต่ละสถานี",
        notes_en="Hourly Thai AQI (PCD's breakpoints) computed from each station's measurements.",
        keywords=("AQI", "air quality", "ดัชนีคุณภาพอากาศ"),
        theme="ENVI",
        category_th="สิ่งแวดล้อม",
        frequency="HOURLY",
        links=(
            Link(
                "latest",
                "/api/v1/environment/aqi",
                "JSON",
                "AQI ล่าสุดของทุกสถานี",
                "Latest AQI of every station",
            ),
        ),
    ),
    Dataset(
        name="canal-water-quality",
        title_th="คุณภาพน้ำในคลองและดัชนีคุณภาพน้ำ (WQI)",
        title_en="Canal water quality and Water Quality Index (WQI)",
        notes_th="ค่าตรวจวัดคุณภาพน้ำผิวดินในคลอง (ออกซิเจนละลายน้ำ บีโอดี แบคทีเรีย ฯลฯ) "
        "และดัชนีคุณภาพน้ำตามเกณฑ์กรมควบคุมมลพิษ",
        notes_en="Surface-water quality in the canals (dissolved oxygen, BOD, coliforms, "
        "nutrients ...) and the Thai WQI computed from it.",
        keywords=("water quality", "WQI", "canal", "คุณภาพน้ำ", "คลอง"),
        theme="ENVI",
        category_th="สิ่งแวดล้อม",
        frequency="IRREG",
        quantities=WATER_QUANTITIES,
        station_kinds=("water_quality",),
        links=(
            Link(
                "wqi",
                "/api/v1/environment/wqi",
                "JSON",
                "WQI ล่าสุดของทุกจุดตรวจวัด",
                "Latest WQI of every point",
            ),
            Link(
                "stations",
                "/api/v1/stations?kind=water_quality",
                "GeoJSON",
                "จุดตรวจวัดคุณภาพน้ำ",
                "Water-quality points",
            ),
        ),
    ),
)


AQI_INSTRUCTION = (
    "ลดหรืองดกิจกรรมกลางแจ้งและการออกกำลังกายนอกอาคาร โดยเฉพาะเด็ก ผู้สูงอายุ หญิงตั้งครรภ์ "
    "และผู้มีโรคหัวใจหรือโรคระบบทางเดินหายใจ ปิดประตูหน้าต่าง หากต้องออกนอกอาคารให้สวมหน้ากาก N95 "
    "หากไอ หายใจลำบาก แน่นหน้าอก หรือเวียนศีรษะ ให้พบแพทย์หรือโทร 1669",
    "Cut down on or avoid outdoor activity and exercise, above all children, older people, "
    "pregnant women and people with heart or lung disease. Keep doors and windows shut; "
    "wear an N95 mask if you must go out. If you cough, are short of breath, feel chest "
    "pain or dizziness, see a doctor or call 1669.",
)
"""What citizens should do when the AQI rule warns (Pollution Control Department's
health advice for the orange and red levels, in plain words)."""
WATER_INSTRUCTION = (
    "งดใช้น้ำจากคลองบริเวณนี้ งดลงเล่นน้ำ และงดจับหรือกินปลาและสัตว์น้ำจากคลอง "
    "ล้างมือด้วยสบู่หลังสัมผัสน้ำ หากพบปลาตายหรือน้ำมีกลิ่นเหม็น แจ้งผ่านระบบร้องเรียนของจังหวัด",
    "Do not use the canal water here; do not swim in it, and do not catch or eat fish or "
    "other animals from the canal. Wash your hands with soap after touching the water. "
    "Report dead fish or foul-smelling water through the province's complaint service.",
)
"""What citizens should do when a canal's water quality warning is raised."""


DOMAIN = Domain(
    name="environment",
    title_th="สิ่งแวดล้อมอัจฉริยะ",
    title_en="Smart Environment",
    order=10,
    routers=routers_in("paknam.environment.routes"),
    install_cli=commands_in("paknam.environment.cli"),
    tables=tables_of(schema),
    indicators=_indicators,
    warning_kinds=(
        WarningKind(
            "aqi",
            "air",
            CapEvent(("Env", "Health"), "คุณภาพอากาศมีผลกระทบต่อสุขภาพ", "Unhealthy air quality"),
            instruction_th=AQI_INSTRUCTION[0],
            instruction_en=AQI_INSTRUCTION[1],
        ),
        WarningKind(
            "do_low",
            "water",
            CapEvent(("Env",), "ออกซิเจนละลายน้ำต่ำ", "Low dissolved oxygen"),
            fresh_s=SAMPLE_FRESH_S,
            instruction_th=WATER_INSTRUCTION[0],
            instruction_en=WATER_INSTRUCTION[1],
        ),
        WarningKind(
            "do_drop",
            "water",
            CapEvent(("Env",), "ออกซิเจนละลายน้ำลดลงฉับพลัน", "Sudden drop in dissolved oxygen"),
            fresh_s=SAMPLE_FRESH_S,
            instruction_th=WATER_INSTRUCTION[0],
            instruction_en=WATER_INSTRUCTION[1],
        ),
        WarningKind(
            "wqi_poor",
            "water",
            CapEvent(("Env",), "คุณภาพน้ำเสื่อมโทรม", "Poor water quality"),
            fresh_s=SAMPLE_FRESH_S,
            instruction_th=WATER_INSTRUCTION[0],
            instruction_en=WATER_INSTRUCTION[1],
        ),
    ),
    rules=(
        Rule(
            "environment.checks",
            _checks,
            every_s=3600,
            command=("environment", "check"),
            http_path="/api/v1/environment/checks",
            summary="Run the environment rules now (officer)",
        ),
    ),
    demo=DemoStep(_demo, order=10),
    datasets=DATASETS,
)
