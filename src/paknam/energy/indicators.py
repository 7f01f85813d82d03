"""The Smart Energy indicator of the proposal: alternative-energy share, year on year.

``energy_alternative_share`` = alternative energy consumed at the registered sites ÷ their
total consumption, over a period:

- alternative energy consumed = per interval, each site's own generation used on site
  (min(G, L)) plus, for community members, what the community delivered to it
  (:func:`paknam.energy.science.sharing.allocate`); exported surplus is not counted as use;
- only sites that meter both generation and load count (a generation-only site cannot
  say what share of its consumption it covers).

Target (the proposal): +10 % on the previous year, relative (value ≥ 1.10 × baseline).
Growth is judged only on complete periods: a calendar year, or the trailing 12 months,
each with at least :data:`MIN_COVERAGE` of the intervals metered (generation and load)
at every counted site; otherwise the status is ``insufficient_data`` and the coverage is
given. Not weather-normalised: a sunnier year raises the share by itself (the details
give the PV sites' reference yield where an irradiance sensor exists, to judge that).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from paknam.core.registry import with_basis
from paknam.core.timeutil import BANGKOK, now_s
from paknam.energy.community import list_communities
from paknam.energy.periods import year_bounds
from paknam.energy.readings import site_frame
from paknam.energy.science.sharing import allocate
from paknam.energy.sites import list_sites

INDICATOR_ID = "energy_alternative_share"
TARGET_GAIN = 0.10
MIN_COVERAGE = 0.90


def _period_share(conn: Connection, start: int, end: int) -> dict[str, Any]:
    sites = list_sites(conn)
    communities = list_communities(conn)
    frames: dict[str, pd.DataFrame] = {}
    coverage: dict[str, float] = {}
    for s in sites:
        has_gen = any(q in s["meters"] for q in ("pv_power", "pv_energy"))
        has_load = any(q in s["meters"] for q in ("load_power", "load_energy"))
        if not (has_gen and has_load):
            continue
        sf = site_frame(conn, s["id"], s["meters"], start, end)
        if sf.frame.empty:
            coverage[s["id"]] = 0.0
            continue
        both = sf.frame[["gen_kwh", "load_kwh"]].dropna()
        frames[s["id"]] = both
        coverage[s["id"]] = len(both) / ((end - start) / sf.step_s)
    used = {sid: float(np.minimum(f["gen_kwh"], f["load_kwh"]).sum()) for sid, f in frames.items()}
    received = dict.fromkeys(frames, 0.0)
    for c in communities:
        members = [m for m in c["members"] if m in frames]
        if len(members) < 2:
            continue
        g = pd.DataFrame({m: frames[m]["gen_kwh"] for m in members}).dropna()
        lo = pd.DataFrame({m: frames[m]["load_kwh"] for m in members}).reindex(g.index).dropna()
        g = g.reindex(lo.index)
        if g.empty:
            continue
        flows = allocate(g.to_numpy(), lo.to_numpy(), c["loss_fraction"])
        for i, m in enumerate(members):
            received[m] += float(flows["received"][:, i].sum())
    consumption = sum(float(f["load_kwh"].sum()) for f in frames.values())
    generation = sum(float(f["gen_kwh"].sum()) for f in frames.values())
    alternative = sum(used.values()) + sum(received.values())
    return {
        "share": alternative / consumption if consumption > 0 else None,
        "alternative_kwh": alternative,
        "consumption_kwh": consumption,
        "generation_kwh": generation,
        "coverage": min(coverage.values()) if coverage else 0.0,
        "site_coverage": coverage,
        "sites": sorted(frames),
        "simulated_sites": sorted(s["id"] for s in sites if s["simulated"] and s["id"] in frames),
    }


def _trailing(as_of: int) -> tuple[tuple[int, int], tuple[int, int], str, str]:
    end_local = dt.datetime.fromtimestamp(as_of, BANGKOK)
    end_day = dt.datetime(end_local.year, end_local.month, end_local.day, tzinfo=BANGKOK)
    start = end_day.replace(year=end_day.year - 1)
    base_start = end_day.replace(year=end_day.year - 2)
    label = f"{start.date().isoformat()}/{end_day.date().isoformat()}"
    base_label = f"{base_start.date().isoformat()}/{start.date().isoformat()}"
    return (
        (int(start.timestamp()), int(end_day.timestamp())),
        (int(base_start.timestamp()), int(start.timestamp())),
        label,
        base_label,
    )


def alternative_share_indicator(
    conn: Connection, year: int | None = None, *, as_of: int | None = None
) -> dict[str, Any]:
    """The indicator record (shape shared with the other domains' indicators).

    With ``year``: that calendar year against the one before. Without: the trailing 12
    months ending at the start of the day of ``as_of`` (default: now) against the 12
    months before them.
    """
    if year is not None:
        period, baseline = year_bounds(year), year_bounds(year - 1)
        label, base_label = str(year), str(year - 1)
    else:
        period, baseline, label, base_label = _trailing(as_of if as_of is not None else now_s())
    now = _period_share(conn, *period)
    base = _period_share(conn, *baseline)
    value, base_value = now["share"], base["share"]
    target = base_value * (1 + TARGET_GAIN) if base_value is not None else None
    if value is None:
        status = "no_data"
    elif (
        base_value is None
        or now["coverage"] < MIN_COVERAGE
        or base["coverage"] < MIN_COVERAGE
        or now["sites"] != base["sites"]
    ):
        status = "insufficient_data"
    else:
        status = "on_track" if value >= target else "off_track"
    sim = set(now["simulated_sites"])
    real = set(now["sites"]) - sim
    basis = "measured" if not sim else ("simulated" if not real else "mixed")
    record = {
        "id": INDICATOR_ID,
        "domain": "energy",
        "name_th": "สัดส่วนการใช้พลังงานทางเลือกต่อการใช้ไฟฟ้าทั้งหมด",
        "name_en": "Alternative-energy share of total electricity consumption",
        "unit": "share of consumption",
        "value": value,
        "baseline": base_value,
        "target": target,
        "target_rule": "+10 % on the previous year (relative); complete years or trailing "
        "12 months with ≥ 90 % metered intervals, same sites in both periods",
        "period": label,
        "baseline_period": base_label,
        "coverage": now["coverage"],
        "baseline_coverage": base["coverage"],
        "status": status,
        "details": {
            "period": now,
            "baseline": base,
            "includes_simulated": bool(now["simulated_sites"] or base["simulated_sites"]),
        },
    }
    return with_basis(record, basis)
