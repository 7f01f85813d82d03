"""Two delivery workers on one store: the one that starts second never takes the first
one's in-flight batches (e-mail has no retry key: that would send them twice)."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from paknam.core.notify.channels import Batch, Outcome
from paknam.core.notify.outbox import enqueue
from paknam.core.notify.schema import deliveries
from paknam.core.notify.subscribers import Audience, Subscription, bulk_subscribe
from paknam.core.notify.worker import Worker
from paknam.core.store import Store


class SlowMail:
    """A channel that records every address it is asked to send to (like an SMTP server's
    inbox) and takes its time, so the second worker starts while batches are in flight."""

    name = "email"
    batch_size = 10

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, batch: Batch) -> Outcome:
        time.sleep(self.delay)
        with self.lock:
            self.sent.extend(addr for _id, addr in batch.recipients)
        return Outcome("sent", "250 OK")

    def close(self) -> None:
        pass


def test_a_second_worker_starting_does_not_resend_in_flight_batches(store: Store) -> None:
    n = 120
    with store.write() as conn:
        bulk_subscribe(
            conn,
            [Subscription("email", f"p{i}@example.org", ["1105"], ["flood"]) for i in range(n)],
        )
        enqueue(
            conn,
            kind="news",
            content={
                "th": {"subject": "ทดสอบ", "text": "ข้อความ"},
                "en": {"subject": "Test", "text": "Message"},
            },
            audience=Audience(districts=("1105",)),
            created_by="officer1",
        )
    first_mail, second_mail = SlowMail(1.5), SlowMail(0.0)
    first = Worker(store, {"email": first_mail}, threads=4, batches_per_claim=4)
    second = Worker(store, {"email": second_mail}, threads=4)
    stop = threading.Event()
    t1 = threading.Thread(target=first.run, args=(stop,), kwargs={"idle": 0.1})
    t1.start()
    try:
        deadline = time.time() + 30
        while time.time() < deadline:  # wait until the first worker has batches in flight
            with store.read() as conn:
                sending = conn.execute(
                    sa.select(sa.func.count()).where(deliveries.c.state == "sending")
                ).scalar_one()
            if sending:
                break
            time.sleep(0.02)
        assert sending > 0
        t2 = threading.Thread(target=second.run, args=(stop,), kwargs={"idle": 0.1})
        t2.start()  # default start: no recovery
        deadline = time.time() + 60
        while time.time() < deadline and len(first_mail.sent) + len(second_mail.sent) < n:
            time.sleep(0.1)
    finally:
        stop.set()
        t1.join(30)
        t2.join(30)
        first.close()
        second.close()
    everyone = first_mail.sent + second_mail.sent
    assert sorted(everyone) == sorted(f"p{i}@example.org" for i in range(n)), "someone got two"
    with store.read() as conn:
        states = dict(
            conn.execute(
                sa.select(deliveries.c.state, sa.func.count()).group_by(deliveries.c.state)
            ).all()
        )
    assert states == {"sent": n}
