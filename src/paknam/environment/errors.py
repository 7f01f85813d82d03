"""Errors of the environment domain, joined to the one hierarchy of :mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)   a value that breaks a rule (HTTP 422)
    ├── AQIError                       also a ValueError: any bad input to the AQI functions
    │   │                              (no value at all, a bad date, tie order or window)
    │   ├── UnknownPollutantError      a key that is not pm25, pm10, o3, co, no2, so2
    │   └── InvalidConcentrationError  a negative, NaN, infinite or non-numeric concentration
    ├── WQIError                       also a ValueError: any bad input to the water modules
    │   │                              (a bad date, table, percentile method, index value)
    │   ├── UnknownParameterError      a parameter name no table knows
    │   ├── InvalidValueError          a negative, NaN, infinite, non-numeric or
    │   │                              out-of-range measurement
    │   └── MissingParameterError      an index needs parameters that were not given
    └── AttributionError               also a ValueError: any bad input to attribution
        ├── WindNotMeasuredError       wind speed or direction constant: not measured
        └── CanalNetworkError          a canal network that is not a valid graph

Each message names what is wrong: the pollutant, parameter, series or station, the value
and what would have been valid (or where: index or time); ``field`` names the offending
argument or key when there is one. They are ``ValueError`` subclasses too, so that callers
outside paknam catch them as such.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput

__all__ = [
    "AQIError",
    "AttributionError",
    "CanalNetworkError",
    "InvalidConcentrationError",
    "InvalidValueError",
    "MissingParameterError",
    "UnknownParameterError",
    "UnknownPollutantError",
    "WQIError",
    "WindNotMeasuredError",
]


class AQIError(InvalidInput, ValueError):
    """Bad input to a Thai AQI function."""


class UnknownPollutantError(AQIError):
    """A pollutant key that no AQI table knows.

    Attributes
    ----------
    pollutant : str
        The key as given.
    valid_keys : tuple of str
        The keys that would have been accepted.
    """

    def __init__(self, pollutant: object, valid_keys: tuple[str, ...], table: str) -> None:
        self.pollutant = pollutant
        self.valid_keys = valid_keys
        super().__init__(
            f"unknown pollutant {pollutant!r} in the Thai AQI table {table}; "
            f"valid keys: {', '.join(valid_keys)}",
            field="pollutant",
        )


class InvalidConcentrationError(AQIError):
    """A concentration the AQI cannot use (negative, NaN, infinite, not a number).

    Attributes
    ----------
    pollutant : str
        Pollutant key.
    value : object
        The value as given.
    """

    def __init__(self, pollutant: str, value: object, reason: str) -> None:
        self.pollutant = pollutant
        self.value = value
        super().__init__(reason, field=pollutant)


class WQIError(InvalidInput, ValueError):
    """Bad input to a water-quality function."""


class UnknownParameterError(WQIError):
    """A parameter name that the table in use does not know.

    Attributes
    ----------
    parameter : object
        The name as given.
    valid_keys : tuple of str
        The keys that would have been accepted.
    """

    def __init__(self, parameter: object, valid_keys: tuple[str, ...], where: str) -> None:
        self.parameter = parameter
        self.valid_keys = valid_keys
        super().__init__(
            f"unknown parameter {parameter!r} for {where}; valid keys: {', '.join(valid_keys)}",
            field="parameter",
        )


class InvalidValueError(WQIError):
    """A measurement the index cannot use.

    Attributes
    ----------
    parameter : str
        Parameter key.
    value : object
        The value as given.
    """

    def __init__(self, parameter: str, value: object, reason: str) -> None:
        self.parameter = parameter
        self.value = value
        super().__init__(reason, field=parameter)


class MissingParameterError(WQIError):
    """An index was asked for without all the parameters it needs.

    Attributes
    ----------
    missing : tuple of str
        Keys of the parameters that were not given.
    """

    def __init__(
        self,
        missing: tuple[str, ...],
        index: str,
        needed: tuple[str, ...],
        *,
        any_of: bool = False,
    ) -> None:
        self.missing = missing
        needs = f"at least one of {', '.join(needed)}" if any_of else ", ".join(needed)
        tail = "; none was given" if any_of else f"; missing: {', '.join(missing)}"
        super().__init__(f"{index} needs {needs}{tail}", field=missing[0] if missing else None)


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
