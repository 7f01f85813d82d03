"""Complaint classifier: time and peak memory of ``paknam complaints train``, and its scores
on later months; the validation table of model choices.

Data: ``../shared/data/complaints/traffy_fondue_bangkok_2022.csv.gz`` (Traffy Fondue,
Bangkok, May–Oct 2022; see its SOURCES.md). Months are Thai time. The file is never copied
into the repository: the split files are written to a temporary folder and removed.

- default: write **May–Aug** (the training file) and **Sep–Oct** (the later file), run
  ``paknam complaints train MAY-AUG.csv`` under ``/usr/bin/time -v`` (it reports Jul–Aug,
  chooses the routing threshold on them and refits on May–Aug), then
  ``paknam complaints evaluate SEP-OCT.csv --json``. Sep–Oct is never used for a choice.
- ``--full``: the same ``train`` on every labelled ticket (117,740), for time and memory.
- ``--select``: fit each candidate on **May–Jul** and score it on **Aug** (the validation
  month, inside the training months). Choices are made on this table only. ``--only 0,2``
  runs the candidates at those positions of ``CANDIDATES``.

Usage::

    .venv/bin/python benchmarks/complaints.py [--full] [--select [--only 0,1]]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

from _common import load, machine, paknam_command

from paknam.complaints.classifier import DEFAULT_CONFIG, ComplaintClassifier
from paknam.complaints.classifier_data import (
    Tickets,
    month_start,
    parse_timestamp,
    read_traffy_csv,
)

DATA = (
    Path(__file__).resolve().parents[2] / "shared/data/complaints/traffy_fondue_bangkok_2022.csv.gz"
)

CANDIDATES = [
    DEFAULT_CONFIG,
    replace(DEFAULT_CONFIG, solver="liblinear"),  # model version 3: one LinearSVC per label
    replace(DEFAULT_CONFIG, tol=3e-2),
    replace(DEFAULT_CONFIG, tol=1e-1),
    replace(DEFAULT_CONFIG, words="newmm"),  # model version 2's words (pythainlp, python)
    replace(DEFAULT_CONFIG, tol=1e-3),
    replace(DEFAULT_CONFIG, words="spaces"),
    replace(DEFAULT_CONFIG, words="none"),
    replace(DEFAULT_CONFIG, c=0.25),
    replace(DEFAULT_CONFIG, c=1.0),
]


def split_csv(src: Path, folder: Path, cut: str) -> tuple[Path, Path]:
    """Rows before Thai-time month ``cut`` → ``train.csv.gz``, the others → ``later.csv.gz``."""
    edge = month_start(cut)
    paths = folder / "train.csv.gz", folder / "later.csv.gz"
    with (
        gzip.open(src, "rb") as raw,
        gzip.open(paths[0], "wt", encoding="utf-8", newline="", compresslevel=1) as a,
        gzip.open(paths[1], "wt", encoding="utf-8", newline="", compresslevel=1) as b,
    ):
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        header = next(reader)
        at = header.index("timestamp")
        wa, wb = csv.writer(a), csv.writer(b)
        wa.writerow(header)
        wb.writerow(header)
        for row in reader:
            try:
                early = parse_timestamp(row[at]) < edge
            except ValueError:
                early = True  # unreadable times stay with training (read_traffy_csv says so)
            (wa if early else wb).writerow(row)
    return paths


def timed(cmd: list[str]) -> tuple[str, dict[str, float]]:
    """Run ``cmd`` under ``/usr/bin/time -v``: stdout and wall s, CPU s, peak RSS MB."""
    res = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        sys.exit(f"{cmd[1:3]} failed:\n{res.stderr[-3000:]}")

    def grab(pattern: str) -> str:
        m = re.search(pattern, res.stderr, re.M)
        return m.group(1) if m else "nan"

    wall = grab(r"Elapsed \(wall clock\) time.*: (\S+)$")
    parts = [float(x) for x in wall.split(":")] if wall != "nan" else [float("nan")]
    seconds = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    return res.stdout, {
        "wall_s": round(seconds, 1),
        "cpu_s": round(
            float(grab(r"User time.*: (\S+)")) + float(grab(r"System time.*: (\S+)")), 1
        ),
        "peak_mb": round(int(grab(r"Maximum resident set size.*: (\d+)")) / 1024),
    }


def _between(t: Tickets, start: str, end: str | None) -> Tickets:
    mask = t.times >= month_start(start)
    if end is not None:
        mask &= t.times < month_start(end)
    return t.subset(mask)


def select(path: Path, only: list[int] | None = None) -> None:
    tickets = read_traffy_csv(path)
    train, test = _between(tickets, "2022-05", "2022-08"), _between(tickets, "2022-08", "2022-09")
    print(f"validation: fit May–Jul {len(train):,}, score Aug {len(test):,}", file=sys.stderr)
    for k, config in enumerate(CANDIDATES):
        if only is not None and k not in only:
            continue
        t0 = time.process_time()
        model = ComplaintClassifier.fit(train, config)
        cpu = time.process_time() - t0
        s = model.evaluate(test)
        out = {k: round(s[k], 4) for k in ("top1", "top3", "macro_f1")}
        row = {"candidate": k, "config": asdict(config), **out, "fit_cpu_s": round(cpu, 1)}
        print(json.dumps(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DATA)
    parser.add_argument("--full", action="store_true", help="train on every labelled ticket")
    parser.add_argument("--select", action="store_true", help="validation table (May–Jul → Aug)")
    parser.add_argument("--only", help="with --select: candidates by position, e.g. 0,1")
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()}", file=sys.stderr)
    if args.select:
        select(args.csv, [int(k) for k in args.only.split(",")] if args.only else None)
        print(f"{load()}", file=sys.stderr)
        return
    paknam = paknam_command()
    with tempfile.TemporaryDirectory(prefix="paknam-complaints-") as tmp:
        folder = Path(tmp)
        env_dir = ["--model-dir", str(folder / "model")]
        if args.full:
            out, cost = timed([*paknam, "complaints", "train", str(args.csv), *env_dir])
            print(json.dumps({"train": "all months", **cost, **json.loads(out.splitlines()[-1])}))
            print(f"{load()}", file=sys.stderr)
            return
        train_csv, later_csv = split_csv(args.csv, folder, "2022-09")
        out, cost = timed([*paknam, "complaints", "train", str(train_csv), *env_dir])
        print(
            json.dumps(
                {"train": "May–Aug 2022", **cost, **json.loads(out.splitlines()[-1])},
                ensure_ascii=False,
            ),
            flush=True,
        )
        out, ecost = timed([*paknam, "complaints", "evaluate", str(later_csv), "--json", *env_dir])
        scores = json.loads(out.splitlines()[-1])
        print(json.dumps({"evaluate": "Sep–Oct 2022", **ecost, **scores}, ensure_ascii=False))
    print(f"{load()}; pid {os.getpid()}", file=sys.stderr)


if __name__ == "__main__":
    main()
