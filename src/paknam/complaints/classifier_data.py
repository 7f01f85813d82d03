"""Reading complaint tickets in Traffy Fondue's CSV columns, and the time-based split.

Columns used: ``comment`` (the citizen's text), ``problem_type_abdul`` (labels in Postgres
array form ``{ถนน,ทางเท้า}``; ``{}`` = none) and ``timestamp`` (``YYYY-MM-DD hh:mm:ss+00``).
Tickets without a label or without text are skipped. Months are Thai-time months.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paknam.core.errors import InvalidInput
from paknam.core.timeutil import BANGKOK

REQUIRED = ("comment", "problem_type_abdul", "timestamp")


@dataclass(frozen=True)
class Tickets:
    """Labelled tickets: text, label list (first = Traffy's first label), UTC epoch s."""

    texts: list[str]
    labels: list[list[str]]
    times: np.ndarray
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, mask: np.ndarray) -> Tickets:
        idx = np.flatnonzero(mask)
        return Tickets([self.texts[i] for i in idx], [self.labels[i] for i in idx], self.times[idx])

    @staticmethod
    def concat(parts: list[Tickets]) -> Tickets:
        """The tickets of several files, in order."""
        if len(parts) == 1:
            return parts[0]
        return Tickets(
            [t for p in parts for t in p.texts],
            [ls for p in parts for ls in p.labels],
            np.concatenate([p.times for p in parts]),
            sum(p.skipped for p in parts),
        )

    def months(self) -> list[str]:
        """Thai-time months (``YYYY-MM``) present, sorted."""
        return sorted({month_of(int(t)) for t in self.times})


def parse_labels(cell: str) -> list[str]:
    """``{ถนน,"ทางเท้า"}`` → ``["ถนน", "ทางเท้า"]`` (order kept, blanks and repeats dropped)."""
    inner = cell.strip().removeprefix("{").removesuffix("}")
    out: list[str] = []
    for part in next(csv.reader([inner])) if inner else []:
        label = part.strip().strip('"').strip()
        if label and label not in out:
            out.append(label)
    return out


def parse_timestamp(text: str) -> int:
    """Traffy's ``2022-10-31 23:56:32.732448+00`` → UTC epoch seconds."""
    t = text.strip()
    if t.endswith("+00"):
        t += ":00"
    try:
        value = dt.datetime.fromisoformat(t)
    except ValueError:
        raise ValueError(f"timestamp {text!r} is not ISO 8601") from None
    if value.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no UTC offset")
    return int(value.timestamp())


def month_of(epoch_s: int) -> str:
    return dt.datetime.fromtimestamp(epoch_s, BANGKOK).strftime("%Y-%m")


def month_start(month: str) -> int:
    """Epoch s of the first instant of Thai-time ``YYYY-MM``."""
    try:
        y, m = (int(x) for x in month.split("-"))
        return int(dt.datetime(y, m, 1, tzinfo=BANGKOK).timestamp())
    except ValueError:
        raise InvalidInput(f"month {month!r} is not YYYY-MM", field="month") from None


def read_traffy_csv(path: str | Path) -> Tickets:
    """Labelled tickets of a Traffy Fondue CSV (``.csv`` or ``.csv.gz``)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    texts: list[str] = []
    labels: list[list[str]] = []
    times: list[int] = []
    skipped = 0
    with opener(path, "rb") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(
                f"{path.name} lacks the Traffy Fondue column(s) {', '.join(missing)}",
                field="csv",
            )
        for line, row in enumerate(reader, start=2):
            text = (row["comment"] or "").strip()
            labs = parse_labels(row["problem_type_abdul"] or "")
            if not text or not labs:
                skipped += 1
                continue
            try:
                times.append(parse_timestamp(row["timestamp"] or ""))
            except ValueError as exc:
                raise InvalidInput(f"{path.name} line {line}: {exc}", field="timestamp") from None
            texts.append(text)
            labels.append(labs)
    return Tickets(texts, labels, np.asarray(times, dtype=np.int64), skipped)


PARTIAL_MONTH_SHARE = 0.01
"""A first or last month with fewer tickets than this share is a fragment, not a month."""


def auto_test_start(tickets: Tickets, test_months: int = 2) -> int:
    """Start of the last ``test_months`` Thai-time months: train before, report after.

    Fragments at either end (e.g. the few hours of 1 November, Thai time, in a file cut at
    midnight UTC) are not counted as months; they stay with their neighbours. Needs at
    least ``test_months + 1`` months.
    """
    counts = Counter(month_of(int(t)) for t in tickets.times)
    months = sorted(counts)
    least = PARTIAL_MONTH_SHARE * len(tickets)
    while months and counts[months[-1]] < least:
        months.pop()
    while months and counts[months[0]] < least:
        months.pop(0)
    if len(months) < test_months + 1:
        raise InvalidInput(
            f"the tickets span {len(months)} full month(s) ({', '.join(months) or 'none'}); "
            f"a time-based split needs at least {test_months + 1}: give --test-from or --all",
            field="csv",
        )
    return month_start(months[-test_months])
