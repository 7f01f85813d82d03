"""Settings of the scheduler, read from the environment (like every ``PAKNAM_*`` setting).

- ``PAKNAM_JOB_<NAME>_EVERY_S``: period of job ``<NAME>`` [s], where ``<NAME>`` is the job
  name in capitals with every run of other characters replaced by ``_``
  (``environment.checks`` -> ``PAKNAM_JOB_ENVIRONMENT_CHECKS_EVERY_S``). ``0`` switches
  the job off.
- ``PAKNAM_JOB_LEASE_S``: how long a lease lasts without renewal [s] (default 60). A
  running job renews its lease every third of this; a killed ``paknam run`` leaves a lease
  that another process takes over after at most this long.
- ``PAKNAM_JOB_THREADS``: jobs that may run at once in one process (default 4).
- ``PAKNAM_JOB_KEEP_RUNS``: runs kept per job in ``job_runs`` (default 1000; older ones are
  deleted).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_LEASE_S = 60.0
DEFAULT_THREADS = 4
DEFAULT_KEEP_RUNS = 1000


def env_name(job: str) -> str:
    """The environment variable that sets the period of ``job``."""
    return "PAKNAM_JOB_" + re.sub(r"[^A-Z0-9]+", "_", job.upper()).strip("_") + "_EVERY_S"


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"setting {name}={raw!r} is not a number") from None
    if value < minimum:
        raise ValueError(f"setting {name}={raw!r} must be ≥ {minimum:g}")
    return value


def period(job: str, default_s: float, env: Mapping[str, str] | None = None) -> float:
    """Period of ``job`` [s]: ``PAKNAM_JOB_<NAME>_EVERY_S`` or ``default_s`` (0: off)."""
    return _number(os.environ if env is None else env, env_name(job), default_s, 0)


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    lease_s: float = DEFAULT_LEASE_S
    threads: int = DEFAULT_THREADS
    keep_runs: int = DEFAULT_KEEP_RUNS


def scheduler_settings(env: Mapping[str, str] | None = None) -> SchedulerSettings:
    """The scheduler's settings from ``env`` (default: the process environment)."""
    e = os.environ if env is None else env
    return SchedulerSettings(
        lease_s=_number(e, "PAKNAM_JOB_LEASE_S", DEFAULT_LEASE_S, 1),
        threads=int(_number(e, "PAKNAM_JOB_THREADS", DEFAULT_THREADS, 1)),
        keep_runs=int(_number(e, "PAKNAM_JOB_KEEP_RUNS", DEFAULT_KEEP_RUNS, 1)),
    )
