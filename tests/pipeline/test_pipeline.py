"""The one alert policy, whoever calls it: rules -> warnings -> CAP alerts -> outbox.

Runs on SQLite and on PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from paknam.core.notify.schema import deliveries, messages
from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.core.registry import Rule, RuleRun, domains
from paknam.core.store import Store
from paknam.core.timeutil import now_s
from paknam.core.warnings import Signal
from paknam.governance.alerts import cancel_alert, get_alert, list_alerts
from paknam.pipeline.flow import AUTO_SEND, issue_alerts, run_rules, should_send
from tests.conftest import add_air_station


def _signal(severity: str = "severe", value: float = 180.0, station: str = "18t",
            kind: str = "aqi", domain: str = "environment") -> Signal:  # fmt: skip
    return Signal(
        domain=domain,
        kind=kind,
        station_id=station,
        severity=severity,
        headline_th=f"คุณภาพอากาศมีผลกระทบต่อสุขภาพ (AQI {value:g})",
        headline_en=f"Unhealthy air (AQI {value:g})",
        description_th=f"AQI {value:g}",
        description_en=f"AQI {value:g}",
        observed_at=now_s() - 600,
        value=value,
        threshold=150.0,
    )


def _raise(store: Store, *signals: Signal, station: str = "18t") -> None:
    store.sync_warnings("environment", list(signals), evaluated=[station], kinds=["aqi"])


def _subscriber(store: Store, district: str = "1101", topic: str = "air") -> None:
    with store.write() as conn:
        subscribe(conn, Subscription("sms", "0812345678", [district], [topic]))


def _queued(store: Store) -> list[tuple[int, int | None, int]]:
    """(message id, alert id, deliveries) of every outbox message."""
    with store.read() as conn:
        rows = conn.execute(sa.select(messages.c.id, messages.c.alert_id)).all()
        counts = dict(
            conn.execute(
                sa.select(deliveries.c.message_id, sa.func.count()).group_by(
                    deliveries.c.message_id
                )
            ).all()
        )
    return [(r.id, r.alert_id, counts.get(r.id, 0)) for r in rows]


@pytest.mark.parametrize(
    ("status", "msg_type", "severity", "sent_before", "expected", "changed"),
    [
        ("Actual", "Update", "severe", True, False, False),  # a text refresh: not pushed
        ("Actual", "Update", "moderate", True, True, True),  # eased: people are told
        ("Actual", "Update", "extreme", False, True, False),
        ("Actual", "Alert", "severe", False, True, True),
        ("Actual", "Alert", "extreme", False, True, True),
        ("Actual", "Alert", "moderate", False, False, True),
        ("Actual", "Alert", "minor", False, False, True),
        ("Actual", "Update", "moderate", True, True, True),  # people told are told of the change
        ("Actual", "Update", "moderate", False, False, True),
        ("Actual", "Update", "severe", False, True, True),
        ("Actual", "Cancel", "severe", True, True, True),
        ("Actual", "Cancel", "severe", False, False, True),  # nobody was told: stay quiet
        ("Exercise", "Alert", "extreme", False, False, True),
        ("Exercise", "Update", "extreme", True, False, True),
        ("Test", "Alert", "severe", False, False, True),
    ],
)
def test_should_send_policy_table(
    status: str, msg_type: str, severity: str, sent_before: bool, expected: bool, changed: bool
) -> None:
    assert should_send(status, msg_type, severity, sent_before, changed) is expected
    assert set(AUTO_SEND) == {"severe", "extreme"}


def test_severe_actual_alert_is_queued_once(store: Store) -> None:
    add_air_station(store)
    _subscriber(store)
    _raise(store, _signal("severe"))
    first = issue_alerts(store)
    assert len(first.alert) == 1 and len(first.queued) == 1
    assert _queued(store) == [(first.queued[0], first.alert[0], 1)]
    again = issue_alerts(store)  # nothing changed: nothing issued, nothing queued twice
    assert again.alert == again.update == again.cancel == again.queued == []
    assert len(_queued(store)) == 1


def test_moderate_waits_for_an_officer_then_update_and_cancel_follow(store: Store) -> None:
    add_air_station(store)
    _subscriber(store)
    _raise(store, _signal("moderate", 120.0))
    run = issue_alerts(store)
    assert len(run.alert) == 1 and run.queued == []  # moderate: an officer decides
    _raise(store, _signal("severe", 180.0))
    run = issue_alerts(store)
    assert len(run.update) == 1 and len(run.queued) == 1  # now severe: goes out
    _raise(store)  # the condition ended
    run = issue_alerts(store)
    assert len(run.cancel) == 1 and len(run.queued) == 1  # the people told are told it ended
    with store.read() as conn:
        thread = get_alert(conn, run.cancel[0])["thread"]
    assert [m["msg_type"] for m in thread] == ["Alert", "Update", "Cancel"]
    assert [alert for _, alert, _ in _queued(store)] == [run.cancel[0] - 1, run.cancel[0]]


def test_simulated_station_gives_exercise_never_sent(store: Store) -> None:
    add_air_station(store, "sim-18t", meta={"simulated": True})
    _subscriber(store)
    _raise(store, _signal("extreme", 300.0, station="sim-18t"), station="sim-18t")
    run = issue_alerts(store)
    assert len(run.alert) == 1 and run.queued == []
    with store.read() as conn:
        alert = get_alert(conn, run.alert[0])
    assert alert["status"] == "Exercise"
    assert _queued(store) == []


def test_officer_cancel_is_not_undone_by_the_rules(store: Store) -> None:
    add_air_station(store)
    _raise(store, _signal("severe"))
    run = issue_alerts(store)
    with store.write() as conn:
        cancel_alert(conn, run.alert[0], "officer1")
    _raise(store, _signal("extreme", 260.0))  # the warning changes while still active
    again = issue_alerts(store)
    assert again.alert == again.update == again.cancel == []
    with store.read() as conn:
        newest = list_alerts(conn, state="all")[0]
    assert newest["msg_type"] == "Cancel"


def test_unregistered_kind_is_reported_not_silently_dropped(store: Store) -> None:
    add_air_station(store)
    store.sync_warnings("environment", [_signal(kind="noise")], evaluated=["18t"], kinds=["noise"])
    run = issue_alerts(store)
    assert run.alert == [] and len(run.unregistered) == 1


def test_officer_only_kind_never_becomes_a_citizen_alert(store: Store) -> None:
    add_air_station(store)
    kinds = {k.kind: k for d in domains() for k in d.warning_kinds}
    assert kinds["energy_outage"].public is False
    store.sync_warnings(
        "energy",
        [_signal(kind="energy_outage", domain="energy")],
        evaluated=["18t"],
        kinds=["energy_outage"],
    )
    run = issue_alerts(store)
    assert run.alert == [] and run.unregistered == [] and run.queued == []


def test_run_rules_runs_each_rule_then_issues_alerts_once(store: Store) -> None:
    add_air_station(store)
    _subscriber(store)
    calls: list[str] = []

    def fake_rule(s: Store) -> RuleRun:
        calls.append("ran")
        _raise(s, _signal("severe"))
        return RuleRun(raised=[1], lines=["fake rule ran"])

    rule = Rule("test.fake", fake_rule)
    run = run_rules(store, [rule])
    assert calls == ["ran"] and list(run.rules) == ["test.fake"]
    assert len(run.alerts.alert) == 1 and len(run.alerts.queued) == 1


def test_every_rule_of_every_domain_has_a_unique_name_command_and_path() -> None:
    rules = [r for d in domains() for r in d.rules]
    assert {r.name for r in rules} >= {"environment.checks", "living.forecasts", "energy.checks"}
    for attr in ("name", "command", "http_path"):
        values = [getattr(r, attr) for r in rules if getattr(r, attr) is not None]
        assert len(values) == len(set(values)), attr


def test_a_new_value_at_the_same_severity_is_published_not_pushed(store: Store) -> None:
    add_air_station(store)
    _subscriber(store)
    _raise(store, _signal("severe", 180.0))
    first = issue_alerts(store)
    _raise(store, _signal("severe", 190.0))  # next hour: the text changes, the danger not
    again = issue_alerts(store)
    assert len(first.queued) == 1
    assert len(again.update) == 1 and again.queued == []
    _raise(store, _signal("extreme", 260.0))  # worse: people are told
    worse = issue_alerts(store)
    assert len(worse.update) == 1 and len(worse.queued) == 1
