"""The standard table of tidal constituents: 145 constituents with Doodson numbers, satellites
for nodal corrections, shallow-water compositions and Rayleigh comparison pairs.

Source
------
Foreman, M. G. G. (1977, revised 2004), *Manual for Tidal Heights Analysis and Prediction*,
Pacific Marine Science Report 77-10, Institute of Ocean Sciences, Sidney, B.C., Appendices
(the constituent data file ``tide3.dat`` of the IOS tidal package). The same table is used by
T_TIDE (Pawlowicz, Beardsley and Lentz 2002, Computers & Geosciences 28, 929-937) and by
UTide (Codiga 2011, URI/GSO Technical Report 2011-01) as ``ut_constants``; the numbers here
were transcribed from the ``ut_constants.npz`` file of the Python UTide package 0.4.0 (MIT
licence), so that analyses agree with UTide. UTide's 146th entry, ``Z0``, is the mean, which
:func:`paknam.living.tides.harmonics.solve` always fits; it is not a constituent here.

Conventions (Foreman 1977)
--------------------------
- Doodson numbers multiply the astronomical arguments (tau, s, h, p, N', p') of
  :mod:`paknam.living.tides.astro`; ``phase`` [cycles] is added to give the equilibrium argument V.
- A shallow-water constituent is a sum ``coefficient * V`` of astronomical constituents; its
  nodal factor is the product of theirs raised to ``|coefficient|``, its nodal phase the
  same weighted sum.
- Satellites: ``(dp, dN', dp', phase [cycles], amplitude ratio, latitude factor)``; the
  factor is 0 (none), 1 (diurnal, ``0.36309 (1 - 5 sin^2 lat) / sin lat``) or 2 (semidiurnal,
  ``2.59808 sin lat``).
- ``rayleigh_pair`` is the constituent against which this one is tested by the Rayleigh
  criterion in automatic selection (Foreman's decision tree): ``"Z0"`` is the mean and ``""``
  means the constituent is never chosen automatically (it can still be asked by name).
- ``frequency`` [cycles/hour] is the table's nominal value; analyses report frequencies
  recomputed for the record's central time.
"""

from __future__ import annotations

from typing import NamedTuple

from paknam.living.errors import UnknownConstituentError

__all__ = [
    "BY_NAME",
    "CONSTITUENTS",
    "NAMES",
    "SATELLITES",
    "Constituent",
    "Satellite",
    "lookup",
]


class Constituent(NamedTuple):
    """One row of the constituent table."""

    name: str
    frequency: float
    """Nominal frequency [cycles/hour]."""
    doodson: tuple[int, int, int, int, int, int] | None
    """Multipliers of (tau, s, h, p, N', p'); None for a shallow-water constituent."""
    phase: float
    """Phase offset added to the equilibrium argument [cycles]."""
    shallow: tuple[tuple[float, str], ...]
    """(coefficient, astronomical constituent) pairs; empty for an astronomical one."""
    rayleigh_pair: str
    """Comparison constituent for automatic selection; "Z0" the mean, "" never automatic."""


class Satellite(NamedTuple):
    """One satellite of an astronomical constituent (Foreman 1977, Appendix)."""

    dp: int
    """Change of the multiplier of p (lunar perigee)."""
    dnp: int
    """Change of the multiplier of N' (negative lunar node)."""
    dps: int
    """Change of the multiplier of p' (solar perigee)."""
    phase: float
    """Phase correction [cycles]."""
    ratio: float
    """Amplitude ratio to the main line."""
    latitude_factor: int
    """0 none, 1 diurnal (R1), 2 semidiurnal (R2)."""


def _astro(
    name: str,
    frequency: float,
    doodson: tuple[int, int, int, int, int, int],
    phase: float,
    rayleigh_pair: str,
) -> Constituent:
    return Constituent(name, frequency, doodson, phase, (), rayleigh_pair)


def _shallow(
    name: str, frequency: float, parts: tuple[tuple[float, str], ...], rayleigh_pair: str
) -> Constituent:
    return Constituent(name, frequency, None, 0.0, parts, rayleigh_pair)


CONSTITUENTS: tuple[Constituent, ...] = (
    # name, frequency [cycles/hour], Doodson numbers (tau s h p N' p') or shallow-water
    # composition, phase offset [cycles], Rayleigh comparison constituent
    _astro("SA", 0.0001140741, (0, 0, 1, 0, 0, -1), 0.0, "SSA"),
    _astro("SSA", 0.0002281591, (0, 0, 2, 0, 0, 0), 0.0, "Z0"),
    _astro("MSM", 0.0013097808, (0, 1, -2, 1, 0, 0), 0.0, "MM"),
    _astro("MM", 0.0015121518, (0, 1, 0, -1, 0, 0), 0.0, "MSF"),
    _astro("MSF", 0.0028219327, (0, 2, -2, 0, 0, 0), 0.0, "Z0"),
    _astro("MF", 0.0030500918, (0, 2, 0, 0, 0, 0), 0.0, "MSF"),
    _astro("ALP1", 0.0343965699, (1, -4, 2, 1, 0, 0), -0.25, "2Q1"),
    _astro("2Q1", 0.0357063507, (1, -3, 0, 2, 0, 0), -0.25, "Q1"),
    _astro("SIG1", 0.0359087218, (1, -3, 2, 0, 0, 0), -0.25, "2Q1"),
    _astro("Q1", 0.0372185026, (1, -2, 0, 1, 0, 0), -0.25, "O1"),
    _astro("RHO1", 0.0374208736, (1, -2, 2, -1, 0, 0), -0.25, "Q1"),
    _astro("O1", 0.0387306544, (1, -1, 0, 0, 0, 0), -0.25, "K1"),
    _astro("TAU1", 0.0389588136, (1, -1, 2, 0, 0, 0), -0.75, "O1"),
    _astro("BET1", 0.0400404353, (1, 0, -2, 1, 0, 0), -0.75, "NO1"),
    _astro("NO1", 0.0402685944, (1, 0, 0, 1, 0, 0), -0.75, "K1"),
    _astro("CHI1", 0.0404709654, (1, 0, 2, -1, 0, 0), -0.75, "NO1"),
    _astro("PI1", 0.041438513, (1, 1, -3, 0, 0, 1), -0.25, "P1"),
    _astro("P1", 0.0415525871, (1, 1, -2, 0, 0, 0), -0.25, "K1"),
    _astro("S1", 0.0416666721, (1, 1, -1, 0, 0, 1), -0.75, "K1"),
    _astro("K1", 0.0417807462, (1, 1, 0, 0, 0, 0), -0.75, "Z0"),
    _astro("PSI1", 0.0418948203, (1, 1, 1, 0, 0, -1), -0.75, "K1"),
    _astro("PHI1", 0.0420089053, (1, 1, 2, 0, 0, 0), -0.75, "K1"),
    _astro("THE1", 0.043090527, (1, 2, -2, 1, 0, 0), -0.75, "J1"),
    _astro("J1", 0.0432928981, (1, 2, 0, -1, 0, 0), -0.75, "K1"),
    _shallow("2PO1", 0.0443745198, ((2, "P1"), (-1, "O1")), ""),
    _shallow("SO1", 0.0446026789, ((1, "S2"), (-1, "O1")), "OO1"),
    _astro("OO1", 0.044830838, (1, 3, 0, 0, 0, 0), -0.75, "J1"),
    _astro("UPS1", 0.0463429898, (1, 4, 0, -1, 0, 0), -0.75, "OO1"),
    _shallow("ST36", 0.0733553835, ((2, "M2"), (1, "N2"), (-2, "S2")), ""),
    _shallow("2NS2", 0.0746651643, ((2, "N2"), (-1, "S2")), ""),
    _shallow("ST37", 0.0748675353, ((3, "M2"), (-2, "S2")), ""),
    _shallow("ST1", 0.0748933234, ((2, "N2"), (1, "K2"), (-2, "S2")), ""),
    _astro("OQ2", 0.0759749451, (2, -3, 0, 3, 0, 0), 0.0, "EPS2"),
    _astro("EPS2", 0.0761773161, (2, -3, 2, 1, 0, 0), 0.0, "2N2"),
    _shallow("ST2", 0.0764054753, ((1, "M2"), (1, "N2"), (1, "K2"), (-2, "S2")), ""),
    _shallow("ST3", 0.0772331498, ((2, "M2"), (1, "S2"), (-2, "K2")), ""),
    _shallow("O2", 0.0774613089, ((2, "O1"),), ""),
    _astro("2N2", 0.077487097, (2, -2, 0, 2, 0, 0), 0.0, "MU2"),
    _astro("MU2", 0.077689468, (2, -2, 2, 0, 0, 0), 0.0, "N2"),
    _shallow("SNK2", 0.0787710897, ((1, "S2"), (1, "N2"), (-1, "K2")), ""),
    _astro("N2", 0.0789992488, (2, -1, 0, 1, 0, 0), 0.0, "M2"),
    _astro("NU2", 0.0792016198, (2, -1, 2, -1, 0, 0), 0.0, "N2"),
    _shallow("ST4", 0.079455567, ((2, "K2"), (1, "N2"), (-2, "S2")), ""),
    _shallow("OP2", 0.0802832416, ((1, "O1"), (1, "P1")), ""),
    _astro("GAM2", 0.0803090296, (2, 0, -2, 2, 0, 0), -0.5, "H1"),
    _astro("H1", 0.0803973266, (2, 0, -1, 0, 0, 1), -0.5, "M2"),
    _astro("M2", 0.0805114007, (2, 0, 0, 0, 0, 0), 0.0, "Z0"),
    _astro("H2", 0.0806254748, (2, 0, 1, 0, 0, -1), 0.0, "M2"),
    _shallow("MKS2", 0.0807395598, ((1, "M2"), (1, "K2"), (-1, "S2")), "M2"),
    _shallow("ST5", 0.0809677189, ((1, "M2"), (2, "K2"), (-2, "S2")), ""),
    _shallow("ST6", 0.0815930224, ((2, "S2"), (1, "N2"), (-1, "M2"), (-1, "K2")), ""),
    _astro("LDA2", 0.0818211815, (2, 1, -2, 1, 0, 0), -0.5, "L2"),
    _astro("L2", 0.0820235525, (2, 1, 0, -1, 0, 0), -0.5, "S2"),
    _shallow("2SK2", 0.0831051742, ((2, "S2"), (-1, "K2")), ""),
    _astro("T2", 0.0832192592, (2, 2, -3, 0, 0, 1), 0.0, "S2"),
    _astro("S2", 0.0833333333, (2, 2, -2, 0, 0, 0), 0.0, "M2"),
    _astro("R2", 0.0834474074, (2, 2, -1, 0, 0, -1), -0.5, "S2"),
    _astro("K2", 0.0835614924, (2, 2, 0, 0, 0, 0), 0.0, "S2"),
    _shallow("MSN2", 0.0848454852, ((1, "M2"), (1, "S2"), (-1, "N2")), "ETA2"),
    _astro("ETA2", 0.0850736443, (2, 3, 0, -1, 0, 0), 0.0, "K2"),
    _shallow("ST7", 0.0853018034, ((2, "K2"), (1, "M2"), (-1, "S2"), (-1, "N2")), ""),
    _shallow("2SM2", 0.086155266, ((2, "S2"), (-1, "M2")), ""),
    _shallow("ST38", 0.086357637, ((2, "M2"), (1, "S2"), (-2, "N2")), ""),
    _shallow("SKM2", 0.0863834251, ((1, "S2"), (1, "K2"), (-1, "M2")), ""),
    _shallow("2SN2", 0.0876674179, ((2, "S2"), (-1, "N2")), ""),
    _shallow("NO3", 0.1177299033, ((1, "N2"), (1, "O1")), ""),
    _shallow("MO3", 0.1192420551, ((1, "M2"), (1, "O1")), "M3"),
    _astro("M3", 0.120767101, (3, 0, 0, 0, 0, 0), -0.5, "M2"),
    _shallow("NK3", 0.120779995, ((1, "N2"), (1, "K1")), ""),
    _shallow("SO3", 0.1220639878, ((1, "S2"), (1, "O1")), "MK3"),
    _shallow("MK3", 0.1222921469, ((1, "M2"), (1, "K1")), "M3"),
    _shallow("SP3", 0.1248859204, ((1, "S2"), (1, "P1")), ""),
    _shallow("SK3", 0.1251140796, ((1, "S2"), (1, "K1")), "MK3"),
    _shallow("ST8", 0.1566887168, ((2, "M2"), (1, "N2"), (-1, "S2")), ""),
    _shallow("N4", 0.1579984976, ((2, "N2"),), ""),
    _shallow("3MS4", 0.1582008687, ((3, "M2"), (-1, "S2")), ""),
    _shallow("ST39", 0.1592824904, ((1, "M2"), (1, "S2"), (1, "N2"), (-1, "K2")), ""),
    _shallow("MN4", 0.1595106495, ((1, "M2"), (1, "N2")), "M4"),
    _shallow("ST9", 0.1597388086, ((1, "M2"), (1, "N2"), (1, "K2"), (-1, "S2")), ""),
    _shallow("ST40", 0.1607946422, ((2, "M2"), (1, "S2"), (-1, "K2")), ""),
    _shallow("M4", 0.1610228013, ((2, "M2"),), "M3"),
    _shallow("ST10", 0.1612509604, ((2, "M2"), (1, "K2"), (-1, "S2")), ""),
    _shallow("SN4", 0.1623325821, ((1, "S2"), (1, "N2")), "M4"),
    _shallow("KN4", 0.1625607413, ((1, "K2"), (1, "N2")), ""),
    _shallow("MS4", 0.163844734, ((1, "M2"), (1, "S2")), "M4"),
    _shallow("MK4", 0.1640728931, ((1, "M2"), (1, "K2")), "MS4"),
    _shallow("SL4", 0.1653568858, ((1, "S2"), (1, "L2")), ""),
    _shallow("S4", 0.1666666667, ((2, "S2"),), "MS4"),
    _shallow("SK4", 0.1668948258, ((1, "S2"), (1, "K2")), "S4"),
    _shallow("MNO5", 0.1982413039, ((1, "M2"), (1, "N2"), (1, "O1")), ""),
    _shallow("2MO5", 0.1997534558, ((2, "M2"), (1, "O1")), ""),
    _shallow("3MP5", 0.1999816149, ((3, "M2"), (-1, "P1")), ""),
    _shallow("MNK5", 0.2012913957, ((1, "M2"), (1, "N2"), (1, "K1")), ""),
    _shallow("2MP5", 0.2025753884, ((2, "M2"), (1, "P1")), ""),
    _shallow("2MK5", 0.2028035475, ((2, "M2"), (1, "K1")), "M4"),
    _shallow("MSK5", 0.2056254802, ((1, "M2"), (1, "S2"), (1, "K1")), ""),
    _shallow("3KM5", 0.2058536393, ((1, "K2"), (1, "K1"), (1, "M2")), ""),
    _shallow("2SK5", 0.2084474129, ((2, "S2"), (1, "K1")), "2MK5"),
    _shallow("ST11", 0.2372259056, ((3, "N2"), (1, "K2"), (-1, "S2")), ""),
    _shallow("2NM6", 0.2385098983, ((2, "N2"), (1, "M2")), ""),
    _shallow("ST12", 0.2387380574, ((2, "N2"), (1, "M2"), (1, "K2"), (-1, "S2")), ""),
    _shallow("2MN6", 0.2400220501, ((2, "M2"), (1, "N2")), "M6"),
    _shallow("ST13", 0.2402502093, ((2, "M2"), (1, "N2"), (1, "K2"), (-1, "S2")), ""),
    _shallow("ST41", 0.2413060429, ((3, "M2"), (1, "S2"), (-1, "K2")), ""),
    _shallow("M6", 0.241534202, ((3, "M2"),), "2MK5"),
    _shallow("MSN6", 0.2428439828, ((1, "M2"), (1, "S2"), (1, "N2")), ""),
    _shallow("MKN6", 0.2430721419, ((1, "M2"), (1, "K2"), (1, "N2")), ""),
    _shallow("ST42", 0.2441279756, ((2, "M2"), (2, "S2"), (-1, "K2")), ""),
    _shallow("2MS6", 0.2443561347, ((2, "M2"), (1, "S2")), "M6"),
    _shallow("2MK6", 0.2445842938, ((2, "M2"), (1, "K2")), "2MS6"),
    _shallow("NSK6", 0.2458940746, ((1, "N2"), (1, "S2"), (1, "K2")), ""),
    _shallow("2SM6", 0.2471780673, ((2, "S2"), (1, "M2")), "2MS6"),
    _shallow("MSK6", 0.2474062264, ((1, "M2"), (1, "S2"), (1, "K2")), "2SM6"),
    _shallow("S6", 0.25, ((3, "S2"),), ""),
    _shallow("ST14", 0.2787527046, ((2, "M2"), (1, "N2"), (1, "O1")), ""),
    _shallow("ST15", 0.2802906445, ((2, "N2"), (1, "M2"), (1, "K1")), ""),
    _shallow("M7", 0.2817899023, ((3.5, "M2"),), ""),
    _shallow("ST16", 0.2830867891, ((2, "M2"), (1, "S2"), (1, "O1")), ""),
    _shallow("3MK7", 0.2833149482, ((3, "M2"), (1, "K1")), "M6"),
    _shallow("ST17", 0.2861368809, ((1, "M2"), (1, "S2"), (1, "K2"), (1, "O1")), ""),
    _shallow("ST18", 0.319021299, ((2, "M2"), (2, "N2")), ""),
    _shallow("3MN8", 0.3205334508, ((3, "M2"), (1, "N2")), ""),
    _shallow("ST19", 0.3207616099, ((3, "M2"), (1, "N2"), (1, "K2"), (-1, "S2")), ""),
    _shallow("M8", 0.3220456027, ((4, "M2"),), "3MK7"),
    _shallow("ST20", 0.3233553835, ((2, "M2"), (1, "S2"), (1, "N2")), ""),
    _shallow("ST21", 0.3235835426, ((2, "M2"), (1, "N2"), (1, "K2")), ""),
    _shallow("3MS8", 0.3248675353, ((3, "M2"), (1, "S2")), ""),
    _shallow("3MK8", 0.3250956944, ((3, "M2"), (1, "K2")), ""),
    _shallow("ST22", 0.3264054753, ((1, "M2"), (1, "S2"), (1, "N2"), (1, "K2")), ""),
    _shallow("ST23", 0.327689468, ((2, "M2"), (2, "S2")), ""),
    _shallow("ST24", 0.3279176271, ((2, "M2"), (1, "S2"), (1, "K2")), ""),
    _shallow("ST25", 0.3608020452, ((2, "M2"), (2, "N2"), (1, "K1")), ""),
    _shallow("ST26", 0.362314197, ((3, "M2"), (1, "N2"), (1, "K1")), ""),
    _shallow("4MK9", 0.3638263489, ((4, "M2"), (1, "K1")), ""),
    _shallow("ST27", 0.3666482815, ((3, "M2"), (1, "S2"), (1, "K1")), ""),
    _shallow("ST28", 0.4010448515, ((4, "M2"), (1, "N2")), ""),
    _shallow("M10", 0.4025570033, ((5, "M2"),), ""),
    _shallow("ST29", 0.4038667841, ((3, "M2"), (1, "N2"), (1, "S2")), ""),
    _shallow("ST30", 0.405378936, ((4, "M2"), (1, "S2")), ""),
    _shallow("ST31", 0.4069168759, ((2, "M2"), (1, "N2"), (1, "S2"), (1, "K2")), ""),
    _shallow("ST32", 0.4082008687, ((3, "M2"), (2, "S2")), ""),
    _shallow("ST33", 0.4471596822, ((4, "M2"), (1, "S2"), (1, "K1")), ""),
    _shallow("M12", 0.483068404, ((6, "M2"),), ""),
    _shallow("ST34", 0.4858903367, ((5, "M2"), (1, "S2")), ""),
    _shallow("ST35", 0.4874282766, ((3, "M2"), (1, "N2"), (1, "K2"), (1, "S2")), ""),
)

_SATELLITE_ROWS: dict[str, tuple[tuple[int, int, int, float, float, int], ...]] = {
    # constituent: (dp, dN', dp', phase [cycles], amplitude ratio, latitude factor), ...
    "ALP1": (
        (-1, 0, 0, 0.75, 0.036, 1),
        (0, -1, 0, 0.0, 0.1906, 0),
    ),
    "2Q1": (
        (-2, -2, 0, 0.5, 0.0063, 0),
        (-1, -1, 0, 0.75, 0.0241, 1),
        (-1, 0, 0, 0.75, 0.0607, 1),
        (0, -2, 0, 0.5, 0.0063, 0),
        (0, -1, 0, 0.0, 0.1885, 0),
    ),
    "SIG1": (
        (-1, 0, 0, 0.75, 0.0095, 1),
        (0, -2, 0, 0.5, 0.0061, 0),
        (0, -1, 0, 0.0, 0.1884, 0),
        (2, 0, 0, 0.5, 0.0087, 0),
    ),
    "Q1": (
        (-2, -3, 0, 0.5, 0.0007, 0),
        (-2, -2, 0, 0.5, 0.0039, 0),
        (-1, -2, 0, 0.75, 0.001, 1),
        (-1, -1, 0, 0.75, 0.0115, 1),
        (-1, 0, 0, 0.75, 0.0292, 1),
        (0, -2, 0, 0.5, 0.0057, 0),
        (-1, 0, 1, 0.0, 0.0008, 0),
        (0, -1, 0, 0.0, 0.1884, 0),
        (1, 0, 0, 0.75, 0.0018, 1),
        (2, 0, 0, 0.5, 0.0028, 0),
    ),
    "RHO1": (
        (0, -2, 0, 0.5, 0.0058, 0),
        (0, -1, 0, 0.0, 0.1882, 0),
        (1, 0, 0, 0.75, 0.0131, 1),
        (2, 0, 0, 0.5, 0.0576, 0),
        (2, 1, 0, 0.0, 0.0175, 0),
    ),
    "O1": (
        (-1, 0, 0, 0.25, 0.0003, 1),
        (0, -2, 0, 0.5, 0.0058, 0),
        (0, -1, 0, 0.0, 0.1885, 0),
        (1, -1, 0, 0.25, 0.0004, 1),
        (1, 0, 0, 0.75, 0.0029, 1),
        (1, 1, 0, 0.25, 0.0004, 1),
        (2, 0, 0, 0.5, 0.0064, 0),
        (2, 1, 0, 0.5, 0.001, 0),
    ),
    "TAU1": (
        (-2, 0, 0, 0.0, 0.0446, 0),
        (-1, 0, 0, 0.25, 0.0426, 1),
        (0, -1, 0, 0.5, 0.0284, 0),
        (0, 1, 0, 0.5, 0.217, 0),
        (0, 2, 0, 0.5, 0.0142, 0),
    ),
    "BET1": ((0, -1, 0, 0.0, 0.2266, 0),),
    "NO1": (
        (-2, -2, 0, 0.5, 0.0057, 0),
        (-2, -1, 0, 0.0, 0.0665, 0),
        (-2, 0, 0, 0.0, 0.3596, 0),
        (-1, -1, 0, 0.75, 0.0331, 1),
        (-1, 0, 0, 0.25, 0.2227, 1),
        (-1, 1, 0, 0.75, 0.029, 1),
        (0, -1, 0, 0.5, 0.029, 0),
        (0, 1, 0, 0.0, 0.2004, 0),
        (0, 2, 0, 0.5, 0.0054, 0),
    ),
    "CHI1": (
        (0, -1, 0, 0.5, 0.0282, 0),
        (0, 1, 0, 0.0, 0.2187, 0),
    ),
    "PI1": ((0, -1, 0, 0.5, 0.0078, 0),),
    "P1": (
        (0, -2, 0, 0.0, 0.0008, 0),
        (0, -1, 0, 0.5, 0.0112, 0),
        (0, 0, 2, 0.5, 0.0004, 0),
        (1, 0, 0, 0.75, 0.0004, 1),
        (2, 0, 0, 0.5, 0.0015, 0),
        (2, 1, 0, 0.5, 0.0003, 0),
    ),
    "S1": (
        (0, 0, -2, 0.0, 0.3534, 0),
        (0, 1, 0, 0.5, 0.0264, 0),
    ),
    "K1": (
        (-2, -1, 0, 0.0, 0.0002, 0),
        (-1, -1, 0, 0.75, 0.0001, 1),
        (-1, 0, 0, 0.25, 0.0007, 1),
        (-1, 1, 0, 0.75, 0.0001, 1),
        (0, -2, 0, 0.0, 0.0001, 0),
        (0, -1, 0, 0.5, 0.0198, 0),
        (0, 1, 0, 0.0, 0.1356, 0),
        (0, 2, 0, 0.5, 0.0029, 0),
        (1, 0, 0, 0.25, 0.0002, 1),
        (1, 1, 0, 0.25, 0.0001, 1),
    ),
    "PSI1": ((0, 1, 0, 0.0, 0.019, 0),),
    "PHI1": (
        (-2, 0, 0, 0.0, 0.0344, 0),
        (-2, 1, 0, 0.0, 0.0106, 0),
        (0, 0, -2, 0.0, 0.0132, 0),
        (0, 1, 0, 0.5, 0.0384, 0),
        (0, 2, 0, 0.5, 0.0185, 0),
    ),
    "THE1": (
        (-2, -1, 0, 0.0, 0.03, 0),
        (-1, 0, 0, 0.25, 0.0141, 1),
        (0, -1, 0, 0.5, 0.0317, 0),
        (0, 1, 0, 0.0, 0.1993, 0),
    ),
    "J1": (
        (0, -1, 0, 0.5, 0.0294, 0),
        (0, 1, 0, 0.0, 0.198, 0),
        (0, 2, 0, 0.5, 0.0047, 0),
        (1, -1, 0, 0.75, 0.0027, 1),
        (1, 0, 0, 0.25, 0.0816, 1),
        (1, 1, 0, 0.25, 0.0331, 1),
        (1, 2, 0, 0.25, 0.0027, 1),
        (2, 0, 0, 0.5, 0.0152, 0),
        (2, 1, 0, 0.5, 0.0098, 0),
        (2, 2, 0, 0.5, 0.0057, 0),
    ),
    "OO1": (
        (-2, -1, 0, 0.5, 0.0037, 0),
        (-2, 0, 0, 0.0, 0.1496, 0),
        (-2, 1, 0, 0.0, 0.0296, 0),
        (-1, 0, 0, 0.25, 0.024, 1),
        (-1, 1, 0, 0.25, 0.0099, 1),
        (0, 1, 0, 0.0, 0.6398, 0),
        (0, 2, 0, 0.0, 0.1342, 0),
        (0, 3, 0, 0.0, 0.0086, 0),
    ),
    "UPS1": (
        (-2, 0, 0, 0.0, 0.0611, 0),
        (0, 1, 0, 0.0, 0.6399, 0),
        (0, 2, 0, 0.0, 0.1318, 0),
        (1, 0, 0, 0.25, 0.0289, 1),
        (1, 1, 0, 0.25, 0.0257, 1),
    ),
    "OQ2": (
        (-1, 0, 0, 0.25, 0.1042, 2),
        (0, -1, 0, 0.5, 0.0386, 0),
    ),
    "EPS2": (
        (-1, -1, 0, 0.25, 0.0075, 2),
        (-1, 0, 0, 0.25, 0.0402, 2),
        (0, -1, 0, 0.5, 0.0373, 0),
    ),
    "2N2": (
        (-2, -2, 0, 0.5, 0.0061, 0),
        (-1, -1, 0, 0.25, 0.0117, 2),
        (-1, 0, 0, 0.25, 0.0678, 2),
        (0, -1, 0, 0.5, 0.0374, 0),
    ),
    "MU2": (
        (-1, -1, 0, 0.25, 0.0018, 2),
        (-1, 0, 0, 0.25, 0.0104, 2),
        (0, -1, 0, 0.5, 0.0375, 0),
    ),
    "N2": (
        (-2, -2, 0, 0.5, 0.0039, 0),
        (-1, 0, 1, 0.0, 0.0008, 0),
        (0, -2, 0, 0.0, 0.0005, 0),
        (0, -1, 0, 0.5, 0.0373, 0),
    ),
    "NU2": (
        (0, -1, 0, 0.5, 0.0373, 0),
        (1, 0, 0, 0.75, 0.0042, 2),
        (2, 0, 0, 0.0, 0.0042, 0),
        (2, 1, 0, 0.5, 0.0036, 0),
    ),
    "GAM2": (
        (-2, -2, 0, 0.0, 0.1429, 0),
        (-1, 0, 0, 0.25, 0.0293, 2),
        (0, -1, 0, 0.5, 0.033, 0),
    ),
    "H1": (
        (0, -1, 0, 0.5, 0.0224, 0),
        (1, 0, -1, 0.5, 0.0447, 0),
    ),
    "M2": (
        (-1, -1, 0, 0.75, 0.0001, 2),
        (-1, 0, 0, 0.75, 0.0004, 2),
        (0, -2, 0, 0.0, 0.0005, 0),
        (0, -1, 0, 0.5, 0.0373, 0),
        (1, -1, 0, 0.25, 0.0001, 2),
        (1, 0, 0, 0.75, 0.0009, 2),
        (1, 1, 0, 0.75, 0.0002, 2),
        (2, 0, 0, 0.0, 0.0006, 0),
        (2, 1, 0, 0.0, 0.0002, 0),
    ),
    "H2": ((0, -1, 0, 0.5, 0.0217, 0),),
    "LDA2": ((0, -1, 0, 0.5, 0.0448, 0),),
    "L2": (
        (0, -1, 0, 0.5, 0.0366, 0),
        (2, -1, 0, 0.0, 0.0047, 0),
        (2, 0, 0, 0.5, 0.2505, 0),
        (2, 1, 0, 0.5, 0.1102, 0),
        (2, 2, 0, 0.5, 0.0156, 0),
    ),
    "S2": (
        (0, -1, 0, 0.0, 0.0022, 0),
        (1, 0, 0, 0.75, 0.0001, 2),
        (2, 0, 0, 0.0, 0.0001, 0),
    ),
    "R2": (
        (0, 0, 2, 0.5, 0.2535, 0),
        (0, 1, 2, 0.0, 0.0141, 0),
    ),
    "K2": (
        (-1, 0, 0, 0.75, 0.0024, 2),
        (-1, 1, 0, 0.75, 0.0004, 2),
        (0, -1, 0, 0.5, 0.0128, 0),
        (0, 1, 0, 0.0, 0.298, 0),
        (0, 2, 0, 0.0, 0.0324, 0),
    ),
    "ETA2": (
        (0, -1, 0, 0.5, 0.0187, 0),
        (0, 1, 0, 0.0, 0.4355, 0),
        (0, 2, 0, 0.0, 0.0467, 0),
        (1, 0, 0, 0.75, 0.0747, 2),
        (1, 1, 0, 0.75, 0.0482, 2),
        (1, 2, 0, 0.75, 0.0093, 2),
        (2, 0, 0, 0.5, 0.0078, 0),
    ),
    "M3": ((0, -1, 0, 0.5, 0.0564, 0),),
}

SATELLITES: dict[str, tuple[Satellite, ...]] = {
    name: tuple(Satellite(*row) for row in rows) for name, rows in _SATELLITE_ROWS.items()
}
"""Satellites of each astronomical constituent that has any (others have a nodal factor 1)."""

NAMES: tuple[str, ...] = tuple(c.name for c in CONSTITUENTS)
"""All constituent names, in order of increasing frequency."""

BY_NAME: dict[str, Constituent] = {c.name: c for c in CONSTITUENTS}


def lookup(name: str) -> Constituent:
    """The table row of a constituent, by name (case-insensitive).

    Raises
    ------
    UnknownConstituentError
        Naming the table and listing the valid names.
    """
    try:
        return BY_NAME[name.strip().upper()]
    except (KeyError, AttributeError):
        raise UnknownConstituentError(
            f"tidal constituent {name!r} is not in the constituent table "
            f"(Foreman 1977 / UTide, {len(NAMES)} names): valid names are {', '.join(NAMES)}"
        ) from None
