"""The CKAN Action API, read with the ``ckanapi`` client against a running server."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, ValidationError

from paknam.core.registry import datasets
from tests.opendata.conftest import OpenServer


@pytest.fixture(scope="module")
def ckan(open_server: OpenServer) -> RemoteCKAN:
    return RemoteCKAN(open_server.url, user_agent="paknam-tests")


def test_every_registered_dataset_is_listed_and_shown(ckan: RemoteCKAN) -> None:
    names = ckan.action.package_list()
    assert {d.name for d in datasets()} | {"indicator-board"} == set(names)
    for name in names:
        pkg = ckan.action.package_show(id=name)
        assert pkg["name"] == name
        assert pkg["title_translated"]["th"] and pkg["title_translated"]["en"]
        assert pkg["notes_translated"]["th"] and pkg["notes_translated"]["en"]
        assert pkg["tags"] and pkg["resources"] and pkg["organization"]["name"]
        assert pkg["license_id"] and pkg["maintainer_email"]
        assert pkg["data_category"] == "ข้อมูลสาธารณะ" and pkg["update_frequency_unit"]
        # the same by id, and each resource by id
        assert ckan.action.package_show(id=pkg["id"])["name"] == name
        for res in pkg["resources"]:
            assert ckan.action.resource_show(id=res["id"])["url"] == res["url"]


def test_search_filters_sorts_pages_and_counts_facets(ckan: RemoteCKAN) -> None:
    everything = ckan.action.package_search(rows=1000)
    assert everything["count"] == len(ckan.action.package_list())
    air = ckan.action.package_search(q="PM2.5")
    assert [d["name"] for d in air["results"]] == ["air-quality-hourly"]
    envi = ckan.action.package_search(
        fq="groups:envi", sort="name asc", rows=2, start=1, **{"facet.field": '["res_format"]'}
    )
    names = sorted(d.name for d in datasets() if d.theme == "ENVI")
    assert envi["count"] == len(names)
    assert [d["name"] for d in envi["results"]] == names[1:3]
    assert envi["facets"]["res_format"]["CSV"] >= 1
    assert ckan.action.package_search(q="no-such-word-anywhere")["count"] == 0


def test_organisations_groups_and_tags(ckan: RemoteCKAN) -> None:
    orgs = ckan.action.organization_list(all_fields=True)
    assert orgs and orgs[0]["package_count"] == len(ckan.action.package_list())
    shown = ckan.action.organization_show(id=orgs[0]["name"])
    assert shown["title_translated"]["th"]
    assert "envi" in ckan.action.group_list()
    assert "PM2.5" in ckan.action.tag_list()


def test_datastore_search_reads_rows_like_api_v1(ckan: RemoteCKAN, open_server: OpenServer) -> None:
    first = ckan.action.datastore_search(
        resource_id="air-quality-hourly/observations", filters={"quantity": "pm25_24h"}, limit=1
    )["records"][0]
    station, quantity = first["station"], first["quantity"]
    series = open_server.get(
        f"/api/v1/stations/{station}/series",
        quantity=quantity,
        start="2015-01-01T00:00:00+07:00",
        end="2034-01-01T00:00:00+07:00",
    )["points"]
    assert len(series) > 10
    got = ckan.action.datastore_search(
        resource_id="air-quality-hourly/observations",
        filters={"station": station, "quantity": quantity},
        sort="time asc",
        limit=5,
        offset=3,
    )
    assert got["total"] == len(series)
    assert [(r["time"], r["value"]) for r in got["records"]] == [
        (p["time"], p["value"]) for p in series[3:8]
    ]
    assert got["records"][0]["_id"] == 4 and got["records"][0]["unit"] == "µg/m³"
    newest = ckan.action.datastore_search(
        resource_id=got["resource_id"], filters={"station": station, "quantity": quantity},
        sort="time desc", limit=1, fields=["time", "value"],
    )  # fmt: skip
    assert newest["records"] == [{"time": series[-1]["time"], "value": series[-1]["value"]}]
    one_time = ckan.action.datastore_search(
        resource_id=got["resource_id"],
        filters={"station": station, "quantity": quantity, "time": series[5]["time"]},
    )
    assert [r["value"] for r in one_time["records"]] == [series[5]["value"]]


def test_datastore_table_resource_q_and_sort(ckan: RemoteCKAN) -> None:
    rows = ckan.action.datastore_search(resource_id="complaints/table", limit=1000)
    assert rows["total"] >= 2
    services = {r["service_code"] for r in rows["records"]}
    one = sorted(services, key=str)[0]
    only = ckan.action.datastore_search(
        resource_id="complaints/table", filters={"service_code": one}
    )
    assert only["total"] == sum(1 for r in rows["records"] if r["service_code"] == one)
    desc = ckan.action.datastore_search(resource_id="complaints/table", sort="id desc", limit=2)
    assert desc["records"][0]["id"] == max(r["id"] for r in rows["records"])


def test_errors_are_ckans(ckan: RemoteCKAN, open_server: OpenServer) -> None:
    with pytest.raises(NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id="no-such-resource")
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id="complaints/table", filters={"nope": 1})
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id="complaints/table", limit="many")
    with pytest.raises(NotAuthorized):
        ckan.action.datastore_search_sql(sql='SELECT * FROM "complaints"')
    with pytest.raises(NotAuthorized):
        ckan.action.package_create(name="x")
    r = httpx.get(open_server.url + "/api/3/action/no_such_action")
    assert r.status_code == 400 and r.json()["success"] is False
    r = httpx.get(open_server.url + "/api/3/action/package_show", params={"id": "nope"})
    assert r.status_code == 404
    assert r.json()["error"]["__type"] == "Not Found Error" and "help" in r.json()


def test_csv_download_has_every_row(open_server: OpenServer, ckan: RemoteCKAN) -> None:
    total = ckan.action.datastore_search(resource_id="water-levels-and-tides/observations", limit=0)
    r = httpx.get(open_server.url + "/opendata/water-levels-and-tides/observations.csv", timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["station", "quantity", "time", "value", "unit"]
    assert len(rows) - 1 == total["total"] > 0
