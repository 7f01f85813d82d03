"""The job list from the registry and the settings; ``paknam run`` (in-process)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from paknam.core.config import Settings, get_settings
from paknam.core.store import Store
from paknam.pipeline.flow import all_rules
from paknam.pipeline.scheduler.cli import install
from paknam.pipeline.scheduler.config import env_name, scheduler_settings
from paknam.pipeline.scheduler.jobs import (
    ALERTS_EVERY_S,
    Job,
    jobs_from_registry,
    register_job,
    register_provider,
    rule_job,
    unregister_job,
)
from paknam.pipeline.scheduler.schema import job_runs


def _ok(_: Store) -> Mapping[str, Any]:
    return {"n": 1}


@pytest.fixture
def registered() -> Iterator[None]:
    register_job(Job("source.test", 300, _ok, "a test source"))
    yield
    unregister_job("source.test")


def test_every_rule_the_alert_pipeline_and_registered_jobs(registered: None) -> None:
    jobs = {j.name: j for j in jobs_from_registry(Settings(), env={})}
    for r in all_rules():
        assert jobs[r.name].every_s == r.every_s
    assert jobs["alerts.issue"].every_s == ALERTS_EVERY_S
    assert jobs["source.test"].every_s == 300
    assert "notify.worker" not in jobs  # no channel configured
    with_mail = {j.name for j in jobs_from_registry(Settings(smtp_host="127.0.0.1"), env={})}
    assert "notify.worker" in with_mail


def test_periods_from_the_environment() -> None:
    assert env_name("environment.checks") == "PAKNAM_JOB_ENVIRONMENT_CHECKS_EVERY_S"
    assert env_name("source.air4thai:18t") == "PAKNAM_JOB_SOURCE_AIR4THAI_18T_EVERY_S"
    env = {"PAKNAM_JOB_ALERTS_ISSUE_EVERY_S": "15", "PAKNAM_JOB_ENERGY_CHECKS_EVERY_S": "0"}
    jobs = {j.name: j for j in jobs_from_registry(Settings(), env=env)}
    assert jobs["alerts.issue"].every_s == 15
    assert jobs["energy.checks"].every_s == 0 and not jobs["energy.checks"].enabled
    with pytest.raises(ValueError, match="PAKNAM_JOB_ALERTS_ISSUE_EVERY_S='soon'"):
        jobs_from_registry(Settings(), env={"PAKNAM_JOB_ALERTS_ISSUE_EVERY_S": "soon"})
    s = scheduler_settings({"PAKNAM_JOB_LEASE_S": "90", "PAKNAM_JOB_THREADS": "2"})
    assert (s.lease_s, s.threads, s.keep_runs) == (90, 2, 1000)
    with pytest.raises(ValueError, match="PAKNAM_JOB_LEASE_S"):
        scheduler_settings({"PAKNAM_JOB_LEASE_S": "0"})


def test_duplicate_names_are_refused(registered: None) -> None:
    register_provider(lambda: [Job("alerts.issue", 5, _ok)])
    from paknam.pipeline.scheduler import jobs as jobs_module

    try:
        with pytest.raises(ValueError, match=r"two jobs are called 'alerts\.issue'"):
            jobs_from_registry(Settings(), env={})
    finally:
        jobs_module._providers.clear()


def test_rule_job_runs_the_rule_through_the_pipeline(store: Store) -> None:
    job = rule_job(next(r for r in all_rules() if r.name == "environment.checks"))
    result = job.run(store)  # an empty store: nothing raised, nothing issued
    assert result == {
        "raised": 0,
        "updated": 0,
        "cleared": 0,
        "alerts": {
            "Alert": 0,
            "Update": 0,
            "Cancel": 0,
            "queued": 0,
            "unregistered": 0,
            "historical": 0,
        },
    }


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command("version")(lambda: None)  # a second command, as in the real app
    install(app)
    return app


def test_paknam_run_once_list_and_unknown_job(store: Store) -> None:
    env = {"PAKNAM_DATABASE_URL": store.url}
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(_cli(), ["run", "--list"], env=env)
        assert r.exit_code == 0, r.output
        assert "alerts.issue" in r.output and "every 60 s" in r.output
        r = runner.invoke(_cli(), ["run", "--once", "--job", "alerts.issue"], env=env)
        assert r.exit_code == 0, r.output
        line = json.loads(r.stdout.strip())
        assert line == {"job": "alerts.issue", "outcome": "ran", "status": "ok"}
        r = runner.invoke(_cli(), ["run", "--once", "--job", "nope"], env=env)
        assert r.exit_code == 2 and "no job nope" in r.output
    finally:
        get_settings.cache_clear()
    with store.read() as conn:
        rows = conn.execute(sa.select(job_runs.c.job, job_runs.c.status)).all()
    assert [tuple(r) for r in rows] == [("alerts.issue", "ok")]
