"""Read water-level records in the formats a province brings: one call, hourly UTC out.

:func:`read_water_levels` (a file) and :func:`parse_water_levels` (its text or bytes)
detect the format by content (:func:`paknam.living.readers.formats.detect_format`:
generic/processed CSV, UHSLC CSV, UHSLC ``.dat``, UHSLC ASCII ``.asc``, Rijkswaterstaat
DIA; gzip is opened transparently), convert to metres and UTC, and return a
:class:`WaterLevels` on the grid of full UTC hours:

- **gaps** stay NaN and are reported (``metadata["gaps"]``);
- **non-hourly** sampling is resampled by the documented rule
  :data:`paknam.living.readers.quality.RESAMPLING_RULE` and reported; coarser than
  hourly is refused;
- **spikes** are flagged (``spikes``, a boolean array) by a robust test on the residual of
  a quick harmonic fit, never removed: the caller chooses;
- **too-short** records are refused with
  :class:`~paknam.living.errors.RecordTooShortError`, naming the minimum
  (:data:`MIN_RECORD_HOURS`, the span that separates M2 from K1).

Example
-------
>>> rec = read_water_levels("HNL2010.asc")  # doctest: +SKIP
>>> times, levels_m, meta = rec  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

import numpy as np

from paknam.living.errors import ReadError, RecordTooShortError
from paknam.living.readers.dia import parse_dia
from paknam.living.readers.formats import (
    FORMATS,
    Parsed,
    detect_format,
    parse_csv,
    parse_uhslc_asc,
    parse_uhslc_csv,
    parse_uhslc_dat,
)
from paknam.living.readers.quality import flag_spikes, gap_summary, to_hourly
from paknam.living.tides.selection import minimum_span_hours

__all__ = [
    "FORMATS",
    "MIN_RECORD_HOURS",
    "WaterLevels",
    "detect_format",
    "parse_water_levels",
    "read_water_levels",
]

MIN_RECORD_HOURS = float(minimum_span_hours(("M2", "K1")))
"""Shortest record accepted [h] (about 25.8 h): M2 and K1 separated by the Rayleigh
criterion, the least for any tidal analysis of a mixed tide."""

_PARSERS = {
    "uhslc_csv": parse_uhslc_csv,
    "uhslc_dat": parse_uhslc_dat,
    "uhslc_asc": parse_uhslc_asc,
    "dia": parse_dia,
}


@dataclass(frozen=True, eq=False)
class WaterLevels:
    """An hourly water-level record, read and checked.

    Unpacks as ``times, levels_m, metadata = record``.

    Attributes
    ----------
    times : numpy.ndarray
        Full UTC hours, datetime64[s], first to last valid value, no missing hour.
    levels_m : numpy.ndarray
        Water level [m above ``metadata["datum"]``]; NaN where missing.
    spikes : numpy.ndarray
        True where a value looks like a spike (kept in ``levels_m``).
    metadata : dict
        ``format``, ``station``, ``station_id``, ``latitude``, ``longitude`` (None when the
        format does not say), ``datum``, ``source_unit``, ``time_zone`` (of the file),
        ``start``, ``end``, ``hours``, ``valid``, ``gaps`` (see
        :func:`~paknam.living.readers.quality.gap_summary`), ``resampled`` and
        ``median_step_min``, ``duplicates``, ``spikes``.
    notes : tuple of str
        What was found and done, in words.
    predictors : dict of str to numpy.ndarray
        Forecast inputs read from extra columns of a generic CSV (see
        :data:`~paknam.living.readers.formats.PREDICTOR_COLUMNS`), one value per hour of
        ``times`` (NaN where missing); empty for the other formats.
    """

    times: np.ndarray
    levels_m: np.ndarray
    spikes: np.ndarray
    metadata: dict[str, Any]
    notes: tuple[str, ...]
    predictors: dict[str, np.ndarray] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.times, self.levels_m, self.metadata))

    @property
    def latitude(self) -> float | None:
        """Station latitude from the file [deg N], or None."""
        value = self.metadata.get("latitude")
        return None if value is None else float(value)


def _text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("the file is not text")  # pragma: no cover - latin-1 decodes anything


def _parse(text: str, fmt: str | None, tz: str | tzinfo | None) -> tuple[str, Parsed]:
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise ReadError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "csv":
        return fmt, parse_csv(text, tz=tz)
    return fmt, _PARSERS[fmt](text)


def _check_length(times: np.ndarray, levels: np.ndarray, min_hours: float) -> None:
    valid = np.flatnonzero(np.isfinite(levels))
    span = float((times[valid[-1]] - times[valid[0]]) / np.timedelta64(1, "h"))
    if span < min_hours:
        raise RecordTooShortError(
            f"the record spans {span:.1f} h of valid hourly values; at least "
            f"{min_hours:.1f} h ({min_hours / 24:.1f} days) are needed",
            span_hours=span,
            required_hours=min_hours,
        )


def _notes(meta: dict[str, Any], parsed: Parsed, info: dict[str, Any]) -> tuple[str, ...]:
    notes = [
        f"{meta['format']}: {meta['valid']} hourly values from {meta['start']} to "
        f"{meta['end']} (UTC), converted from {meta['source_unit']} to m"
    ]
    gaps = meta["gaps"]
    if gaps["gaps"]:
        longest = gaps["longest"][0]
        notes.append(
            f"{gaps['gaps']} gaps, {gaps['missing_hours']} missing hours kept as NaN "
            f"(longest {longest['hours']} h from {longest['start']})"
        )
    if info["resampled"]:
        notes.append(
            f"resampled from a median step of {info['median_step_min']:.1f} min to hourly: "
            f"{info['rule']}"
        )
    if info["duplicates"]:
        notes.append(f"{info['duplicates']} repeated times: the first valid value kept")
    if meta["spikes"]:
        notes.append(f"{meta['spikes']} values flagged as possible spikes (kept; see .spikes)")
    return tuple(notes + parsed.notes)


def parse_water_levels(
    data: str | bytes,
    *,
    tz: str | tzinfo | None = None,
    fmt: str | None = None,
    latitude: float | None = None,
    flag: bool = True,
    min_hours: float = MIN_RECORD_HOURS,
    name: str | None = None,
) -> WaterLevels:
    """Parse a water-level record from its text (or bytes, gzip allowed).

    Parameters
    ----------
    data : str or bytes
        Whole file.
    tz : str or tzinfo, optional
        Time zone of naive times in a generic CSV (e.g. "Asia/Bangkok"); naive times are
        refused without it.
    fmt : str, optional
        One of :data:`FORMATS` to skip detection.
    latitude : float, optional
        [deg N], used by the spike test when the file gives none.
    flag : bool
        Run the spike test (default True); False gives an all-False ``spikes``.
    min_hours : float
        Refuse records whose valid values span less [h].
    name : str, optional
        File name, for the metadata.

    Raises
    ------
    ReadError
        Unreadable content, naming the line.
    RecordTooShortError
        Shorter than ``min_hours``.
    HarmonicAnalysisError
        No valid value, or sampling coarser than hourly.
    """
    fmt, parsed = _parse(_text(data), fmt, tz)
    times, levels, info = to_hourly(parsed.times, parsed.levels_m)
    _check_length(times, levels, min_hours)
    meta: dict[str, Any] = {
        "format": fmt,
        "file": name,
        "station": None,
        "station_id": None,
        "latitude": None,
        "longitude": None,
        "datum": None,
        **parsed.metadata,
    }
    lat = meta["latitude"] if meta["latitude"] is not None else latitude
    spikes = flag_spikes(times, levels, latitude=lat) if flag else np.zeros(times.size, bool)
    valid = np.isfinite(levels)
    meta.update(
        start=f"{times[0]}Z",
        end=f"{times[-1]}Z",
        hours=int(times.size),
        valid=int(valid.sum()),
        gaps=gap_summary(times, levels),
        spikes=int(spikes.sum()),
        **info,
    )
    predictors = {
        name: _on_record_hours(times, parsed.times, values)
        for name, values in parsed.predictors.items()
    }
    return WaterLevels(times, levels, spikes, meta, _notes(meta, parsed, info), predictors)


def _on_record_hours(hours: np.ndarray, times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A predictor column on the record's hourly grid (resampled by the levels' rule)."""
    out = np.full(hours.size, np.nan)
    if not np.isfinite(values).any():
        return out
    g, v, _ = to_hourly(times, values)
    pos = ((g - hours[0]) // np.timedelta64(1, "h")).astype(np.int64)
    inside = (pos >= 0) & (pos < hours.size)
    out[pos[inside]] = v[inside]
    return out


def read_water_levels(
    path: str | Path,
    *,
    tz: str | tzinfo | None = None,
    fmt: str | None = None,
    latitude: float | None = None,
    flag: bool = True,
    min_hours: float = MIN_RECORD_HOURS,
) -> WaterLevels:
    """Read a water-level file; see :func:`parse_water_levels` for the arguments.

    Raises
    ------
    ReadError
        Also when the file does not exist or cannot be opened.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read {file}: {exc.strerror or exc}") from None
    return parse_water_levels(
        data, tz=tz, fmt=fmt, latitude=latitude, flag=flag, min_hours=min_hours, name=file.name
    )
