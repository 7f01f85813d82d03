"""Equilibrium arguments V, nodal/satellite corrections f and u, and frequencies of tidal
constituents, following Foreman (1977, rev. 2004) as in T_TIDE and UTide.

For an astronomical constituent with Doodson numbers d and phase offset phi (from
:mod:`paknam.living.tides.constituents`):

- ``V = d . (tau, s, h, p, N', p') + phi`` [cycles];
- ``f exp(2 pi i u) = 1 + sum_j r_j exp(2 pi i (dp_j p + dN'_j N' + dp'_j p' + alpha_j))``
  over the satellites j, where ``r_j`` is the amplitude ratio times the latitude factor
  (Foreman 1977, section 2.1);
- shallow-water constituents combine these: ``V = sum c_k V_k``, ``u = sum c_k u_k``,
  ``f = prod f_k^|c_k|``.

V is evaluated from the continuous (unreduced) astronomical arguments, so that it is
continuous in time for every constituent. The nodal factors change with the 8.85-year
perigee and 18.61-year node cycles only; for long series they are evaluated on a one-day
grid and interpolated linearly, in single precision (errors below 2e-6 in f and 5e-7 cycle
in u, that is micrometres on a metre of tide). The small products here avoid BLAS: their
threads cost more than they save at these sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from paknam.living.tides import astro
from paknam.living.tides.constituents import SATELLITES, lookup

__all__ = [
    "Composition",
    "NodalTable",
    "composition",
    "equilibrium_arguments",
    "frequencies",
    "nodal_corrections",
    "nodal_table",
]

_GRID_STEP_DAYS = 1.0
"""Spacing of the grid on which nodal factors are computed for long series [day]."""

_MIN_ABS_LATITUDE = 5.0
"""Satellite latitude factors are singular at the equator; |latitude| is raised to this
[deg], as in T_TIDE and UTide."""


@dataclass(frozen=True)
class Composition:
    """Constituents written as combinations of the astronomical constituents they need.

    Attributes
    ----------
    names : tuple of str
        The constituents (k).
    bases : tuple of str
        Astronomical constituents involved (m).
    coefficients : numpy.ndarray
        Shape (k, m): each constituent as a combination of the bases.
    doodson : numpy.ndarray
        Shape (m, 6): Doodson numbers of the bases.
    phase : numpy.ndarray
        Shape (m,): phase offsets of the bases [cycles].
    satellite_start : numpy.ndarray
        First satellite of each base that has satellites (satellites are grouped by base).
    satellite_owner : numpy.ndarray
        Index into ``bases`` of each such group.
    satellite_doodson : numpy.ndarray
        Shape (s, 3): changes of the multipliers of p, N', p'.
    satellite_phase : numpy.ndarray
        Shape (s,): phase corrections [cycles].
    satellite_ratio : numpy.ndarray
        Shape (s,): amplitude ratios.
    satellite_latitude_factor : numpy.ndarray
        Shape (s,): 0, 1 (diurnal) or 2 (semidiurnal).
    """

    names: tuple[str, ...]
    bases: tuple[str, ...]
    coefficients: np.ndarray
    doodson: np.ndarray
    phase: np.ndarray
    satellite_start: np.ndarray
    satellite_owner: np.ndarray
    satellite_doodson: np.ndarray
    satellite_phase: np.ndarray
    satellite_ratio: np.ndarray
    satellite_latitude_factor: np.ndarray

    @cached_property
    def parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Index (k, p) into ``bases`` and coefficient (k, p) of the parts of each
        constituent, padded with zero coefficients: a sparse form of ``coefficients``."""
        width = max(1, int(np.max(np.count_nonzero(self.coefficients, axis=1))))
        index = np.zeros((len(self.names), width), dtype=np.intp)
        weight = np.zeros((len(self.names), width))
        for row, line in enumerate(self.coefficients):
            used = np.flatnonzero(line)
            index[row, : used.size] = used
            weight[row, : used.size] = line[used]
        return index, weight

    def combine(self, values: np.ndarray, absolute: bool = False) -> np.ndarray:
        """``coefficients @ values`` (or with ``|coefficients|``) for values of the bases,
        shape (m, n) -> (k, n), by gathering the few parts of each constituent."""
        index, weight = self.parts
        weight = np.abs(weight) if absolute else weight
        out = values[index[:, 0]] * weight[:, :1]
        for p in range(1, index.shape[1]):
            out += values[index[:, p]] * weight[:, p : p + 1]
        return out

    @cached_property
    def combined_doodson(self) -> np.ndarray:
        """Shape (k, 6): Doodson numbers of the constituents themselves."""
        return self.coefficients @ self.doodson

    @cached_property
    def combined_phase(self) -> np.ndarray:
        """Shape (k,): phase offsets of the constituents themselves [cycles]."""
        return self.coefficients @ self.phase


def _parts(name: str) -> tuple[tuple[float, str], ...]:
    row = lookup(name)
    return row.shallow if row.shallow else ((1.0, row.name),)


@lru_cache(maxsize=64)
def composition(names: tuple[str, ...]) -> Composition:
    """Precomputed combination tables for a tuple of constituent names (cached)."""
    bases: list[str] = []
    for name in names:
        for _, base in _parts(name):
            if base not in bases:
                bases.append(base)
    coefficients = np.zeros((len(names), len(bases)))
    for row, name in enumerate(names):
        for coefficient, base in _parts(name):
            coefficients[row, bases.index(base)] += coefficient
    rows = [(i, sat) for i, base in enumerate(bases) for sat in SATELLITES.get(base, ())]
    return Composition(
        names=tuple(names),
        bases=tuple(bases),
        coefficients=coefficients,
        doodson=np.array([lookup(b).doodson for b in bases], dtype=float).reshape(-1, 6),
        phase=np.array([lookup(b).phase for b in bases], dtype=float),
        satellite_start=np.array(
            [j for j, (i, _) in enumerate(rows) if j == 0 or rows[j - 1][0] != i], dtype=np.intp
        ),
        satellite_owner=np.array(sorted({i for i, _ in rows}), dtype=np.intp),
        satellite_doodson=np.array([s[:3] for _, s in rows], dtype=float).reshape(-1, 3),
        satellite_phase=np.array([s.phase for _, s in rows], dtype=float),
        satellite_ratio=np.array([s.ratio for _, s in rows], dtype=float),
        satellite_latitude_factor=np.array([s.latitude_factor for _, s in rows], dtype=int),
    )


def equilibrium_arguments(comp: Composition, arguments: np.ndarray) -> np.ndarray:
    """Equilibrium arguments V (Greenwich) of each constituent at each time.

    Parameters
    ----------
    comp : Composition
        The constituents.
    arguments : numpy.ndarray
        Shape (6, n): astronomical arguments from :func:`paknam.living.tides.astro.arguments`
        [cycles].

    Returns
    -------
    numpy.ndarray
        Shape (k, n): V [cycles], continuous in time and not reduced to one cycle.
    """
    # einsum rather than a BLAS product: tiny inner dimension, and no thread start-up.
    out = np.einsum("kj,jn->kn", comp.combined_doodson, arguments)
    out += comp.combined_phase[:, None]
    return out


def _ratios(comp: Composition, latitude: float) -> np.ndarray:
    """Satellite amplitude ratios scaled by their latitude factors."""
    lat = latitude if abs(latitude) >= _MIN_ABS_LATITUDE else np.copysign(5.0, latitude)
    sin_lat = np.sin(np.deg2rad(lat))
    factor = np.ones_like(comp.satellite_ratio)
    diurnal = comp.satellite_latitude_factor == 1
    semidiurnal = comp.satellite_latitude_factor == 2
    factor[diurnal] = 0.36309 * (1.0 - 5.0 * sin_lat**2) / sin_lat
    factor[semidiurnal] = 2.59808 * sin_lat
    return comp.satellite_ratio * factor


def _exact_nodal(
    comp: Composition, days: np.ndarray, latitude: float
) -> tuple[np.ndarray, np.ndarray]:
    """f [1] and u [cycles] at each time, shapes (k, n), without interpolation."""
    slow = astro.arguments(days)[3:6]
    phase = np.einsum("sj,jn->sn", comp.satellite_doodson, slow)
    phase += comp.satellite_phase[:, None]
    phase -= np.rint(phase)
    angle = (2 * np.pi * phase).astype(np.float32)  # terms of at most 0.64: 1e-7 is enough
    ratios = _ratios(comp, latitude)[:, None]
    terms = np.concatenate((np.cos(angle), np.sin(angle)), axis=1) * ratios
    sums = np.zeros((len(comp.bases), terms.shape[1]))
    if comp.satellite_start.size:
        sums[comp.satellite_owner] = np.add.reduceat(terms, comp.satellite_start, axis=0)
    real, imaginary = 1.0 + sums[:, : days.size], sums[:, days.size :]
    log_f = comp.combine(np.log(np.hypot(real, imaginary)), absolute=True)
    u = comp.combine(np.arctan2(imaginary, real) / (2 * np.pi))
    return np.exp(log_f), u


@dataclass(frozen=True)
class NodalTable:
    """Nodal corrections of some constituents over a span of time, ready to be evaluated
    at any times within it (see :func:`nodal_table`)."""

    comp: Composition
    latitude: float
    start: float
    """First grid time [day]; NaN when values are computed exactly at each time."""
    grids: tuple[np.ndarray, ...] = ()
    """f, its step to the next grid point, u, its step; shapes (k, grid), single precision."""

    def at(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f [1] and u [cycles] at these times (within the span), shapes (k, n), in single
        precision (enough: 6e-8 relative)."""
        if not self.grids:
            f, u = _exact_nodal(self.comp, days, self.latitude)
            return f.astype(np.float32), u.astype(np.float32)
        f_grid, f_step, u_grid, u_step = self.grids
        position = (days - self.start) / _GRID_STEP_DAYS
        index = np.clip(position.astype(int), 0, f_step.shape[1] - 1)
        weight = (position - index).astype(np.float32)
        return (
            _interpolate(f_grid, f_step, index, weight),
            _interpolate(u_grid, u_step, index, weight),
        )


def nodal_table(comp: Composition, days: np.ndarray, latitude: float) -> NodalTable:
    """Nodal/satellite corrections for the span of ``days``.

    Parameters
    ----------
    comp : Composition
        The constituents.
    days : numpy.ndarray
        Times since :data:`paknam.living.tides.astro.EPOCH` [day], finite, shape (n,).
    latitude : float
        Latitude of the station [deg N]; |latitude| below 5 is raised to 5.

    Returns
    -------
    NodalTable
        Exact evaluation when the series is short or sparse; otherwise values on a
        one-day grid, interpolated linearly (error below 2e-6 in f, 5e-7 cycles in u).
    """
    start, stop = float(np.min(days)), float(np.max(days))
    grid_size = int(np.ceil((stop - start) / _GRID_STEP_DAYS)) + 2
    if grid_size * 4 > days.size:
        return NodalTable(comp, latitude, np.nan)
    grid = start + _GRID_STEP_DAYS * np.arange(grid_size)
    f_grid, u_grid = _exact_nodal(comp, grid, latitude)
    u_grid = np.unwrap(u_grid, period=1.0, axis=1)
    grids = tuple(a.astype(np.float32) for a in (f_grid, np.diff(f_grid), u_grid, np.diff(u_grid)))
    return NodalTable(comp, latitude, start, grids)


def nodal_corrections(
    comp: Composition, days: np.ndarray, latitude: float
) -> tuple[np.ndarray, np.ndarray]:
    """Nodal/satellite corrections f and u of each constituent at each time.

    Parameters
    ----------
    comp : Composition
        The constituents.
    days : numpy.ndarray
        Times since :data:`paknam.living.tides.astro.EPOCH` [day], shape (n,), finite.
    latitude : float
        Latitude of the station [deg N]; |latitude| below 5 is raised to 5.

    Returns
    -------
    f : numpy.ndarray
        Shape (k, n): amplitude factors [1].
    u : numpy.ndarray
        Shape (k, n): phase corrections [cycles].
    """
    days = np.asarray(days, dtype=float)
    f, u = nodal_table(comp, days, latitude).at(days)
    return f.astype(float), u.astype(float)


def _interpolate(
    values: np.ndarray, steps: np.ndarray, index: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Linear interpolation along the grid (axis 1): ``v[:, i] + (v[:, i+1] - v[:, i]) w``."""
    out = np.take(steps, index, axis=1)
    out *= weight
    out += np.take(values, index, axis=1)
    return out


def frequencies(comp: Composition, days: float) -> np.ndarray:
    """Frequencies of the constituents at one time.

    Parameters
    ----------
    comp : Composition
        The constituents.
    days : float
        Time since :data:`paknam.living.tides.astro.EPOCH` [day].

    Returns
    -------
    numpy.ndarray
        Shape (k,): frequencies [cycles/hour], from the rates of the astronomical
        arguments at that time.
    """
    base = comp.doodson @ astro.rates(days)[:, 0] / 24.0
    return comp.coefficients @ base
