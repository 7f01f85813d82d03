"""Errors of the water-quality index modules, joined to the one hierarchy of
:mod:`paknam.core.errors`.

::

    InvalidInput (paknam.core.errors)  a value that breaks a rule (HTTP 422)
    └── WQIError                      also a ValueError: any bad input to the water modules
        │                             (a bad date, table, percentile method, index value)
        ├── UnknownParameterError     a parameter name no table knows
        ├── InvalidValueError         a negative, NaN, infinite, non-numeric or
        │                             out-of-range measurement
        └── MissingParameterError     an index needs parameters that were not given

Each message names the parameter, the value and what would have been valid; ``field`` is
the parameter key when there is one. They are ``ValueError`` subclasses too, so that
callers outside paknam catch them as such.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput

__all__ = [
    "InvalidValueError",
    "MissingParameterError",
    "UnknownParameterError",
    "WQIError",
]


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
