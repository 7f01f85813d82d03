"""The open-data catalogue: every dataset the domains register, with its resources, its
coverage in time and space, and its rows (the datastore), for the CKAN, DCAT-AP and CSV
interfaces.

A dataset is either a *series* dataset (observations of the stations' series for some
quantities: its datastore resource reads the observations table) or a *table* dataset
(rows a domain gives, already anonymised), plus links to the platform's own API. The
platform adds one dataset of its own: the indicator board. Officers add *uploaded*
datasets (:mod:`paknam.core.open_datasets`): their one resource reads the stored rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from paknam import __version__
from paknam.api.indicators import cached_board
from paknam.core import open_datasets as uploads
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput, NotFound
from paknam.core.observations import RowQuery
from paknam.core.quantities import QUANTITY_BY_CODE
from paknam.core.registry import Dataset, Link, Table, datasets
from paknam.core.store import Store
from paknam.core.timeutil import to_local_iso

NAMESPACE = uuid.UUID("6f1d3c1e-1f2b-5d8e-9a57-70616b6e616d")
"""uuid5 namespace of the catalogue's stable ids (datasets, resources, organisations)."""

LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": (
        "Creative Commons CCZero 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODC-BY-1.0": (
        "Open Data Commons Attribution License 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
}
"""SPDX id -> (title, URL) of the licences datasets may name (and officers choose from)."""

THEMES_TH: dict[str, str] = {
    "ENVI": "สิ่งแวดล้อม",
    "GOVE": "การบริหารจัดการ",
    "ENER": "พลังงาน",
    "ECON": "เศรษฐกิจ",
    "EDUC": "การศึกษา",
    "SOCI": "สังคมและสวัสดิการ",
    "REGI": "เมืองและภูมิภาค",
    "HEAL": "สาธารณสุข",
    "TRAN": "คมนาคม",
}
"""Thai names of the themes (an uploaded dataset's CKAN group)."""

GEO_COVERAGE: tuple[str, ...] = (
    "ประเทศ", "ภูมิภาค", "จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน", "อื่นๆ",
)  # fmt: skip
"""thai_gdc ``geo_coverage`` values."""

THEMES: dict[str, str] = {
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "ENER": "Energy",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "SOCI": "Population and society",
    "REGI": "Regions and cities",
    "HEAL": "Health",
    "TRAN": "Transport",
}
"""EU data themes (publications.europa.eu data-theme authority) used as CKAN groups."""

FREQUENCY_TH: dict[str, tuple[str, str]] = {
    "CONT": ("ตามเวลาจริง", "1"),
    "UPDATE_CONT": ("ตามเวลาจริง", "1"),
    "HOURLY": ("ชั่วโมง", "1"),
    "DAILY": ("วัน", "1"),
    "WEEKLY": ("สัปดาห์", "1"),
    "MONTHLY": ("เดือน", "1"),
    "ANNUAL": ("ปี", "1"),
    "IRREG": ("อื่นๆ", ""),
}
"""EU frequency code -> thai_gdc ``update_frequency_unit`` and ``update_frequency_interval``."""

SERIES_FIELDS: tuple[tuple[str, str], ...] = (
    ("station", "text"),
    ("quantity", "text"),
    ("time", "timestamp"),
    ("value", "numeric"),
    ("unit", "text"),
)
"""Columns of a series dataset's datastore resource."""


def stable_id(*parts: str) -> str:
    """A UUID (text) that stays the same for the same parts."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass(frozen=True, slots=True)
class Organisation:
    key: str
    name: str
    title_th: str
    title_en: str
    email: str

    @property
    def id(self) -> str:
        return stable_id("organization", self.key)


def organisations(store: Store | None = None) -> dict[str, Organisation]:
    """The publishers datasets name (``Dataset.publisher``); with ``store``, also those of
    the uploaded datasets."""
    s = get_settings()
    out = {
        "city": Organisation(
            "city", "city-data-platform", s.opendata_publisher_th, s.opendata_publisher_en,
            s.opendata_contact_email,
        ),
    }  # fmt: skip
    if store is not None:
        for u in uploads.list_all(store):
            org = upload_organisation(u)
            out.setdefault(org.key, org)
    return out


def _slug(text: str) -> str:
    return "-".join(
        "".join(c if c.isascii() and c.isalnum() else " " for c in text.lower()).split()
    )


def upload_organisation(u: uploads.OpenDataset) -> Organisation:
    """The publisher an uploaded dataset names (the city's when it names none)."""
    m = u.meta
    slug = _slug(m.get("organization_en") or "")
    if not slug:
        return organisations()["city"]
    email = m.get("contact_email") or get_settings().opendata_contact_email
    return Organisation(
        f"u-{slug}", slug[:100], m.get("organization_th") or m["organization_en"],
        m["organization_en"], email,
    )  # fmt: skip


def upload_dataset(u: uploads.OpenDataset) -> Dataset:
    """An uploaded dataset as the registry's :class:`Dataset` (no rows function: its rows
    are read in SQL)."""
    m = u.meta
    theme = m.get("theme") or "REGI"
    return Dataset(
        name=u.name, title_th=m["title_th"], title_en=m["title_en"],
        notes_th=m["notes_th"], notes_en=m["notes_en"], keywords=tuple(m.get("keywords") or ()),
        theme=theme, category_th=THEMES_TH.get(theme, theme),
        frequency=m.get("frequency") or "IRREG", publisher=upload_organisation(u).key,
        licence=m.get("licence") or "CC-BY-4.0", licence_note=m.get("data_source") or "",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource of a dataset. ``kind``: ``series`` / ``table`` (in the datastore,
    downloadable as CSV) or ``link`` (an API path or feed)."""

    id: str
    dataset: str
    key: str
    kind: str
    name_th: str
    name_en: str
    format: str
    path: str
    position: int

    @property
    def datastore(self) -> bool:
        return self.kind in ("series", "table", "upload")


@dataclass
class Entry:
    """A dataset with what the catalogue knows of it now."""

    ds: Dataset
    org: Organisation
    resources: list[Resource]
    series: list[dict[str, Any]] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    rows: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    upload: uploads.OpenDataset | None = None

    @property
    def id(self) -> str:
        return stable_id("dataset", self.ds.name)


def _indicator_table(store: Store) -> Table:
    records = cached_board(store, None)
    names = ("id", "domain", "name_th", "name_en", "unit", "value", "period", "status", "basis")
    kinds = ("text", "text", "text", "text", "text", "numeric", "text", "text", "text")
    rows = []
    for r in records:
        row = {n: r.get(n) for n in names}
        row["period"] = None if row["period"] is None else str(row["period"])
        value = row["value"]
        row["value"] = value if isinstance(value, int | float) else None
        rows.append(row)
    return Table(fields=tuple(zip(names, kinds, strict=True)), rows=rows)


PLATFORM_DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="indicator-board",
        title_th="กระดานตัวชี้วัดเมืองอัจฉริยะ",
        title_en="Smart city indicator board",
        notes_th="ตัวชี้วัดทุกตัวของข้อเสนอเมืองอัจฉริยะ พร้อมค่าปัจจุบัน เป้าหมาย และสถานะ "
        "คำนวณจากข้อมูลของแพลตฟอร์ม",
        notes_en="Every indicator of the smart-city proposal with its value, target and "
        "status, computed from the platform's data.",
        keywords=("indicators", "smart city", "ตัวชี้วัด", "เมืองอัจฉริยะ"),
        theme="REGI",
        category_th="เมืองและภูมิภาค",
        frequency="DAILY",
        table=_indicator_table,
        links=(Link("json", "/api/v1/indicators", "JSON", "ตัวชี้วัด (JSON)", "Indicators (JSON)"),),
    ),
)


def all_datasets(store: Store | None = None) -> list[Dataset]:
    """The domains' datasets and the platform's, in the domains' order; with ``store``,
    the uploaded datasets after them."""
    found = [*datasets(), *PLATFORM_DATASETS]
    if store is not None:
        found += [upload_dataset(u) for u in uploads.list_all(store)]
    return found


def builtin_names() -> set[str]:
    """Names an uploaded dataset may not take."""
    return {d.name for d in all_datasets()}


def _resources(ds: Dataset, upload: uploads.OpenDataset | None = None) -> list[Resource]:
    out: list[Resource] = []

    def add(key: str, kind: str, th: str, en: str, fmt: str, path: str) -> None:
        out.append(
            Resource(stable_id("resource", ds.name, key), ds.name, key, kind, th, en, fmt, path,
                     len(out))
        )  # fmt: skip

    if upload is not None:
        add("table", "upload", "ตารางข้อมูล", "Table", "CSV", "")
    if ds.quantities:
        add("observations", "series", "ค่าตรวจวัด", "Observations", "CSV", "")
    if ds.table is not None:
        add("table", "table", "ตารางข้อมูล", "Table", "CSV", "")
    for link in ds.links:
        add(link.key, "link", link.name_th, link.name_en, link.format, link.path)
    return out


def entries(store: Store, *, names: Sequence[str] | None = None) -> list[Entry]:
    """The catalogue's datasets (all, or those ``names``), with coverage from the store."""
    orgs = organisations(store)
    uploaded = {u.name: u for u in uploads.list_all(store)}
    every = [*all_datasets(), *(upload_dataset(u) for u in uploaded.values())]
    wanted = [d for d in every if names is None or d.name in names]
    index = store.series_index() if any(d.quantities for d in wanted) else []
    out: list[Entry] = []
    coords: dict[str, tuple[float, float, str]] = {}
    if index:
        coords = {s.id: (s.lon, s.lat, s.kind) for s in store.list_stations()}
    chosen = {
        d.name: [
            s for s in index
            if s["quantity"] in d.quantities
            and (not d.station_kinds or coords.get(s["station"], (0, 0, ""))[2] in d.station_kinds)
        ]
        for d in wanted
    }  # fmt: skip
    spans = store.time_spans([s["series_id"] for ss in chosen.values() for s in ss])
    for d in wanted:
        org = orgs.get(d.publisher) or orgs["city"]
        u = uploaded.get(d.name)
        e = Entry(d, org, _resources(d, u), chosen[d.name], upload=u)
        if u is not None:
            e.end, e.rows = u.modified_s, u.row_count
        have = [spans[s["series_id"]] for s in e.series if s["series_id"] in spans]
        if have:
            e.start, e.end = min(h[0] for h in have), max(h[1] for h in have)
            e.rows = sum(h[2] for h in have)
        points = [coords[s["station"]][:2] for s in e.series if s["station"] in coords]
        if points:
            lons, lats = [p[0] for p in points], [p[1] for p in points]
            e.bbox = (min(lons), min(lats), max(lons), max(lats))
        out.append(e)
    return out


def entry(store: Store, name_or_id: str) -> Entry:
    """One dataset by name or id; :class:`NotFound` otherwise."""
    for d in all_datasets(store):
        if name_or_id in (d.name, stable_id("dataset", d.name)):
            return entries(store, names=[d.name])[0]
    raise NotFound(f"dataset {name_or_id!r} not found")


def resource(store: Store, resource_id: str) -> tuple[Entry, Resource]:
    """A resource by id (its uuid, or ``<dataset>/<key>``) and its dataset."""
    candidates: list[tuple[Dataset, uploads.OpenDataset | None]]
    candidates = [(d, None) for d in all_datasets()]
    candidates += [(upload_dataset(u), u) for u in uploads.list_all(store)]
    for d, u in candidates:
        for r in _resources(d, u):
            if resource_id in (r.id, f"{d.name}/{r.key}"):
                return entries(store, names=[d.name])[0], r
    raise NotFound(f"resource {resource_id!r} not found")


# ---- the datastore: rows of a resource ---------------------------------------------------


@dataclass
class Rows:
    """One page of a datastore resource."""

    fields: Sequence[tuple[str, str]]
    records: list[dict[str, Any]]
    total: int


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _time_bound(value: Any, name: str) -> int:
    from paknam.core.timeutil import parse_time

    try:
        return parse_time(value)
    except Exception:
        raise InvalidInput(f"{name}: not a time: {value!r}", field=name) from None


def series_rows(
    e: Entry,
    *,
    filters: Mapping[str, Any],
    q: str | None,
    sort: Sequence[tuple[str, bool]],
    limit: int,
    offset: int,
) -> tuple[RowQuery, dict[int, dict[str, Any]]]:
    """The observation query of a series resource and its series by id."""
    unknown = sorted(set(filters) - {"station", "quantity", "time", "value"})
    if unknown:
        raise InvalidInput(f"unknown filter field(s): {', '.join(unknown)}", field="filters")
    series = list(e.series)
    if "station" in filters:
        keep = {str(v) for v in _as_list(filters["station"])}
        series = [s for s in series if s["station"] in keep]
    if "quantity" in filters:
        keep = {str(v) for v in _as_list(filters["quantity"])}
        series = [s for s in series if s["quantity"] in keep]
    if q:
        term = q.casefold()
        series = [s for s in series if term in s["station"].casefold() or term in s["quantity"]]
    where: tuple[object, ...] | None = None
    conds: list[tuple[object, ...]] = []
    for column in ("time", "value"):
        if column in filters:
            values = _as_list(filters[column])
            alts: tuple[object, ...] | None = None
            for v in values:
                num = _time_bound(v, column) if column == "time" else _number(v, column)
                c: tuple[object, ...] = ("cmp", "eq", column, num)
                alts = c if alts is None else ("or", alts, c)
            if alts is not None:
                conds.append(alts)
    for c in conds:
        where = c if where is None else ("and", where, c)
    order = [(("series" if c == "station" or c == "quantity" else c), d) for c, d in sort]
    query = RowQuery(
        [s["series_id"] for s in series],
        where=where,
        order=order or (("time", False), ("series", False)),
        limit=limit,
        offset=offset,
    )
    return query, {s["series_id"]: s for s in series}


def _number(v: Any, name: str) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name}: not a number: {v!r}", field=name) from None


def parse_sort(sort: str | None, columns: Sequence[str]) -> list[tuple[str, bool]]:
    """CKAN's ``sort`` (``"time desc, value"``) as (column, descending) pairs."""
    out = []
    for part in (sort or "").split(","):
        words = part.strip().strip('"').split()
        if not words:
            continue
        column = words[0].strip('"')
        if column not in columns:
            raise InvalidInput(f"cannot sort by {column!r}", field="sort")
        desc = len(words) > 1 and words[1].lower() == "desc"
        out.append((column, desc))
    return out


def read_rows(
    store: Store,
    e: Entry,
    r: Resource,
    *,
    filters: Mapping[str, Any] | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    total: bool = True,
) -> Rows:
    """A page of a datastore resource, filtered (exact values), searched and sorted."""
    filters = dict(filters or {})
    if r.kind == "upload" and e.upload is not None:
        names = [f for f, _ in e.upload.fields]
        records, count = uploads.query_rows(
            store, e.upload, filters=filters, q=q, sort=parse_sort(sort, names),
            limit=limit, offset=offset, total=total,
        )  # fmt: skip
        return Rows(e.upload.fields, records, count)
    if r.kind == "series":
        order = parse_sort(sort, [f for f, _ in SERIES_FIELDS if f != "unit"])
        query, by_id = series_rows(e, filters=filters, q=q, sort=order, limit=limit, offset=offset)
        rows = store.query_observations(query)
        times = [t for _, t, _ in rows]
        records = []
        for (sid, _, v), t in zip(rows, times, strict=True):
            s = by_id[sid]
            quantity = QUANTITY_BY_CODE.get(s["quantity"])
            records.append(
                {
                    "station": s["station"],
                    "quantity": s["quantity"],
                    "time": to_local_iso(t),
                    "value": v,
                    "unit": quantity.unit if quantity else None,
                }
            )
        count = store.count_observations_where(query) if total else len(records)
        return Rows(SERIES_FIELDS, records, count)
    if r.kind != "table" or e.ds.table is None:
        raise InvalidInput(f"resource {r.id} is not in the datastore", field="resource_id")
    table = e.ds.table(store)
    names = [f for f, _ in table.fields]
    unknown = sorted(set(filters) - set(names))
    if unknown:
        raise InvalidInput(f"unknown filter field(s): {', '.join(unknown)}", field="filters")
    selected = [
        row for row in table.rows
        if all(_matches(row.get(k), v) for k, v in filters.items())
        and (not q or any(q.casefold() in str(x).casefold() for x in row.values() if x is not None))
    ]  # fmt: skip
    for column, desc in reversed(parse_sort(sort, names)):
        selected.sort(key=_sort_key(column), reverse=desc)
    page = [dict(row) for row in selected[offset : offset + limit]]
    return Rows(table.fields, page, len(selected))


def _sort_key(column: str) -> Callable[[Mapping[str, Any]], tuple[bool, Any]]:
    def key(row: Mapping[str, Any]) -> tuple[bool, Any]:
        return (row.get(column) is None, row.get(column))

    return key


def _matches(value: Any, wanted: Any) -> bool:
    return any(str(value) == str(w) for w in _as_list(wanted))


def iter_csv_rows(store: Store, e: Entry, r: Resource, page: int = 10_000) -> Iterator[list[Any]]:
    """Every row of a datastore resource, header first (for the CSV download)."""
    fields = SERIES_FIELDS if r.kind == "series" else None
    if r.kind == "upload" and e.upload is not None:
        yield [f for f, _ in e.upload.fields]
        yield from uploads.iter_rows(store, e.upload)
        return
    if r.kind == "table" and e.ds.table is not None:
        table = e.ds.table(store)
        yield [f for f, _ in table.fields]
        for row in table.rows:
            yield [row.get(f) for f, _ in table.fields]
        return
    assert fields is not None
    yield [f for f, _ in fields]
    for s in e.series:  # one series at a time, oldest first
        offset = 0
        while True:
            got = read_rows(
                store, e, r,
                filters={"station": s["station"], "quantity": s["quantity"]},
                sort="time", limit=page, offset=offset, total=False,
            )  # fmt: skip
            for rec in got.records:
                yield [rec[f] for f, _ in fields]
            if len(got.records) < page:
                break
            offset += page


def generator() -> str:
    return f"paknam {__version__}"
