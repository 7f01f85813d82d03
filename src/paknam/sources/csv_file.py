"""CSV import: long (station,quantity,time,value) or wide (time + one column per quantity).

Long format::

    station,quantity,time,value
    18t,pm25,2025-01-01T07:00:00+07:00,12.3

Wide format (``station`` column, or one station for the whole file given by the caller)::

    station,time,pm25,pm10
    16t,2025-01-01T07:00:00+07:00,12.3,40

An empty cell in a wide file means "not measured" and is skipped; in a long file it is an
error. The whole file is validated before anything is stored; with ``skip_invalid`` the
valid rows are stored and the others reported. Re-importing a file stores nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from paknam.core.errors import BatchRejected, InvalidInput, ItemError
from paknam.core.quantities import quantity_codes
from paknam.core.store import IngestResult, Store

LONG_COLUMNS = ("station", "quantity", "time", "value")
_OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})$"
CHUNK_ROWS = 200_000

Progress = Callable[[int, int], None]
"""Called with (bytes read, total bytes) while reading."""


@dataclass
class ImportReport:
    result: IngestResult
    errors: list[ItemError]  # index = line number in the file (header is line 1)
    layout: str


def _times_to_epoch(times: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Epoch seconds, a mask of bad rows, and the reason per bad row (in order)."""
    text = times.astype("string").str.strip()
    has_offset = text.str.contains(_OFFSET_RE, regex=True, na=False).to_numpy()
    parsed = pd.to_datetime(text.where(has_offset), format="ISO8601", utc=True, errors="coerce")
    nat = parsed.isna().to_numpy()
    ns = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    fractional = ~nat & (ns % 1_000_000_000 != 0)
    bad = nat | fractional
    reasons = []
    for i in np.flatnonzero(bad).tolist():
        raw = text.iloc[i]
        if raw is pd.NA or raw == "":
            reasons.append("time is empty")
        elif not has_offset[i]:
            reasons.append(f"time {raw!r} has no UTC offset (e.g. +07:00 or Z)")
        elif fractional[i]:
            reasons.append(f"time {raw!r} has a fraction of a second (resolution is 1 s)")
        else:
            reasons.append(f"time {raw!r} is not ISO 8601")
    epoch = np.where(bad, 0, ns // 1_000_000_000)
    return epoch, bad, reasons


def _read(path: Path, progress: Progress | None) -> pd.DataFrame:
    total = path.stat().st_size
    chunks = []
    with path.open("rb") as fh:
        reader = pd.read_csv(
            fh, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS, comment=None
        )
        for chunk in reader:
            chunks.append(chunk)
            if progress:
                progress(fh.tell(), total)
    if not chunks:
        raise InvalidInput(f"{path}: file is empty")
    frame = pd.concat(chunks, ignore_index=True)
    frame.columns = [c.strip() for c in frame.columns]
    return frame


def _to_long(frame: pd.DataFrame, path: Path, station: str | None) -> tuple[pd.DataFrame, str]:
    cols = list(frame.columns)
    if all(c in cols for c in LONG_COLUMNS):
        long = frame[list(LONG_COLUMNS)].copy()
        long["line"] = np.arange(len(frame)) + 2
        return long, "long"
    if "time" not in cols:
        raise InvalidInput(
            f"{path}: header {cols} is neither long format (station,quantity,time,value) "
            "nor wide format (time and one column per quantity)"
        )
    known = set(quantity_codes())
    value_cols = [c for c in cols if c not in ("station", "time")]
    unknown = [c for c in value_cols if c not in known]
    if unknown:
        raise InvalidInput(
            f"{path}: column(s) {unknown} are not quantity codes; known: {sorted(known)}"
        )
    if not value_cols:
        raise InvalidInput(f"{path}: wide file has no quantity columns")
    if "station" not in cols:
        if station is None:
            raise InvalidInput(f"{path}: wide file has no station column; pass --station ID")
        frame = frame.assign(station=station)
    frame = frame.assign(line=np.arange(len(frame)) + 2)
    long = frame.melt(
        id_vars=["station", "time", "line"], value_vars=value_cols, var_name="quantity"
    )
    long = long[long["value"].str.strip() != ""]
    return long.sort_values(["line", "quantity"], kind="stable"), "wide"


def import_csv(
    store: Store,
    path: Path,
    *,
    station: str | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV file into ``store``; see the module docstring for the layouts."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    frame = _read(path, progress)
    long, layout = _to_long(frame, path, station)
    lines = long["line"].to_numpy()
    epoch, bad_time, time_reasons = _times_to_epoch(long["time"])
    values = pd.to_numeric(long["value"].str.strip(), errors="coerce").to_numpy(dtype=float)
    raw_values = long["value"].to_numpy()
    bad_value = np.isnan(values) & ~bad_time
    early = [
        ItemError(int(lines[i]), r)
        for i, r in zip(np.flatnonzero(bad_time).tolist(), time_reasons, strict=True)
    ]
    early += [
        ItemError(int(lines[i]), f"value {raw_values[i]!r} is not a number")
        for i in np.flatnonzero(bad_value).tolist()
    ]
    skip = bad_time | bad_value
    checked = store.check_columns(
        long["station"].str.strip().to_numpy(dtype=object),
        long["quantity"].str.strip().to_numpy(dtype=object),
        epoch,
        np.where(skip, 0.0, values),
        index_base=lines.tolist(),
        skip=skip,
    )
    errors = sorted(early + checked.errors, key=lambda e: e.index)
    if errors and not skip_invalid:
        raise BatchRejected(errors, len(long))
    result = store.store_checked(checked, len(long), rejected=len(errors))
    return ImportReport(result, errors, layout)
