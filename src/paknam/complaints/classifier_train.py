"""``paknam complaints train``: report on held-out months, choose the threshold, refit on all.

1. Hash the texts of every ticket once (:class:`~paknam.complaints.classifier.Featurizer`):
   both fits and the held-out scores use these counts.
2. Fit on the tickets before the held-out months (the last two Thai-time months, or
   ``test_from``); score the held-out months (the report); on them fit the softmax
   temperature and choose the probability threshold above which a guess is right at least
   ``auto_precision`` of the time (:func:`~paknam.complaints.classifier_metrics.choose_threshold`).
3. Refit on every ticket (unless ``refit=False``), keep the temperature and threshold of
   step 2, and save. The model file records its period, counts, labels, version and the
   held-out scores.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import numpy as np

from paknam.complaints.classifier import (
    DEFAULT_CONFIG,
    MIN_AUTO_TICKETS,
    ClassifierConfig,
    ComplaintClassifier,
    Featurizer,
    Progress,
    _quiet,
    fit_temperature,
)
from paknam.complaints.classifier_data import Tickets, auto_test_start, month_of, read_traffy_csv
from paknam.complaints.classifier_metrics import choose_threshold
from paknam.core.errors import InvalidInput

DRIFT_FACTOR = 3.0
"""Later months are harder than the held-out months (new categories, new wording): the
threshold is chosen so that the held-out error rate of auto-routed tickets is a third of
what the target allows (0.97 → 0.99 on the held-out months); see docs/complaints.md."""


def held_out_target(auto_precision: float) -> float:
    return 1.0 - (1.0 - auto_precision) / DRIFT_FACTOR


def _period(start: int, end: int) -> str:
    return f"{month_of(start)} … {month_of(end - 1)}"


def fit_report_refit(
    tickets: Tickets,
    *,
    test_from: int | None = None,
    refit: bool = True,
    hold_out: bool = True,
    auto_precision: float = 0.97,
    config: ClassifierConfig = DEFAULT_CONFIG,
    progress: Progress = _quiet,
) -> tuple[ComplaintClassifier, dict[str, Any]]:
    """The model to save and the held-out report (``{}`` when ``hold_out`` is false)."""
    if len(tickets) < 2:
        raise InvalidInput("need at least 2 labelled tickets to train", field="csv")
    progress(f"hashing the texts of {len(tickets):,} tickets …")
    counts = Featurizer(config).counts(tickets.texts)
    report: dict[str, Any] = {}
    first: ComplaintClassifier | None = None
    if hold_out:
        cut = test_from if test_from is not None else auto_test_start(tickets)
        before = np.flatnonzero(tickets.times < cut)
        after = np.flatnonzero(tickets.times >= cut)
        if len(before) == 0:
            raise InvalidInput("no ticket is before the test start", field="test_from")
        if len(after) == 0:
            raise InvalidInput("no ticket is at or after the test start", field="test_from")
        train_set, test_set = (
            tickets.subset(tickets.times < cut),
            tickets.subset(tickets.times >= cut),
        )
        progress(
            f"report split: fit on {_period(int(train_set.times.min()), cut)} "
            f"({len(train_set):,} tickets), score {month_of(cut)} on ({len(test_set):,})"
        )
        first = ComplaintClassifier.fit(
            train_set, config, progress, counts=[b[before] for b in counts]
        )
        scores = first.decision_from_counts([b[after] for b in counts])  # hashed once
        first.temperature = fit_temperature(scores, test_set.labels, first.classes)
        p = first.proba_from_decision(scores)
        top = p.argmax(axis=1)
        # rare labels are never auto-routed: leave them out of the choice
        often = np.array([first.label_counts.get(c, 0) >= MIN_AUTO_TICKETS for c in first.classes])
        right = np.array(
            [first.classes[j] in ls for j, ls in zip(top, test_set.labels, strict=True)]
        )
        sure = often[top]
        first.threshold = choose_threshold(
            p.max(axis=1)[sure], right[sure], held_out_target(auto_precision)
        )
        result = first.evaluate(test_set, scores)
        first.meta["trained_until"] = cut
        report = {
            "period": _period(cut, int(test_set.times.max()) + 1),
            "note": "scored by a model fitted before these months; the routing threshold "
            "and the temperature were chosen on them",
            **{k: result[k] for k in ("n", "top1", "top3", "macro_f1", "baseline_top1")},
            "auto_share": result["auto_share"],
            "auto_precision": result["auto_precision"],
        }
        progress(
            f"held out {report['period']}: top-1 {result['top1']:.4f}, top-3 "
            f"{result['top3']:.4f}, macro-F1 {result['macro_f1']:.4f}; threshold p ≥ "
            f"{first.threshold:.3f} routes {result['auto_share']:.1%} without an officer"
        )
        if first.threshold > 1:
            progress(f"no threshold reaches {auto_precision:.0%}: every ticket goes to triage")
    if first is not None and not refit:
        model = first
    else:
        if first is not None:
            del first.model  # free before the second fit (peak memory)
            gc.collect()
        progress(f"refitting on every ticket ({len(tickets):,}) …")
        model = ComplaintClassifier.fit(tickets, config, progress, counts=counts)  # empties it
        if report:
            model.temperature = first.temperature  # type: ignore[union-attr]
            model.threshold = first.threshold  # type: ignore[union-attr]
    if report:
        model.meta["threshold_chosen_until"] = int(tickets.times.max()) + 1
    else:
        progress("no held-out months: nothing is routed without an officer (threshold unset)")
    model.meta.update(
        held_out=report or None,
        auto_precision_target=auto_precision,
        trained_period=_period(int(model.meta["trained_from"]), int(model.meta["trained_until"])),
        n_labels=len(model.classes),
    )
    return model, report


def train_model(
    csv: str | Path | list[Path],
    model_dir: str | Path,
    *,
    test_from: int | None = None,
    refit: bool = True,
    hold_out: bool = True,
    auto_precision: float = 0.97,
    config: ClassifierConfig = DEFAULT_CONFIG,
    progress: Progress = _quiet,
) -> dict[str, Any]:
    """Read ``csv``, fit (see the module), save in ``model_dir``; returns a summary."""
    paths = csv if isinstance(csv, list) else [Path(csv)]
    parts = []
    for path in paths:
        progress(f"reading {path} …")
        parts.append(read_traffy_csv(path))
    tickets = Tickets.concat(parts)
    progress(
        f"{len(tickets):,} labelled tickets ({tickets.skipped:,} without label or text skipped)"
    )
    model, report = fit_report_refit(
        tickets,
        test_from=test_from,
        refit=refit,
        hold_out=hold_out,
        auto_precision=auto_precision,
        config=config,
        progress=progress,
    )
    path = model.save(model_dir)
    return {
        "model": str(path),
        "version": model.meta["version"],
        "n_train": model.meta["n_tickets"],
        "classes": len(model.classes),
        "trained_period": model.meta["trained_period"],
        "trained_until_month": month_of(int(model.meta["trained_until"]) - 1),
        "auto_threshold": round(model.threshold, 4),
        "held_out": report or None,
    }
