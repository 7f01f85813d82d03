"""Benchmark: paknam tidal harmonic analysis against UTide, timed in the same run.

1. Fit one year of hourly data (Honolulu 2010; and Vlissingen 1990 when ``../shared/data``
   is present) with the constituents UTide chooses ("auto": 59 for a year), OLS, no trend,
   confidence intervals on: ``paknam.living.tides.harmonics.solve`` vs ``utide.solve``.
2. Predict a year hourly (the next year) from those fits: ``predict`` vs
   ``utide.reconstruct`` (both with their default SNR >= 2 choice of constituents).

Each timing is the best of several interleaved repetitions after a warm-up, which is
robust to other load on the machine. Targets: both at least 10 times faster.

The run is repeated in a child process with single-threaded BLAS (``OPENBLAS_NUM_THREADS``
and friends set to 1 before numpy loads), because on a small shared machine BLAS threads
waiting for a busy core dominate the small products of a one-year fit; both libraries are
always timed under the same setting.

Run: ``.venv/bin/python benchmarks/tides.py [--repeat N] [--blas-threads 1]``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
if "--blas-threads" in sys.argv:  # must happen before numpy is imported
    _value = sys.argv[sys.argv.index("--blas-threads") + 1]
    os.environ.update({name: _value for name in _THREAD_VARIABLES})

import numpy as np  # noqa: E402
import utide  # noqa: E402

from paknam.living.tides.harmonics import predict, solve  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HONOLULU = ROOT / "tests" / "data" / "tides_honolulu_hourly_2010.csv"
VLISSINGEN = ROOT.parent / "shared" / "data" / "tides" / "vlissingen_hourly_1976_1994.csv.gz"
TARGET = 10.0


def read_csv(path: Path, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Times (datetime64, UTC) and levels [m] of a ``time_utc,level,...`` CSV."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        rows = [line.split(",") for line in handle.read().splitlines()[1:]]
    times = np.array([r[0].rstrip("Z") for r in rows], dtype="datetime64[s]")
    return times, np.array([r[1] for r in rows], dtype=float) * scale


def best_of(function: Callable[[], object], repeat: int) -> float:
    """Shortest wall time of ``repeat`` calls [s]."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def records() -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    out = [("Honolulu 2010", *read_csv(HONOLULU, 0.001), 21.307)]
    if VLISSINGEN.exists():
        times, levels = read_csv(VLISSINGEN, 0.01)
        year = (times >= np.datetime64("1990-01-01")) & (times < np.datetime64("1991-01-01"))
        out.append(("Vlissingen 1990", times[year], levels[year], 51.442))
    return out


def bench(name: str, times: np.ndarray, levels: np.ndarray, lat: float, repeat: int) -> bool:
    coef = utide.solve(times, levels, lat=lat, trend=False, verbose=False)
    names = list(coef["name"])
    fit = solve(times, levels, latitude=lat, constituents=names)
    future = times + np.timedelta64(365, "D")

    def fit_utide() -> object:
        return utide.solve(times, levels, lat=lat, constit=names, trend=False, verbose=False)

    def fit_paknam() -> object:
        return solve(times, levels, latitude=lat, constituents=names)

    t_fit_utide = t_fit_paknam = t_pred_utide = t_pred_paknam = np.inf
    for _ in range(repeat):  # interleaved, so both see the same machine load
        t_fit_utide = min(t_fit_utide, best_of(fit_utide, 1))
        t_fit_paknam = min(t_fit_paknam, best_of(fit_paknam, 3))
        t_pred_utide = min(
            t_pred_utide, best_of(lambda: utide.reconstruct(future, coef, verbose=False), 1)
        )
        t_pred_paknam = min(t_pred_paknam, best_of(lambda: predict(fit, future), 3))
    fit_ratio, pred_ratio = t_fit_utide / t_fit_paknam, t_pred_utide / t_pred_paknam
    print(f"{name}: {times.size} hourly values, {len(names)} constituents")
    print(
        f"  fit      utide.solve {1e3 * t_fit_utide:8.1f} ms   paknam solve   "
        f"{1e3 * t_fit_paknam:7.1f} ms   {fit_ratio:5.1f}x faster"
    )
    print(
        f"  predict  utide.reconstruct {1e3 * t_pred_utide:6.1f} ms   paknam predict "
        f"{1e3 * t_pred_paknam:7.1f} ms   {pred_ratio:5.1f}x faster ({future.size} hours)"
    )
    return fit_ratio >= TARGET and pred_ratio >= TARGET


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="interleaved repetitions")
    parser.add_argument("--blas-threads", help="BLAS threads (default: the library's own)")
    args = parser.parse_args()
    threads = args.blas_threads or os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"== BLAS threads: {threads}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}")
    met = [bench(*record, args.repeat) for record in records()]
    print(f"target >= {TARGET:.0f}x for fit and prediction: {'met' if all(met) else 'NOT met'}")
    if args.blas_threads is None:
        command = [sys.executable, __file__, "--repeat", str(args.repeat), "--blas-threads", "1"]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
