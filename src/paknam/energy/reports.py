"""The energy answers, computed from a site's interval data (pure: no store, no I/O).

The service reads a site and its :class:`~paknam.energy.readings.SiteFrame` on a
connection, then calls these outside any transaction: the pvlib chain and the detectors
take seconds on years of 15-minute data, and no database connection waits for them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paknam.energy.readings import SiteFrame
from paknam.energy.science import balance, detect, performance, pvmodel
from paknam.energy.science.emission import grid_factor
from paknam.energy.sites import site_arrays

_BASIS_TEXT = {
    "measured_poa": (
        "Y_r จากความเข้มรังสีที่วัดในระนาบแผง",
        "Y_r from irradiance measured in the array plane",
    ),
    "transposed_ghi": (
        "Y_r จากรังสีแนวราบที่วัดได้ แปลงเข้าระนาบแผงด้วย Erbs + Hay–Davies",
        "Y_r from measured horizontal irradiance transposed to the array plane (Erbs + Hay–Davies)",
    ),
    "none": (
        "ไม่มีเซนเซอร์แสง: ไม่คำนวณ PR แสดงเพียงสัดส่วนเทียบกับค่าคาดการณ์ท้องฟ้าแจ่มใส",
        "No irradiance sensor: no PR, only the ratio to the clear-sky expectation",
    ),
}


def model_site(site: dict[str, Any], sf: SiteFrame) -> tuple[pd.DataFrame, str]:
    """Expected output at the interval mid-points and the irradiance basis used for Y_r."""
    frame = sf.frame
    mid = frame.index + pd.Timedelta(seconds=sf.step_s / 2)

    def at_mid(col: str) -> pd.Series | None:
        s = frame[col]
        return None if s.isna().all() else s.set_axis(mid)

    plane = site["irradiance_plane"]
    kwargs: dict[str, Any] = {"temp_air": at_mid("temp_air")}
    basis = "none"
    if plane == "poa" and at_mid("poa") is not None:
        kwargs["poa"], basis = at_mid("poa"), "measured_poa"
    elif plane == "horizontal" and at_mid("ghi") is not None:
        kwargs["ghi"], basis = at_mid("ghi"), "transposed_ghi"
    model = pvmodel.expected_power(mid, site["lat"], site["lon"], site_arrays(site), **kwargs)
    model.index = frame.index
    return model, basis


def _daily(site: dict[str, Any], sf: SiteFrame) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    model, basis = model_site(site, sf)
    irr = model["poa"] if basis != "none" else None
    daily = performance.daily_performance(
        sf.frame["pv_kw"], irr, model["ac_kw"], model["zenith"], site["kwp"], sf.step_s
    )
    return daily, model, basis


def _rows(daily: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for day, r in daily.iterrows():
        row: dict[str, Any] = {"date": day.date().isoformat()}
        for k, v in r.items():
            if isinstance(v, float | np.floating):
                row[str(k)] = None if np.isnan(v) else round(float(v), 4)
            elif isinstance(v, np.integer):
                row[str(k)] = int(v)
            else:
                row[str(k)] = v or None
        out.append(row)
    return out


def performance_report(site: dict[str, Any], sf: SiteFrame) -> dict[str, Any]:
    """Daily PR and expected vs actual energy, monthly PR, and the findings."""
    daily, model, basis = _daily(site, sf)
    arrays = site_arrays(site)
    flags = detect.detect(
        daily,
        sf.step_s,
        ac_kw=sf.frame["pv_kw"],
        unclipped_kw=model["ac_unclipped_kw"],
        ac_limit_kw=sum(a.ac_limit_kw for a in arrays),
    )
    months = performance.monthly_pr(daily)
    return {
        "site": site["id"],
        "simulated": site["simulated"],
        "kwp": site["kwp"],
        "step_s": sf.step_s,
        "irradiance_basis": basis,
        "irradiance_note_th": _BASIS_TEXT[basis][0],
        "irradiance_note_en": _BASIS_TEXT[basis][1],
        "days": _rows(daily),
        "months": [
            {"month": str(m), "pr": round(float(r.pr), 4), "days": int(r.days)}
            for m, r in months.iterrows()
        ],
        "flags": [f.as_dict() for f in flags],
    }


def balance_report(site: dict[str, Any], sf: SiteFrame, year: int) -> dict[str, Any]:
    """Monthly and yearly self-consumption, self-sufficiency, grid and CO2 avoided."""
    frame = sf.frame[["gen_kwh", "load_kwh"]]
    factor = grid_factor()
    return {
        "site": site["id"],
        "simulated": site["simulated"],
        "year": year,
        "step_s": sf.step_s,
        "months": balance.by_period(frame, "M") if len(frame) else [],
        "total": balance.summarise(frame["gen_kwh"].to_numpy(), frame["load_kwh"].to_numpy())
        if len(frame)
        else None,
        "emission_factor_kg_per_kwh": factor.kg_per_kwh,
        "emission_factor_source": factor.source,
    }


_SUMMED = (
    "generation_kwh",
    "consumption_kwh",
    "self_consumed_kwh",
    "export_kwh",
    "import_kwh",
    "grid_avoided_kwh",
    "co2_avoided_kg",
)


def _add(acc: dict[str, Any], row: dict[str, Any]) -> None:
    for k in _SUMMED:
        if row.get(k) is not None:
            acc[k] = acc.get(k, 0.0) + row[k]
    if row.get("self_consumed_kwh") is not None:
        acc["_g_both"] = acc.get("_g_both", 0.0) + row["self_consumed_kwh"] + row["export_kwh"]
        acc["_l_both"] = acc.get("_l_both", 0.0) + row["self_consumed_kwh"] + row["import_kwh"]


def _finish(acc: dict[str, Any]) -> dict[str, Any]:
    g, load = acc.pop("_g_both", 0.0), acc.pop("_l_both", 0.0)
    used = acc.get("self_consumed_kwh")
    acc["self_consumption"] = used / g if used is not None and g > 0 else None
    acc["self_sufficiency"] = used / load if used is not None and load > 0 else None
    return acc


def total_report(year: int, balances: list[dict[str, Any]]) -> dict[str, Any]:
    """The province's total by month from every site's :func:`balance_report` (ratios from
    the summed per-interval flows, never from ratios)."""
    per_site: list[dict[str, Any]] = []
    months: dict[str, dict[str, Any]] = {}
    total: dict[str, Any] = {}
    for b in balances:
        if b["total"] is None:
            continue
        per_site.append({"site": b["site"], "simulated": b["simulated"], **b["total"]})
        _add(total, b["total"])
        for m in b["months"]:
            _add(months.setdefault(m["period"], {}), m)
    factor = grid_factor()
    return {
        "year": year,
        "sites": per_site,
        "months": [{"period": p, **_finish(v)} for p, v in sorted(months.items())],
        "total": _finish(total) if total else None,
        "includes_simulated": any(s["simulated"] for s in per_site),
        "emission_factor_kg_per_kwh": factor.kg_per_kwh,
        "emission_factor_source": factor.source,
    }
