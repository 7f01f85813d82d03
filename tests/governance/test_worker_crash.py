"""kill -9 of the delivery worker in the middle of sending: after a restart every
recipient has exactly one message (the channel's retry key absorbs the repeats of the
batches that were accepted but not yet recorded) and every delivery is recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from paknam.core.notify.outbox import enqueue
from paknam.core.notify.schema import deliveries
from paknam.core.notify.subscribers import Audience, Subscription, bulk_subscribe
from paknam.core.store import Store
from paknam.governance.alerts import AlertSpec, create_alert, get_alert
from paknam.governance.render import render_alert
from tests.governance.conftest import line_user
from tests.governance.loopback import LineServer


def _worker(url: str, line: LineServer, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PAKNAM_DATABASE_URL": url,
        "PAKNAM_LINE_CHANNEL_ACCESS_TOKEN": line.token,
        "PAKNAM_LINE_API_BASE": line.url,
    }
    with log.open("ab") as f:
        return subprocess.Popen(
            [sys.executable, "-m", "paknam.cli", "notify", "worker", "--threads", "2", *extra],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
        )


def test_kill_9_mid_send_neither_loses_nor_doubles(
    store: Store, line_server: LineServer, tmp_path: Path
) -> None:
    n = 3000  # six multicast batches of 500
    with store.write() as conn:
        bulk_subscribe(
            conn, [Subscription("line", line_user(i), ["1105"], ["flood"]) for i in range(n)]
        )
        spec = AlertSpec(
            topic="flood",
            severity="severe",
            headline_th="น้ำทะเลหนุนสูง",
            headline_en="High tide",
            description_th="ระดับน้ำสูงสุด 1.3 ม.",
            description_en="Peak 1.3 m.",
            districts=["1105"],
        )
        alert = get_alert(conn, create_alert(conn, spec, "officer1"))
        enqueue(
            conn,
            kind="alert",
            content=render_alert(alert, "http://paknam.test/a"),
            audience=Audience(districts=("1105",)),
            created_by="officer1",
            alert_id=alert["id"],
        )
    url = store.engine.url.render_as_string(hide_password=False)
    log = tmp_path / "worker.log"
    line_server.delay = 2.0  # the answers are held: the worker dies before it hears them
    proc = _worker(url, line_server, log)
    deadline = time.time() + 60
    while line_server.requests < 2:
        assert proc.poll() is None, log.read_text()
        assert time.time() < deadline, "the worker sent nothing"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    accepted_before = line_server.deliveries()
    assert 0 < accepted_before < n
    with store.read() as conn:
        states = dict(
            conn.execute(
                sa.select(deliveries.c.state, sa.func.count()).group_by(deliveries.c.state)
            ).all()
        )
    assert states.get("sending", 0) > 0 and states.get("sent", 0) < n

    line_server.delay = 0.0
    restart = _worker(url, line_server, log, "--once", "--recover")  # the store's only worker
    assert restart.wait(timeout=120) == 0, log.read_text()

    assert len(line_server.received) == n
    assert {len(texts) for texts in line_server.received.values()} == {1}, "someone got two"
    assert line_server.statuses.count(409) >= 2  # the accepted batches, recognised by key
    with store.read() as conn:
        states = dict(
            conn.execute(
                sa.select(deliveries.c.state, sa.func.count()).group_by(deliveries.c.state)
            ).all()
        )
    assert states == {"sent": n}
