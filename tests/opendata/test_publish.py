"""``paknam opendata publish`` against a loopback server that speaks CKAN's Action API
(write side): creates, then updates nothing new; clear exits for a bad key, an unknown
organisation and an unreachable CKAN; a dataset the CKAN refuses is reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from paknam.api.opendata import catalogue as cat
from paknam.core import open_datasets
from paknam.core.open_upload import parse_upload
from paknam.core.store import Store
from tests.opendata.ckan_loopback import CkanServer
from tests.test_cli import paknam

TOKEN = "ckan-token-0123456789"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path_factory.mktemp('publish') / 'p.sqlite3'}")
    meta = {
        "title_th": "ร้านค้าชุมชน", "title_en": "Community shops", "notes_th": "รายชื่อร้าน",
        "notes_en": "Shops", "keywords": ["ร้านค้า", "shops"], "licence": "CC-BY-4.0",
        "theme": "ECON", "frequency": "ANNUAL", "organization_en": "", "organization_th": "",
        "contact_email": "", "geo_coverage": "จังหวัด", "data_source": "", "objective": "",
    }  # fmt: skip
    table = parse_upload("ชื่อ,อำเภอ\nร้านหนึ่ง,บางบ่อ\n".encode())
    open_datasets.create(s, "community-shops", meta, table, owner="noi", filename="s.csv")
    yield s
    s.close()


@pytest.fixture
def ckan() -> Iterator[CkanServer]:
    server = CkanServer(TOKEN).start()
    yield server
    server.stop()


def _publish(store: Store, ckan: CkanServer, *extra: str, key: str = TOKEN) -> tuple[int, str]:
    ran = paknam(store, "opendata", "publish", "--ckan", ckan.url, "--api-key", key, *extra)
    return ran.returncode, ran.stdout + ran.stderr


def test_publish_creates_then_a_second_run_creates_nothing_new(
    store: Store, ckan: CkanServer
) -> None:
    names = {e.ds.name for e in cat.entries(store)}
    code, text = _publish(store, ckan, "--dry-run", "--organization", "samut-prakan")
    assert code == 0, text
    assert "dry run: 0 created" not in text and "would create" in text
    assert ckan.packages == {} and ckan.calls["package_create"] == 0

    code, text = _publish(store, ckan, "--organization", "samut-prakan")
    assert code == 0, text
    assert set(ckan.packages) == names
    assert f"{len(names)} created, 0 updated" in text and f"[1/{len(names)}]" in text
    shops = ckan.packages["community-shops"]
    assert shops["owner_org"] == "samut-prakan" and shops["title"] == "Community shops"
    (res,) = shops["resources"]
    assert res["url"].endswith("/opendata/community-shops/table.csv") and res["format"] == "CSV"
    # Thai tags break CKAN's stock rule: sent again with the others, all kept as an extra
    assert [t["name"] for t in shops["tags"]] == ["shops"]
    extras = {x["key"]: x["value"] for x in shops["extras"]}
    assert extras["keywords"] == "ร้านค้า, shops" and extras["title_th"] == "ร้านค้าชุมชน"
    assert shops["data_category"] == "ข้อมูลสาธารณะ"  # thai_gdc fields ride along
    ids = {n: p["id"] for n, p in ckan.packages.items()}
    res_id = res["id"]
    creates = ckan.calls["package_create"]  # (with the retries without Thai tags)

    code, text = _publish(store, ckan, "--organization", "samut-prakan")
    assert code == 0, text
    assert f"0 created, 0 updated, {len(names)} unchanged" in text
    assert ckan.calls["package_create"] == creates

    # a new version of a dataset: updated in place, the resource keeps its id
    open_datasets.replace_file(
        store, "community-shops", parse_upload("ชื่อ,อำเภอ\nร้านสอง,บางพลี\n".encode()),
        actor="noi", role="officer", filename="s2.csv",
    )  # fmt: skip
    code, text = _publish(store, ckan, "--organization", "samut-prakan")
    assert code == 0, text
    assert "0 created, 1 updated" in text and "community-shops: updated" in text
    assert {n: p["id"] for n, p in ckan.packages.items()} == ids
    assert ckan.packages["community-shops"]["resources"][0]["id"] == res_id
    assert ckan.calls["package_create"] == creates


def test_bad_key_unknown_organisation_and_unreachable_ckan_exit_2(
    store: Store, ckan: CkanServer, tmp_path: Path
) -> None:
    code, text = _publish(store, ckan, key="wrong")
    assert code == 2 and "refused" in text and "API key" in text, text
    code, text = _publish(store, ckan, "--organization", "no-such-org")
    assert code == 2 and "no organization 'no-such-org'" in text, text
    assert ckan.packages == {}
    gone = CkanServer(TOKEN).start()
    url = gone.url
    gone.stop()
    ran = paknam(store, "opendata", "publish", "--ckan", url, "--api-key", TOKEN)
    assert ran.returncode == 2 and "cannot reach the CKAN" in ran.stdout + ran.stderr


def test_a_dataset_the_ckan_refuses_is_reported_and_the_others_go_on(store: Store) -> None:
    # without --organization each dataset names its own publisher: this CKAN knows the
    # city's, not the Bang Bo office's
    ckan = CkanServer(TOKEN, organizations=("city-data-platform",)).start()
    other = open_datasets.get(store, "community-shops")
    meta = {**other.meta, "organization_en": "Bang Bo District Office"}
    table = parse_upload(b"a,b\n1,2\n")
    open_datasets.create(store, "bang-bo-roads", meta, table, owner="noi", filename="r.csv")
    try:
        code, text = _publish(store, ckan)
    finally:
        open_datasets.delete(store, "bang-bo-roads", actor="noi", role="admin")
        ckan.stop()
    assert code == 1, text
    assert "bang-bo-roads: REFUSED by the CKAN: owner_org" in text
    assert "bang-bo-roads" not in ckan.packages and "community-shops" in ckan.packages
    assert "1 failed" in text
