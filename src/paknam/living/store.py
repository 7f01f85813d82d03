"""SQL on the living tables (:mod:`paknam.living.schema`), for both engines.

Forecasts and their points, trained engines, warning levels. Every function takes a
:class:`~sqlalchemy.engine.Connection` and runs inside the caller's transaction: the
transactions belong to :mod:`paknam.living.service` (and the demo loader). Nothing here
opens a store or touches a table of another package.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.core.errors import InvalidInput, NotFound
from paknam.core.quantities import get_quantity
from paknam.core.stations import find_station
from paknam.core.timeutil import as_utc, to_local_iso, to_utc
from paknam.living.forecast.level_rules import LEVELS
from paknam.living.schema import forecast_points, forecasts, tide_engines, warning_levels

QUANTITY = "water_level"


def set_warning_levels(
    conn: Connection, station_id: str, levels: Mapping[str, float], set_by: str
) -> dict[str, float]:
    """Set a station's warning levels [m above its datum]; they must rise watch→danger."""
    unknown = sorted(set(levels) - set(LEVELS))
    if unknown:
        raise InvalidInput(f"unknown warning level(s) {unknown}; use {', '.join(LEVELS)}")
    q = get_quantity(QUANTITY)
    for name, value in levels.items():
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput(f"level {name!r} must be a finite number of metres", field=name)
        if q.check(float(value)):
            raise InvalidInput(f"level {name!r}: {q.check(float(value))}", field=name)
    merged = {**get_warning_levels(conn, station_id), **levels}
    ordered = [merged[k] for k in LEVELS if k in merged]
    if ordered != sorted(ordered) or len(set(ordered)) != len(ordered):
        raise InvalidInput(f"levels must rise from watch to warning to danger; got {merged}")
    now = datetime.now(UTC)
    for name, value in levels.items():
        conn.execute(
            warning_levels.delete().where(
                warning_levels.c.station_id == station_id, warning_levels.c.level == name
            )
        )
        conn.execute(
            warning_levels.insert().values(
                station_id=station_id,
                level=name,
                value_m=float(value),
                set_by=set_by,
                updated_at=now,
            )
        )
    return get_warning_levels(conn, station_id)


def get_warning_levels(conn: Connection, station_id: str) -> dict[str, float]:
    """A station's warning levels [m]: those an officer set (``warning_levels``) or, where
    none is set, those its source published (``meta["warning_levels_m"]``, e.g. ThaiWater's
    bank and critical levels)."""
    rows = conn.execute(
        sa.select(warning_levels.c.level, warning_levels.c.value_m).where(
            warning_levels.c.station_id == station_id
        )
    )
    found = {r.level: r.value_m for r in rows}
    if not found:
        station = find_station(conn, station_id)
        published = (station.meta or {}).get("warning_levels_m") if station else None
        if isinstance(published, dict):
            found = {
                k: float(v)
                for k, v in published.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }
    return {k: found[k] for k in LEVELS if k in found}


def save_engine(conn: Connection, station_id: str, params: dict[str, Any], data_end_s: int) -> None:
    conn.execute(tide_engines.delete().where(tide_engines.c.station_id == station_id))
    conn.execute(
        tide_engines.insert().values(
            station_id=station_id,
            trained_at=datetime.now(UTC),
            data_end_s=data_end_s,
            params=params,
        )
    )


def load_engine(conn: Connection, station_id: str) -> tuple[dict[str, Any], int, datetime] | None:
    row = conn.execute(
        sa.select(tide_engines).where(tide_engines.c.station_id == station_id)
    ).first()
    if row is None:
        return None
    trained = as_utc(row.trained_at)
    return row.params, int(row.data_end_s), trained


def save_forecast(
    conn: Connection,
    station_id: str,
    issued_s: int,
    model: str,
    columns: Mapping[str, np.ndarray],
) -> int:
    """Store one forecast (replacing one with the same issue time); returns its id."""
    old = conn.execute(
        sa.select(forecasts.c.id).where(
            forecasts.c.station_id == station_id,
            forecasts.c.quantity == QUANTITY,
            forecasts.c.issued_at == to_utc(issued_s),
        )
    ).scalar()
    if old is not None:
        conn.execute(forecast_points.delete().where(forecast_points.c.forecast_id == old))
        conn.execute(forecasts.delete().where(forecasts.c.id == old))
    inserted = conn.execute(
        forecasts.insert().values(
            station_id=station_id,
            quantity=QUANTITY,
            issued_at=to_utc(issued_s),
            model=model,
            created_at=datetime.now(UTC),
        )
    ).inserted_primary_key
    assert inserted is not None  # a single-row insert always reports its key
    fid = inserted[0]
    keys = ("value", "tide", "residual", "lo80", "hi80", "lo95", "hi95")
    rows = [
        {"forecast_id": fid, "time_s": int(t), **{k: float(columns[k][i]) for k in keys}}
        for i, t in enumerate(columns["time_s"])
    ]
    conn.execute(forecast_points.insert(), rows)
    return int(fid)


def latest_forecast(conn: Connection, station_id: str) -> dict[str, Any]:
    row = conn.execute(
        sa.select(forecasts)
        .where(forecasts.c.station_id == station_id, forecasts.c.quantity == QUANTITY)
        .order_by(forecasts.c.issued_at.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(f"no forecast for station {station_id!r} yet (run: paknam forecast run)")
    points = conn.execute(
        sa.select(forecast_points)
        .where(forecast_points.c.forecast_id == row.id)
        .order_by(forecast_points.c.time_s)
    ).all()
    issued = as_utc(row.issued_at)
    return {
        "station": station_id,
        "quantity": QUANTITY,
        "issued_at": to_local_iso(int(issued.timestamp())),
        "model": row.model,
        "points": [
            {
                "time": to_local_iso(int(p.time_s)),
                "lead_h": (int(p.time_s) - int(issued.timestamp())) // 3600,
                "value": p.value,
                "tide": p.tide,
                "residual": p.residual,
                "lo80": p.lo80,
                "hi80": p.hi80,
                "lo95": p.lo95,
                "hi95": p.hi95,
            }
            for p in points
        ],
    }


def count_forecasts(conn: Connection, station_id: str) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(forecasts)
            .where(forecasts.c.station_id == station_id)
        ).scalar()
        or 0
    )


def _issued_epoch(dialect: str) -> Any:
    if dialect == "postgresql":
        return sa.cast(sa.extract("epoch", forecasts.c.issued_at), sa.BigInteger)
    return sa.cast(sa.func.strftime("%s", forecasts.c.issued_at), sa.BigInteger)


def points_at_leads(
    conn: Connection, start: int, end: int, lead_min_h: int, lead_max_h: int
) -> dict[str, list[tuple[int, int, float]]]:
    """``station -> [(issue s, valid s, forecast value)]`` of the water-level forecasts
    issued in ``[start, end)`` (UTC epoch seconds), at leads ``lead_min_h``–``lead_max_h``
    hours (inclusive); ordered by valid time, then issue time."""
    issued = _issued_epoch(conn.dialect.name).label("issued_s")
    lead = forecast_points.c.time_s - issued
    query = (
        sa.select(forecasts.c.station_id, issued, forecast_points.c.time_s, forecast_points.c.value)
        .join(forecast_points, forecast_points.c.forecast_id == forecasts.c.id)
        .where(
            forecasts.c.quantity == QUANTITY,
            forecasts.c.issued_at >= to_utc(start),
            forecasts.c.issued_at < to_utc(end),
            lead >= lead_min_h * 3600,
            lead <= lead_max_h * 3600,
        )
        .order_by(forecasts.c.station_id, forecast_points.c.time_s, issued)
    )
    out: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for sid, iss, t, v in conn.execute(query):
        out[sid].append((int(iss), int(t), float(v)))
    return out
