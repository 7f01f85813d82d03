"""Finding 9: a citizen's complaint token never reaches the access log of ``paknam serve``,
and the API takes it in a header (``X-Complaint-Token``) as well as in the documented paths.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from paknam.core.store import Store
from tests.api.complaints_app import complaints_app
from tests.complaints.helpers import CITY_HALL
from tests.security.conftest import free_port


def _complaint(base: str, client: httpx.Client | TestClient) -> str:
    r = client.post(
        f"{base}/api/v1/complaints",
        data={
            "service_code": "cleanliness",
            "description": "ขยะล้นถังหน้าตลาด ส่งกลิ่นเหม็น",
            "lat": str(CITY_HALL[0]),
            "lon": str(CITY_HALL[1]),
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["token"])


def test_paknam_serve_keeps_tokens_out_of_the_access_log(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "PAKNAM_DATABASE_URL": f"sqlite:///{tmp_path / 'paknam.sqlite3'}"}
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "paknam.cli", "serve", "--port", str(port)],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get(f"{base}/api/v1/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"paknam serve did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
            token = _complaint(base, client)
            assert client.get(f"{base}/api/v1/complaints/follow/{token}").status_code == 200
            rated = client.post(f"{base}/api/v1/complaints/follow/{token}/rate", json={"stars": 5})
            assert rated.status_code in (200, 409, 422)  # not resolved yet: refused, still logged
            assert client.get(f"{base}/open311/v2/tokens/{token}.json").status_code == 200
            assert client.get(f"{base}/open311/v2/tokens/{token}.xml").status_code == 200
            assert client.get(f"{base}/follow/{token}").status_code in (200, 404)
            assert client.get(f"{base}/api/v1/stations?token={token}").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text(errors="replace")
    assert "/api/v1/complaints/follow/***" in text, text[-3000:]  # the access log is on
    assert "/open311/v2/tokens/***.json" in text and "/open311/v2/tokens/***.xml" in text
    assert token not in text and token[4:] not in text, text[-3000:]


def test_redact_tokens_filter_on_a_uvicorn_access_record() -> None:
    from paknam.api.access_log import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5050", "GET", "/api/v1/complaints/follow/pkc_s3cretS3cret/reopen", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    line = record.getMessage()
    assert "s3cret" not in line
    assert line == '127.0.0.1:5050 - "GET /api/v1/complaints/follow/***/reopen HTTP/1.1" 200'


def test_the_token_can_travel_in_a_header(sqlite_store: Store) -> None:
    with TestClient(complaints_app(sqlite_store)) as client:
        token = _complaint("", client)
        by_path = client.get(f"/api/v1/complaints/follow/{token}")
        by_header = client.get("/api/v1/complaints/follow", headers={"X-Complaint-Token": token})
        assert by_header.status_code == 200, by_header.text
        assert by_header.json() == by_path.json()
        missing = client.get("/api/v1/complaints/follow")
        assert missing.status_code == 422
        assert missing.json()["error"]["fields"][0]["field"] == "X-Complaint-Token"
        wrong = client.get(
            "/api/v1/complaints/follow", headers={"X-Complaint-Token": "pkc_nope1234"}
        )
        assert wrong.status_code == 404
        early = client.post(
            "/api/v1/complaints/follow/rate",
            json={"stars": 4},
            headers={"X-Complaint-Token": token},
        )
        assert early.status_code == 409, early.text  # same answer as the path form gives
        path_early = client.post(f"/api/v1/complaints/follow/{token}/rate", json={"stars": 4})
        assert path_early.status_code == early.status_code
        reopen = client.post(
            "/api/v1/complaints/follow/reopen",
            json={"reason": "ยังไม่ได้แก้"},
            headers={"X-Complaint-Token": token},
        )
        assert reopen.status_code == path_early.status_code
