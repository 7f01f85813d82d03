"""Configured sources become scheduler jobs; a failing source shows as a failed run, with
its health recorded, and never stops the other jobs."""

from __future__ import annotations

import json
import socket

import pytest

from paknam.core.store import Store
from paknam.pipeline.scheduler.jobs import source_jobs
from paknam.sources.health import list_health


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens


def _env(port: int) -> dict[str, str]:
    entry = {
        "id": "agency",
        "kind": "json",
        "url": f"http://127.0.0.1:{port}/quality",
        "records": "rows",
        "station": "station",
        "quantity": "quantity",
        "value": "value",
        "time": "time",
        "every_s": 900,
        "retries": 0,
    }
    return {"PAKNAM_SOURCES": json.dumps([entry])}


def test_no_source_is_configured_by_default() -> None:
    assert source_jobs({}) == []


def test_each_configured_source_is_a_job_and_a_failure_is_an_error_run(store: Store) -> None:
    (job,) = source_jobs(_env(_closed_port()))
    assert job.name == "source.agency" and job.every_s == 900
    with pytest.raises(RuntimeError, match="source agency"):
        job.run(store)
    with store.read() as conn:
        (health,) = list_health(conn, 0)
    assert health["source_id"] == "agency" and health["failures"] == 1
    assert health["last_error"] and health["last_success_at"] is None
