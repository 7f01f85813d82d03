"""``paknam opendata publish``: push every dataset of the catalogue to an external CKAN
(a province's own portal) through :class:`ckanapi.RemoteCKAN`.

For each dataset: ``package_show`` on the CKAN; ``package_create`` when it is not there,
else ``package_update`` (skipped when nothing changed since the last publish: the
``paknam_digest`` extra). Resources are links back to paknam (CSV downloads, API paths),
matched to the CKAN's existing resources by URL so that their ids stay. A second run
creates nothing new.

Tags: CKAN's stock validator accepts only letters, digits and ``-_. `` (Thai words with
vowel or tone marks fail); when a CKAN refuses the tags, the dataset is sent again with
only those it accepts, and every keyword is kept in the ``keywords`` extra.

Errors that stop everything (:class:`PublishError`): the CKAN cannot be reached, is not
a CKAN, refuses the API key, or lacks the organisation. A dataset the CKAN refuses
(validation) is reported and the others go on.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paknam.api.opendata import catalogue as cat
from paknam.api.opendata.ckan import package_dict
from paknam.core.errors import PaknamError
from paknam.core.store import Store

CKAN_TAG = re.compile(r"[\w \-.]*$")
"""CKAN's stock tag rule (``tag_name_validator``)."""
DIGEST_KEY = "paknam_digest"


class PublishError(PaknamError):
    """Publishing cannot go on (unreachable, not a CKAN, bad key, no organisation)."""


@dataclass
class PublishReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed"
        )


def remote_package(e: cat.Entry, owner_org: str) -> dict[str, Any]:
    """The dataset as sent to the CKAN: CKAN's core fields, the thai_gdc fields (a
    portal with ckanext-thai_gdc keeps them, a stock CKAN ignores them), extras, and
    resources linking back to paknam."""
    d = package_dict(e)
    extras = [x for x in d["extras"] if x["value"] not in ("", None)]
    extras += [
        {"key": "title_th", "value": d["title_translated"]["th"]},
        {"key": "notes_th", "value": d["notes_translated"]["th"]},
        {"key": "source_catalogue", "value": d["url"]},
    ]
    pkg: dict[str, Any] = {
        "name": d["name"],
        "title": d["title"],
        "notes": d["notes"],
        "owner_org": owner_org,
        "license_id": d["license_id"],
        "url": d["url"],
        "author": d["author"],
        "maintainer": d["maintainer"],
        "maintainer_email": d["maintainer_email"],
        "private": False,
        "tags": [{"name": t["name"]} for t in d["tags"]],
        "extras": extras,
        "resources": [
            {
                "name": r["name"],
                "description": r["name_th"],
                "url": r["url"],
                "format": r["format"],
                "mimetype": r["mimetype"],
            }
            for r in d["resources"]
        ],
    }
    for key in ("data_type", "data_category", "data_classification", "objective",
                "update_frequency_unit", "update_frequency_interval", "geo_coverage",
                "data_source", "data_format", "data_language"):  # fmt: skip
        pkg[key] = d[key]
    digest = hashlib.sha256(json.dumps(pkg, sort_keys=True).encode()).hexdigest()[:32]
    pkg["extras"].append({"key": DIGEST_KEY, "value": digest})
    return pkg


def _extra(pkg: dict[str, Any], key: str) -> str | None:
    for x in pkg.get("extras") or []:
        if x.get("key") == key:
            return str(x.get("value"))
    return None


def _keep_resource_ids(pkg: dict[str, Any], existing: dict[str, Any]) -> None:
    by_url = {r.get("url"): r.get("id") for r in existing.get("resources") or []}
    for r in pkg["resources"]:
        if by_url.get(r["url"]):
            r["id"] = by_url[r["url"]]


def _stock_tags(pkg: dict[str, Any]) -> dict[str, Any]:
    """The package with only tags CKAN's stock rule accepts (all kept as an extra)."""
    names = [t["name"] for t in pkg["tags"]]
    out = dict(pkg)
    out["tags"] = [{"name": n} for n in names if CKAN_TAG.match(n) and 2 <= len(n) <= 100]
    out["extras"] = [*pkg["extras"], {"key": "keywords", "value": ", ".join(names)}]
    return out


def _message(exc: Exception) -> str:
    err = exc.args[0] if exc.args else exc
    if isinstance(err, dict):
        parts = [f"{k}: {v}" for k, v in err.items() if k != "__type"]
        return "; ".join(parts) or str(err)
    return str(err)


def publish(
    store: Store,
    ckan_url: str,
    api_key: str,
    *,
    organization: str | None = None,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
    user_agent: str = "paknam opendata publish",
) -> PublishReport:
    """Create or update every catalogue dataset on the CKAN at ``ckan_url``."""
    try:
        from ckanapi import RemoteCKAN
        from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, ValidationError
    except ImportError:  # pragma: no cover - an optional dependency
        raise PublishError("publishing needs ckanapi: pip install 'paknam[ckan]'") from None
    import requests

    ckan = RemoteCKAN(ckan_url.rstrip("/"), apikey=api_key, user_agent=user_agent)

    def call(action: str, **data: Any) -> Any:
        try:
            return getattr(ckan.action, action)(**data)
        except requests.RequestException as exc:
            raise PublishError(f"cannot reach the CKAN at {ckan_url}: {exc}") from None
        except NotAuthorized as exc:
            raise PublishError(
                f"the CKAN at {ckan_url} refused {action} with this API key "
                f"(403 {_message(exc)}): check --api-key and the key's rights"
            ) from None
        except (NotFound, ValidationError):
            raise
        except CKANAPIError as exc:
            raise PublishError(f"{ckan_url} does not answer as a CKAN ({action}): {exc}") from None

    try:
        status = call("status_show")
    except NotFound:
        status = {}
    echo(f"CKAN {status.get('ckan_version', '?')} at {ckan_url}")
    if organization:
        try:
            org = call("organization_show", id=organization)
        except NotFound:
            raise PublishError(
                f"no organization {organization!r} on {ckan_url}: create it there first"
            ) from None
        organization = org.get("name") or organization
    report = PublishReport()
    entries = cat.entries(store)
    for i, e in enumerate(entries, start=1):
        owner = organization or e.org.name
        pkg = remote_package(e, owner)
        name = pkg["name"]
        step = f"[{i}/{len(entries)}] {name}:"
        try:
            existing = call("package_show", id=name)
        except NotFound:
            existing = None
        if existing is not None and _extra(existing, DIGEST_KEY) == _extra(pkg, DIGEST_KEY):
            report.unchanged.append(name)
            echo(f"{step} unchanged")
            continue
        action = "package_create" if existing is None else "package_update"
        verb = "create" if existing is None else "update"
        if dry_run:
            (report.created if existing is None else report.updated).append(name)
            echo(f"{step} would {verb} ({len(pkg['resources'])} resources)")
            continue
        if existing is not None:
            _keep_resource_ids(pkg, existing)
            pkg["id"] = existing["id"]
        note = ""
        try:
            try:
                call(action, **pkg)
            except ValidationError as exc:
                if not isinstance(exc.args[0], dict) or "tags" not in exc.args[0]:
                    raise
                call(action, **_stock_tags(pkg))
                note = "; tags CKAN refuses kept in the 'keywords' extra"
        except ValidationError as exc:
            report.failed[name] = _message(exc)
            echo(f"{step} REFUSED by the CKAN: {_message(exc)}")
            continue
        (report.created if existing is None else report.updated).append(name)
        echo(f"{step} {verb}d ({len(pkg['resources'])} resources{note})")
    return report
