"""Choice of constituents by the Rayleigh criterion: two frequencies can be separated by a
record only if they are at least ``rayleigh_min / span`` apart.

Automatic selection follows Foreman's (1977) decision tree, as UTide's ``constit='auto'``:
a constituent is kept when its distance to its comparison constituent (column
``rayleigh_pair`` of :mod:`paknam.living.tides.constituents`) reaches ``rayleigh_min / span``.
With ``rayleigh_min = 1`` this keeps 29 constituents for a month, 59 for a year (8760 hours:
SA needs 8765 hours) and 68 from 472 days on. A list given by name is checked pairwise,
the mean (frequency 0) included.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from paknam.living.errors import HarmonicAnalysisError, RecordTooShortError
from paknam.living.tides.constituents import BY_NAME, CONSTITUENTS, lookup

__all__ = ["auto_constituents", "minimum_span_hours", "select"]


def _comparison_distance() -> np.ndarray:
    """Distance of each constituent to its comparison constituent [cycles/hour]; 0 when it
    has none (never chosen automatically)."""
    out = np.zeros(len(CONSTITUENTS))
    for i, row in enumerate(CONSTITUENTS):
        if row.rayleigh_pair == "Z0":
            out[i] = row.frequency
        elif row.rayleigh_pair:
            out[i] = abs(row.frequency - BY_NAME[row.rayleigh_pair].frequency)
    return out


_DISTANCE = _comparison_distance()


def _describe(hours: float) -> str:
    return f"{hours:.1f} h ({hours / 24:.1f} days)"


def auto_constituents(span_hours: float, rayleigh_min: float = 1.0) -> tuple[str, ...]:
    """Constituents that a record of this span resolves, in order of frequency.

    Parameters
    ----------
    span_hours : float
        Time from the first to the last valid observation [h].
    rayleigh_min : float
        Rayleigh criterion factor (1 = one full beat period) [1].

    Returns
    -------
    tuple of str
        The names; empty when the span resolves nothing (under 12.42 h).
    """
    if span_hours <= 0:
        return ()
    threshold = rayleigh_min / span_hours
    keep = (_DISTANCE > 0) & (threshold <= _DISTANCE)
    return tuple(row.name for row, k in zip(CONSTITUENTS, keep, strict=True) if k)


def minimum_span_hours(names: Sequence[str], rayleigh_min: float = 1.0) -> float:
    """Shortest record that separates the named constituents from each other and from the
    mean by the Rayleigh criterion [h]."""
    frequencies = np.sort(np.r_[0.0, [lookup(n).frequency for n in names]])
    gap = float(np.min(np.diff(frequencies))) if len(names) else np.inf
    return rayleigh_min / gap if gap > 0 else np.inf


def _closest_pair(names: Sequence[str]) -> str:
    items = sorted([("mean", 0.0)] + [(n, lookup(n).frequency) for n in names], key=lambda x: x[1])
    gaps = [b[1] - a[1] for a, b in pairwise(items)]
    i = int(np.argmin(gaps))
    return f"{items[i][0]} and {items[i + 1][0]}"


def _explicit(names: Sequence[str], span_hours: float, rayleigh_min: float) -> tuple[str, ...]:
    canonical = tuple(lookup(n).name for n in names)
    if not canonical:
        raise HarmonicAnalysisError("no constituents were asked", field="constituents")
    duplicates = sorted({n for n in canonical if canonical.count(n) > 1})
    if duplicates:
        raise HarmonicAnalysisError(
            f"constituents {', '.join(duplicates)} are asked more than once", field="constituents"
        )
    required = minimum_span_hours(canonical, rayleigh_min)
    if rayleigh_min > 0 and span_hours < required:
        raise RecordTooShortError(
            f"the record spans {_describe(span_hours)} but {_closest_pair(canonical)} need at "
            f"least {_describe(required)} to be separated (Rayleigh criterion "
            f"{rayleigh_min:g}); use a longer record, drop one of them or lower rayleigh_min",
            span_hours=span_hours,
            required_hours=required,
        )
    return canonical


def select(
    constituents: str | Sequence[str], span_hours: float, rayleigh_min: float = 1.0
) -> tuple[str, ...]:
    """The constituents to fit, checked against the record length.

    Parameters
    ----------
    constituents : "auto" or sequence of str
        "auto" for the automatic choice, or names from the constituent table.
    span_hours : float
        Time from the first to the last valid observation [h].
    rayleigh_min : float
        Rayleigh criterion factor [1]; 0 turns the check of named lists off.

    Raises
    ------
    RecordTooShortError
        When "auto" finds nothing (span under 12.42 h) or named constituents are closer
        than the record resolves; the message gives the minimum span needed.
    UnknownConstituentError
        For a name not in the table.
    """
    if rayleigh_min < 0 or not np.isfinite(rayleigh_min):
        raise HarmonicAnalysisError(
            f"rayleigh_min {rayleigh_min!r} must be a finite number >= 0", field="rayleigh_min"
        )
    if not isinstance(constituents, str):
        return _explicit(list(constituents), span_hours, rayleigh_min)
    if constituents != "auto":
        raise HarmonicAnalysisError(
            f"constituents {constituents!r} must be 'auto' or a list of names",
            field="constituents",
        )
    if rayleigh_min <= 0:
        raise HarmonicAnalysisError(
            "automatic selection needs rayleigh_min > 0", field="rayleigh_min"
        )
    chosen = auto_constituents(span_hours, rayleigh_min)
    if not chosen:
        required = rayleigh_min / float(_DISTANCE.max())
        raise RecordTooShortError(
            f"the record spans {_describe(span_hours)}; automatic selection needs at least "
            f"{_describe(required)} (M2, Rayleigh criterion {rayleigh_min:g})",
            span_hours=span_hours,
            required_hours=required,
        )
    return chosen
