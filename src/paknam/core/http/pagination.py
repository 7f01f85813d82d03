"""One pagination convention for every list endpoint: ``limit`` and ``offset``.

``limit`` defaults to :data:`DEFAULT_LIMIT` and may be at most :data:`MAX_LIMIT`;
``offset`` skips that many items of the list's stated order. Answers that wrap their
list in an object add ``"limit"`` and ``"offset"`` beside it. Exports of observations
(series, CSV, NGSI-LD) are not lists of records and keep their own, larger, limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

DEFAULT_LIMIT = 100
"""Items per page when the client does not say."""
MAX_LIMIT = 1000
"""Most items one request may ask for."""
MAX_OFFSET = 10**9


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list to answer."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"items per page (≤ {MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(page_params)]
"""Add ``page: PageDep`` to a list endpoint's parameters."""
