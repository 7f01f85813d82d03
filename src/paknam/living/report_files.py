"""The newest water-level backtest report on disk, read-only, for the officer desk.

``paknam tides backtest FILE … --report DIR`` writes ``index.html``, four SVG figures,
``backtest.json`` and ``figures.json`` into DIR (:mod:`paknam.living.backtest_report`).
The setting ``tides_report_dir`` (``PAKNAM_TIDES_REPORT_DIR``) names where the reports
are: one report (the folder holds ``index.html``) or a folder of reports, one subfolder
each (e.g. one per run, ``reports/2026-12-05-honolulu``); the latest is the one whose
``index.html`` was written last.

Only the files the report command writes are served (:data:`REPORT_FILES`), by name:
nothing else in the folder, no path. Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paknam.core.errors import NotFound
from paknam.core.timeutil import to_local_iso

__all__ = ["REPORT_FILES", "Report", "latest_report", "report_file", "report_view"]

REPORT_FILES = {
    "index.html": "text/html; charset=utf-8",
    "events.svg": "image/svg+xml",
    "error_by_lead.svg": "image/svg+xml",
    "reliability.svg": "image/svg+xml",
    "performance.svg": "image/svg+xml",
    "backtest.json": "application/json",
    "figures.json": "application/json",
}
"""The files of a report (as ``write_report`` names them) and their content types."""

SUMMARY_LEADS = ("24", "48", "72")


@dataclass(frozen=True)
class Report:
    """A report folder and when its ``index.html`` was written [epoch s]."""

    folder: Path
    written_at: int


def latest_report(root: str | Path | None) -> Report | None:
    """The newest report under ``root`` (itself or one level of subfolders), or None when
    ``root`` is unset, missing or holds no report."""
    if not root:
        return None
    base = Path(root)
    if not base.is_dir():
        return None
    candidates = [base / "index.html"]
    try:
        candidates += [p / "index.html" for p in base.iterdir() if p.is_dir()]
    except OSError:
        return None
    best: Report | None = None
    for page in candidates:
        try:
            written = int(page.stat().st_mtime)
        except OSError:
            continue
        if page.is_file() and (best is None or written > best.written_at):
            best = Report(page.parent, written)
    return best


def report_file(report: Report, name: str) -> tuple[bytes, str]:
    """The bytes and content type of the report's file ``name`` (one of
    :data:`REPORT_FILES`); NotFound for any other name or a file the run did not write."""
    media = REPORT_FILES.get(name)
    if media is None:
        raise NotFound(f"a backtest report has no file {name!r}")
    try:
        return (report.folder / name).read_bytes(), media
    except OSError:
        raise NotFound(f"the latest backtest report has no {name}") from None


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    """What the desk shows of ``backtest.json``: station, periods and per lead the
    warning scores of paknam and of the better baseline."""
    leads: dict[str, Any] = {}
    for lead in SUMMARY_LEADS:
        model = (doc.get("leads") or {}).get(lead)
        if not isinstance(model, dict):
            continue
        baselines = {
            name: (b.get("leads") or {}).get(lead, {}).get("csi")
            for name, b in (doc.get("baselines") or {}).items()
            if isinstance(b, dict)
        }
        leads[lead] = {
            "pod": model.get("pod"),
            "far": model.get("far"),
            "csi": model.get("csi"),
            "rmse_m": model.get("rmse_m"),
            "baseline_csi": baselines,
        }
    return {
        "station": doc.get("station"),
        "train_period": doc.get("train_period"),
        "test_period": doc.get("test_period"),
        "level_m": doc.get("level_m"),
        "model": doc.get("model"),
        "leads": leads,
    }


def report_view(root: str | Path | None) -> dict[str, Any]:
    """The desk's answer: whether a report directory is configured, whether it holds a
    report, and the latest one's time, folder name, files and summary."""
    if not root:
        return {"configured": False, "available": False}
    report = latest_report(root)
    if report is None:
        return {"configured": True, "available": False}
    files = [n for n in REPORT_FILES if (report.folder / n).is_file()]
    summary: dict[str, Any] | None = None
    if "backtest.json" in files:
        try:
            summary = _summary(json.loads((report.folder / "backtest.json").read_text("utf-8")))
        except (OSError, ValueError, AttributeError):
            summary = None
    return {
        "configured": True,
        "available": True,
        "name": report.folder.name,
        "written_at": to_local_iso(report.written_at),
        "files": files,
        "summary": summary,
    }
