"""The periodic jobs: each domain rule (through the alert pipeline), the alert pipeline on
its own, the notification worker, and whatever else is registered (source harvests).

Not here: the indicator board. It is computed when ``GET /api/v1/indicators`` asks (the
API caches it); the scheduler sits below the API and does not warm that cache.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from paknam.core.config import Settings, get_settings
from paknam.core.registry import Rule
from paknam.core.store import Store
from paknam.pipeline.flow import AlertRun, all_rules, issue_alerts, run_rules
from paknam.pipeline.scheduler.config import period

ALERTS_EVERY_S = 60
"""Default period of ``alerts.issue`` [s]."""
NOTIFY_EVERY_S = 10
"""Default period of ``notify.worker`` [s]."""
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic job.

    name : unique, lowercase (``environment.checks``, ``source.air4thai``), ≤ 64 chars.
    every_s : period [s]: the job is due ``every_s`` after its last start; 0 switches it off.
    run : does the work once on the store and returns a small JSON-able summary (counts),
        recorded as the run's result. Raising records the run as an error.
    summary : one line for people.
    """

    name: str
    every_s: float
    run: Callable[[Store], Mapping[str, Any]]
    summary: str = ""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"job name {self.name!r}: use 1-64 of a-z 0-9 _ . : - (starting with a-z/0-9)"
            )
        if self.every_s < 0:
            raise ValueError(f"job {self.name!r}: every_s must be ≥ 0 s, got {self.every_s}")

    @property
    def enabled(self) -> bool:
        return self.every_s > 0


def _alert_counts(a: AlertRun) -> dict[str, int]:
    return {k: len(v) for k, v in a.as_dict().items()}


def rule_job(rule: Rule) -> Job:
    """A job running ``rule`` through the pipeline (rule, then alerts)."""

    def run(store: Store) -> dict[str, Any]:
        done = run_rules(store, [rule])
        r = done.rules[rule.name]
        return {
            "raised": len(r.raised),
            "updated": len(r.updated),
            "cleared": len(r.cleared),
            "alerts": _alert_counts(done.alerts),
        }

    return Job(rule.name, rule.every_s, run, rule.summary or f"rule {rule.name}")


def _issue_alerts(store: Store) -> dict[str, Any]:
    return {"alerts": _alert_counts(issue_alerts(store))}


def _notify(store: Store) -> dict[str, Any]:
    from paknam.core.notify.worker import Worker, channels_from_settings

    channels = channels_from_settings()
    worker = Worker(store, channels, threads=8)
    try:
        return {"attempted": worker.run_once(), "channels": sorted(channels)}
    finally:
        worker.close()


def channels_configured(settings: Settings | None = None) -> bool:
    s = settings or get_settings()
    return bool(s.line_channel_access_token or s.sms_gateway_url or s.smtp_host)


_registered: dict[str, Job] = {}
_providers: list[Callable[[], Iterable[Job]]] = []
_lock = threading.Lock()


def register_job(job: Job) -> None:
    """Add ``job`` to every job list of this process (e.g. a source harvest)."""
    with _lock:
        _registered[job.name] = job


def unregister_job(name: str) -> None:
    """Remove a job added with :func:`register_job` (no error when there is none)."""
    with _lock:
        _registered.pop(name, None)


def register_provider(provider: Callable[[], Iterable[Job]]) -> None:
    """Add a function whose jobs join every job list (called each time the list is built,
    e.g. the sources runner listing the configured sources)."""
    with _lock:
        if provider not in _providers:
            _providers.append(provider)


def source_jobs(environ: Mapping[str, str] | None = None) -> list[Job]:
    """One ``source.<id>`` job per configured source (``PAKNAM_SOURCES`` /
    ``PAKNAM_SOURCES_FILE``; none by default), harvesting every ``every_s`` (a streaming
    source is watched instead: its subscriber runs in ``paknam run``'s background)."""
    from paknam.sources.config import configured_sources
    from paknam.sources.runner import harvest_source

    def job(src: Any) -> Job:
        def run(store: Store) -> dict[str, Any]:
            outcome = harvest_source(store, src)
            if not outcome.ok:  # the run shows as an error; health and data_gap are kept
                raise RuntimeError(f"source {src.id}: {outcome.error}")
            h = outcome.harvest
            return {
                "received": h.received if h else 0,
                "stored": h.stored if h else 0,
                "rejected": h.rejected if h else 0,
                "stale": outcome.stale,
                "gap": outcome.gap,
            }

        what = "Watch streaming" if getattr(src, "streaming", False) else "Harvest"
        return Job(f"source.{src.id}", int(src.every_s), run, f"{what} {src.kind} source {src.id}")

    return [job(src) for src in configured_sources(environ)]


def traffy_jobs(settings: Settings | None = None) -> list[Job]:
    """``complaints.traffy.sync`` (import Traffy Fondue tickets) and
    ``complaints.traffy.push`` (send paknam's changes back) when a Traffy Fondue account is
    configured (``PAKNAM_TRAFFY_USER``/``PASS``; docs/citizens-traffy.md)."""
    from paknam.complaints.traffy import bridge

    s = settings or get_settings()
    if not bridge.configured(s):
        return []

    def sync(store: Store) -> dict[str, Any]:
        with bridge.make_client(store, s) as client:
            report = bridge.sync(store, client, settings=s)
        return {k: v for k, v in report.items() if k != "skipped"} | {
            "skipped": len(report["skipped"])
        }

    def push(store: Store) -> dict[str, Any]:
        with bridge.make_client(store, s) as client:
            report = bridge.push(store, client)
        return {k: v for k, v in report.items() if k != "errors"} | {"errors": report["errors"][:3]}

    return [
        Job("complaints.traffy.sync", s.traffy_sync_every_s, sync, "Import Traffy Fondue tickets"),
        Job(
            "complaints.traffy.push",
            s.traffy_push_every_s,
            push,
            "Send complaint changes back to Traffy Fondue",
        ),
    ]


PARTITIONS_EVERY_S = 86_400
"""Default period of ``db.partitions`` [s] (PostgreSQL only)."""


def storage_jobs(settings: Settings | None = None) -> list[Job]:
    """``db.partitions`` on PostgreSQL (create the coming months' partitions of
    ``observations``) and ``db.retention`` when a retention policy is set (remove expired
    raw observations after rolling them up; docs/deploy.md#retention)."""
    from paknam.core.retention import Policy
    from paknam.core.retention_run import run_retention

    s = settings or get_settings()
    jobs: list[Job] = []
    if s.database_url.startswith(("postgresql", "postgres")):

        def ensure(store: Store) -> dict[str, Any]:
            return {"created": store.ensure_partitions(s.partitions_ahead_months)}

        jobs.append(
            Job("db.partitions", PARTITIONS_EVERY_S, ensure, "Create the coming months' partitions")
        )
    policy = Policy.parse(s.retention_raw_days, s.retention_raw_days_by)
    if policy.active:

        def prune(store: Store) -> dict[str, Any]:
            report = run_retention(store, policy=policy, batch_rows=s.retention_batch_rows)
            return {
                "rows": report.rows,
                "partitions_dropped": [p["name"] for p in report.partitions],
                "series": sum(1 for x in report.series if x.rows),
            }

        jobs.append(
            Job(
                "db.retention",
                s.retention_every_s,
                prune,
                "Roll up, then remove raw observations past their retention",
            )
        )
    return jobs


def stream_sources(environ: Mapping[str, str] | None = None) -> list[Any]:
    """The configured streaming sources (kept running by ``paknam run``, each watched
    by its ``source.<id>`` job)."""
    from paknam.sources.config import configured_sources

    return [s for s in configured_sources(environ) if getattr(s, "streaming", False)]


def jobs_from_registry(
    settings: Settings | None = None,
    env: Mapping[str, str] | None = None,
    extra: Iterable[Job] = (),
) -> list[Job]:
    """Every job, with periods from the settings (``PAKNAM_JOB_<NAME>_EVERY_S``).

    Each domain rule (``Rule.every_s``), ``alerts.issue`` (the alert pipeline alone, for
    warnings raised outside the rules), ``notify.worker`` when a channel is configured,
    the jobs registered with :func:`register_job` / :func:`register_provider`, and
    ``extra``.

    Raises
    ------
    ValueError
        Two jobs with one name, or a period setting that is not a number ≥ 0.
    """
    jobs = [rule_job(r) for r in all_rules()]
    jobs.append(
        Job("alerts.issue", ALERTS_EVERY_S, _issue_alerts, "Turn active warnings into alerts")
    )
    if channels_configured(settings):
        jobs.append(
            Job(
                "notify.worker", NOTIFY_EVERY_S, _notify, "Send queued deliveries (LINE/SMS/e-mail)"
            )
        )
    jobs.extend(source_jobs())
    jobs.extend(traffy_jobs(settings))
    jobs.extend(storage_jobs(settings))
    with _lock:
        jobs.extend(_registered.values())
        providers = list(_providers)
    for p in providers:
        jobs.extend(p())
    jobs.extend(extra)
    seen: set[str] = set()
    for j in jobs:
        if j.name in seen:
            raise ValueError(f"two jobs are called {j.name!r}")
        seen.add(j.name)
    return [replace(j, every_s=period(j.name, j.every_s, env)) for j in jobs]


__all__ = [
    "ALERTS_EVERY_S",
    "NOTIFY_EVERY_S",
    "Job",
    "channels_configured",
    "jobs_from_registry",
    "register_job",
    "register_provider",
    "rule_job",
    "source_jobs",
    "storage_jobs",
    "stream_sources",
    "traffy_jobs",
    "unregister_job",
]
