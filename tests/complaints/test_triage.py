"""Routing without an officer only when the classifier is sure; the rest to triage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from paknam.complaints import classifier_runtime, service
from paknam.complaints.catalogue import get_service
from paknam.complaints.classifier import ComplaintClassifier
from paknam.complaints.classifier_data import read_traffy_csv
from paknam.complaints.classifier_train import fit_report_refit
from paknam.complaints.cli import complaints_app
from paknam.complaints.handling import corrections
from paknam.complaints.inbox import InboxFilter
from paknam.complaints.schema import complaints as table
from paknam.core import config
from paknam.core.errors import InvalidInput
from paknam.core.store import Store

from .helpers import T0, submit
from .test_classifier import write_synthetic_csv

LAMP = "ไฟถนนดับทั้งซอย หน้าตลาด"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> ComplaintClassifier:
    path = tmp_path_factory.mktemp("model") / "t.csv.gz"
    write_synthetic_csv(path, months=(1, 2, 3), per_month=200)
    fitted, report = fit_report_refit(read_traffy_csv(path))
    assert report["auto_share"] > 0 and fitted.threshold <= 1
    return fitted


def _use(monkeypatch: pytest.MonkeyPatch, model: ComplaintClassifier | None) -> None:
    monkeypatch.setattr(classifier_runtime, "current_model", lambda: model)


def test_sure_and_agreeing_is_routed_the_rest_goes_to_triage(
    store: Store, model: ComplaintClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, model)
    label, p = model.rank([LAMP], 1)[0][0]
    assert label == "แสงสว่าง" and p >= model.threshold
    sure = submit(store, service_code="lighting", description=LAMP)["complaint"]
    assert sure["triage"] is False and sure["suggested"][0]["service_code"] == "lighting"
    # the citizen chose "road": the sure model disagrees, so an officer decides
    other = submit(store, service_code="road", description=LAMP + " ซอย 5")["complaint"]
    assert other["triage"] is True and other["agency"]  # provisionally routed
    monkeypatch.setattr(model, "threshold", 1.01)  # nothing is sure any more
    unsure = submit(store, service_code="lighting", description=LAMP + " ซอย 9")["complaint"]
    assert unsure["triage"] is True
    queue = service.inbox(store, InboxFilter(triage=True))
    assert {c["id"] for c in queue["items"]} == {other["id"], unsure["id"]}
    assert service.inbox(store, InboxFilter(triage=False))["total"] == 1


def test_without_a_model_the_citizens_choice_routes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, None)
    got = submit(store, service_code="road")["complaint"]
    assert got["triage"] is False and got["suggested"] is None


def test_officer_settles_the_category_and_it_becomes_training_data(
    store: Store, model: ComplaintClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, model)
    cid = submit(store, service_code="road", description=LAMP)["id"]
    with pytest.raises(InvalidInput):
        service.triage(store, cid, "officer1", "no_such_service")
    done = service.triage(store, cid, "officer1", "lighting", note="ไฟดับ ไม่ใช่ถนน")
    assert done["triage"] is False and done["service_code"] == "lighting"
    # due as the settled category says, from filing (not the doubtful category's time)
    with store.read() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == cid)).one()
    assert row.due_s - row.requested_s == get_service("lighting").sla_hours * 3600
    assert get_service("lighting").sla_hours != get_service("road").sla_hours
    assert done["events"][-1]["kind"] == "triaged"
    assert service.inbox(store, InboxFilter(triage=True))["total"] == 0
    with store.read() as conn:
        assert corrections(conn) == [(LAMP, "แสงสว่าง", T0)]


def test_corrections_export_feeds_the_next_train(
    tmp_path: Path, model: ComplaintClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`paknam complaints corrections OUT.csv` writes Traffy columns that `train` reads."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("PAKNAM_DATABASE_URL", url)
    config.get_settings.cache_clear()
    try:
        _use(monkeypatch, model)
        with Store.open(url) as store:
            cid = submit(store, service_code="road", description=LAMP)["id"]
            service.triage(store, cid, "officer1", "lighting")
        out = tmp_path / "corrections.csv"
        res = CliRunner().invoke(complaints_app, ["corrections", str(out)])
        assert res.exit_code == 0, res.output
    finally:
        config.get_settings.cache_clear()
    got = read_traffy_csv(out)
    assert got.texts == [LAMP] and got.labels == [["แสงสว่าง"]] and list(got.times) == [T0]
    # the next train takes it after the main CSV
    main_csv = tmp_path / "main.csv.gz"
    write_synthetic_csv(main_csv)
    res = CliRunner().invoke(
        complaints_app,
        ["train", str(main_csv), str(out), "--model-dir", str(tmp_path / "m")],
    )
    assert res.exit_code == 0, res.output
    assert (
        json.loads(res.stdout.strip().splitlines()[-1])["n_train"]
        == len(read_traffy_csv(main_csv)) + 1
    )
