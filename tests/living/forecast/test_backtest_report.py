"""``paknam tides backtest … --report DIR``: the HTML page, its figures, and that the
numbers drawn are the JSON's.

On the synthetic record of ``test_engine.py`` (trained 120 days, replayed 30); the page
is opened in the Debian Chromium to check that it renders with every figure.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paknam.living.backtest_cli import backtest_command
from tests.conftest import _skip_or_fail
from tests.living.forecast.test_backtest import write_csv
from tests.living.forecast.test_engine import synthetic_record
from tests.web.conftest import CHROMIUM, shared_chromium

pytest.importorskip("utide")
pytest.importorskip("matplotlib")

FIGURES = ("events.svg", "error_by_lead.svg", "reliability.svg", "performance.svg")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    times, levels, _ = synthetic_record()
    base = tmp_path_factory.mktemp("report")
    path = base / "gauge.csv"
    write_csv(path, times, levels, latitude=True)
    out, err = io.StringIO(), io.StringIO()
    code = backtest_command(str(path), "2021-05-01", True, report=str(base / "r"), out=out, err=err)
    assert code == 0, err.getvalue()
    assert "report:" in err.getvalue()
    yield base / "r", json.loads(out.getvalue())


def test_report_writes_page_figures_and_data(report: tuple[Path, dict[str, Any]]) -> None:
    directory, doc = report
    for name in FIGURES:
        root = ET.parse(directory / name).getroot()
        assert root.tag.endswith("svg")
        assert len(list(root.iter())) > 50, f"{name} draws almost nothing"
    html = (directory / "index.html").read_text("utf-8")
    for name in FIGURES:
        assert f'src="{name}"' in html
    assert json.loads((directory / "backtest.json").read_text("utf-8")) == doc


def test_report_numbers_equal_the_json(report: tuple[Path, dict[str, Any]]) -> None:
    directory, doc = report
    data = json.loads((directory / "figures.json").read_text("utf-8"))
    methods = {"model": doc["leads"]} | {name: b["leads"] for name, b in doc["baselines"].items()}
    for method, leads in methods.items():
        for lead, scores in leads.items():
            point = data["performance"][method][lead]
            assert point["pod"] == scores["pod"] and point["csi"] == scores["csi"]
            assert point["far"] == scores["far"]
            if scores["far"] is not None:
                assert point["success_ratio"] == pytest.approx(1 - scores["far"], abs=1e-4)
            assert data["rmse_marks"][method][lead] == scores["rmse_m"]
            # the curve drawn through every lead passes through the scored leads' RMSE
            assert data["rmse_by_lead"][method][int(lead) - 1] == pytest.approx(
                scores["rmse_m"], abs=1e-5
            )
    for lead, rel in data["reliability"].items():
        assert rel["brier_skill"] == doc["leads"][lead]["brier_skill"]
        assert sum(b["n"] for b in rel["bins"]) > 20
    assert data["level_m"] == doc["level_m"]
    assert data["events"] and all(e["observed_m"] >= doc["level_m"] for e in data["events"][:1])
    # the page's score table shows the JSON's numbers
    html = (directory / "index.html").read_text("utf-8")
    for lead, scores in doc["leads"].items():
        row = re.search(rf"<tr data-method=model data-lead={lead}>(.*?)</tr>", html)
        assert row, f"no model row for lead {lead}"
        csi = re.search(r"<td class=csi>([^<]*)</td>", row.group(1))
        assert csi and csi.group(1) == ("–" if scores["csi"] is None else f"{scores['csi']:.3f}")


def test_report_renders_in_chromium(report: tuple[Path, dict[str, Any]]) -> None:
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is absent (apt-get install chromium)")
    directory, _ = report
    with shared_chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((directory / "index.html").as_uri())
        page.wait_for_load_state("load")
        sizes = page.eval_on_selector_all(
            "figure img", "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth])"
        )
        assert [s for s, _ in sizes] == list(FIGURES)
        assert all(w > 100 for _, w in sizes), sizes
        assert page.locator("h1").count() == 1
        rows = page.locator("#performance-data tr").count() - 1
        points = sum(
            len(v)
            for v in json.loads((directory / "figures.json").read_text())["performance"].values()
        )
        assert rows == points
        assert not errors
        page.close()


def test_report_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    times, levels, _ = synthetic_record()
    path = tmp_path / "gauge.csv"
    write_csv(path, times[: 150 * 24], levels[: 150 * 24], latitude=True)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = io.StringIO()
    code = backtest_command(
        str(path), "2021-05-01", True, report=str(blocker / "sub"), out=io.StringIO(), err=err
    )
    assert code == 2
    assert "cannot write the report" in err.getvalue()


@pytest.fixture
def desk_server(
    report: tuple[Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A paknam server (empty store, one officer) whose report folder holds the report
    above as one of its subfolders (``PAKNAM_TIDES_REPORT_DIR`` = its parent)."""
    from paknam.core.config import get_settings
    from paknam.core.models import UserCreate
    from paknam.core.store import Store
    from tests.web.conftest import serve

    monkeypatch.setenv("PAKNAM_TIDES_REPORT_DIR", str(report[0].parent))
    get_settings.cache_clear()
    store = Store.open(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    store.add_user(UserCreate(username="tide-officer", password="a long password", role="officer"))
    try:
        yield from serve(store)
    finally:
        store.close()
        monkeypatch.undo()
        get_settings.cache_clear()


def test_officer_desk_links_the_latest_report_and_only_officers_see_it(
    report: tuple[Path, dict[str, Any]], desk_server: str
) -> None:
    """The desk shows a link to the newest report with its 72 h scores; the link opens the
    report's content with its four figures loaded, on a phone's width; without a login
    neither the page nor the files are given."""
    import httpx

    from tests.web.checks import PHONE, assert_fits_screen
    from tests.web.conftest import Browser

    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is absent (apt-get install chromium)")
    directory, doc = report
    for name in ("", "/index.html", "/events.svg"):
        r = httpx.get(f"{desk_server}/api/v1/living/backtest-report{name}", timeout=30)
        assert r.status_code == 401, (name, r.status_code)
    with shared_chromium() as browser:
        anonymous = browser.new_page()
        anonymous.goto(desk_server + "/officer/backtest-report")
        anonymous.wait_for_selector("#app[data-ready=true] #login-link")
        assert anonymous.locator("#backtest-report-content").count() == 0
        anonymous.close()

        page = Browser(browser).log_in(
            desk_server, "tide-officer", "a long password", lang="en", viewport=PHONE
        )
        link = page.wait_for_selector("#backtest-report-part #backtest-report-link")
        scores = page.locator("#backtest-report-scores").inner_text()
        csi72 = doc["leads"]["72"]["csi"]
        shown_csi = re.search(r"CSI (\d\.\d\d)", scores)
        assert shown_csi and abs(float(shown_csi.group(1)) - csi72) <= 0.0051, scores
        desk_errors = list(page.console_errors)  # type: ignore[attr-defined]
        assert not desk_errors, desk_errors
        link.click()
        page.wait_for_url("**/officer/backtest-report")
        page.wait_for_selector("#app[data-ready=true] #backtest-report-content")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#backtest-report-content img')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        figures = page.eval_on_selector_all(
            "#backtest-report-content figure img",
            "imgs => imgs.map(i => [i.src.slice(0, 5), i.naturalWidth])",
        )
        assert len(figures) == len(FIGURES)
        assert all(src == "blob:" and w > 100 for src, w in figures), figures
        shown = page.locator("#backtest-report-content tr[data-method=model][data-lead='72'] .csi")
        assert shown.first.inner_text() == f"{csi72:.3f}"
        assert page.locator("h1").count() == 1
        assert_fits_screen(page)  # a phone: figures shrink, wide tables scroll in their box
        assert not page.console_errors  # type: ignore[attr-defined]
        page.context.close()
    assert (directory / "index.html").stat().st_size > 0  # served, not moved
