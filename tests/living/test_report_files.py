"""The latest backtest report on disk (``paknam.living.report_files``) and its officer-only
routes: which report is the latest, only the report's own files by name, the summary the
officer desk shows, 401 without a login, and a page that runs nothing (CSP sandbox)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paknam.api.app import create_app
from paknam.core.config import get_settings
from paknam.core.errors import NotFound
from paknam.core.models import UserCreate
from paknam.core.store import Store
from paknam.living.report_files import latest_report, report_file, report_view

DOC = {
    "leads": {"72": {"pod": 0.81, "far": 0.03, "csi": 0.79, "rmse_m": 0.04}},
    "baselines": {
        "persistence": {"leads": {"72": {"csi": 0.811}}},
        "harmonic": {"leads": {"72": {"csi": 0.047}}},
    },
    "station": "Honolulu",
    "test_period": {"start": "2010-07-01T00:00:00Z", "end": "2010-12-31T23:00:00Z"},
}


def _report(folder: Path, written: int, station: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(f"<main><h1>{station}</h1></main>", "utf-8")
    (folder / "events.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    (folder / "backtest.json").write_text(json.dumps(DOC | {"station": station}), "utf-8")
    (folder / "secret.txt").write_text("not a report file", "utf-8")
    os.utime(folder / "index.html", (written, written))
    return folder


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    _report(root / "older", 1_700_000_000, "Vlissingen")
    _report(root / "newer", 1_700_086_400, "Honolulu")
    (root / "empty").mkdir()
    return root


def test_the_latest_report_is_the_newest_index(reports: Path, tmp_path: Path) -> None:
    latest = latest_report(reports)
    assert latest is not None and latest.folder.name == "newer"
    assert latest_report(reports / "older").folder.name == "older"  # a report folder itself
    assert latest_report(None) is None
    assert latest_report(tmp_path / "missing") is None
    assert latest_report(reports / "empty") is None


def test_only_the_report_files_are_served_by_name(reports: Path) -> None:
    latest = latest_report(reports)
    assert latest is not None
    body, media = report_file(latest, "events.svg")
    assert media == "image/svg+xml" and body.startswith(b"<svg")
    for name in ("secret.txt", "../older/index.html", "/etc/passwd", "figures.json"):
        with pytest.raises(NotFound):
            report_file(latest, name)  # not a report file, or one this run lacks


def test_report_view_summarises_the_72h_scores(reports: Path) -> None:
    view = report_view(str(reports))
    assert view["available"] and view["name"] == "newer"
    assert view["files"] == ["index.html", "events.svg", "backtest.json"]
    summary = view["summary"]
    assert summary["station"] == "Honolulu"
    assert summary["leads"]["72"]["csi"] == 0.79
    assert summary["leads"]["72"]["baseline_csi"] == {"persistence": 0.811, "harmonic": 0.047}
    assert report_view(None) == {"configured": False, "available": False}
    assert report_view(str(reports / "empty")) == {"configured": True, "available": False}


@pytest.fixture
def client(reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("PAKNAM_TIDES_REPORT_DIR", str(reports))
    get_settings.cache_clear()
    store = Store.open(f"sqlite:///{tmp_path / 'paknam.sqlite3'}")
    try:
        with TestClient(create_app(store)) as c:
            yield c
    finally:
        store.close()
        monkeypatch.undo()
        get_settings.cache_clear()


def _login(client: TestClient, role: str) -> dict[str, str]:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.add_user(UserCreate(username=f"{role}-r", password="a long password", role=role))
    r = client.post(
        "/api/v1/auth/login", data={"username": f"{role}-r", "password": "a long password"}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_officers_get_the_report_and_nobody_else(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = "/api/v1/living/backtest-report"
    for path in (base, f"{base}/index.html", f"{base}/events.svg"):
        assert client.get(path).status_code == 401, path
    officer = _login(client, "officer")
    view = client.get(base, headers=officer)
    assert view.status_code == 200 and view.json()["summary"]["station"] == "Honolulu"
    assert "no-store" in view.headers["cache-control"]
    page = client.get(f"{base}/index.html", headers=officer)
    assert page.status_code == 200 and "Honolulu" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "sandbox" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    for name in ("secret.txt", "..%2Folder%2Findex.html", "figures.json"):
        assert client.get(f"{base}/{name}", headers=officer).status_code == 404, name
    # no report folder configured: the desk is told so, the files are 404 with the setting
    monkeypatch.delenv("PAKNAM_TIDES_REPORT_DIR")
    get_settings.cache_clear()
    assert client.get(base, headers=officer).json() == {"configured": False, "available": False}
    r = client.get(f"{base}/index.html", headers=officer)
    assert r.status_code == 404 and "PAKNAM_TIDES_REPORT_DIR" in r.text
