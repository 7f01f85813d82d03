"""Complaint classifier: model choices on a validation month, then the held-out figures.

Data: ``../shared/data/complaints/traffy_fondue_bangkok_2022.csv.gz`` (Traffy Fondue,
Bangkok, May–Oct 2022; see its SOURCES.md). Months are Thai time.

- ``--select``: fit each candidate on **May–Jul** and score it on **Aug** (the validation
  month, inside the training months). Choices are made on this table only.
- default: fit :data:`~paknam.complaints.classifier.DEFAULT_CONFIG` on **May–Aug** (timed,
  including reading features) and score it once on **Sep–Oct**, with the floor of the
  issue (character 2–4-grams, logistic regression, first label) beside it when ``--floor``.

Usage::

    .venv/bin/python benchmarks/complaints.py --select
    .venv/bin/python benchmarks/complaints.py [--floor]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from paknam.complaints.classifier import DEFAULT_CONFIG, ClassifierConfig, ComplaintClassifier
from paknam.complaints.classifier_data import Tickets, month_start, read_traffy_csv

DATA = (
    Path(__file__).resolve().parents[2] / "shared/data/complaints/traffy_fondue_bangkok_2022.csv.gz"
)

CANDIDATES = [
    ClassifierConfig(model="svc", words=False, multi_label=False),
    ClassifierConfig(model="svc", words=False, multi_label=True),
    ClassifierConfig(model="svc", words=True, multi_label=True),
    ClassifierConfig(model="svc", words=True, multi_label=True, c=0.25),
    ClassifierConfig(model="svc", words=True, multi_label=True, c=1.0),
]
FLOOR = ClassifierConfig(model="lr", words=False, c=1.0, multi_label=False)
"""The issue's floor: character 2–4-gram TF-IDF, logistic regression, first label."""


def _between(t: Tickets, start: str, end: str | None) -> Tickets:
    mask = t.times >= month_start(start)
    if end is not None:
        mask &= t.times < month_start(end)
    return t.subset(mask)


def _run(config: ClassifierConfig, train: Tickets, test: Tickets) -> dict[str, object]:
    t0 = time.perf_counter()
    model = ComplaintClassifier.fit(train, config)
    seconds = time.perf_counter() - t0
    scores = model.evaluate(test)
    return {
        "config": asdict(config),
        "train_seconds": round(seconds, 1),
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DATA)
    parser.add_argument("--select", action="store_true", help="validation table (May–Jul → Aug)")
    parser.add_argument("--floor", action="store_true", help="also the issue's floor model")
    args = parser.parse_args()
    print(f"machine: nproc={os.cpu_count()}, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    tickets = read_traffy_csv(args.csv)
    if args.select:
        train, test = (
            _between(tickets, "2022-05", "2022-08"),
            _between(tickets, "2022-08", "2022-09"),
        )
        configs = CANDIDATES
    else:
        train, test = _between(tickets, "2022-05", "2022-09"), _between(tickets, "2022-09", None)
        configs = [DEFAULT_CONFIG] + ([FLOOR] if args.floor else [])
    print(f"train {len(train):,} tickets, score {len(test):,}", file=sys.stderr)
    for config in configs:
        print(json.dumps(_run(replace(config), train, test), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
