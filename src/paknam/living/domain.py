"""Smart Living (ความเป็นอยู่): water levels, tides and surge forecasts, high-water warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.core.registry import (
    CapEvent,
    Dataset,
    DemoPlan,
    DemoStep,
    Domain,
    Link,
    Rule,
    RuleRun,
    WarningKind,
    commands_in,
    indicators_in,
    routers_in,
    tables_of,
)
from paknam.living import schema

if TYPE_CHECKING:
    from paknam.core.store import Store


def _forecasts(store: Store) -> RuleRun:
    from paknam.core.timeutil import to_local_iso
    from paknam.living.service import run_forecasts

    report = run_forecasts(store)
    lines = []
    for s in report.stations:
        if s.skipped:
            lines.append(f"  {s.station}: skipped — {s.skipped}")
        else:
            issued = to_local_iso(s.issued_at) if s.issued_at is not None else "-"
            extra = f"; warning: {s.warning}" if s.warning else ""
            trained = " (retrained)" if s.trained else ""
            lines.append(f"  {s.station}: forecast issued {issued}{trained}{extra}")
    lines.append(
        f"water-level warnings: {len(report.raised)} raised, {len(report.updated)} updated, "
        f"{len(report.cleared)} cleared"
    )
    return RuleRun(
        report.raised,
        report.updated,
        report.cleared,
        lines,
        data={"stations": [s.__dict__ for s in report.stations]},
    )


def _demo(store: Store, plan: DemoPlan) -> list[str]:
    from paknam.living.demo import hindcast_simulated, load_simulated_water_level

    sim = load_simulated_water_level(store, plan.now)
    past = hindcast_simulated(store, plan.now)
    return [
        f"SIMULATED water level (sim-pomphrachun, labelled as such): {sim.stored} new hourly "
        f"values; {past} past forecasts re-issued without look-ahead (for the accuracy check)"
    ]


DATASETS = (
    Dataset(
        name="water-levels-and-tides",
        title_th="ระดับน้ำและการพยากรณ์น้ำขึ้นน้ำลง",
        title_en="Water levels and tide forecasts",
        notes_th="ระดับน้ำที่สถานีวัดระดับน้ำ (เมตร เทียบกับระดับอ้างอิงของแต่ละชุดข้อมูล) "
        "และการพยากรณ์ระดับน้ำ 72 ชั่วโมงจากน้ำขึ้นน้ำลงและคลื่นพายุซัดฝั่ง",
        notes_en="Water levels at the gauges (metres above each series' datum) and the 72 h "
        "water-level forecasts (tide plus surge) issued for them.",
        keywords=("water level", "tide", "flood", "ระดับน้ำ", "น้ำขึ้นน้ำลง"),
        theme="ENVI",
        category_th="สาธารณภัย",
        frequency="HOURLY",
        licence_note="Water levels from HII / ONWR (ThaiWater) are public data of HII served "
        "without a stated licence: cite HII as the source. Forecasts are paknam's, CC BY 4.0.",
        quantities=("water_level",),
        station_kinds=("water_level",),
        links=(
            Link(
                "stations",
                "/api/v1/stations?kind=water_level",
                "GeoJSON",
                "สถานีวัดระดับน้ำ (การพยากรณ์: /api/v1/stations/{id}/forecast)",
                "Water-level gauges (forecasts: /api/v1/stations/{id}/forecast)",
            ),
        ),
    ),
)


HIGH_WATER_INSTRUCTION = (
    "ยกของมีค่า เอกสารสำคัญ และปลั๊กไฟขึ้นที่สูง ย้ายรถออกจากที่ต่ำริมน้ำ เลี่ยงถนนริมแม่น้ำและทางเดินที่น้ำท่วม "
    "ในช่วงน้ำขึ้นสูงสุด อย่าขับรถหรือเดินผ่านน้ำไหลเชี่ยว ดูแลเด็กและผู้สูงอายุ "
    "หากต้องการความช่วยเหลือโทร 1784 (ปภ.) หรือ 1669",
    "Move valuables, papers and electrical plugs up high and cars away from low ground by "
    "the water. Around high tide, avoid riverside roads and flooded paths; do not drive or "
    "walk through moving water. Look after children and older people. For help call 1784 "
    "(DDPM) or 1669.",
)
"""What citizens should do when a high-water (tide and surge) warning is raised."""


DOMAIN = Domain(
    name="living",
    title_th="ความเป็นอยู่อัจฉริยะ",
    title_en="Smart Living",
    order=20,
    routers=routers_in("paknam.living.routes"),
    install_cli=commands_in("paknam.living.cli"),
    tables=tables_of(schema),
    indicators=indicators_in("paknam.living.indicators"),
    warning_kinds=(
        WarningKind(
            "water_level",
            "flood",
            CapEvent(("Met",), "น้ำทะเลหนุนสูง", "High tide flooding"),
            instruction_th=HIGH_WATER_INSTRUCTION[0],
            instruction_en=HIGH_WATER_INSTRUCTION[1],
        ),
    ),
    rules=(
        Rule(
            "living.forecasts",
            _forecasts,
            every_s=3600,
            command=("forecast", "run"),
            http_path="/api/v1/living/forecasts/run",
            summary="Run the forecast service once (officer)",
        ),
    ),
    demo=DemoStep(_demo, order=20),
    datasets=DATASETS,
)
