"""governance.service: one queue_alert for the officer's send and the alert pipeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.engine import Connection

from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.core.store import Store
from paknam.governance import service
from paknam.governance.alerts import AlertSpec
from paknam.governance.errors import AlertAlreadySent, AlertNotActive, NoRecipients
from paknam.pipeline.flow import issue_alerts_in

LINK = "https://paknam.test"


def _spec(**kw: object) -> AlertSpec:
    base: dict[str, object] = {
        "topic": "flood",
        "severity": "severe",
        "headline_th": "น้ำทะเลหนุนสูง",
        "headline_en": "High tide",
        "description_th": "ระดับน้ำสูงสุด 1.3 ม.",
        "description_en": "Peak 1.3 m.",
        "districts": ["1105"],
    }
    base.update(kw)
    return AlertSpec(**base)  # type: ignore[arg-type]


def _subscriber(store: Store) -> None:
    with store.write() as conn:
        subscribe(conn, Subscription("sms", "0812345678", ["1105"], ["flood"], "th"))


def test_queue_alert_once_then_with_force(store: Store) -> None:
    _subscriber(store)
    alert = service.create_alert(store, _spec(), "officer1")
    assert isinstance(alert["sent"], datetime) and alert["sent"].tzinfo is not None
    mid, n = service.send_alert(store, alert["id"], created_by="officer1", link_base=LINK)
    assert n == 1
    with pytest.raises(AlertAlreadySent) as err:
        service.send_alert(store, alert["id"], created_by="officer1", link_base=LINK)
    assert err.value.earlier == [mid]
    again, n = service.send_alert(
        store, alert["id"], created_by="officer1", link_base=LINK, force=True
    )
    assert again != mid and n == 1
    stats = service.message(store, mid)
    assert stats["recipients"] == 1


def test_queue_alert_refuses_superseded_but_sends_cancel(store: Store) -> None:
    first = service.create_alert(store, _spec(), "officer1")
    update = service.update_alert(store, first["id"], {"severity": "extreme"}, "officer1")
    with pytest.raises(AlertNotActive):  # the Update replaced it
        service.send_alert(store, first["id"], created_by="officer1", link_base=LINK)
    cancel = service.cancel_alert(store, update["id"], "officer1")
    with pytest.raises(NoRecipients):  # a Cancel may be sent, but not to nobody
        service.send_alert(store, cancel["id"], created_by="officer1", link_base=LINK)
    with store.write() as conn:  # the pipeline's path queues it (to whoever is subscribed)
        _, n = service.queue_alert(conn, cancel["id"], created_by="rules", link_base=LINK)
    assert n == 0
    with pytest.raises(AlertNotActive):
        service.update_alert(store, cancel["id"], {"severity": "minor"}, "officer1")


def test_pipeline_queues_through_queue_alert(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import paknam.pipeline.flow as pipeline
    from paknam.governance import alerts

    calls: list[tuple[int, str]] = []
    real = pipeline.queue_alert

    def spy(conn: Connection, alert_id: int, **kw: Any) -> tuple[int, int]:
        calls.append((alert_id, kw["created_by"]))
        return real(conn, alert_id, **kw)

    monkeypatch.setattr(pipeline, "queue_alert", spy)
    with store.write() as conn:
        new_id = alerts.create_alert(conn, _spec(), "rules")
    monkeypatch.setattr(
        pipeline,
        "sync_from_warnings",
        lambda conn: {
            "Alert": [new_id],
            "Update": [],
            "Cancel": [],
            "unregistered": [],
            "historical": [],
        },
    )
    with store.write() as conn:
        run = issue_alerts_in(conn)
    assert calls == [(new_id, "rules")] and len(run.queued) == 1
