"""Water-level warnings from a forecast (pure): which level is crossed, when, how sure.

For each station's newest 72 h forecast and its warning levels (metres above the station
datum, set by officers), the highest level the **central** forecast reaches raises one
warning (kind ``water_level``) with the expected time of the first crossing, the peak and
its time, the lead time and the probability of reaching the level at the peak, taken from
the forecast's 95 % interval as a normal distribution (σ = (hi95 − lo95) / 3.92). Levels
reached only by the upper bound are reported in ``details`` as a possibility, not raised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from paknam.core.timeutil import to_local_iso
from paknam.core.warnings import Signal

LEVELS = ("watch", "warning", "danger")
"""Warning levels, mildest first, with CAP severities minor, moderate, severe."""
LEVEL_NAMES = {
    "watch": ("เฝ้าระวัง", "watch"),
    "warning": ("เตือนภัย", "warning"),
    "danger": ("อันตราย", "danger"),
}
LEVEL_SEVERITY = {"watch": "minor", "warning": "moderate", "danger": "severe"}


def _p_exceed(value: float, lo95: float, hi95: float, level: float) -> float:
    sigma = max((hi95 - lo95) / 3.92, 1e-6)
    return 0.5 * math.erfc((level - value) / (sigma * math.sqrt(2)))


def water_level_signal(
    station_id: str,
    name_th: str,
    name_en: str,
    issued_s: int,
    forecast: Mapping[str, np.ndarray],
    levels: Mapping[str, float],
    *,
    datum: str = "",
    district_code: str | None = None,
) -> Signal | None:
    """The warning for the highest level the forecast reaches, or None."""
    times, value = forecast["time_s"], forecast["value"]
    reached = [k for k in LEVELS if k in levels and np.any(value >= levels[k])]
    possible = [k for k in LEVELS if k in levels and np.any(forecast["hi95"] >= levels[k])]
    if not reached:
        return None
    level = reached[-1]
    limit = levels[level]
    first = int(np.argmax(value >= limit))
    peak = int(np.argmax(value))
    prob = _p_exceed(
        float(value[peak]), float(forecast["lo95"][peak]), float(forecast["hi95"][peak]), limit
    )
    lead_h = (int(times[first]) - issued_s) / 3600
    when, peak_when = to_local_iso(int(times[first])), to_local_iso(int(times[peak]))
    th, en = LEVEL_NAMES[level]
    dat = f" ({datum})" if datum else ""
    return Signal(
        domain="living",
        kind="water_level",
        station_id=station_id,
        severity=LEVEL_SEVERITY[level],
        headline_th=f"ระดับน้ำถึงระดับ{th} ที่{name_th} ใน {lead_h:.0f} ชั่วโมง",
        headline_en=f"Water level to reach {en} level at {name_en} in {lead_h:.0f} h",
        description_th=(
            f"พยากรณ์ระดับน้ำถึง {limit:.2f} ม.{dat} (ระดับ{th}) เวลา {when} "
            f"สูงสุด {value[peak]:.2f} ม. เวลา {peak_when} "
            f"โอกาสถึงระดับ{th} ณ เวลาสูงสุด {prob:.0%}"
        ),
        description_en=(
            f"Forecast water level reaches {limit:.2f} m{dat} ({en} level) at {when}, "
            f"peaking at {value[peak]:.2f} m at {peak_when}; probability of reaching the "
            f"{en} level at the peak: {prob:.0%}."
        ),
        observed_at=issued_s,
        value=float(value[peak]),
        threshold=float(limit),
        expected_at=int(times[first]),
        probability=round(prob, 3),
        district_code=district_code,
        details={
            "level": level,
            "peak_time": peak_when,
            "lead_h": lead_h,
            "levels_possible_at_95": possible,
        },
    )
