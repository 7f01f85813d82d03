"""Scores of a ranked prediction against tickets that may carry several labels (pure).

A prediction is right when it is among the ticket's labels. Macro-F1 is computed on one
label per ticket: the top-1 prediction when it is among the ticket's labels, otherwise
the ticket's first label (so a right answer is never counted as an error because the
ticket has other labels too); F1 is averaged over the labels that occur as truth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import f1_score


def ranked_scores(
    ranked: Sequence[Sequence[str]], labels: Sequence[Sequence[str]]
) -> dict[str, float | int]:
    """``{"top1", "top3", "macro_f1", "n"}`` of ranked label lists (best first)."""
    if len(ranked) != len(labels):
        raise ValueError(f"{len(ranked)} predictions for {len(labels)} tickets")
    n = len(labels)
    if n == 0:
        raise ValueError("no labelled tickets to score")
    top1 = top3 = 0
    truth: list[str] = []
    pred: list[str] = []
    for r, ls in zip(ranked, labels, strict=True):
        first = r[0]
        top1 += first in ls
        top3 += any(x in ls for x in r[:3])
        truth.append(first if first in ls else ls[0])
        pred.append(first)
    macro = f1_score(truth, pred, labels=sorted(set(truth)), average="macro", zero_division=0)
    return {"top1": top1 / n, "top3": top3 / n, "macro_f1": float(macro), "n": n}


def majority_label(labels: Sequence[Sequence[str]]) -> str:
    """The label on most tickets (a ticket counts once per label it carries)."""
    counts = Counter(x for ls in labels for x in ls)
    return max(sorted(counts), key=counts.__getitem__)


def baseline_top1(majority: str, labels: Sequence[Sequence[str]]) -> float:
    """Share of tickets whose labels hold ``majority`` (the majority-class baseline)."""
    return sum(majority in ls for ls in labels) / len(labels)


def per_category_recall(
    ranked: Sequence[Sequence[str]], labels: Sequence[Sequence[str]]
) -> dict[str, dict[str, float | int]]:
    """``{label: {"n", "recall"}}`` with the one-truth-per-ticket rule of macro-F1: the
    share of the tickets of each true label whose top-1 guess is that label."""
    n: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    for r, ls in zip(ranked, labels, strict=True):
        truth = r[0] if r[0] in ls else ls[0]
        n[truth] += 1
        hit[truth] += r[0] == truth
    return {
        label: {"n": n[label], "recall": round(hit[label] / n[label], 4)}
        for label in sorted(n, key=lambda x: (-n[x], x))
    }


def auto_scores(
    ranked: Sequence[Sequence[str]], labels: Sequence[Sequence[str]], auto: Sequence[bool]
) -> dict[str, Any]:
    """Routing figures: ``auto_share`` (tickets routed without an officer),
    ``auto_precision`` (their top-1 right; ``None`` when none is auto-routed),
    ``triage_top3`` (the others: right label among the three suggestions) and
    ``per_category`` recall (all tickets)."""
    n = len(labels)
    right = [r[0] in ls for r, ls in zip(ranked, labels, strict=True)]
    n_auto = sum(1 for a in auto if a)
    auto_right = sum(1 for a, ok in zip(auto, right, strict=True) if a and ok)
    triage = [(r, ls) for r, ls, a in zip(ranked, labels, auto, strict=True) if not a]
    return {
        "auto_share": n_auto / n if n else 0.0,
        "auto_precision": auto_right / n_auto if n_auto else None,
        "n_auto": n_auto,
        "triage_top3": (
            sum(any(x in ls for x in r[:3]) for r, ls in triage) / len(triage) if triage else None
        ),
        "per_category": per_category_recall(ranked, labels),
    }


def choose_threshold(
    confidence: Sequence[float], right: Sequence[bool], target: float = 0.97, z: float = 1.645
) -> float:
    """The lowest confidence above which the guesses are right at least ``target`` of the
    time, judged by the one-sided lower confidence bound (Wilson, ``z``) of the precision
    so that a few lucky tickets at the top do not set it. Returns a value above 1 (route
    nothing automatically) when no threshold reaches the target."""
    c = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(right, dtype=np.float64)
    if len(c) == 0:
        return 1.01
    order = np.argsort(-c, kind="stable")
    k = np.arange(1, len(c) + 1)
    p = np.cumsum(ok[order]) / k
    lower = (p + z * z / (2 * k) - z * np.sqrt(p * (1 - p) / k + z * z / (4 * k * k))) / (
        1 + z * z / k
    )
    good = np.flatnonzero(lower >= target)
    if len(good) == 0:
        return 1.01
    return float(c[order[int(good.max())]])
