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
