"""Errors of the energy domain, each a kind of the core error it answers as.

::

    paknam.core.errors.NotFound                  (HTTP 404)
    ├── UnknownSite                              no energy site with that id
    └── UnknownCommunity                         no energy community with that id
    paknam.core.errors.InvalidInput              (HTTP 422)
    └── NotEnoughReadings                        a period without the readings the answer
                                                 needs (no PV readings; members of a
                                                 community below the coverage to settle)

Anything else the domain rejects (a bad year, month, tariff or file) is a plain
:class:`~paknam.core.errors.InvalidInput` naming the field.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput, NotFound


class UnknownSite(NotFound):
    """No energy site with that id."""


class UnknownCommunity(NotFound):
    """No energy community with that id."""


class NotEnoughReadings(InvalidInput):
    """The period lacks the readings the answer needs."""
