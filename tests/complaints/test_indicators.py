"""The indicator "handled precisely and quickly": counted by hand on a small set."""

from __future__ import annotations

import pytest

from paknam.complaints import service
from paknam.complaints.indicators import complaints_handled_quickly_indicator
from paknam.core.errors import InvalidInput
from paknam.core.store import Store
from tests.complaints.helpers import T0, submit

H = 3600
FEB = T0 + 31 * 86400  # 2026-02-01T07:00+07:00


def _one(store: Store, i: int, now: int = T0) -> int:
    return int(submit(store, now=now, description=f"ถนนชำรุดจุดที่ {i}")["id"])


def test_share_counts_only_quick_unreopened_resolutions(store: Store) -> None:
    quick = [_one(store, i) for i in range(8)]  # road: due after 168 h
    for cid in quick:
        service.change_status(store, cid, "resolved", "o", now=T0 + 24 * H)
    slow = _one(store, 100)
    service.change_status(store, slow, "resolved", "o", now=T0 + 200 * H)
    reopened = _one(store, 101)
    service.change_status(store, reopened, "resolved", "o", now=T0 + H)
    service.change_status(store, reopened, "reopened", "o", now=T0 + 2 * H)
    service.change_status(store, reopened, "resolved", "o", now=T0 + 3 * H)
    rejected = _one(store, 102)
    service.change_status(store, rejected, "rejected", "o", note="ซ้ำ", now=T0 + H)
    overdue_open = _one(store, 103)
    not_fixable = _one(store, 104)
    service.change_status(store, not_fixable, "not_fixable", "o", note="งบ", now=T0 + H)
    _one(store, 105, now=T0 + 27 * 86400)  # open, not yet due at "now": pending
    now = T0 + 29 * 86400
    rec = complaints_handled_quickly_indicator(store, "2026-01", now=now)
    counts = rec["details"]["counts"]
    assert counts == {"received": 14, "rejected": 1, "pending": 1, "judged": 12, "quick": 8}
    assert rec["value"] == pytest.approx(8 / 12)
    assert rec["status"] == "on_track" and rec["target"] == 0.60
    assert overdue_open  # counted as judged, not quick
    year = complaints_handled_quickly_indicator(store, "2026", now=now)
    assert year["value"] == rec["value"]
    assert year["details"]["months"]["2026-01"]["quick"] == 8
    assert year["details"]["months"]["2026-02"]["received"] == 0


def test_indicator_shape_and_states(store: Store) -> None:
    rec = complaints_handled_quickly_indicator(store, "2026-02", now=FEB)
    for key in (
        "id",
        "domain",
        "name_th",
        "name_en",
        "unit",
        "value",
        "baseline",
        "target",
        "target_rule",
        "period",
        "baseline_period",
        "status",
        "details",
    ):
        assert key in rec
    assert rec["value"] is None and rec["status"] == "no_data"
    cid = _one(store, 1, now=FEB)
    service.change_status(store, cid, "resolved", "o", now=FEB + H)
    rec = complaints_handled_quickly_indicator(store, "2026-02", now=FEB + 2 * H)
    assert rec["value"] == 1.0 and rec["status"] == "insufficient_data"
    with pytest.raises(InvalidInput, match="neither YYYY nor YYYY-MM"):
        complaints_handled_quickly_indicator(store, "2026-13")
