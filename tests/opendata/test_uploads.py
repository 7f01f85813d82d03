"""Officers' own open datasets: uploaded as CSV/.xlsx, stored, and served like the domains'
datasets (ckanapi reads the rows; the DCAT-AP catalogue still conforms); bad files are
refused with a 4xx naming the problem and leave nothing behind.

A small server of its own (an empty store: no demo to load), so that the uploads change
no other test's catalogue.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from ckanapi import NotFound, RemoteCKAN, ValidationError
from openpyxl import Workbook

from paknam.core.open_datasets import open_dataset_rows, open_datasets
from paknam.core.store import Store
from tests.web.conftest import Server, officer_headers, serve

CSV_TH = (
    "ชื่อสถานที่,อำเภอ,ผู้เข้าชม,หมายเหตุ\n"
    "ป้อมพระจุลจอมเกล้า,พระสมุทรเจดีย์,1200,ป้อมปราการ\n"
    "ตลาดน้ำบางพลี,บางพลี,800,\n"
    "เมืองโบราณ,เมืองสมุทรปราการ,5400,<script>alert(1)</script>\n"
    'วัดอโศการาม,เมืองสมุทรปราการ,300,"ริมทะเล, บางปู"\n'
)
META = {
    "title_th": "สถานที่ท่องเที่ยวและผู้เข้าชม",
    "title_en": "Attractions and visitors",
    "notes_th": "จำนวนผู้เข้าชมสถานที่ท่องเที่ยว ปี 2568",
    "notes_en": "Visitors of attractions in 2025",
    "keywords": "ท่องเที่ยว, tourism, visitors",
    "licence": "CC-BY-4.0",
    "theme": "ECON",
    "frequency": "ANNUAL",
    "organization_th": "สำนักงานการท่องเที่ยวจังหวัด",
    "organization_en": "Provincial Tourism Office",
    "contact_email": "tourism@example.go.th",
    "geo_coverage": "จังหวัด",
    "data_source": "แบบสำรวจของสำนักงาน",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('uploads') / 'u.sqlite3'}")
    for url in serve(store):
        yield Server(url, store)
    store.close()


@pytest.fixture(scope="module")
def noi(server: Server) -> dict[str, str]:
    return officer_headers(server, "noi")


def _upload(
    server: Server, headers: dict[str, str], name: str, data: bytes, filename: str, **meta: str
) -> httpx.Response:
    return httpx.post(
        server.url + "/api/v1/opendata/datasets",
        headers=headers,
        data={"name": name, **META, **meta},
        files={"file": (filename, data, "application/octet-stream")},
        timeout=60,
    )


def _stored(store: Store) -> tuple[int, int]:
    with store.read() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(open_datasets)).scalar_one()
        rows = conn.execute(sa.select(sa.func.count()).select_from(open_dataset_rows))
        return int(n), int(rows.scalar_one())


def test_a_windows_874_csv_is_read_by_ckanapi_like_any_dataset(
    server: Server, noi: dict[str, str]
) -> None:
    r = _upload(server, noi, "attractions-2568", CSV_TH.encode("cp874"), "สถานที่.csv")
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["encoding"] == "cp874" and made["rows"] == 4 and made["version"] == 1
    assert [(f["id"], f["type"]) for f in made["fields"]] == [
        ("ชื่อสถานที่", "text"), ("อำเภอ", "text"), ("ผู้เข้าชม", "numeric"), ("หมายเหตุ", "text"),
    ]  # fmt: skip

    ckan = RemoteCKAN(server.url, user_agent="paknam-tests")
    assert "attractions-2568" in ckan.action.package_list()
    pkg = ckan.action.package_show(id="attractions-2568")
    assert pkg["title_translated"] == {"th": META["title_th"], "en": META["title_en"]}
    assert pkg["organization"]["title_translated"]["th"] == META["organization_th"]
    assert pkg["maintainer_email"] == META["contact_email"] and pkg["version"] == "1"
    assert {t["name"] for t in pkg["tags"]} == {"ท่องเที่ยว", "tourism", "visitors"}
    assert pkg["license_id"] == "CC-BY-4.0" and pkg["update_frequency_unit"] == "ปี"
    assert pkg["data_source"] == META["data_source"] and pkg["groups"][0]["name"] == "econ"
    (res,) = pkg["resources"]
    assert res["id"] == made["resource_id"] and res["datastore_active"] is True
    assert ckan.action.resource_show(id=res["id"])["url"].endswith(
        "/opendata/attractions-2568/table.csv"
    )
    assert [d["name"] for d in ckan.action.package_search(q="ผู้เข้าชม")["results"]] == [
        "attractions-2568"
    ]
    assert "provincial-tourism-office" in ckan.action.organization_list()

    page = ckan.action.datastore_search(
        resource_id=res["id"], sort="ผู้เข้าชม desc", limit=2, offset=1
    )
    assert page["total"] == 4
    assert [(x["ชื่อสถานที่"], x["ผู้เข้าชม"]) for x in page["records"]] == [
        ("ป้อมพระจุลจอมเกล้า", 1200),
        ("ตลาดน้ำบางพลี", 800),
    ]
    mueang = ckan.action.datastore_search(
        resource_id=res["id"], filters={"อำเภอ": "เมืองสมุทรปราการ"}, fields=["ชื่อสถานที่"]
    )
    assert mueang["records"] == [{"ชื่อสถานที่": "เมืองโบราณ"}, {"ชื่อสถานที่": "วัดอโศการาม"}]
    assert (
        ckan.action.datastore_search(resource_id=res["id"], filters={"ผู้เข้าชม": 800})["total"] == 1
    )
    assert ckan.action.datastore_search(resource_id=res["id"], q="บางปู")["total"] == 1
    # cell text comes back as text, exactly (never markup)
    assert (
        ckan.action.datastore_search(resource_id=res["id"], q="<script>")["records"][0]["หมายเหตุ"]
        == "<script>alert(1)</script>"
    )
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=res["id"], filters={"nope": 1})
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=res["id"], sort="nope")

    download = httpx.get(server.url + "/opendata/attractions-2568/table.csv", timeout=30)
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["ชื่อสถานที่", "อำเภอ", "ผู้เข้าชม", "หมายเหตุ"]
    assert rows[4] == ["วัดอโศการาม", "เมืองสมุทรปราการ", "300", "ริมทะเล, บางปู"]


def test_xlsx_formulas_are_values_and_dates_are_timestamps(
    server: Server, noi: dict[str, str]
) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["school", "students", "opened", "double"])
    ws.append(["โรงเรียนสมุทรปราการ", 1500, datetime(1902, 5, 1), "=B2*2"])
    ws.append(["Bang Phli School", 820, datetime(1955, 6, 1), '=HYPERLINK("http://evil")'])
    buf = io.BytesIO()
    book.save(buf)
    r = _upload(server, noi, "schools-xlsx", buf.getvalue(), "schools.xlsx")
    assert r.status_code == 201, r.text
    assert [f["type"] for f in r.json()["fields"]] == ["text", "numeric", "timestamp", "text"]
    got = httpx.get(
        server.url + "/api/3/action/datastore_search",
        params={"resource_id": r.json()["resource_id"], "sort": "opened"},
        timeout=30,
    ).json()["result"]["records"]
    # a formula never saved by Excel has no value: blank, never computed nor kept as text
    assert [(x["opened"], x["double"]) for x in got] == [
        ("1902-05-01T00:00:00", None),
        ("1955-06-01T00:00:00", None),
    ]


def _csv_rows(n: int) -> bytes:
    return ("a,b\n" + "".join(f"{i},x\n" for i in range(n))).encode()


BAD_FILES: list[tuple[str, bytes, str, int, str]] = [
    ("report.pdf", b"%PDF-1.7\n...", "file", 422, "PDF"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "file", 422, ".xls"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "file", 422, "binary"),
    ("empty.csv", b"", "file", 422, "empty"),
    ("header.csv", b"a,b,c\n", "file", 422, "no rows"),
    ("ragged.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n", "file", 422, "line 3 has 2 cells"),
    ("dupe.csv", b"a,b,a\n1,2,3\n", "file", 422, "repeated column"),
    ("blank.csv", b"a,,c\n1,2,3\n", "file", 422, "column 2 has no name"),
    ("reserved.csv", b"_id,b\n1,2\n", "file", 422, "reserved"),
    ("latin.csv", b"a,b\n\x81\x82,1\n", "file", 422, "neither UTF-8 nor Thai"),
    ("many.csv", _csv_rows(50_001), "file", 422, "more than 50000 rows"),
    ("wide.csv", (",".join(f"c{i}" for i in range(101)) + "\n" + "1," * 100 + "1\n").encode(),
     "file", 422, "at most 100"),
    ("huge.csv", b"a\n" + b"1\n" * (5 * 1024 * 1024 + 10), "file", 422, "larger than"),
    ("broken.xlsx", b"PK\x03\x04not really a zip", "file", 422, "broken .xlsx"),
]  # fmt: skip


@pytest.mark.parametrize(("filename", "data", "field", "status", "words"), BAD_FILES)
def test_bad_files_are_refused_naming_the_problem_and_nothing_is_stored(
    server: Server, noi: dict[str, str], filename: str, data: bytes, field: str, status: int,
    words: str,
) -> None:  # fmt: skip
    before = _stored(server.store)
    r = _upload(server, noi, "bad-file", data, filename)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert words in error["message"], error
    assert error["fields"][0]["field"] == field
    assert _stored(server.store) == before
    assert "bad-file" not in RemoteCKAN(server.url).action.package_list()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Bad Name!"}, "name"),
        ({"name": "air-quality-hourly"}, None),  # a built-in dataset's name: 409
        ({"title_en": " "}, "title_en"),
        ({"licence": "all-rights-reserved"}, "licence"),
        ({"frequency": "SOMETIMES"}, "frequency"),
        ({"keywords": ""}, "keywords"),
        ({"contact_email": "not-an-address"}, "contact_email"),
    ],
)
def test_bad_metadata_is_refused_before_the_file_is_read(
    server: Server, noi: dict[str, str], change: dict[str, str], field: str | None
) -> None:
    before = _stored(server.store)
    params: dict[str, Any] = {"name": "meta-check", **change}
    name = params.pop("name")
    r = _upload(server, noi, name, b"a\n1\n", "ok.csv", **params)
    assert r.status_code == (409 if field is None else 422), r.text
    if field:
        assert r.json()["error"]["fields"][0]["field"] == field
    assert _stored(server.store) == before


def test_replace_is_a_new_version_only_for_the_owner_and_delete_removes_it(
    server: Server, noi: dict[str, str]
) -> None:
    other = officer_headers(server, "somchai")
    assert (
        _upload(server, noi, "canal-works", b"khlong,km\nA,1.5\nB,2\n", "w.csv").status_code == 201
    )
    ckan = RemoteCKAN(server.url)
    rid = ckan.action.package_show(id="canal-works")["resources"][0]["id"]
    url = server.url + "/api/v1/opendata/datasets/canal-works"

    def put_file(headers: dict[str, str], data: bytes) -> httpx.Response:
        return httpx.put(
            url + "/file", headers=headers, files={"file": ("v.csv", data)}, timeout=30
        )

    assert put_file(other, b"khlong\nX\n").status_code == 403
    bad = put_file(noi, b"khlong,km\nC\n")
    assert bad.status_code == 422 and "inconsistent columns" in bad.json()["error"]["message"]
    r = put_file(noi, "คลอง,กม.,สถานะ\nคลองสำโรง,12,เสร็จ\n".encode("utf-8-sig"))
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["encoding"] == "utf-8-sig"
    assert r.json()["resource_id"] == rid  # the resource keeps its id across versions
    rows = ckan.action.datastore_search(resource_id=rid)
    assert rows["total"] == 1 and rows["records"][0]["สถานะ"] == "เสร็จ"
    listed = httpx.get(server.url + "/api/v1/opendata/datasets", headers=noi, timeout=30).json()
    assert {d["name"]: d["owner"] for d in listed["datasets"]}["canal-works"] == "noi"
    assert "CC-BY-4.0" in {c["id"] for c in listed["choices"]["licence"]}

    assert httpx.delete(url, headers=other, timeout=30).status_code == 403
    assert httpx.delete(url, timeout=30).status_code == 401
    assert httpx.delete(url, headers=noi, timeout=30).status_code == 204
    with pytest.raises(NotFound):
        ckan.action.package_show(id="canal-works")
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id=rid)
    assert httpx.delete(url, headers=noi, timeout=30).status_code == 404
    assert _upload(server, {}, "anon", b"a\n1\n", "a.csv").status_code == 401


def test_the_catalogue_with_uploads_still_conforms_to_dcat_ap(
    server: Server, noi: dict[str, str]
) -> None:
    from pyshacl import validate
    from rdflib import Graph, Literal
    from rdflib.namespace import DCAT, DCTERMS, RDF

    from tests.opendata.test_dcat import SHAPES

    if not SHAPES.exists():
        pytest.skip(f"{SHAPES} is absent")
    r = _upload(
        server,
        noi,
        "dcat-check",
        "ก,ข\n1,2\n".encode(),
        "d.csv",
        organization_en="",
        organization_th="",
    )
    assert r.status_code == 201, r.text
    g = Graph().parse(data=httpx.get(server.url + "/catalog.ttl", timeout=60).text, format="turtle")
    (node,) = g.subjects(DCTERMS.identifier, Literal(r.json()["id"]))
    assert (node, RDF.type, DCAT.Dataset) in g and list(g.objects(node, DCAT.distribution))
    assert Literal(META["title_th"], lang="th") in set(g.objects(node, DCTERMS.title))
    conforms, _, text = validate(g, shacl_graph=Graph().parse(SHAPES))
    assert conforms, text


def test_rows_are_filtered_sorted_and_paged_in_sql_on_both_engines(store: Store) -> None:
    from paknam.core import open_datasets as od
    from paknam.core.open_upload import parse_upload

    text = "name,district,n\nก,บางพลี,3\nข,บางบ่อ,\nค,บางพลี,10\nง,บางบ่อ,2.5\n"
    meta = {k: v for k, v in META.items() if k != "keywords"} | {"keywords": ["x"]}
    ds = od.create(store, "sql-rows", meta, parse_upload(text.encode()), owner="noi", filename="t")
    page, total = od.query_rows(
        store, ds, filters={}, q=None, sort=[("n", True)], limit=2, offset=1
    )
    assert total == 4 and [r["name"] for r in page] == ["ก", "ง"]  # 10, 3 | 2.5, NULL last
    page, total = od.query_rows(
        store, ds, filters={"district": ["บางพลี", "บางบ่อ"], "n": 2.5}, q=None, sort=[],
        limit=10, offset=0,
    )  # fmt: skip
    assert total == 1 and page == [{"name": "ง", "district": "บางบ่อ", "n": 2.5}]
    _, total = od.query_rows(store, ds, filters={}, q="บางพ", sort=[], limit=0, offset=0)
    assert total == 2
    assert [r[0] for r in od.iter_rows(store, ds, page=3)] == ["ก", "ข", "ค", "ง"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("อำเภอ;ประชากร\nบางบ่อ;120000\n".encode("utf-16"), "utf-16"),
        ("อำเภอ\tประชากร\nบางบ่อ\t120000\n".encode("tis-620"), "cp874"),
        ("\ufeffอำเภอ,ประชากร\nบางบ่อ,120000\n".encode(), "utf-8-sig"),
    ],
)
def test_thai_text_in_each_encoding_and_separator(data: bytes, encoding: str) -> None:
    from paknam.core.open_upload import parse_upload

    table = parse_upload(data)
    assert table.encoding == encoding
    assert table.fields == [("อำเภอ", "text"), ("ประชากร", "numeric")]
    assert table.rows == [["บางบ่อ", 120000]]


def test_the_csv_download_never_hands_a_spreadsheet_a_formula(
    server: Server, noi: dict[str, str]
) -> None:
    """Cells typed as ``=…``, ``+…``, ``@…`` or ``-…`` come back in the CSV with a leading
    apostrophe (a spreadsheet shows them as text), numbers stay numbers, and the CKAN
    datastore (JSON) keeps the cell exactly as it was uploaded."""
    text = (
        "name,note,change\n"
        'ก,"=HYPERLINK(""http://evil.example"",""x"")",-3.5\n'
        "ข,+66 81 234 5678,2\n"
        "ค,@SUM(A1:A2),-1\n"
        "ง,-2+3,0\n"
    )
    r = _upload(server, noi, "formula-cells", text.encode(), "f.csv")
    assert r.status_code == 201, r.text
    download = httpx.get(server.url + "/opendata/formula-cells/table.csv", timeout=30)
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[1:] == [
        ["ก", '\'=HYPERLINK("http://evil.example","x")', "-3.5"],
        ["ข", "'+66 81 234 5678", "2"],
        ["ค", "'@SUM(A1:A2)", "-1"],
        ["ง", "'-2+3", "0"],
    ]
    ckan = RemoteCKAN(server.url, user_agent="paknam-tests")
    res = ckan.action.package_show(id="formula-cells")["resources"][0]
    records = ckan.action.datastore_search(resource_id=res["id"], sort="name")["records"]
    assert [x["note"] for x in records] == [
        '=HYPERLINK("http://evil.example","x")',
        "+66 81 234 5678",
        "@SUM(A1:A2)",
        "-2+3",
    ]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"), ("+1", "+1"), ("-12.5", "-12.5"), ("-x", "'-x"), ("@a", "'@a"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("ปกติ", "ปกติ"), ("", ""), (7, 7), (None, None),
    ],
)  # fmt: skip
def test_spreadsheet_safe(cell: object, written: object) -> None:
    from paknam.core.tabular import spreadsheet_safe

    assert spreadsheet_safe(cell) == written
