"""Errors of the Thai AQI modules, joined to the one hierarchy of :mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)  a value that breaks a rule (HTTP 422)
    └── AQIError                      also a ValueError: any bad input to the AQI functions
        │                             (no value at all, a bad date, tie order or window)
        ├── UnknownPollutantError     a key that is not pm25, pm10, o3, co, no2, so2
        └── InvalidConcentrationError a negative, NaN, infinite or non-numeric concentration

Each message names the pollutant, the value and what would have been valid; ``field`` is
the pollutant key when there is one. They are ``ValueError`` subclasses too, so that
callers outside paknam catch them as such.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput

__all__ = ["AQIError", "InvalidConcentrationError", "UnknownPollutantError"]


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
