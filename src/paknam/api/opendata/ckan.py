"""The CKAN Action API (read) over the open-data catalogue, at ``/api/3/action/`` and
``/api/action/`` (CKAN serves both; the ``ckanapi`` client calls the latter).

Answers use CKAN's envelope ``{"help", "success", "result"}``; errors are CKAN's too
(``{"success": false, "error": {"__type", "message"}}`` with 400, 403, 404 or 409), so
harvesters and ``ckanapi.RemoteCKAN`` work unchanged. Actions take their parameters from
the query string (GET) or a JSON body (POST, as ``ckanapi`` sends them). Only reading:
``datastore_search_sql`` and every write action are refused with an Authorization Error.

Also the CSV download of every datastore resource: ``/opendata/{dataset}/{resource}.csv``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from paknam.api.opendata import catalogue as cat
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput, NotFound, PaknamError
from paknam.core.http.jsonbody import parse_json_body
from paknam.core.http.responses import FastJSONResponse
from paknam.core.store import Store
from paknam.core.tabular import spreadsheet_safe
from paknam.core.timeutil import now_s

router = APIRouter(tags=["open data: CKAN"])

CKAN_VERSION = "2.10.4"
"""The CKAN API version these answers follow."""
MAX_ROWS = 1000
"""Most datasets ``package_search`` returns at once (CKAN's ``ckan.search.rows_max``)."""
MAX_LIMIT = 32_000
"""Most records ``datastore_search`` returns at once (CKAN's default)."""
WRITE_PREFIXES = ("_create", "_update", "_patch", "_delete", "_purge", "_upsert", "_insert")


class CkanError(Exception):
    def __init__(self, status: int, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.extra = status, kind, message, extra


def _base() -> str:
    return get_settings().public_base_url.rstrip("/")


def _ckan_time(epoch_s: int | None) -> str | None:
    if epoch_s is None:
        return None
    return (
        datetime.fromtimestamp(epoch_s, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    )


def resource_url(e: cat.Entry, r: cat.Resource) -> str:
    if r.kind == "link":
        return r.path if r.path.startswith(("http://", "https://")) else _base() + r.path
    return f"{_base()}/opendata/{e.ds.name}/{r.key}.csv"


def resource_dict(e: cat.Entry, r: cat.Resource) -> dict[str, Any]:
    return {
        "id": r.id,
        "package_id": e.id,
        "name": r.name_en,
        "name_th": r.name_th,
        "name_translated": {"th": r.name_th, "en": r.name_en},
        "description": "",
        "format": r.format,
        "mimetype": {"CSV": "text/csv", "JSON": "application/json"}.get(r.format),
        "url": resource_url(e, r),
        "url_type": None,
        "datastore_active": r.datastore,
        "position": r.position,
        "state": "active",
        "created": _ckan_time(e.start),
        "last_modified": _ckan_time(e.end),
    }


def organization_dict(org: cat.Organisation, count: int | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": org.id,
        "name": org.name,
        "title": org.title_en,
        "display_name": org.title_en,
        "title_translated": {"th": org.title_th, "en": org.title_en},
        "description": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
    }
    if count is not None:
        d["package_count"] = count
    return d


def group_dict(theme: str, title_th: str, count: int | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": cat.stable_id("group", theme),
        "name": theme.lower(),
        "title": cat.THEMES.get(theme, theme),
        "display_name": cat.THEMES.get(theme, theme),
        "title_translated": {"th": title_th, "en": cat.THEMES.get(theme, theme)},
        "type": "group",
        "is_organization": False,
        "state": "active",
        "description": "",
        "image_url": "",
    }
    if count is not None:
        d["package_count"] = count
    return d


def package_dict(e: cat.Entry) -> dict[str, Any]:
    """A dataset as CKAN's ``package_show`` gives it, with the thai_gdc fields."""
    ds = e.ds
    lic_title, lic_url = cat.LICENCES.get(ds.licence, (ds.licence, ""))
    freq_unit, freq_interval = cat.FREQUENCY_TH.get(ds.frequency, ("อื่นๆ", ""))
    modified = e.end if e.end is not None else now_s()
    spatial = None
    if e.bbox is not None:
        w, s, east, n = e.bbox
        spatial = json.dumps(
            {"type": "Polygon", "coordinates": [[[w, s], [east, s], [east, n], [w, n], [w, s]]]}
        )
    extras = [
        {"key": "frequency", "value": ds.frequency},
        {"key": "theme", "value": ds.theme},
        {"key": "licence_note", "value": ds.licence_note},
        {"key": "temporal_start", "value": _ckan_time(e.start) or ""},
        {"key": "temporal_end", "value": _ckan_time(e.end) or ""},
    ]
    if spatial:
        extras.append({"key": "spatial", "value": spatial})
    resources = [resource_dict(e, r) for r in e.resources]
    return {
        "id": e.id,
        "name": ds.name,
        "title": ds.title_en,
        "notes": ds.notes_en,
        "title_translated": {"th": ds.title_th, "en": ds.title_en},
        "notes_translated": {"th": ds.notes_th, "en": ds.notes_en},
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": ds.licence in cat.LICENCES,
        "url": f"{_base()}/opendata/{ds.name}",
        "version": None,
        "author": e.org.title_en,
        "author_email": None,
        "maintainer": e.org.title_en,
        "maintainer_email": e.org.email,
        "license_id": ds.licence,
        "license_title": lic_title,
        "license_url": lic_url,
        "metadata_created": _ckan_time(e.start) or _ckan_time(modified),
        "metadata_modified": _ckan_time(modified),
        "owner_org": e.org.id,
        "organization": organization_dict(e.org),
        "groups": [group_dict(ds.theme, ds.category_th)],
        "tags": [
            {"id": cat.stable_id("tag", k), "name": k, "display_name": k, "state": "active"}
            for k in ds.keywords
        ],
        "num_tags": len(ds.keywords),
        "resources": resources,
        "num_resources": len(resources),
        "extras": extras,
        # ckanext-thai_gdc (Government Data Catalog) fields
        "data_type": "ข้อมูลสถิติ" if (ds.quantities or ds.table) else "ข้อมูลหลากหลายประเภท",
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "objective": ["เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": freq_unit,
        "update_frequency_interval": freq_interval,
        "geo_coverage": "จังหวัด",
        "data_source": ds.licence_note or e.org.title_th,
        "data_format": sorted({r.format for r in e.resources}),
        "data_language": ["ไทย", "อังกฤษ"],
        **(_upload_fields(e.upload) if e.upload is not None else {}),
    }


def _upload_fields(u: Any) -> dict[str, Any]:
    """An uploaded dataset's own thai_gdc fields (and its version)."""
    m = u.meta
    out: dict[str, Any] = {"version": str(u.version)}
    if m.get("geo_coverage"):
        out["geo_coverage"] = m["geo_coverage"]
    if m.get("objective"):
        out["objective"] = [m["objective"]]
    if m.get("data_source"):
        out["data_source"] = m["data_source"]
    return out


# ---- actions -----------------------------------------------------------------------------


def _int(params: dict[str, Any], name: str, default: int, lo: int, hi: int) -> int:
    value = params.get(name, default)
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise CkanError(
            409, "Validation Error", f"{name}: Invalid integer", **{name: ["Invalid integer"]}
        ) from None
    if not lo <= n <= hi:
        raise CkanError(
            409,
            "Validation Error",
            f"{name}: Must be between {lo} and {hi}",
            **{name: [f"Must be between {lo} and {hi}"]},
        )
    return n


def _id(params: dict[str, Any], name: str = "id") -> str:
    value = params.get(name)
    if not value:
        raise CkanError(
            409, "Validation Error", f"{name}: Missing value", **{name: ["Missing value"]}
        )
    return str(value)


def _json_param(params: dict[str, Any], name: str, default: Any) -> Any:
    value = params.get(name, default)
    if isinstance(value, str):
        try:
            return parse_json_body(value.encode())
        except InvalidInput:
            if name == "fields":
                return [v.strip() for v in value.split(",") if v.strip()]
            raise CkanError(
                409,
                "Validation Error",
                f"{name}: Cannot parse JSON",
                **{name: ["Cannot parse JSON"]},
            ) from None
    return value


def _flag(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def package_list(store: Store, params: dict[str, Any]) -> Any:
    names = sorted(d.name for d in cat.all_datasets(store))
    limit = _int(params, "limit", len(names), 0, 10_000)
    offset = _int(params, "offset", 0, 0, 10_000)
    return names[offset : offset + limit]


def package_show(store: Store, params: dict[str, Any]) -> Any:
    return package_dict(cat.entry(store, _id(params)))


def _facet_values(d: dict[str, Any], field: str) -> list[str]:
    if field == "organization":
        return [d["organization"]["name"]]
    if field == "groups":
        return [g["name"] for g in d["groups"]]
    if field == "tags":
        return [t["name"] for t in d["tags"]]
    if field == "res_format":
        return [r["format"] for r in d["resources"]]
    if field == "license_id":
        return [d["license_id"]]
    value = d.get(field)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def _text(d: dict[str, Any]) -> str:
    parts = [d["name"], d["title"], d["notes"], *d["title_translated"].values()]
    parts += [*d["notes_translated"].values(), *(t["name"] for t in d["tags"])]
    parts += [d["organization"]["name"], *(g["name"] for g in d["groups"])]
    return " ".join(parts).casefold()


def _fq_match(d: dict[str, Any], fq: str) -> bool:
    for clause in fq.split():
        clause = clause.lstrip("+")
        if ":" not in clause:
            continue
        field, value = clause.split(":", 1)
        value = value.strip('"')
        if field == "dataset_type":
            if value != "dataset":
                return False
            continue
        if field in ("name", "id"):
            if d[field] != value:
                return False
            continue
        if value not in _facet_values(d, field):
            return False
    return True


def _field_key(field: str) -> Callable[[dict[str, Any]], str]:
    def key(d: dict[str, Any]) -> str:
        return str(d[field] or "")

    return key


def package_search(store: Store, params: dict[str, Any]) -> Any:
    q = str(params.get("q") or "").strip()
    fq = str(params.get("fq") or "")
    rows = _int(params, "rows", 10, 0, MAX_ROWS)
    start = _int(params, "start", 0, 0, 1_000_000)
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    found = [package_dict(e) for e in cat.entries(store)]
    if q and q not in ("*:*", "*"):
        terms = [t.casefold() for t in q.split() if t]
        found = [d for d in found if all(t in _text(d) for t in terms)]
    if fq:
        found = [d for d in found if _fq_match(d, fq)]
    for part in reversed([p.strip() for p in sort.split(",") if p.strip()]):
        words = part.split()
        key = {"title_string": "title"}.get(words[0], words[0])
        if key == "score":
            continue
        if key not in ("name", "title", "metadata_modified", "metadata_created"):
            raise CkanError(
                409,
                "Validation Error",
                f"cannot sort by {words[0]}",
                sort=[f"cannot sort by {words[0]}"],
            )
        found.sort(key=_field_key(key), reverse=len(words) > 1 and words[1] == "desc")
    facet_fields = _json_param(params, "facet.field", [])
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field in facet_fields if isinstance(facet_fields, list) else []:
        counts = Counter(v for d in found for v in set(_facet_values(d, str(field))))
        facets[field] = dict(counts)
        search_facets[field] = {
            "title": field,
            "items": [{"name": k, "display_name": k, "count": n} for k, n in counts.most_common()],
        }
    return {
        "count": len(found),
        "sort": sort,
        "results": found[start : start + rows],
        "facets": facets,
        "search_facets": search_facets,
    }


def organization_list(store: Store, params: dict[str, Any]) -> Any:
    counts = Counter(d.publisher for d in cat.all_datasets(store))
    orgs = [o for k, o in cat.organisations(store).items() if counts.get(k)]
    if _flag(params, "all_fields", False):
        return [organization_dict(o, counts[o.key]) for o in orgs]
    return [o.name for o in orgs]


def organization_show(store: Store, params: dict[str, Any]) -> Any:
    wanted = _id(params)
    for key, o in cat.organisations(store).items():
        if wanted in (o.name, o.id, key):
            mine = [e for e in cat.entries(store) if e.org.key == key]
            d = organization_dict(o, len(mine))
            if _flag(params, "include_datasets", False):
                d["packages"] = [package_dict(e) for e in mine]
            return d
    raise NotFound(f"organization {wanted!r} not found")


def _groups(store: Store) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for d in cat.all_datasets(store):
        title, n = out.get(d.theme, (d.category_th, 0))
        out[d.theme] = (title, n + 1)
    return out


def group_list(store: Store, params: dict[str, Any]) -> Any:
    groups = _groups(store)
    if _flag(params, "all_fields", False):
        return [group_dict(t, th, n) for t, (th, n) in sorted(groups.items())]
    return sorted(t.lower() for t in groups)


def group_show(store: Store, params: dict[str, Any]) -> Any:
    wanted = _id(params)
    for t, (th, n) in _groups(store).items():
        if wanted in (t.lower(), t, cat.stable_id("group", t)):
            return group_dict(t, th, n)
    raise NotFound(f"group {wanted!r} not found")


def tag_list(store: Store, params: dict[str, Any]) -> Any:
    tags = sorted({k for d in cat.all_datasets(store) for k in d.keywords})
    query = str(params.get("query") or "").casefold()
    return [t for t in tags if query in t.casefold()]


def resource_show(store: Store, params: dict[str, Any]) -> Any:
    e, r = cat.resource(store, _id(params))
    return resource_dict(e, r)


def datastore_search(store: Store, params: dict[str, Any]) -> Any:
    resource_id = _id(params, "resource_id")
    e, r = cat.resource(store, resource_id)
    if not r.datastore:
        raise NotFound(f"resource {resource_id!r} has no datastore table")
    filters = _json_param(params, "filters", {}) or {}
    if not isinstance(filters, dict):
        raise CkanError(409, "Validation Error", "filters: Not a dict", filters=["Not a dict"])
    q = params.get("q")
    if isinstance(q, dict):
        raise CkanError(
            409,
            "Validation Error",
            "q: only a full-text string is supported",
            q=["only a full-text string is supported"],
        )
    limit = _int(params, "limit", 100, 0, MAX_LIMIT)
    offset = _int(params, "offset", 0, 0, 100_000_000)
    rows = cat.read_rows(
        store, e, r,
        filters=filters, q=str(q) if q else None, sort=params.get("sort"),
        limit=limit, offset=offset, total=_flag(params, "include_total", True),
    )  # fmt: skip
    wanted = _json_param(params, "fields", None)
    names = [f for f, _ in rows.fields]
    if wanted:
        wanted = [str(w) for w in (wanted if isinstance(wanted, list) else [wanted])]
        unknown = [w for w in wanted if w not in names and w != "_id"]
        if unknown:
            raise CkanError(
                409,
                "Validation Error",
                f"fields: unknown {unknown}",
                fields=[f"field {unknown[0]!r} not in table"],
            )
    else:
        wanted = ["_id", *names]
    records = []
    for i, rec in enumerate(rows.records):
        full = {"_id": offset + i + 1, **rec}
        records.append({k: full[k] for k in wanted if k in full})
    types = {"_id": "int", **dict(rows.fields)}
    base = f"/api/3/action/datastore_search?resource_id={r.id}"
    return {
        "resource_id": r.id,
        "include_total": True,
        "fields": [{"id": k, "type": types[k]} for k in wanted],
        "records": records,
        "records_format": "objects",
        "limit": limit,
        "offset": offset,
        "total": rows.total,
        "total_was_estimated": False,
        "_links": {"start": base, "next": f"{base}&offset={offset + limit}"},
    }


def status_show(store: Store, params: dict[str, Any]) -> Any:
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": get_settings().opendata_publisher_en + " open data",
        "site_description": "paknam city data platform",
        "site_url": _base(),
        "locale_default": "th",
        "extensions": ["datastore", "dcat", "thai_gdc fields (read)"],
        "generator": cat.generator(),
    }


ACTIONS: dict[str, Callable[[Store, dict[str, Any]], Any]] = {
    "package_list": package_list,
    "current_package_list_with_resources": lambda s, p: package_search(
        s, {"rows": p.get("limit", MAX_ROWS), "start": p.get("offset", 0), "sort": "name asc"}
    )["results"],
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": tag_list,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
    "status_show": status_show,
}


def _help(request: Request, action: str) -> str:
    return f"{_base()}/api/3/action/help_show?name={action}"


def _answer(request: Request, action: str, params: dict[str, Any]) -> FastJSONResponse:
    help_url = _help(request, action)
    try:
        if action == "datastore_search_sql":
            raise CkanError(
                403, "Authorization Error",
                "Access denied: datastore_search_sql is not offered here; use datastore_search "
                "(filters, q, sort, limit, offset, fields)",
            )  # fmt: skip
        if action.endswith(WRITE_PREFIXES) or action.startswith(("member_", "user_")):
            raise CkanError(
                403, "Authorization Error", f"Access denied: {action} is read-only here"
            )
        fn = ACTIONS.get(action)
        if fn is None:
            return FastJSONResponse(
                {
                    "help": help_url,
                    "success": False,
                    "error": {"message": f"Bad request - Action name not known: {action}"},
                },
                status_code=400,
            )
        result = fn(request.app.state.store, params)
    except CkanError as exc:
        return _error(help_url, exc.status, exc.kind, exc.message, exc.extra)
    except NotFound as exc:
        return _error(help_url, 404, "Not Found Error", f"Not found: {exc}", {})
    except InvalidInput as exc:
        field = exc.field or "__all__"
        return _error(help_url, 409, "Validation Error", str(exc), {field: [str(exc)]})
    except PaknamError as exc:
        return _error(help_url, 409, "Validation Error", str(exc), {})
    return FastJSONResponse({"help": help_url, "success": True, "result": result})


def _error(
    help_url: str, status: int, kind: str, message: str, extra: dict[str, Any]
) -> FastJSONResponse:
    return FastJSONResponse(
        {
            "help": help_url,
            "success": False,
            "error": {"__type": kind, "message": message, **extra},
        },
        status_code=status,
    )


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        if body:
            ctype = request.headers.get("content-type", "")
            if "json" in ctype or body[:1] in (b"{", b"["):
                try:  # bounded nesting: a deep body is the client's error, never a 500
                    data = parse_json_body(body)
                except InvalidInput as exc:
                    raise CkanError(
                        400, "Validation Error", f"Bad request - JSON Error: {exc}"
                    ) from None
                if not isinstance(data, dict):
                    raise CkanError(
                        400, "Validation Error", "Bad request - JSON Error: not an object"
                    )
                params.update(data)
            else:
                form = await request.form()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


async def _action(action: str, request: Request) -> FastJSONResponse:
    try:
        params = await _params(request)
    except CkanError as exc:
        return _error(_help(request, action), exc.status, exc.kind, exc.message, exc.extra)
    # the store work (series, complaints, the indicator board) off the event loop
    return await run_in_threadpool(_answer, request, action, params)


for _prefix in ("/api/3/action", "/api/action"):
    for _method in ("GET", "POST"):
        router.add_api_route(
            _prefix + "/{action}",
            _action,
            methods=[_method],
            operation_id=f"ckan_action_{_method.lower()}",
            summary="CKAN Action API (read): package_list, package_show, package_search, "
            "organization_list/show, group_list/show, tag_list, resource_show, datastore_search",
            include_in_schema=_prefix == "/api/3/action",
        )


@router.get("/opendata/{dataset}/{key}.csv", summary="A datastore resource as CSV")
def download_csv(dataset: str, key: str, request: Request) -> StreamingResponse:
    store: Store = request.app.state.store
    e, r = cat.resource(store, f"{dataset}/{key}")
    if not r.datastore:
        raise NotFound(f"resource {dataset}/{key} is a link, not a table: {r.path}")

    def lines() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for i, row in enumerate(cat.iter_csv_rows(store, e, r)):
            writer.writerow([spreadsheet_safe(v) for v in row])  # typed text is never a formula
            if i % 1000 == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{dataset}_{key}.csv"'},
    )
