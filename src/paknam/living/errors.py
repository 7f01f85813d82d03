"""Errors of the living domain, joined to the one hierarchy of :mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)      a value that breaks a rule (HTTP 422)
    ├── HarmonicAnalysisError              also a ValueError: bad input to tidal analysis
    │   ├── RecordTooShortError            the record cannot resolve the constituents asked
    │   └── UnknownConstituentError        a name not in the constituent table
    └── ReadError                          also a ValueError: a water-level file that
                                           cannot be read (names the line)

Each message names what was wrong, which value and the limit (e.g. the minimum record
length needed, or the valid constituent names).
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput


class HarmonicAnalysisError(InvalidInput, ValueError):
    """Input that tidal harmonic analysis or prediction cannot use."""


class RecordTooShortError(HarmonicAnalysisError):
    """The record is too short (Rayleigh criterion) for the constituents asked.

    Attributes
    ----------
    span_hours : float
        Span of the valid observations [h].
    required_hours : float
        Minimum span needed for the constituents asked [h].
    """

    def __init__(self, message: str, *, span_hours: float, required_hours: float) -> None:
        super().__init__(message, field="times")
        self.span_hours = span_hours
        self.required_hours = required_hours


class UnknownConstituentError(HarmonicAnalysisError):
    """A constituent name that is not in :data:`paknam.living.tides.constituents.CONSTITUENTS`."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="constituents")


class ReadError(InvalidInput, ValueError):
    """A water-level file that cannot be read: names the line and what was wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")
