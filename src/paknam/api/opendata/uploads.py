"""Officers' own open datasets: upload a CSV or .xlsx with its metadata, replace the file
(a new version), change the metadata, delete. Once stored, a dataset is in the catalogue
like the domains' (CKAN ``package_*``, ``resource_show``, ``datastore_search``, DCAT-AP,
the CSV download). Officer session required; changes by the dataset's owner or an admin.

``POST /api/v1/opendata/datasets`` (multipart form), ``GET`` the list (officers),
``PUT .../{name}/file``, ``PUT .../{name}`` (metadata), ``DELETE .../{name}``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from paknam.api.opendata import catalogue as cat
from paknam.core import open_datasets as store_uploads
from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput
from paknam.core.http.deps import OfficerDep, StoreDep
from paknam.core.http.responses import ERROR_RESPONSES, FastJSONResponse
from paknam.core.open_upload import MAX_FILE_BYTES, parse_upload
from paknam.core.store import Store

router = APIRouter(
    prefix="/api/v1/opendata", tags=["open data: uploads"], responses=ERROR_RESPONSES
)

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}$")
Name = Annotated[str, Path(min_length=3, max_length=100, pattern=r"^[a-z0-9-]+$")]


def choices() -> dict[str, Any]:
    """What the metadata fields may take (for forms)."""
    return {
        "licence": [{"id": k, "title": t, "url": u} for k, (t, u) in cat.LICENCES.items()],
        "theme": [
            {"id": k, "title_en": v, "title_th": cat.THEMES_TH.get(k, v)}
            for k, v in cat.THEMES.items()
        ],
        "frequency": [{"id": k, "unit_th": th} for k, (th, _) in cat.FREQUENCY_TH.items()],
        "geo_coverage": list(cat.GEO_COVERAGE),
    }


def _text(value: str | None, name: str, limit: int, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{name}: required (ต้องกรอก)", field=name)
    if len(text) > limit:
        raise InvalidInput(f"{name}: at most {limit} characters", field=name)
    return text


def check_meta(form: dict[str, str | None]) -> dict[str, Any]:
    """The metadata of an uploaded dataset from form fields; :class:`InvalidInput` naming
    the field otherwise."""
    meta: dict[str, Any] = {
        "title_th": _text(form.get("title_th"), "title_th", 200, required=True),
        "title_en": _text(form.get("title_en"), "title_en", 200, required=True),
        "notes_th": _text(form.get("notes_th"), "notes_th", 5000, required=True),
        "notes_en": _text(form.get("notes_en"), "notes_en", 5000, required=True),
    }
    words = [w.strip() for w in re.split(r"[,\n]", form.get("keywords") or "") if w.strip()]
    if not words:
        raise InvalidInput("keywords: give at least one, comma separated", field="keywords")
    if len(words) > 30 or any(len(w) > 60 for w in words):
        raise InvalidInput("keywords: at most 30, each at most 60 characters", field="keywords")
    meta["keywords"] = list(dict.fromkeys(words))
    for name, allowed, default in (
        ("licence", cat.LICENCES, "CC-BY-4.0"),
        ("theme", cat.THEMES, "REGI"),
        ("frequency", cat.FREQUENCY_TH, "IRREG"),
    ):
        value = (form.get(name) or default).strip()
        if value not in allowed:
            raise InvalidInput(f"{name}: use one of {', '.join(allowed)}", field=name)
        meta[name] = value
    geo = (form.get("geo_coverage") or "จังหวัด").strip()
    if geo not in cat.GEO_COVERAGE:
        raise InvalidInput(
            f"geo_coverage: use one of {', '.join(cat.GEO_COVERAGE)}", field="geo_coverage"
        )
    meta["geo_coverage"] = geo
    org_en = _text(form.get("organization_en"), "organization_en", 200, required=False)
    org_th = _text(form.get("organization_th"), "organization_th", 200, required=False)
    if org_th and not org_en:
        raise InvalidInput(
            "organization_en: give the organisation's English name too", field="organization_en"
        )
    if org_en and not cat._slug(org_en):
        raise InvalidInput(
            "organization_en: needs Latin letters or digits", field="organization_en"
        )
    meta["organization_en"], meta["organization_th"] = org_en, org_th or org_en
    email = _text(form.get("contact_email"), "contact_email", 200, required=False)
    if email and not EMAIL.match(email):
        raise InvalidInput(
            f"contact_email: not an e-mail address: {email!r}", field="contact_email"
        )
    meta["contact_email"] = email
    meta["data_source"] = _text(form.get("data_source"), "data_source", 300, required=False)
    meta["objective"] = _text(form.get("objective"), "objective", 300, required=False)
    return meta


def _answer(store: Store, ds: store_uploads.OpenDataset, encoding: str | None) -> dict[str, Any]:
    base = get_settings().public_base_url.rstrip("/")
    e, r = cat.resource(store, f"{ds.name}/table")
    return {
        **ds.as_dict(),
        "id": e.id,
        "resource_id": r.id,
        "encoding": encoding,
        "links": {
            "package_show": f"{base}/api/3/action/package_show?id={ds.name}",
            "datastore_search": f"{base}/api/3/action/datastore_search?resource_id={r.id}",
            "csv": f"{base}/opendata/{ds.name}/table.csv",
        },
    }


async def _read(file: UploadFile) -> bytes:
    data = await file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            f"the file is larger than {MAX_FILE_BYTES} bytes (ไฟล์ใหญ่เกินไป)", field="file"
        )
    return data


def meta_form(
    title_th: Annotated[str, Form(max_length=200)],
    title_en: Annotated[str, Form(max_length=200)],
    notes_th: Annotated[str, Form(max_length=5000)],
    notes_en: Annotated[str, Form(max_length=5000)],
    keywords: Annotated[str, Form(max_length=2000, description="comma separated")],
    licence: Annotated[str, Form(max_length=40)] = "CC-BY-4.0",
    theme: Annotated[str, Form(max_length=8)] = "REGI",
    frequency: Annotated[str, Form(max_length=20)] = "IRREG",
    organization_th: Annotated[str, Form(max_length=200)] = "",
    organization_en: Annotated[str, Form(max_length=200)] = "",
    contact_email: Annotated[str, Form(max_length=200)] = "",
    geo_coverage: Annotated[str, Form(max_length=40)] = "จังหวัด",
    data_source: Annotated[str, Form(max_length=300)] = "",
    objective: Annotated[str, Form(max_length=300)] = "",
) -> dict[str, Any]:
    """The metadata fields of the upload and edit forms, checked (:func:`check_meta`)."""
    return check_meta(dict(locals()))


MetaForm = Annotated[dict[str, Any], Depends(meta_form)]


@router.get("/datasets", summary="Uploaded datasets and the metadata choices (officer)")
def list_datasets(store: StoreDep, _: OfficerDep) -> FastJSONResponse:
    return FastJSONResponse(
        {"datasets": [d.as_dict() for d in store_uploads.list_all(store)], "choices": choices()}
    )


@router.post("/datasets", status_code=201, summary="Upload a new open dataset (officer)")
async def post_dataset(
    store: StoreDep,
    officer: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, UTF-16 or Windows-874) or .xlsx")],
    name: Annotated[str, Form(max_length=100, description="a-z, 0-9 and -")],
    meta: MetaForm,
    sheet: Annotated[str | None, Form(max_length=100, description=".xlsx sheet")] = None,
) -> FastJSONResponse:
    """Every metadata field is checked and the whole file read before anything is stored;
    any problem is a 4xx naming it (field ``file`` for the file) and nothing is kept."""
    store_uploads.check_name(name)
    data = await _read(file)
    table = await run_in_threadpool(parse_upload, data, sheet)
    ds = await run_in_threadpool(
        store_uploads.create, store, name, meta, table, owner=officer.name,
        filename=file.filename or "upload", taken=sorted(cat.builtin_names()),
    )  # fmt: skip
    return FastJSONResponse(_answer(store, ds, table.encoding), status_code=201)


@router.put("/datasets/{name}/file", summary="Replace the file: a new version (officer)")
async def put_file(
    name: Name,
    store: StoreDep,
    officer: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV or .xlsx")],
    sheet: Annotated[str | None, Form(max_length=100)] = None,
) -> FastJSONResponse:
    store_uploads.get(store, name)  # 404 before reading a large file
    data = await _read(file)
    table = await run_in_threadpool(parse_upload, data, sheet)
    ds = await run_in_threadpool(
        store_uploads.replace_file, store, name, table, actor=officer.name,
        role=officer.role, filename=file.filename or "upload",
    )  # fmt: skip
    return FastJSONResponse(_answer(store, ds, table.encoding))


@router.put("/datasets/{name}", summary="Change an uploaded dataset's metadata (officer)")
def put_meta(
    name: Name,
    store: StoreDep,
    officer: OfficerDep,
    meta: MetaForm,
) -> FastJSONResponse:
    ds = store_uploads.update_meta(store, name, meta, actor=officer.name, role=officer.role)
    return FastJSONResponse(_answer(store, ds, None))


@router.delete("/datasets/{name}", status_code=204, summary="Delete an uploaded dataset")
def delete_dataset(name: Name, store: StoreDep, officer: OfficerDep) -> Response:
    store_uploads.delete(store, name, actor=officer.name, role=officer.role)
    return Response(status_code=204)
