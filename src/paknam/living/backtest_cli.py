"""``paknam tides backtest FILE --train-until DATE [--latitude] [--level] [--json] [--report]``.

When the file carries forecast inputs (extra CSV columns, see
:data:`paknam.living.readers.formats.PREDICTOR_COLUMNS`) the model is trained with them
(as in production) and once more without, and the JSON adds ``predictors`` and
``without_predictors`` (the model's lead scores and coverage without them).

:func:`backtest_command` holds the whole command so that the Typer app only forwards its
arguments. It reads the file
(:func:`paknam.living.readers.water_levels.read_water_levels`: generic CSV, UHSLC, DIA, ...),
runs :func:`paknam.living.forecast.backtest.backtest`, and prints the scores — with
``--json`` the contract object of ``docs/CONTRACTS.md``, else a Thai/English table. It is
kept apart from :mod:`paknam.living.cli` so that ``paknam`` starts without loading the
science (numpy, pandas, scipy).

Bad input: a message on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from paknam.core.errors import InvalidInput
from paknam.living.forecast import io
from paknam.living.forecast.backtest import BacktestResult, backtest
from paknam.living.readers.water_levels import WaterLevels, read_water_levels

__all__ = ["backtest_command", "format_table", "result_json"]

EXIT_OK = 0
EXIT_USAGE = 2

_METHODS = (
    ("model", "แบบจำลอง / model"),
    ("harmonic", "น้ำขึ้นน้ำลงอย่างเดียว / harmonic (UTide)"),
    ("persistence", "คงค่าคลาดเคลื่อนล่าสุด / persistence"),
)


def result_json(result: BacktestResult, record: WaterLevels) -> dict[str, Any]:
    """The ``--json`` object: the contract keys ``leads`` and ``baselines`` first, then
    what the run was (station, periods, level, model, reader notes)."""
    out = result.to_dict()
    meta = record.metadata
    out.update(
        station=meta.get("station") or meta.get("station_id") or meta.get("file"),
        file=meta.get("file"),
        format=meta.get("format"),
        datum=meta.get("datum"),
        latitude=result.engine.fit.latitude,
        spikes_flagged=meta.get("spikes", 0),
        reader_notes=list(record.notes),
    )
    return out


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _num(value: float | None, width: int = 6, digits: int = 3) -> str:
    return " " * (width - 1) + "-" if value is None else f"{value:{width}.{digits}f}"


def format_table(result: BacktestResult, record: WaterLevels) -> str:
    """A readable Thai/English table of the scores."""
    info = result.engine.info
    meta = record.metadata
    station = meta.get("station") or meta.get("station_id") or meta.get("file") or "-"
    lines = [
        "ทดสอบย้อนหลังพยากรณ์ระดับน้ำ / water-level forecast backtest",
        f"สถานี / station: {station} (lat {result.engine.fit.latitude:.3f}, "
        f"datum {meta.get('datum') or '-'})",
        f"ช่วงฝึก / trained: {info.get('train_start')} .. {info.get('train_end')} "
        f"(เลือกแบบจำลองบนช่วง / model chosen on {info.get('validation_start')} ..)",
        f"ช่วงทดสอบ / tested: {io.time_to(result.test_start)} .. "
        f"{io.time_to(result.test_end)}, {result.issues:,} forecasts issued hourly",
        f"แบบจำลอง / model: {result.engine.label}",
        f"ระดับเฝ้าระวัง / exceedance level: {result.level_m:.3f} m",
        "",
        "ล่วงหน้า/lead  วิธี / method                                  RMSE m  MAE m  ±0.15 m"
        "   POD   FAR   CSI      n",
    ]
    for lead, scores in result.leads.items():
        for key, label in _METHODS:
            s = scores if key == "model" else result.baselines.get(key, {}).get(lead)
            if s is None:
                continue
            lines.append(
                f"{lead:>4} h        {label:<44}{_num(s['rmse_m'])} {_num(s['mae_m'])} "
                f"{_pct(s['central_frequency'])} {_num(s['pod'], 5, 2)} "
                f"{_num(s['far'], 5, 2)} {_num(s['csi'], 5, 2)} {s['n']:6d}"
            )
    lines.append("")
    lines.extend(f"- {note}" for note in result.notes)
    return "\n".join(lines)


def _latitude(record: WaterLevels, latitude: float | None) -> float:
    if record.latitude is not None:
        return record.latitude
    if latitude is not None:
        return float(latitude)
    raise InvalidInput(
        f"{record.metadata.get('format')} file gives no latitude; pass --latitude "
        "(degrees north, e.g. 13.55 for Pom Phrachun)",
        field="latitude",
    )


def backtest_command(
    path: str,
    train_until: str,
    as_json: bool,
    latitude: float | None = None,
    level: float | None = None,
    *,
    report: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the backtest command; return the exit code (0, or 2 for bad input).

    Parameters
    ----------
    path : str
        Water-level file (format detected by content).
    train_until : str
        ISO date or time; observations before it train, after it test (UTC when no offset).
    as_json : bool
        Print the contract JSON instead of the table.
    latitude : float, optional
        [deg N], used when the file gives none.
    level : float, optional
        Exceedance level [m]; default the training period's 99th percentile.
    report : str, optional
        Directory to write the HTML report with figures into
        (:func:`paknam.living.backtest_report.write_report`).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        record = read_water_levels(path, latitude=latitude)
        lat = _latitude(record, latitude)
        common: dict[str, Any] = {
            "latitude": lat,
            "train_until": train_until,
            "level": level,
            "station": record.metadata.get("station"),
        }
        result = backtest(
            record.times, record.levels_m, predictors=record.predictors or None, **common
        )
        # with forecast inputs, the model once more without them (baselines unchanged)
        plain = (
            backtest(record.times, record.levels_m, baselines=False, **common)
            if record.predictors
            else None
        )
    except InvalidInput as exc:
        print(f"paknam tides backtest: {exc}", file=err)
        return EXIT_USAGE
    doc = result_json(result, record)
    if plain is not None:
        doc["predictors"] = sorted(record.predictors)
        doc["without_predictors"] = {
            "model": plain.engine.label,
            "leads": {str(k): v for k, v in plain.leads.items()},
            "interval_coverage": {str(k): v for k, v in plain.coverage.items()},
        }
    if report is not None:
        from paknam.living.backtest_report import write_report

        try:
            page = write_report(result, doc, report)
        except OSError as exc:
            print(f"paknam tides backtest: cannot write the report to {report}: {exc}", file=err)
            return EXIT_USAGE
        print(f"report: {page}", file=err)
    if as_json:
        print(json.dumps(doc, ensure_ascii=False), file=out)
    else:
        print(format_table(result, record), file=out)
        if plain is not None:
            print("", file=out)
            print(_without_table(doc), file=out)
    return EXIT_OK


def _without_table(doc: dict[str, Any]) -> str:
    """The model's scores with and without the forecast inputs, side by side."""
    lines = [
        "ผลของข้อมูลนำเข้า / forecast inputs: " + ", ".join(doc["predictors"]),
        f"ไม่ใช้ / without: {doc['without_predictors']['model']}",
        "ล่วงหน้า/lead   RMSE m with / without   CSI with / without",
    ]
    for lead, with_ in doc["leads"].items():
        plain = doc["without_predictors"]["leads"][lead]
        lines.append(
            f"{lead:>4} h        {_num(with_['rmse_m'])} / {_num(plain['rmse_m'])}"
            f"        {_num(with_['csi'], 5, 2)} / {_num(plain['csi'], 5, 2)}"
        )
    return "\n".join(lines)
