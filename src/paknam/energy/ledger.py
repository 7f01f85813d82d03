"""Monthly settlement of a community, kept in an append-only ledger.

Settling a month appends a run (``energy_settlements``) and its entries
(``energy_ledger``): per member ``self_consumed``, ``community_in``, ``community_out``,
``network_loss``, ``grid_import``, ``grid_export`` with kWh and THB (+ the member pays,
− the member is paid). Settling the same month again (new readings, new tariffs) appends a
new run that first **reverses** every entry of the run it supersedes, then adds the new
ones: nothing is ever updated or deleted (the database refuses it), and the sum of a
month's entries is always the current statement.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paknam.energy.community import get_community
from paknam.energy.schema import energy_ledger, energy_settlements
from paknam.energy.science.sharing import Tariffs

ENTRY_KINDS: dict[str, tuple[str, str]] = {
    "self_consumed": ("ใช้ไฟฟ้าจากแผงของตนเอง", "Own PV used on site"),
    "community_in": ("รับไฟฟ้าจากชุมชน", "Received from the community"),
    "community_out": ("ส่งไฟฟ้าให้ชุมชน", "Sent to the community"),
    "network_loss": ("พลังงานสูญเสียในการส่ง", "Network loss (borne by the sender)"),
    "grid_import": ("ซื้อไฟฟ้าจากการไฟฟ้า", "Bought from the grid (retail)"),
    "grid_export": ("ขายไฟฟ้าคืนการไฟฟ้า", "Sold to the grid (buy-back)"),
}


def _entries(rows: list[dict[str, Any]]) -> list[tuple[str, str, float, float]]:
    out = []
    for r in rows:
        m = r["member"]
        out += [
            (m, "self_consumed", r["self_consumed_kwh"], 0.0),
            (m, "community_in", r["community_in_kwh"], r["thb"]["community_in"]),
            (m, "community_out", r["community_out_kwh"], r["thb"]["community_out"]),
            (m, "network_loss", r["network_loss_kwh"], 0.0),
            (m, "grid_import", r["grid_import_kwh"], r["thb"]["grid_import"]),
            (m, "grid_export", r["grid_export_kwh"], r["thb"]["grid_export"]),
        ]
    return out


def append_settlement(
    conn: Connection,
    community_id: str,
    month: str,
    tariffs: Tariffs,
    info: dict[str, Any],
    rows: list[dict[str, Any]],
    created_by: str,
) -> int:
    """Append a run with the statement ``rows`` (:func:`~paknam.energy.science.sharing.
    statement`), reversing the run it supersedes, in the caller's transaction; its id."""
    now = datetime.now(UTC)
    prev = conn.execute(
        sa.select(energy_settlements.c.id)
        .where(
            energy_settlements.c.community_id == community_id,
            energy_settlements.c.month == month,
        )
        .order_by(energy_settlements.c.id.desc())
        .limit(1)
    ).scalar()
    run = conn.execute(
        energy_settlements.insert().values(
            community_id=community_id,
            month=month,
            supersedes=prev,
            tariffs={**tariffs.as_dict(), **info},
            created_by=created_by,
            created_at=now,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    values = []
    if prev is not None:
        for e in conn.execute(
            sa.select(energy_ledger).where(energy_ledger.c.settlement_id == prev)
        ).mappings():
            values.append((e["station_id"], e["entry"], -e["kwh"], -e["thb"]))
    values += _entries(rows)
    conn.execute(
        energy_ledger.insert(),
        [
            {
                "settlement_id": run,
                "community_id": community_id,
                "month": month,
                "station_id": m,
                "entry": kind,
                "kwh": float(kwh),
                "thb": float(thb),
                "created_at": now,
            }
            for m, kind, kwh, thb in values
        ],
    )
    return int(run)


def monthly_statement(conn: Connection, community_id: str, month: str) -> dict[str, Any]:
    """The statement of a month as the ledger holds it (all runs summed)."""
    community = get_community(conn, community_id)
    runs = [
        {
            "id": r.id,
            "supersedes": r.supersedes,
            "created_by": r.created_by,
            "created_at": r.created_at.isoformat() if r.created_at else None,
            "tariffs": r.tariffs,
        }
        for r in conn.execute(
            sa.select(energy_settlements)
            .where(
                energy_settlements.c.community_id == community_id,
                energy_settlements.c.month == month,
            )
            .order_by(energy_settlements.c.id)
        )
    ]
    sums = conn.execute(
        sa.select(
            energy_ledger.c.station_id,
            energy_ledger.c.entry,
            sa.func.sum(energy_ledger.c.kwh),
            sa.func.sum(energy_ledger.c.thb),
        )
        .where(energy_ledger.c.community_id == community_id, energy_ledger.c.month == month)
        .group_by(energy_ledger.c.station_id, energy_ledger.c.entry)
    ).all()
    members: dict[str, dict[str, Any]] = {}
    for sid, entry, kwh, thb in sums:
        m = members.setdefault(sid, {"member": sid, "entries": {}, "net_thb": 0.0})
        name_th, name_en = ENTRY_KINDS[entry]
        m["entries"][entry] = {
            "kwh": round(float(kwh), 3),
            "thb": round(float(thb), 2),
            "name_th": name_th,
            "name_en": name_en,
        }
        m["net_thb"] += float(thb)
    for m in members.values():
        m["net_thb"] = round(m["net_thb"], 2)
    return {
        "community": community_id,
        "name_th": community["name_th"],
        "name_en": community["name_en"],
        "simulated": community["simulated"],
        "month": month,
        "settled": bool(runs),
        "runs": runs,
        "tariffs": runs[-1]["tariffs"] if runs else None,
        "members": [members[k] for k in sorted(members)],
    }
