"""Errors of the people domain, each a kind of the core error it answers as.

::

    paknam.core.errors.NotFound                  (HTTP 404)
    ├── UnknownSchool                            no school with that id
    └── UnknownTerm                              a term that is not configured (or none is)
    paknam.core.errors.InvalidInput              (HTTP 422)
    └── StatementError                           an xAPI statement that breaks a rule;
                                                 ``field`` names the part. A batch lists
                                                 them in one BatchRejected.

Anything else the domain rejects (a row of an import, a term's dates) is a plain
:class:`~paknam.core.errors.InvalidInput` naming the field, or
:class:`~paknam.core.errors.BatchRejected` naming every bad line.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput, NotFound


class UnknownSchool(NotFound):
    """No school with that id."""


class UnknownTerm(NotFound):
    """The term is not configured (or no term is)."""


class StatementError(InvalidInput):
    """A statement that breaks a rule; ``field`` names the part."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)
