"""Energy services: the pure modules run on a site's data read from the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from paknam.core.errors import InvalidInput
from paknam.core.store import Store
from paknam.core.timeutil import BANGKOK
from paknam.core.warnings import Signal, SyncResult
from paknam.energy import balance, detect, performance, pvmodel
from paknam.energy.emission import grid_factor
from paknam.energy.readings import SiteFrame, site_frame
from paknam.energy.sites import get_site, list_sites, require_pv, site_arrays

WARNING_KINDS = ("energy_outage", "energy_step_drop", "energy_gradual_decline", "energy_clipping")
ACTIVE_WITHIN_DAYS = 3
"""A finding ending this close to the newest data is still true now (a warning)."""


def year_bounds(year: int) -> tuple[int, int]:
    """UTC epoch seconds of a Thai calendar year [start, end)."""
    if not 1990 <= year <= 2100:
        raise InvalidInput(f"year {year} must be 1990 to 2100", field="year")
    a = dt.datetime(year, 1, 1, tzinfo=BANGKOK)
    b = dt.datetime(year + 1, 1, 1, tzinfo=BANGKOK)
    return int(a.timestamp()), int(b.timestamp())


def _site(store: Store, site_id: str) -> dict[str, Any]:
    with store.read() as conn:
        return get_site(conn, site_id)


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


def _load(store: Store, site_id: str, start: int, end: int) -> tuple[dict[str, Any], SiteFrame]:
    site = _site(store, site_id)
    require_pv(site)
    sf = site_frame(store, site_id, site["meters"], start, end)
    if sf.frame.empty or sf.frame["pv_kw"].isna().all():
        raise InvalidInput(f"site {site_id!r} has no PV readings in that period", field="start")
    return site, sf


def site_performance(store: Store, site_id: str, start: int, end: int) -> dict[str, Any]:
    """Daily PR and expected vs actual energy, monthly PR, and the findings."""
    site, sf = _load(store, site_id, start, end)
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
        "site": site_id,
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


def site_flags(store: Store, site_id: str, start: int, end: int) -> list[dict[str, Any]]:
    return site_performance(store, site_id, start, end)["flags"]


def site_balance(store: Store, site_id: str, year: int) -> dict[str, Any]:
    """Monthly and yearly self-consumption, self-sufficiency, grid and CO2 avoided."""
    site = _site(store, site_id)
    start, end = year_bounds(year)
    sf = site_frame(store, site_id, site["meters"], start, end)
    frame = sf.frame[["gen_kwh", "load_kwh"]]
    factor = grid_factor()
    return {
        "site": site_id,
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


def total_balance(store: Store, year: int) -> dict[str, Any]:
    """Every site's yearly balance and the province's total by month (ratios from the
    summed per-interval flows, never from ratios)."""
    with store.read() as conn:
        sites = list_sites(conn)
    per_site, months, total = [], {}, {}
    for s in sites:
        b = site_balance(store, s["id"], year)
        if b["total"] is None:
            continue
        per_site.append({"site": s["id"], "simulated": s["simulated"], **b["total"]})
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


def run_energy_checks(store: Store, days: int = 120) -> SyncResult:
    """Turn findings still true at the newest data into warnings (domain ``energy``)."""
    signals: list[Signal] = []
    evaluated: list[str | None] = []
    latest = store.latest()
    with store.read() as conn:
        sites = [s for s in list_sites(conn) if s["arrays"]]
    for s in sites:
        newest = max((latest[k][0] for k in latest if k[0] == s["id"]), default=None)
        if newest is None:
            continue
        evaluated.append(s["id"])
        try:
            perf = site_performance(store, s["id"], newest - days * 86400, newest + 1)
        except InvalidInput:
            continue
        last_day = dt.datetime.fromtimestamp(newest, BANGKOK).date()
        for f in perf["flags"]:
            kind = f"energy_{f['kind']}"
            if kind not in WARNING_KINDS:
                continue
            if (last_day - dt.date.fromisoformat(f["end"])).days > ACTIVE_WITHIN_DAYS:
                continue
            signals.append(
                Signal(
                    domain="energy",
                    kind=kind,
                    station_id=s["id"],
                    severity=f["severity"],
                    headline_th=f"{s['name_th']}: ผลิตไฟฟ้าต่ำกว่าที่ควร",
                    headline_en=f"{s['name_en']}: under-performing",
                    description_th=f["reason_th"],
                    description_en=f["reason_en"],
                    observed_at=newest,
                    value=f["magnitude"],
                    details={"flag": f, "simulated": s["simulated"]},
                )
            )
    # one active warning per (kind, station): keep the newest finding of each kind
    unique = {sig.key: sig for sig in signals}
    return store.sync_warnings(
        "energy", list(unique.values()), evaluated=evaluated, kinds=WARNING_KINDS
    )
