"""Scores of a ranked prediction against tickets that may carry several labels (pure).

A prediction is right when it is among the ticket's labels. Macro-F1 is computed on one
label per ticket: the top-1 prediction when it is among the ticket's labels, otherwise
the ticket's first label (so a right answer is never counted as an error because the
ticket has other labels too); F1 is averaged over the labels that occur as truth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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
