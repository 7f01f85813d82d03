"""Energy balance of a site: self-consumption, self-sufficiency, grid and CO2 avoided.

Pure: no I/O. Everything is computed per interval and then summed — never on daily or
monthly totals, which would hide the hours when the sun and the load do not meet:

- self-consumed  u_t = min(G_t, L_t)                  [kWh]
- export  G_t − u_t,  import  L_t − u_t               [kWh]
- self-consumption  Σu / ΣG,  self-sufficiency  Σu / ΣL
- grid energy avoided = Σu (what the site did not buy)
- CO2 avoided = ΣG × grid factor (all PV output displaces grid generation, exported
  energy too: location-based accounting) [kg CO2e]

``G`` is the alternative (PV) generation and ``L`` the site's consumption, both energies per
interval. Where only one of them is present the interval counts for that one's total only;
the ratios use intervals where both are present.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paknam.core.timeutil import BANGKOK
from paknam.energy.science.emission import grid_factor


def interval_flows(gen_kwh: np.ndarray, load_kwh: np.ndarray) -> dict[str, np.ndarray]:
    """Self-consumed, exported and imported energy per interval [kWh]."""
    g = np.asarray(gen_kwh, dtype=float)
    load = np.asarray(load_kwh, dtype=float)
    used = np.minimum(g, load)
    return {"self_consumed": used, "export": g - used, "import": load - used}


def summarise(gen_kwh: np.ndarray, load_kwh: np.ndarray) -> dict[str, Any]:
    """Totals and ratios of one period (NaN = missing interval)."""
    g = np.asarray(gen_kwh, dtype=float)
    load = np.asarray(load_kwh, dtype=float)
    both = ~np.isnan(g) & ~np.isnan(load)
    flows = interval_flows(g[both], load[both])
    used = float(flows["self_consumed"].sum())
    g_both, l_both = float(g[both].sum()), float(load[both].sum())
    gen_total = float(np.nansum(g))
    factor = grid_factor()
    return {
        "generation_kwh": gen_total,
        "consumption_kwh": float(np.nansum(load)) if (~np.isnan(load)).any() else None,
        "self_consumed_kwh": used if both.any() else None,
        "export_kwh": float(flows["export"].sum()) if both.any() else None,
        "import_kwh": float(flows["import"].sum()) if both.any() else None,
        "self_consumption": used / g_both if g_both > 0 else None,
        "self_sufficiency": used / l_both if l_both > 0 else None,
        "grid_avoided_kwh": used if both.any() else None,
        "co2_avoided_kg": gen_total * factor.kg_per_kwh,
        "intervals": len(g),
        "intervals_with_both": int(both.sum()),
    }


def by_period(frame: pd.DataFrame, freq: str = "M") -> list[dict[str, Any]]:
    """:func:`summarise` per local month (``"M"``) or year (``"Y"``).

    ``frame`` has an aware index and columns ``gen_kwh`` and ``load_kwh`` (NaN = missing).
    """
    local = frame.index.tz_convert(BANGKOK).tz_localize(None)
    periods = local.to_period(freq)
    rows = []
    for period, part in frame.groupby(periods):
        rows.append(
            {
                "period": str(period),
                **summarise(part["gen_kwh"].to_numpy(), part["load_kwh"].to_numpy()),
            }
        )
    return rows
