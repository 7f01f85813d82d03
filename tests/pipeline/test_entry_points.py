"""Every former entry point ends in the same pipeline: the officers' HTTP endpoints and the
commands run the rule, then issue and queue alerts by the one policy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from paknam.core.models import StationCreate
from paknam.core.notify.subscribers import Subscription, subscribe
from paknam.core.registry import domains
from paknam.core.store import Store
from paknam.core.timeutil import now_s, to_local_iso
from tests.api.conftest import login
from tests.test_cli import paknam


def _seed(store: Store, hours_ago: int = 1) -> None:
    """Station 18t with a severe PM2.5 hour measured ``hours_ago`` hours ago."""
    store.add_station(
        StationCreate(
            id="18t",
            name_th="ศาลากลาง",
            name_en="City Hall",
            kind="air",
            lon=100.597345,
            lat=13.599149,
            quantities=["pm25_24h"],
        )
    )
    t = (now_s() // 3600 - hours_ago) * 3600
    store.ingest_items(
        [
            {
                "station": "18t",
                "quantity": "pm25_24h",
                "time": to_local_iso(t - 3600),
                "value": 50.8,
            },
            {"station": "18t", "quantity": "pm25_24h", "time": to_local_iso(t), "value": 160.0},
        ]
    )


def _subscriber(store: Store) -> None:
    with store.write() as conn:
        subscribe(conn, Subscription("sms", "0812345678", ["1101"], ["air"]))


def test_http_rule_endpoints_issue_and_queue_alerts(client: TestClient, store: Store) -> None:
    _seed(store)  # 18t with a severe AQI hour
    _subscriber(store)
    officer = login(client, store, "officer")
    r = client.post("/api/v1/environment/checks", headers=officer)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["raised"]) == 1
    assert len(body["alerts"]["Alert"]) == 1 and len(body["alerts"]["queued"]) == 1
    again = client.post("/api/v1/environment/checks", headers=officer).json()
    assert again["alerts"]["Alert"] == [] and again["alerts"]["queued"] == []
    for d in domains():
        for rule in d.rules:
            if rule.http_path:
                assert client.post(rule.http_path).status_code == 401
                r = client.post(rule.http_path, headers=officer)
                assert r.status_code == 200, (rule.http_path, r.text)
                assert set(r.json()) >= {"raised", "updated", "cleared", "alerts"}


def test_commands_run_rules_through_the_pipeline(store: Store) -> None:
    _seed(store)
    _subscriber(store)
    r = paknam(store, "environment", "check")
    assert r.returncode == 0, r.stderr
    assert "environment warnings: 1 raised" in r.stdout
    assert "CAP alerts: 1 new, 0 updated, 0 cancelled; 1 queued for delivery" in r.stdout
    for args in (("forecast", "run"), ("energy", "check")):
        r = paknam(store, *args)
        assert r.returncode == 0, (args, r.stderr)
        assert "CAP alerts: 0 new" in r.stdout, args
    r = paknam(store, "alerts", "sync")
    assert r.returncode == 0 and "0 queued for delivery" in r.stdout


def test_alerts_sync_queues_what_goes_out_by_itself(store: Store) -> None:
    from paknam.environment.service import run_environment_checks

    _seed(store)
    _subscriber(store)
    run_environment_checks(store)  # warnings only, as an outside job would leave them
    r = paknam(store, "alerts", "sync")
    assert r.returncode == 0, r.stderr
    assert "CAP alerts: 1 new, 0 updated, 0 cancelled; 1 queued for delivery" in r.stdout
