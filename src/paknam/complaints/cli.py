"""``paknam complaints ...``: train and evaluate the text classifier, SLA checks, API keys.

Contract (docs/CONTRACTS.md): ``paknam complaints train CSV`` saves a model that has
learnt from every ticket of CSV; ``paknam complaints evaluate LATER.csv --json`` →
``{"top1", "top3", "macro_f1", "n", "baseline_top1", "auto_share", "auto_precision", ...}``.
``train`` first fits on the tickets before the last two (Thai-time) months (or
``--test-from``), reports its scores on those months and chooses the routing threshold
on them, then refits on every ticket (``--no-refit`` keeps the report split's model).
The model records where its training stopped; ``evaluate`` scores only the tickets at or
after that point, so the figures are always on months the model has not seen.

Progress goes to stderr; results to stdout. Errors print a message and exit with 2.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from paknam.complaints.traffy.cli import traffy_app
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput, PaknamError

complaints_app = typer.Typer(
    help="Complaints (เรื่องร้องเรียน): classifier, SLA checks, Open311 API keys",
    no_args_is_help=True,
)
key_app = typer.Typer(help="Open311 API keys (กุญแจ API)", no_args_is_help=True)
complaints_app.add_typer(key_app, name="key")
complaints_app.add_typer(traffy_app, name="traffy")
F = TypeVar("F", bound=Callable[..., Any])


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _friendly(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PaknamError as exc:
            _say(f"error: {exc}")
            raise typer.Exit(2) from None
        except (ValueError, OSError) as exc:
            _say(f"error: {type(exc).__name__}: {exc}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _cut(text: str) -> int:
    """``YYYY-MM`` (Thai-time month start) or ISO 8601 with offset → epoch s."""
    from paknam.complaints.classifier_data import month_start
    from paknam.core.timeutil import TimeParseError, parse_time

    if len(text) == 7:
        return month_start(text)
    try:
        return parse_time(text)
    except TimeParseError as exc:
        raise InvalidInput(f"--test-from: {exc}", field="test_from") from None


def _model_dir(model_dir: Path | None) -> Path:
    return model_dir or Path(get_settings().model_dir)


@complaints_app.command()
@_friendly
def train(
    csv: Annotated[
        list[Path],
        typer.Argument(
            help="Traffy Fondue CSV (.csv or .csv.gz); more files (e.g. `paknam complaints "
            "corrections` output) are added to the first"
        ),
    ],
    test_from: Annotated[
        str | None,
        typer.Option(help="YYYY-MM or ISO time: hold out the tickets from then on (report)"),
    ] = None,
    no_refit: Annotated[
        bool,
        typer.Option(
            "--no-refit",
            help="Save the model of the report split (experiments; it never saw the "
            "held-out months)",
        ),
    ] = False,
    all_rows: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Skip the held-out report: faster, but no threshold, so nothing is routed "
            "without an officer",
        ),
    ] = False,
    auto_precision: Annotated[
        float,
        typer.Option(help="Share of auto-routed tickets that must be right (0.5–1)"),
    ] = 0.97,
    model_dir: Annotated[
        Path | None, typer.Option(help="Folder for the model (default: PAKNAM_MODEL_DIR)")
    ] = None,
) -> None:
    """Train the complaint classifier (ฝึกตัวจำแนกเรื่องร้องเรียน) and save it.

    Reports top-1/top-3 on the last two months (held out), chooses the confidence threshold
    for routing without an officer on them, then refits on every ticket and saves."""
    from paknam.complaints.classifier_train import train_model

    if all_rows and (no_refit or test_from):
        raise InvalidInput("--all trains on every ticket: drop --no-refit/--test-from", field="all")
    if not 0.5 <= auto_precision <= 1.0:
        raise InvalidInput("--auto-precision must be between 0.5 and 1", field="auto_precision")
    t0 = time.perf_counter()
    summary = train_model(
        csv,
        _model_dir(model_dir),
        test_from=_cut(test_from) if test_from else None,
        refit=not no_refit,
        hold_out=not all_rows,
        auto_precision=auto_precision,
        progress=_say,
    )
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(summary, ensure_ascii=False))


CONTRACT_KEYS = (
    "top1",
    "top3",
    "macro_f1",
    "n",
    "baseline_top1",
    "auto_share",
    "auto_precision",
    "auto_threshold",
    "n_auto",
    "triage_top3",
    "per_category",
)


@complaints_app.command()
@_friendly
def evaluate(
    csv: Annotated[Path, typer.Argument(help="Traffy Fondue CSV (.csv or .csv.gz)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract JSON")] = False,
    model_dir: Annotated[
        Path | None, typer.Option(help="Folder of the model (default: PAKNAM_MODEL_DIR)")
    ] = None,
) -> None:
    """Score the model on the tickets after its training period (top-1, top-3, macro-F1,
    auto-routed share and precision, recall per category)."""
    from paknam.complaints.classifier import ComplaintClassifier
    from paknam.complaints.classifier_data import month_of, read_traffy_csv

    model = ComplaintClassifier.load(_model_dir(model_dir))
    tickets = read_traffy_csv(csv)
    cut = int(model.meta["trained_until"])
    held_out = tickets.subset(tickets.times >= cut)
    if len(held_out) == 0:
        raise InvalidInput(
            f"no labelled ticket in {csv.name} is at or after the end of the model's training "
            f"period ({month_of(cut - 1)}); evaluate on later tickets",
            field="csv",
        )
    chosen_on = model.meta.get("threshold_chosen_until")
    if chosen_on is not None and int(chosen_on) > int(held_out.times.min()):
        _say("warning: the routing threshold was chosen on some of these months")
    _say(f"scoring {len(held_out):,} tickets from {month_of(cut)} on …")
    scores = model.evaluate(held_out)
    if as_json:
        print(json.dumps({k: scores[k] for k in CONTRACT_KEYS}, ensure_ascii=False))
        return
    share, prec = scores["auto_share"], scores["auto_precision"]
    print(
        f"n = {scores['n']:,} tickets ({month_of(int(held_out.times.min()))} … "
        f"{month_of(int(held_out.times.max()))})\n"
        f"top-1 {scores['top1']:.4f}   top-3 {scores['top3']:.4f}   "
        f"macro-F1 {scores['macro_f1']:.4f}\n"
        f"majority-class baseline ({model.majority}) top-1 {scores['baseline_top1']:.4f}\n"
        f"routed without an officer: {share:.1%} of tickets, "
        + (f"right {prec:.2%}" if prec is not None else "none")
        + f" (threshold p ≥ {scores['auto_threshold']:.3f}); the rest to triage"
    )


@complaints_app.command()
@_friendly
def corrections(
    out: Annotated[Path, typer.Argument(help="CSV to write (Traffy Fondue columns)")],
    since: Annotated[str | None, typer.Option(help="YYYY-MM: only triaged since then")] = None,
) -> None:
    """Officers' triage corrections as training data (ข้อมูลฝึกจากการคัดแยกของเจ้าหน้าที่).

    Give the file to the next ``paknam complaints train`` after the main CSV."""
    import csv as csvlib

    from paknam.complaints.handling import corrections as triaged
    from paknam.core.store import Store

    since_s = _cut(since) if since else 0
    with Store.open() as store, store.read() as conn:
        rows = triaged(conn, since_s)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csvlib.writer(f)
        w.writerow(["ticket_id", "comment", "problem_type_abdul", "timestamp"])
        for i, (text, label, at_s) in enumerate(rows):
            stamp = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(at_s))
            w.writerow([f"paknam-{i}", text, "{" + label + "}", stamp])
    _say(f"{len(rows):,} corrected complaints written to {out}")


@complaints_app.command()
@_friendly
def suggest(
    text: Annotated[str, typer.Argument(help="Complaint text (Thai)")],
    model_dir: Annotated[Path | None, typer.Option(help="Folder of the model")] = None,
) -> None:
    """Suggest service categories for a text (แนะนำประเภทเรื่อง)."""
    from paknam.complaints.classifier import ComplaintClassifier
    from paknam.complaints.classifier_runtime import suggestions

    model = ComplaintClassifier.load(_model_dir(model_dir))
    print(json.dumps(suggestions(model, text), ensure_ascii=False, indent=2))


@complaints_app.command("sla-check")
@_friendly
def sla_check() -> None:
    """Send reminders and escalate overdue complaints now (ตรวจกำหนดเวลา)."""
    from paknam.complaints.service import run_sla_checks
    from paknam.core.store import Store

    with Store.open() as store:
        result = run_sla_checks(store)
    print(json.dumps(result))


@complaints_app.command()
@_friendly
def indicator(
    period: Annotated[str, typer.Argument(help="YYYY or YYYY-MM (Thai time)")],
) -> None:
    """The "handled precisely and quickly" indicator (ตัวชี้วัดการจัดการเรื่องร้องเรียน)."""
    from paknam.complaints.indicators import complaints_handled_quickly_indicator
    from paknam.core.store import Store

    with Store.open() as store:
        record = complaints_handled_quickly_indicator(store, period)
    print(json.dumps(record, ensure_ascii=False, indent=2))


@key_app.command("create")
@_friendly
def key_create(
    label: Annotated[str, typer.Option(help="Who uses the key, e.g. 'LINE bot'")],
) -> None:
    """New Open311 API key, printed on the last line (shown once)."""
    from paknam.complaints.service import create_api_key
    from paknam.core.store import Store

    with Store.open() as store:
        kid, key = create_api_key(store, label)
    _say(f"API key {kid} for {label!r} (keep it secret; it is not shown again):")
    print(key)


@key_app.command("revoke")
@_friendly
def key_revoke(key_id: Annotated[int, typer.Argument(help="Key id")]) -> None:
    """Revoke an Open311 API key."""
    from paknam.complaints.service import revoke_api_key
    from paknam.core.store import Store

    with Store.open() as store:
        revoke_api_key(store, key_id)
    print(f"API key {key_id} revoked")


@key_app.command("list")
@_friendly
def key_list() -> None:
    """List Open311 API keys (prefixes only)."""
    from paknam.complaints.service import list_api_keys
    from paknam.core.store import Store

    with Store.open() as store:
        print(json.dumps(list_api_keys(store), ensure_ascii=False, indent=2))


def install(app: typer.Typer) -> None:
    """Add ``paknam complaints``."""
    app.add_typer(complaints_app, name="complaints")
