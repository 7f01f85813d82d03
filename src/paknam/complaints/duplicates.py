"""Likely duplicates near the same spot, to show a citizen *before* they submit.

FixMyStreet's most asked-for feature: "is this already reported?". Candidates are open
complaints within ``radius_m`` of the spot (great-circle distance), received in the last
``days``; each carries its distance, whether the service matches, and a text similarity
(Jaccard index of character trigrams, 0–1) when the citizen has typed something. The
citizen can then "+1" an existing complaint instead of filing a new one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.complaints.catalogue import get_service
from paknam.complaints.intake import normalise_text
from paknam.complaints.records import PUBLIC_COLUMNS, open311_views
from paknam.complaints.schema import complaints as table
from paknam.complaints.workflow import OPEN
from paknam.core.errors import InvalidInput
from paknam.core.geo import bbox_around, distance_m


def trigrams(text: str) -> set[str]:
    t = normalise_text(text).replace(" ", "")
    return {t[i : i + 3] for i in range(max(len(t) - 2, 0))}


def similarity(a: str, b: str) -> float:
    """Jaccard index of the character trigrams of ``a`` and ``b`` (0 = nothing shared)."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def suggest_duplicates(
    conn: Connection,
    lon: float,
    lat: float,
    *,
    now: int,
    service_code: str | None = None,
    text: str | None = None,
    radius_m: float = 150.0,
    days: int = 90,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """Open complaints near (lon, lat), best match first (same service, similar text, near)."""
    if not 1 <= radius_m <= 2000:
        raise InvalidInput("radius_m must be 1 to 2000 m", field="radius_m")
    if service_code is not None:
        get_service(service_code)
    lo0, la0, lo1, la1 = bbox_around(lon, lat, radius_m)
    rows = conn.execute(
        sa.select(*PUBLIC_COLUMNS).where(
            table.c.status.in_(sorted(OPEN)),
            table.c.lon.between(lo0, lo1),
            table.c.lat.between(la0, la1),
            table.c.requested_s >= now - days * 86400,
        )
    ).all()
    scored = []
    for r in rows:
        d = distance_m(lon, lat, r.lon, r.lat)
        if d > radius_m:
            continue
        sim = similarity(text, r.description) if text else None
        same = service_code is not None and r.service_code == service_code
        scored.append((not same, -(sim or 0.0), d, r, sim))
    scored.sort(key=lambda x: x[:3])
    scored = scored[:limit]
    views = open311_views(conn, [x[3] for x in scored])
    out = []
    for (_, _, d, r, sim), view in zip(scored, views, strict=True):
        view.update(
            distance_m=round(d, 1),
            same_service=service_code is not None and r.service_code == service_code,
            text_similarity=None if sim is None else round(sim, 3),
            supporters=r.supporters,
        )
        out.append(view)
    return out
