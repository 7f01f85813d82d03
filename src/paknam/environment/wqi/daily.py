"""Daily, monthly and yearly Thai WQI of one station from its daily means (pure, no I/O).

Per Bangkok day with samples, the daily mean of each WQI parameter (DO, BOD, NH3-N, TCB,
FCB) gives that day's WQI; PCD's rules then give the monthly WQI (lowest day) and the
yearly WQI (lowest month). A day needs at least :data:`MIN_PARAMETERS` of the five; a WQI
from fewer than five is marked partial (``complete`` false, with the note
:func:`~paknam.environment.wqi.thai.compute_wqi` writes) because it is not comparable with
PCD's five-parameter index. Every WQI carries the ``method`` of its score curves
(provisional until PCD's curves are obtained). The store side is
:func:`paknam.environment.service.station_wqi_days`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from paknam.core.timeutil import BANGKOK
from paknam.environment.wqi.period import monthly_wqi, yearly_wqi
from paknam.environment.wqi.thai import compute_wqi

__all__ = ["MIN_PARAMETERS", "day_rows", "station_wqi_periods"]

MIN_PARAMETERS = 3
"""Fewest of the five WQI parameters a day needs for a (partial) WQI."""


def day_rows(by_day: Mapping[int, Mapping[str, float]]) -> list[dict[str, Any]]:
    """The WQI of every day, oldest first.

    ``by_day`` maps the start of each Bangkok day (UTC epoch s) to the daily means of the
    parameters sampled that day. Each record has ``date`` (:class:`datetime.date`) and
    ``time`` (the day's start, UTC epoch s) beside the WQI.
    """
    out = []
    for day_start, values in sorted(by_day.items()):
        if len(values) < MIN_PARAMETERS:
            continue
        r = compute_wqi(dict(values), allow_partial=True)
        out.append(
            {
                "date": dt.datetime.fromtimestamp(day_start, BANGKOK).date(),
                "time": day_start,
                "wqi": r.wqi,
                "band": r.band,
                "band_name_th": r.band_name_th,
                "band_name_en": r.band_name_en,
                "color": r.color,
                "complete": r.complete,
                "parameters_missing": list(r.parameters_missing),
                "note_th": r.note_th,
                "note_en": r.note_en,
                "sub_indices": r.sub_indices,
                "method": r.method,
            }
        )
    return out


def station_wqi_periods(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Monthly (lowest day) and yearly (lowest month) WQI from :func:`day_rows`."""
    monthly = monthly_wqi((d["date"], d["wqi"]) for d in days)
    yearly = yearly_wqi(monthly)
    return {
        "monthly": {
            k: {"wqi": v.wqi, "day": v.day.isoformat(), "days": v.count} for k, v in monthly.items()
        },
        "yearly": {
            k: {"wqi": v.wqi, "day": v.day.isoformat(), "months": v.count}
            for k, v in yearly.items()
        },
    }
