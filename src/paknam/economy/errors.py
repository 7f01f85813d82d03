"""Errors of the economy domain, each a kind of the core error it answers as.

::

    paknam.core.errors.NotFound                  (HTTP 404)
    ├── UnknownPlace                             no place (or no such photo of it)
    └── UnknownScope                             figures asked for neither 'province'
                                                 nor a place id

Anything else the domain rejects (a category, opening hours, a row of figures) is a
plain :class:`~paknam.core.errors.InvalidInput` naming the field, or
:class:`~paknam.core.errors.BatchRejected` naming every bad line of a file.
"""

from __future__ import annotations

from paknam.core.errors import NotFound


class UnknownPlace(NotFound):
    """No place with that id (or the place has no photo with that id)."""


class UnknownScope(NotFound):
    """A scope of figures that is neither ``province`` nor a place id."""
