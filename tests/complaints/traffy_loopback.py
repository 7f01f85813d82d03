"""A Traffy Fondue Exchange API on loopback, built from the published specification
(traffy-nectec/exchange-api-doc: ``openapi.yaml``, ``docs/authentication.md``,
``docs/query-apis.md``, ``docs/action-apis.md``, ``docs/error-codes.md``).

* ``POST /get-auth/v1`` ``{"user", "pass"}`` → an HS256 JWT with ``exp``, its
  ``expire_timestamp`` in Thai time, ``credit_balance`` and ``quota_limit``; wrong
  credentials → ``Invalid user or pass``. No credit.
* Every other path needs ``Authorization: Bearer <jwt>``: a missing or forged one →
  ``ERR 1 - Invalid token``, an expired one → ``This token has expired`` (HTTP 401).
* Each of those calls costs one credit; at 0 → ``Running out of API usage quota``; at or
  under :attr:`warn_at` the answer is ``status: warning`` with ``Almost running out of
  API usage quota``. Every answer carries ``credit_balance``.
* ``GET /get-issues/v2`` (``org_id``, ``duration`` today | 3days | all, by
  ``last_activity``), ``GET /get-issue/v1`` (``ticket_id``), ``PATCH /update-issue/v1``
  (``note`` required, a ticket id, a state: ``state_name`` / ``issue_status_id``...; only
  PATCH), ``POST /comment/v1`` (``comment`` required), ``POST /star/v1`` (``star``).
  A body that is not JSON → ``Invalid input JSON format``; a missing field →
  ``[field] is not specified``.

The server's clock (:attr:`now`) can be moved to expire tokens; ``expire_tokens()`` makes
every token issued so far expired at once. ``fail_next(n, status)`` answers errors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.http_loopback import HttpLoopback

BANGKOK = ZoneInfo("Asia/Bangkok")
DURATION_S = {"today": 86_400, "3days": 3 * 86_400, "3day": 3 * 86_400}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def thai_time(epoch_s: float, micro: bool = False) -> str:
    fmt = "%Y-%m-%d %H:%M:%S.%f" if micro else "%Y-%m-%d %H:%M:%S"
    return datetime.fromtimestamp(epoch_s, BANGKOK).strftime(fmt)


class TraffyServer(HttpLoopback):
    url_path = "/exchange-api"

    def __init__(
        self,
        user: str = "samutprakan",
        password: str = "a traffy password",
        *,
        quota_limit: int | None = 1000,
        token_ttl_s: int = 3600,
        org_id: str = "151",
    ) -> None:
        self.user, self.password = user, password
        self.quota_limit = quota_limit
        self.balance: int | None = quota_limit
        self.warn_at = 0
        self.token_ttl_s = token_ttl_s
        self.org_id = org_id
        self.key = secrets.token_bytes(32)
        self.now = time.time()
        self.issued = 0  # tokens issued so far (each token's "jti")
        self.min_jti = 0  # tokens numbered below are expired
        self.lock = threading.Lock()
        self.issues: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []  # (method, path) of every request
        self.updates: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = []
        self.stars: list[dict[str, Any]] = []
        self.auths = 0
        self._fail: list[int] = []
        self.serve(self._handler())

    # ---- control ------------------------------------------------------------------------

    def expire_tokens(self) -> None:
        with self.lock:
            self.min_jti = self.issued

    def fail_next(self, n: int, status: int) -> None:
        with self.lock:
            self._fail.extend([status] * n)

    def add_issue(self, ticket_id: str, **fields: Any) -> dict[str, Any]:
        """A ticket of the org, with the fields of ``Issue`` in openapi.yaml."""
        issue = {
            "ticket_id": ticket_id,
            "type": "ถนน",
            "organization": "เทศบาลนครสมุทรปราการ",
            "description": "ถนนชำรุดเป็นหลุมลึก",
            "photo": "https://storage.googleapis.com/traffy_public_bucket/attachment/a.jpeg",
            "latitude": 13.5996,
            "longitude": 100.5969,
            "address": "ตำบลปากน้ำ อำเภอเมืองสมุทรปราการ จังหวัดสมุทรปราการ",
            "subdistrict": "ปากน้ำ",
            "district": "เมืองสมุทรปราการ",
            "province": "สมุทรปราการ",
            "timestamp": thai_time(self.now - 3600, micro=True),
            "photo_after": "https://storage.googleapis.com/traffy_public_bucket/",
            "timestamp_inprogress": None,
            "timestamp_finished": None,
            "org_finished": None,
            "status": "รอรับเรื่อง",
            "confirmed": False,
            "star": None,
            "count_reopen": 0,
            "last_activity": thai_time(self.now - 60, micro=True),
            "org_id": self.org_id,
        }
        issue.update(fields)
        with self.lock:
            self.issues[ticket_id] = issue
        return issue

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, p in self.calls if p == path)

    # ---- JWT ------------------------------------------------------------------------------

    def _jwt(self, iat: float) -> tuple[str, float]:
        exp = iat + self.token_ttl_s
        self.issued += 1
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {"sub": self.user, "iat": iat, "exp": exp, "jti": self.issued - 1}
        body = _b64(json.dumps(claims).encode())
        sig = hmac.new(self.key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(sig)}", exp

    def _check_jwt(self, header: str | None) -> str | None:
        """None if fine, else the error message."""
        if not header or not header.startswith("Bearer "):
            return "ERR 1 - Invalid token | Token ไม่ถูกต้อง"
        token = header[7:].strip()
        try:
            head, body, sig = token.split(".")
            want = hmac.new(self.key, f"{head}.{body}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(want, _unb64(sig)):
                return "ERR 1 - Invalid token | Token ไม่ถูกต้อง"
            claims = json.loads(_unb64(body))
        except ValueError:
            return "ERR 1 - Invalid token | Token ไม่ถูกต้อง"
        if self.now >= claims["exp"] or claims["jti"] < self.min_jti:
            return "This token has expired | Token นี้หมดอายุแล้ว"
        return None

    # ---- answers -------------------------------------------------------------------------

    def _base(self, status: str = "success", message: str = "") -> dict[str, Any]:
        return {
            "status": status,
            "message": message,
            "exec_time": "0.001s",
            "credit_balance": self.balance,
            "api_log_session_id": secrets.randbelow(10**9),
        }

    def _spend(self) -> dict[str, Any] | None:
        """One credit, or the quota error."""
        if self.balance is None:
            return None
        if self.balance <= 0:
            return self._base(
                "fail", "Running out of API usage quota | โควต้าการใช้งาน API หมดแล้ว"
            ) | {"results": []}
        self.balance -= 1
        return None

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(target)
        path = parts.path.removeprefix("/exchange-api")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.calls.append((method, path))
            if self._fail:
                status = self._fail.pop(0)
                return status, {"status": "fail", "message": "Internal Server Error"}
            if path == "/get-auth/v1" and method == "POST":
                return self._auth(raw)
            problem = self._check_jwt(headers.get("Authorization"))
            if problem:
                return 401, self._base("fail", problem) | {"results": []}
            spent = self._spend()
            if spent is not None:
                return 200, spent
            body: Any = None
            if method in ("POST", "PATCH"):
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    return 200, self._base("fail", "Invalid input JSON format") | {"results": []}
            routes = {
                ("GET", "/get-issues/v2"): lambda: self._issues(query),
                ("GET", "/get-issue/v1"): lambda: self._issue(query),
                ("PATCH", "/update-issue/v1"): lambda: self._update(body),
                ("POST", "/comment/v1"): lambda: self._comment(body),
                ("POST", "/star/v1"): lambda: self._star(body),
            }
            route = routes.get((method, path))
            if route is None:
                return 404, self._base("fail", f"{method} {path} not found")
            status, doc = route()
            low = self.balance is not None and self.balance <= self.warn_at
            if doc.get("status") == "success" and low:
                doc["status"] = "warning"
                doc["message"] = "Almost running out of API usage quota"
            doc["credit_balance"] = self.balance
            return status, doc

    def _auth(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return 200, self._base("fail", "Invalid input JSON format")
        if not isinstance(body, dict):
            return 200, self._base("fail", "Invalid input JSON format")
        for field in ("user", "pass"):
            if not body.get(field):
                return 200, self._base("fail", f"{field} is not specified")
        if body["user"] != self.user or body["pass"] != self.password:
            return 401, self._base("fail", "Invalid user or pass")
        self.auths += 1
        token, exp = self._jwt(self.now)
        return 200, self._base() | {
            "quota_limit": self.quota_limit,
            "permissions": ["read", "write"],
            "results": {"token": token, "expire_timestamp": thai_time(exp)},
        }

    def _issues(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        duration = query.get("duration", "today")
        if duration not in (*DURATION_S, "all"):
            return 200, self._base("fail", "duration is not valid") | {"results": []}
        orgs = set((query.get("org_id") or self.org_id).split(","))
        out = []
        for issue in self.issues.values():
            if issue.get("org_id") not in orgs:
                continue
            if duration != "all":
                last = datetime.strptime(issue["last_activity"], "%Y-%m-%d %H:%M:%S.%f")
                at = last.replace(tzinfo=BANGKOK).timestamp()
                if at < self.now - DURATION_S[duration]:
                    continue
            out.append({k: v for k, v in issue.items() if k != "org_id"})
        return 200, self._base() | {
            "source": "loopback",
            "org_id": sorted(orgs),
            "count": len(out),
            "results": out[:5000],
        }

    def _issue(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        ticket = query.get("ticket_id")
        if not ticket:
            return 200, self._base("fail", "ticket_id is not specified") | {"results": {}}
        issue = self.issues.get(ticket)
        if issue is None:
            return 200, self._base("fail", f"ticket_id {ticket} not found") | {"results": {}}
        return 200, self._base() | {"ticket_id": ticket, "results": dict(issue)}

    def _ticket_of(self, body: dict[str, Any]) -> str | tuple[int, dict[str, Any]]:
        ticket = body.get("ticket_id") or body.get("client_ticket_id")
        if not ticket:
            return 200, self._base("fail", "ticket_id is not specified")
        if ticket not in self.issues:
            return 200, self._base("fail", f"ticket_id {ticket} not found")
        return str(ticket)

    def _update(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not body.get("note"):
            return 200, self._base("fail", "note is not specified")
        ticket = self._ticket_of(body)
        if not isinstance(ticket, str):
            return ticket
        state = body.get("state_name") or body.get("issue_status_id") or body.get("status_id")
        if not state:
            return 200, self._base("fail", "state_name is not specified")
        self.updates.append(dict(body))
        issue = self.issues[ticket]
        issue["status"] = str(state)
        issue["last_activity"] = thai_time(self.now, micro=True)
        return 200, self._base() | {"org_id": self.org_id, "source": "loopback", "results": {}}

    def _comment(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not body.get("comment") and not body.get("base64comment"):
            return 200, self._base("fail", "comment is not specified")
        ticket = self._ticket_of(body)
        if not isinstance(ticket, str):
            return ticket
        if body.get("comment_type", "chat") not in ("chat", "chat_staff_only", "comment"):
            return 200, self._base("fail", "comment_type is not valid")
        self.comments.append(dict(body))
        return 200, self._base()

    def _star(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("star") is None:
            return 200, self._base("fail", "star is not specified")
        ticket = self._ticket_of(body)
        if not isinstance(ticket, str):
            return ticket
        self.stars.append(dict(body))
        self.issues[ticket]["star"] = int(body["star"])
        return 200, self._base()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length) if length else b""
                status, doc = server.handle(self.command, self.path, dict(self.headers), raw)
                data = json.dumps(doc, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve
            do_PATCH = _serve

        return Handler
