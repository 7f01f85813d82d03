"""Errors of the source-attribution modules, joined to :mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)   a value that breaks a rule (HTTP 422)
    └── AttributionError               also a ValueError: any bad input to attribution
        ├── WindNotMeasuredError       wind speed or direction constant: not measured
        └── CanalNetworkError          a canal network that is not a valid graph

Each message names what is wrong, which series or station, and where (index or time);
``field`` names the offending argument when there is one.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput

__all__ = ["AttributionError", "CanalNetworkError", "WindNotMeasuredError"]


class AttributionError(InvalidInput, ValueError):
    """Bad input to a source-attribution function."""


class WindNotMeasuredError(AttributionError):
    """Wind data that cannot be real measurements (e.g. constant 0 at every hour).

    air4thai reports ``WS = 0`` and ``WD = 0`` at stations without a wind sensor, so a
    wind rose of such a station would put every hour in the calm or the north sector.

    Attributes
    ----------
    station : str or None
        Station id, when given.
    """

    def __init__(self, message: str, *, station: str | None, field: str) -> None:
        self.station = station
        super().__init__(message, field=field)


class CanalNetworkError(AttributionError):
    """A canal network with a cycle, an unknown station or a malformed reach."""
