"""Under-performance detection with a reason. Pure: no I/O.

Works on the daily table of :func:`paknam.energy.science.performance.daily_performance` (and, for
clipping, on the interval data). Each finding is a :class:`Flag` with a kind, the dates
it covers, a size and Thai and English reasons:

- ``outage`` — zero output in daylight for at least :data:`OUTAGE_MIN_HOURS` hours of a
  day while the model (driven by measured irradiance) expects output above 10 % of P0;
- ``clipping`` — power held at the inverter's AC limit while the model says the array
  could give more; the energy cut is estimated;
- ``step_drop`` — a lasting fall of the daily PR (or, without an irradiance sensor, of the
  ratio to the expected output), found by binary segmentation of the daily series with an
  L1 (median) cost; a step must last :data:`MIN_SEGMENT_DAYS` days on each side and lower
  the median by at least :data:`STEP_MIN_DROP`;
- ``gradual_decline`` — inside a segment without steps, a Theil–Sen slope of the ratio to
  the modelled output (weather- and temperature-corrected) whose 95 % interval is below
  zero and which loses at least :data:`GRADUAL_MIN_LOSS` over the segment: soiling (clean
  the panels) or degradation;
- ``low_from_start`` — the first month already gives less than 70 % of the model: the
  registered kWp, tilt or irradiance sensor is probably wrong, not the panels.

The thresholds were fixed before looking at the real CUEE series and are not tuned on it.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

OUTAGE_MIN_HOURS = 1.0
MIN_SEGMENT_DAYS = 14
STEP_MIN_DROP = 0.15
MAX_STEPS = 4
GRADUAL_MIN_DAYS = 30
GRADUAL_MIN_LOSS = 0.05
CLIP_NEAR = 0.98
CLIP_MIN_LOSS = 0.02
LOW_START_RATIO = 0.7


@dataclass(frozen=True)
class Flag:
    """One finding."""

    kind: str
    start: str  # local date, ISO
    end: str
    severity: str  # CAP severity: minor, moderate, severe
    reason_th: str
    reason_en: str
    magnitude: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(day: Any) -> str:
    return pd.Timestamp(day).date().isoformat()


def _runs(days: list[pd.Timestamp]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive-day runs of a sorted list of days."""
    runs: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for d in days:
        if runs and (d - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def find_outages(daily: pd.DataFrame, step_s: int) -> list[Flag]:
    """Days with zero output in daylight while output was expected."""
    hours = daily["zero_daylight_intervals"] * step_s / 3600.0
    bad = sorted(daily.index[hours >= OUTAGE_MIN_HOURS])
    flags = []
    for a, b in _runs(bad):
        h = float(hours.loc[a:b].sum())
        flags.append(
            Flag(
                "outage",
                _iso(a),
                _iso(b),
                "severe" if h >= 6 else "moderate",
                f"ไม่มีไฟฟ้าออกจากระบบในช่วงกลางวันรวม {h:.1f} ชั่วโมง ขณะที่มีแสงแดด "
                "(อินเวอร์เตอร์หยุดทำงาน เบรกเกอร์ตัด หรือระบบสื่อสารขัดข้อง)",
                f"No output in daylight for {h:.1f} h while the sun was up "
                "(inverter trip, breaker open or a communication fault)",
                magnitude=h,
                evidence={"zero_output_hours": h},
            )
        )
    return flags


def _l1_cost(x: np.ndarray) -> float:
    return float(np.abs(x - np.median(x)).sum()) if len(x) else 0.0


def _best_split(x: np.ndarray, m: int) -> tuple[int, float] | None:
    n = len(x)
    if n < 2 * m:
        return None
    whole = _l1_cost(x)
    best_k, best_gain = -1, 0.0
    for k in range(m, n - m + 1):
        gain = whole - _l1_cost(x[:k]) - _l1_cost(x[k:])
        if gain > best_gain:
            best_k, best_gain = k, gain
    return (best_k, best_gain) if best_k > 0 else None


def change_points(values: pd.Series, min_segment: int = MIN_SEGMENT_DAYS) -> list[int]:
    """Positions where the median level of ``values`` changes (binary segmentation).

    A split is kept when the two sides' medians differ by at least
    :data:`STEP_MIN_DROP` relative to the left side and at least 70 % of each side lies on
    its own side of the midpoint between the medians (a lasting change, not a few odd days).
    """
    x = values.to_numpy(dtype=float)
    found: list[int] = []
    segments = [(0, len(x))]
    while segments and len(found) < MAX_STEPS:
        a, b = segments.pop(0)
        best = _best_split(x[a:b], min_segment)
        if best is None:
            continue
        k = a + best[0]
        left, right = x[a:k], x[k:b]
        ml, mr = float(np.median(left)), float(np.median(right))
        mid = (ml + mr) / 2
        if ml <= 0 or abs(mr - ml) / ml < STEP_MIN_DROP:
            continue
        sep_l = np.mean(left > mid) if ml > mr else np.mean(left < mid)
        sep_r = np.mean(right < mid) if ml > mr else np.mean(right > mid)
        if min(sep_l, sep_r) < 0.7:
            continue
        found.append(k)
        segments += [(a, k), (k, b)]
    return sorted(found)


def _metric(daily: pd.DataFrame) -> tuple[pd.Series, str]:
    pr = daily["pr"].dropna()
    if len(pr) >= 2 * MIN_SEGMENT_DAYS:
        return pr, "pr"
    return daily["performance_index"].dropna(), "performance_index"


def find_steps(daily: pd.DataFrame) -> tuple[list[Flag], list[int], pd.Series, str]:
    """Lasting drops of the daily PR; also returns the split positions for later use."""
    series, name = _metric(daily)
    cps = change_points(series)
    flags = []
    bounds = [0, *cps, len(series)]
    for i, k in enumerate(cps):
        before = series.iloc[bounds[i] : k]
        after = series.iloc[k : bounds[i + 2]]
        mb, ma = float(before.median()), float(after.median())
        if ma >= mb:
            continue
        drop = 1 - ma / mb
        day = series.index[k]
        flags.append(
            Flag(
                "step_drop",
                _iso(day),
                _iso(after.index[-1]),
                "severe" if drop >= 0.3 else "moderate",
                f"ค่า {name} ลดลงอย่างฉับพลันและต่อเนื่องตั้งแต่วันที่ {_iso(day)} "
                f"จาก {mb:.2f} เป็น {ma:.2f} (ลดลง {drop:.0%}): สตริงแผงหรืออินเวอร์เตอร์บางตัว"
                "อาจเสีย หรือมีการเปลี่ยนมิเตอร์/เซนเซอร์ ควรส่งช่างตรวจ",
                f"{name} fell suddenly and stayed low from {_iso(day)}: median {mb:.2f} → "
                f"{ma:.2f} ({drop:.0%} lower). A string or inverter fault, or a meter/sensor "
                "change: send a technician",
                magnitude=drop,
                evidence={
                    "metric": name,
                    "median_before": mb,
                    "median_after": ma,
                    "days_before": len(before),
                    "days_after": len(after),
                    "last_day_before": _iso(before.index[-1]),
                },
            )
        )
    return flags, cps, series, name


def find_gradual(series: pd.Series, cps: list[int], name: str) -> list[Flag]:
    """Steady declines inside step-free segments (Theil–Sen with 95 % interval)."""
    flags = []
    bounds = [0, *cps, len(series)]
    for a, b in itertools.pairwise(bounds):
        seg = series.iloc[a:b]
        span = (seg.index[-1] - seg.index[0]).days if len(seg) else 0
        if len(seg) < GRADUAL_MIN_DAYS or span < GRADUAL_MIN_DAYS:
            continue
        t = np.array([(d - seg.index[0]).days for d in seg.index], dtype=float)
        slope, _, lo, hi = stats.theilslopes(seg.to_numpy(), t, alpha=0.95)
        level = float(seg.median())
        loss = -slope * span / level if level > 0 else 0.0
        if hi < 0 and loss >= GRADUAL_MIN_LOSS:
            flags.append(
                Flag(
                    "gradual_decline",
                    _iso(seg.index[0]),
                    _iso(seg.index[-1]),
                    "minor" if loss < 0.15 else "moderate",
                    f"ค่า {name} ค่อย ๆ ลดลง {loss:.0%} ใน {span} วัน: น่าจะเกิดจากฝุ่นสะสมบนแผง"
                    "(ควรล้างแผง) หรือแผงเสื่อมสภาพ",
                    f"{name} declined steadily by {loss:.0%} over {span} days: soiling likely "
                    "(clean the panels) or degradation",
                    magnitude=loss,
                    evidence={"slope_per_day": float(slope), "ci95": [float(lo), float(hi)]},
                )
            )
    return flags


def find_low_start(daily: pd.DataFrame) -> list[Flag]:
    """The first 30 valid days already far below the model: metadata, not panels."""
    pi = daily["performance_index"].dropna()
    first = pi.iloc[:30]
    if len(first) < 20 or float(first.median()) >= LOW_START_RATIO:
        return []
    r = float(first.median())
    return [
        Flag(
            "low_from_start",
            _iso(first.index[0]),
            _iso(first.index[-1]),
            "minor",
            f"ตั้งแต่เริ่มบันทึก ระบบผลิตได้เพียง {r:.0%} ของค่าที่คาดการณ์: ตรวจสอบขนาดติดตั้ง (kWp) "
            "มุมเอียง และตำแหน่งเซนเซอร์แสงที่ลงทะเบียนไว้",
            f"From the first days the site gives only {r:.0%} of the modelled output: check "
            "the registered kWp, tilt and irradiance sensor",
            magnitude=r,
            evidence={"median_performance_index": r, "days": len(first)},
        )
    ]


def find_clipping(
    ac_kw: pd.Series, unclipped_kw: pd.Series, ac_limit_kw: float, step_s: int
) -> list[Flag]:
    """Days when the inverter held the power at its limit and cut at least 2 % of energy."""
    hours = step_s / 3600.0
    near = ac_kw >= CLIP_NEAR * ac_limit_kw
    cut = ((unclipped_kw - ac_limit_kw).clip(lower=0) * hours).where(near, 0.0)
    from paknam.core.timeutil import BANGKOK

    day = ac_kw.index.tz_convert(BANGKOK).normalize().tz_localize(None)
    frame = pd.DataFrame(
        {"cut": cut.fillna(0).to_numpy(), "n": near.to_numpy(), "e": ac_kw.fillna(0) * hours},
        index=day,
    )
    g = frame.groupby(level=0).sum()
    bad = g[(g["n"] >= 2) & (g["cut"] >= CLIP_MIN_LOSS * g["e"].clip(lower=1e-9))]
    flags = []
    for a, b in _runs(sorted(bad.index)):
        part = bad.loc[a:b]
        kwh = float(part["cut"].sum())
        flags.append(
            Flag(
                "clipping",
                _iso(a),
                _iso(b),
                "minor",
                f"อินเวอร์เตอร์จำกัดกำลังไว้ที่ {ac_limit_kw:g} kW ตัดพลังงานไปราว {kwh:.1f} kWh: "
                "อินเวอร์เตอร์เล็กเกินไปหรือถูกตั้งค่าจำกัดกำลัง",
                f"The inverter held the power at its {ac_limit_kw:g} kW limit and cut about "
                f"{kwh:.1f} kWh: the inverter is undersized or export-limited",
                magnitude=kwh,
                evidence={"clipped_intervals": int(part["n"].sum()), "energy_cut_kwh": kwh},
            )
        )
    return flags


def detect(
    daily: pd.DataFrame,
    step_s: int,
    *,
    ac_kw: pd.Series | None = None,
    unclipped_kw: pd.Series | None = None,
    ac_limit_kw: float | None = None,
) -> list[Flag]:
    """All findings for one site, oldest first."""
    flags = find_outages(daily, step_s)
    steps, cps, series, name = find_steps(daily)
    # a steady decline is judged on the weather-corrected ratio to the model (temperature
    # included) where there is one, split at the same steps
    pi = daily["performance_index"].dropna()
    if name == "pr" and len(pi) >= GRADUAL_MIN_DAYS:
        cut_days = [series.index[k] for k in cps]
        pi_cps = [int(np.searchsorted(pi.index, d)) for d in cut_days]
        gradual = find_gradual(pi, pi_cps, "performance_index")
    else:
        gradual = find_gradual(series, cps, name)
    flags += steps + gradual + find_low_start(daily)
    if ac_kw is not None and unclipped_kw is not None and ac_limit_kw:
        flags += find_clipping(ac_kw, unclipped_kw, ac_limit_kw, step_s)
    return sorted(flags, key=lambda f: (f.start, f.kind))
