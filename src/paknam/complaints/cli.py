"""``paknam complaints ...``: train and evaluate the text classifier, SLA checks, API keys.

Contract (docs/CONTRACTS.md): ``paknam complaints train CSV`` and
``paknam complaints evaluate CSV --json`` → ``{"top1", "top3", "macro_f1", "n",
"baseline_top1"}``. The split is by time: ``train`` learns from the tickets before the
last two (Thai-time) months of the CSV unless ``--test-from`` or ``--all`` says otherwise,
and records where its training stopped; ``evaluate`` scores only the tickets at or after
that point, so the figures are always on months the model has not seen.

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

from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput, PaknamError

complaints_app = typer.Typer(
    help="Complaints (เรื่องร้องเรียน): classifier, SLA checks, Open311 API keys",
    no_args_is_help=True,
)
key_app = typer.Typer(help="Open311 API keys (กุญแจ API)", no_args_is_help=True)
complaints_app.add_typer(key_app, name="key")
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
    csv: Annotated[Path, typer.Argument(help="Traffy Fondue CSV (.csv or .csv.gz)")],
    test_from: Annotated[
        str | None,
        typer.Option(help="YYYY-MM or ISO time: train only on tickets before it"),
    ] = None,
    all_rows: Annotated[
        bool, typer.Option("--all", help="Train on every ticket (production model)")
    ] = False,
    model_dir: Annotated[
        Path | None, typer.Option(help="Folder for the model (default: PAKNAM_MODEL_DIR)")
    ] = None,
) -> None:
    """Train the complaint classifier (ฝึกตัวจำแนกเรื่องร้องเรียน) and save it."""
    from paknam.complaints.classifier import ComplaintClassifier
    from paknam.complaints.classifier_data import auto_test_start, month_of, read_traffy_csv

    t0 = time.perf_counter()
    _say(f"reading {csv} …")
    tickets = read_traffy_csv(csv)
    _say(f"{len(tickets):,} labelled tickets ({tickets.skipped:,} without label or text skipped)")
    if all_rows:
        train_set = tickets
    else:
        cut = _cut(test_from) if test_from else auto_test_start(tickets)
        train_set = tickets.subset(tickets.times < cut)
        if len(train_set) == 0:
            raise InvalidInput("no ticket is before the test start", field="test_from")
        _say(
            f"training months {month_of(int(train_set.times.min()))} … "
            f"{month_of(cut - 1)}; later tickets held out for `evaluate`"
        )
    model = ComplaintClassifier.fit(train_set, progress=_say)
    if not all_rows:
        model.meta["trained_until"] = cut
    path = model.save(_model_dir(model_dir))
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "model": str(path),
                "n_train": len(train_set),
                "classes": len(model.classes),
                "trained_until_month": month_of(model.meta["trained_until"] - 1),
                "seconds": round(seconds, 1),
            },
            ensure_ascii=False,
        )
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
    """Score the model on the tickets after its training period (top-1, top-3, macro-F1)."""
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
    _say(f"scoring {len(held_out):,} tickets from {month_of(cut)} on …")
    scores = model.evaluate(held_out)
    if as_json:
        print(
            json.dumps({k: scores[k] for k in ("top1", "top3", "macro_f1", "n", "baseline_top1")})
        )
        return
    print(
        f"n = {scores['n']:,} tickets ({month_of(int(held_out.times.min()))} … "
        f"{month_of(int(held_out.times.max()))})\n"
        f"top-1 {scores['top1']:.4f}   top-3 {scores['top3']:.4f}   "
        f"macro-F1 {scores['macro_f1']:.4f}\n"
        f"majority-class baseline ({model.majority}) top-1 {scores['baseline_top1']:.4f}"
    )


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
