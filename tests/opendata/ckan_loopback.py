"""A loopback server that speaks the write side of CKAN's Action API as documented
(https://docs.ckan.org/en/2.10/api/): ``POST /api/3/action/<name>`` with a JSON body,
the API token in the ``Authorization`` header, answers in CKAN's envelope
``{"help", "success", "result"}`` and errors as CKAN gives them: 403 ``Authorization
Error`` for a missing or wrong token on a write (or any wrong token), 404 ``Not Found
Error``, 409 ``Validation Error`` with the offending fields (``name``: the URL already in
use; ``owner_org``; ``tags``: CKAN's stock ``tag_name_validator``).

Implements ``status_show``, ``organization_show``, ``package_show``, ``package_create``
and ``package_update`` (which replaces the resources: those sent with an ``id`` keep it,
the others are new), and counts what it was asked.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.http_loopback import HttpLoopback

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG = re.compile(r"[\w \-.]*$")  # CKAN's tag_name_validator


class CkanServer(HttpLoopback):
    def __init__(self, token: str, organizations: tuple[str, ...] = ("samut-prakan",)) -> None:
        self.token = token
        self.organizations = {o: str(uuid.uuid4()) for o in organizations}
        self.packages: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.serve(self._handler())

    def _act(self, action: str, data: dict[str, Any], auth: str | None) -> tuple[int, Any]:
        if auth is not None and auth != self.token:
            return 403, ("Authorization Error", {"message": "Access denied"})
        writes = action.endswith(("_create", "_update", "_patch", "_delete"))
        if writes and auth is None:
            return 403, ("Authorization Error", {"message": f"Access denied: {action}"})
        if action == "status_show":
            return 200, {"ckan_version": "2.10.4", "site_title": "loopback CKAN"}
        if action == "organization_show":
            wanted = str(data.get("id"))
            for name, oid in self.organizations.items():
                if wanted in (name, oid):
                    return 200, {"id": oid, "name": name}
            return 404, ("Not Found Error", {"message": "Not found: Organization"})
        if action == "package_show":
            pkg = self._find(str(data.get("id")))
            if pkg is None:
                return 404, ("Not Found Error", {"message": "Not found"})
            return 200, pkg
        if action in ("package_create", "package_update"):
            return self._write(action, data)
        return 400, ("", {"message": f"Bad request - Action name not known: {action}"})

    def _find(self, wanted: str) -> dict[str, Any] | None:
        for pkg in self.packages.values():
            if wanted in (pkg["id"], pkg["name"]):
                return pkg
        return None

    def _write(self, action: str, data: dict[str, Any]) -> tuple[int, Any]:
        errors: dict[str, list[str]] = {}
        name = str(data.get("name") or "")
        if not NAME.match(name):
            errors["name"] = ["Must be purely lowercase alphanumeric (ascii) characters"]
        existing = self._find(str(data.get("id") or name))
        if action == "package_update" and existing is None:
            return 404, ("Not Found Error", {"message": "Not found"})
        if action == "package_create" and name in self.packages:
            errors["name"] = ["That URL is already in use."]
        org = data.get("owner_org")
        if org not in self.organizations and org not in self.organizations.values():
            errors["owner_org"] = ["Organization does not exist"]
        bad_tags = [t["name"] for t in data.get("tags") or [] if not TAG.match(t["name"])]
        if bad_tags:
            errors["tags"] = [
                f'Tag "{t}" must be alphanumeric characters or symbols: -_.' for t in bad_tags
            ]
        if errors:
            return 409, ("Validation Error", errors)
        pkg = dict(data)
        pkg["id"] = existing["id"] if existing else str(uuid.uuid4())
        pkg["resources"] = [
            {**r, "id": r.get("id") or str(uuid.uuid4()), "package_id": pkg["id"]}
            for r in data.get("resources") or []
        ]
        if existing is not None:
            del self.packages[existing["name"]]
        self.packages[name] = pkg
        return 200, pkg

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self, data: dict[str, Any]) -> None:
                action = self.path.split("?")[0].rsplit("/", 1)[-1]
                with server.lock:
                    server.calls[action] += 1
                    status, result = server._act(action, data, self.headers.get("Authorization"))
                help_url = f"{server.url}/api/3/action/help_show?name={action}"
                if status == 200:
                    body: dict[str, Any] = {"help": help_url, "success": True, "result": result}
                else:
                    kind, error = result
                    err = {"__type": kind, **error} if kind else error
                    body = {"help": help_url, "success": False, "error": err}
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    data = json.loads(raw or b"{}")
                except ValueError:
                    data = None
                if not isinstance(data, dict):
                    self._answer_bad_json()
                    return
                self._handle(data)

            def _answer_bad_json(self) -> None:
                raw = json.dumps(
                    {"success": False, "error": {"message": "Bad request - JSON Error"}}
                ).encode()
                self.send_response(400)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                from urllib.parse import parse_qsl, urlsplit

                self._handle(dict(parse_qsl(urlsplit(self.path).query)))

        return Handler
