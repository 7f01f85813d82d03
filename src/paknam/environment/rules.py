"""Environment exceedance rules (pure): what is wrong now, as warning signals.

Each rule takes numbers already read from the store and returns
:class:`paknam.core.warnings.Signal` objects with Thai and English texts; the service
(:func:`paknam.environment.service.run_environment_checks`) feeds them to
:func:`paknam.core.warnings.sync_warnings`.

Rules and their defaults (module constants, change them per deployment):

- ``aqi``: the station's latest hourly AQI is at level :data:`AQI_WARN_LEVEL` (5, "affects
  health") or above → ``severe``; level 4 is reported as ``moderate`` only when
  :data:`AQI_WARN_LEVEL` is lowered to 4.
- ``do_low``: latest dissolved oxygen below the minimum of the station's target class of
  the Thai surface water standard (NEB 1994: class 2 ≥ 6, class 3 ≥ 4, class 4 ≥ 2 mg/L, as
  20th percentile). The target class comes from station metadata ``water_class``; default
  :data:`DEFAULT_WATER_CLASS` (4: the class of most urban canals, the loosest with a DO limit).
- ``wqi_poor``: the latest daily WQI is in the band "poor" (31–60, ``moderate``) or "very
  poor" (0–30, ``severe``); the text says when the WQI is partial or provisional.
- ``do_drop``: the latest DO is less than half the median of the previous
  :data:`DROP_WINDOW` samples (a sudden drop: spill, dead fish risk), ``moderate``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from paknam.core.timeutil import english_date, english_time_s, thai_date, thai_time_s
from paknam.core.warnings import Signal
from paknam.environment.aqi.levels import LEVELS, level_for
from paknam.environment.aqi.tables import POLLUTANTS

AQI_WARN_LEVEL = 5
DO_MIN_BY_CLASS: dict[int, float] = {2: 6.0, 3: 4.0, 4: 2.0}
"""Minimum DO [mg/L] (20th percentile) per Thai surface water class; NEB notification 1994."""
DEFAULT_WATER_CLASS = 4
DROP_WINDOW = 3
DROP_RATIO = 0.5


def aqi_signal(
    station_id: str,
    name_th: str,
    name_en: str,
    aqi: int,
    pollutant: str,
    time_s: int,
    *,
    district_code: str | None = None,
    warn_level: int = AQI_WARN_LEVEL,
) -> Signal | None:
    """A signal when the AQI is at ``warn_level`` or worse, else None."""
    level = level_for(aqi)
    if level.number < warn_level:
        return None
    pol = POLLUTANTS[pollutant].label if pollutant in POLLUTANTS else pollutant
    when_th, when_en = thai_time_s(time_s), english_time_s(time_s)
    return Signal(
        domain="environment",
        kind="aqi",
        station_id=station_id,
        severity="severe" if level.number >= 5 else "moderate",
        headline_th=f"คุณภาพอากาศ{level.name_th} ที่{name_th} (AQI {aqi})",
        headline_en=f"Air quality {level.name_en} at {name_en} (AQI {aqi})",
        description_th=(
            f"ดัชนีคุณภาพอากาศ {aqi} จาก {pol} เมื่อ {when_th} "
            f"ประชาชนทั่วไป: {level.advice_general_th} กลุ่มเสี่ยง: {level.advice_at_risk_th}"
        ),
        description_en=(
            f"AQI {aqi}, set by {pol}, at {when_en}. General public: {level.advice_general_en} "
            f"At-risk groups: {level.advice_at_risk_en}"
        ),
        observed_at=time_s,
        value=float(aqi),
        threshold=float(next(lv.aqi_lo for lv in LEVELS if lv.number == warn_level)),
        district_code=district_code,
        details={"pollutant": pollutant, "level": level.number, "color": level.color},
    )


def do_signals(
    station_id: str,
    name_th: str,
    name_en: str,
    samples: Sequence[tuple[int, float]],
    *,
    water_class: int | None = None,
    district_code: str | None = None,
) -> list[Signal]:
    """Signals for low and suddenly dropping dissolved oxygen.

    ``samples`` are (UTC epoch s, DO [mg/L]) in time order; the last one is judged.
    """
    if not samples:
        return []
    cls = water_class if water_class in DO_MIN_BY_CLASS else DEFAULT_WATER_CLASS
    limit = DO_MIN_BY_CLASS[cls]
    t, value = samples[-1]
    when_th, when_en = thai_time_s(t), english_time_s(t)
    out = []
    if value < limit:
        out.append(
            Signal(
                domain="environment",
                kind="do_low",
                station_id=station_id,
                severity="severe" if value < limit / 2 else "moderate",
                headline_th=f"ออกซิเจนละลายน้ำต่ำ ที่{name_th} ({value:g} มก./ล.)",
                headline_en=f"Low dissolved oxygen at {name_en} ({value:g} mg/L)",
                description_th=(
                    f"ออกซิเจนละลายน้ำ {value:g} มก./ล. เมื่อ {when_th} ต่ำกว่าเกณฑ์ "
                    f"{limit:g} มก./ล. ของแหล่งน้ำประเภทที่ {cls} "
                    "สัตว์น้ำอาจตาย ควรตรวจสอบแหล่งปล่อยน้ำเสียต้นน้ำ"
                ),
                description_en=(
                    f"Dissolved oxygen {value:g} mg/L at {when_en} is below the class {cls} "
                    f"minimum of {limit:g} mg/L. Aquatic life is at risk; check discharges "
                    "upstream."
                ),
                observed_at=t,
                value=value,
                threshold=limit,
                district_code=district_code,
                details={"water_class": cls},
            )
        )
    previous = [v for _, v in samples[-1 - DROP_WINDOW : -1]]
    if len(previous) == DROP_WINDOW:
        ref = statistics.median(previous)
        if ref > 0 and value < DROP_RATIO * ref:
            out.append(
                Signal(
                    domain="environment",
                    kind="do_drop",
                    station_id=station_id,
                    severity="moderate",
                    headline_th=f"ออกซิเจนละลายน้ำลดลงฉับพลัน ที่{name_th}",
                    headline_en=f"Sudden drop of dissolved oxygen at {name_en}",
                    description_th=(
                        f"ออกซิเจนละลายน้ำ {value:g} มก./ล. เมื่อ {when_th} "
                        f"ลดลงจากค่ากลาง {ref:g} มก./ล. ของ {DROP_WINDOW} ครั้งก่อน"
                    ),
                    description_en=(
                        f"Dissolved oxygen {value:g} mg/L at {when_en}, down from a median of "
                        f"{ref:g} mg/L over the previous {DROP_WINDOW} samples."
                    ),
                    observed_at=t,
                    value=value,
                    threshold=DROP_RATIO * ref,
                    district_code=district_code,
                    details={"reference_median": ref},
                )
            )
    return out


def wqi_signal(
    station_id: str,
    name_th: str,
    name_en: str,
    day: dict[str, object],
    time_s: int,
    *,
    district_code: str | None = None,
) -> Signal | None:
    """A signal when the latest daily WQI (a row of ``station_wqi_days``) is poor or worse."""
    band = str(day["band"])
    if band not in ("poor", "very_poor"):
        return None
    wqi = int(str(day["wqi"]))
    note_th = f" ({day['note_th']})" if day.get("note_th") else ""
    note_en = f" ({day['note_en']})" if day.get("note_en") else ""
    return Signal(
        domain="environment",
        kind="wqi_poor",
        station_id=station_id,
        severity="severe" if band == "very_poor" else "moderate",
        headline_th=f"คุณภาพน้ำ{day['band_name_th']} ที่{name_th} (WQI {wqi})",
        headline_en=f"Water quality {day['band_name_en']} at {name_en} (WQI {wqi})",
        description_th=(
            f"ดัชนีคุณภาพน้ำ {wqi} จากตัวอย่างวันที่ {thai_date(day['date'])}{note_th} "
            "คำนวณด้วยเส้นคะแนนชั่วคราวของ paknam ไม่ใช่เส้นทางการของกรมควบคุมมลพิษ"
        ),
        description_en=(
            f"WQI {wqi} from the samples of {english_date(day['date'])}{note_en}; computed "
            "with paknam's provisional score curves, not PCD's official ones."
        ),
        observed_at=time_s,
        value=float(wqi),
        threshold=60.0,
        district_code=district_code,
        details={"band": band, "complete": day.get("complete")},
    )
