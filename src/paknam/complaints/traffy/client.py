"""A client of the Traffy Fondue Exchange API (httpx), as published in
traffy-nectec/exchange-api-doc (``openapi.yaml``, ``docs/``).

* ``POST /get-auth/v1`` ``{"user", "pass"}`` → a JWT (``results.token``) with its
  ``results.expire_timestamp`` (Thai time); every other call sends
  ``Authorization: Bearer <token>``. The token is renewed a minute before it expires, and
  once more when Traffy answers ``This token has expired`` / ``ERR 1 - Invalid token``.
* ``GET /get-issues/v2`` (``org_id``, ``duration``: today | 3days | all),
  ``GET /get-issue/v1`` (``ticket_id``), ``PATCH /update-issue/v1`` (``ticket_id``,
  ``state_name``, ``note``), ``POST /comment/v1``, ``POST /star/v1``.
* Errors are JSON ``{"status": "fail", "message": ...}``; they become the classes of
  :mod:`paknam.complaints.traffy.errors`. ``warning`` answers (``Almost running out of
  API usage quota``) succeed and are noted in the quota book.
* Each call but ``get-auth`` costs a credit: the :class:`QuotaBook` is asked first (a call
  that would pass the quota is refused without being sent) and told the
  ``credit_balance`` of each answer.

The token lives in this object only (never stored, never logged).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from paknam.complaints.traffy.errors import (
    TraffyAuthFailed,
    TraffyError,
    TraffyQuotaExhausted,
    TraffyRejected,
    TraffyUnavailable,
)
from paknam.complaints.traffy.quota import MISSING, MemoryQuota, QuotaBook
from paknam.core.timeutil import BANGKOK

log = logging.getLogger(__name__)

RENEW_BEFORE_S = 60
"""A token this close to its expiry is renewed before use."""
DEFAULT_TOKEN_S = 3600
"""Lifetime assumed when ``expire_timestamp`` cannot be read."""
DURATIONS = ("today", "3days", "all")
COMMENT_TYPES = ("chat", "chat_staff_only", "comment")


def _expiry(text: object, now: float) -> float:
    """Epoch seconds of an ``expire_timestamp`` (``YYYY-MM-DD HH:MM:SS``, Thai time)."""
    if isinstance(text, str):
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(text.strip(), fmt).replace(tzinfo=BANGKOK).timestamp()
            except ValueError:
                continue
    return now + DEFAULT_TOKEN_S


def classify_failure(message: str) -> type[TraffyError] | None:
    """The error class of a ``fail`` message (``None``: a token problem, to renew)."""
    low = message.casefold()
    if "token has expired" in low or "invalid token" in low:
        return None
    if "invalid user or pass" in low:
        return TraffyAuthFailed
    if "running out of api usage quota" in low and "almost" not in low:
        return TraffyQuotaExhausted
    return TraffyRejected


class TraffyClient:
    """One account on the Exchange API.

    base_url : e.g. ``https://publicapi.traffy.in.th/exchange-api``.
    quota : where credits are counted (default: in this process).
    clock : epoch seconds (tests move it to expire tokens).
    """

    def __init__(
        self,
        base_url: str,
        user: str,
        password: str,
        *,
        quota: QuotaBook | None = None,
        timeout_s: float = 20.0,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not user or not password:
            raise TraffyAuthFailed("Traffy Fondue user and password are not configured")
        self.base_url = base_url.rstrip("/")
        self._user = user
        self._password = password
        self.quota: QuotaBook = quota if quota is not None else MemoryQuota()
        self.clock = clock
        self._http = httpx.Client(timeout=timeout_s, transport=transport)
        self._token: str | None = None
        self._expires_s = 0.0
        self.auth_count = 0
        self.permissions: list[str] = []

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TraffyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transport ------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{self.base_url}{path}"
        try:
            resp = self._http.request(method, url, params=params, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TraffyUnavailable(
                f"Traffy Fondue {path}: no answer ({type(exc).__name__})"
            ) from None
        try:
            doc = resp.json()
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            raise TraffyUnavailable(
                f"Traffy Fondue {path}: HTTP {resp.status_code}, answer is not its JSON"
            )
        busy = resp.status_code == 429 and doc.get("status") != "fail"
        if resp.status_code >= 500 or busy:
            raise TraffyUnavailable(
                f"Traffy Fondue {path}: HTTP {resp.status_code} "
                f"{str(doc.get('message') or '')[:200]}".rstrip()
            )
        return doc

    def authenticate(self) -> None:
        """A new JWT from ``get-auth`` (no credit)."""
        doc = self._send("POST", "/get-auth/v1", body={"user": self._user, "pass": self._password})
        now = self.clock()
        self._note_quota(doc, now, counted=False)
        results = doc.get("results")
        if doc.get("status") == "fail" or not isinstance(results, dict) or not results.get("token"):
            message = str(doc.get("message") or "no token in the answer")
            raise TraffyAuthFailed(f"Traffy Fondue get-auth refused: {message[:200]}")
        self._token = str(results["token"])
        self._expires_s = _expiry(results.get("expire_timestamp"), now)
        self.auth_count += 1
        perms = doc.get("permissions")
        self.permissions = [str(p) for p in perms] if isinstance(perms, list) else []

    def _valid_token(self) -> str:
        if self._token is None or self.clock() >= self._expires_s - RENEW_BEFORE_S:
            self.authenticate()
        assert self._token is not None
        return self._token

    def _note_quota(self, doc: dict[str, Any], now: float, *, counted: bool) -> None:
        message = str(doc.get("message") or "")
        warning = message[:200] if doc.get("status") == "warning" else None
        limit = doc.get("quota_limit")
        self.quota.record(
            now,
            counted=counted,
            credit_balance=doc.get("credit_balance", MISSING),
            quota_limit=limit if isinstance(limit, int) else None,
            exhausted=classify_failure(message) is TraffyQuotaExhausted
            and doc.get("status") == "fail",
            warning=warning,
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        reserve: int = 0,
    ) -> dict[str, Any]:
        """One credit call: quota asked first, token renewed once if Traffy refuses it."""
        for attempt in (1, 2):
            self.quota.allow(self.clock(), reserve)
            token = self._valid_token()
            doc = self._send(method, path, params=params, body=body, token=token)
            failed = doc.get("status") == "fail"
            message = str(doc.get("message") or "fail without a message")
            kind = classify_failure(message) if failed else TraffyError
            # a refused token or an exhausted quota spends no credit
            spent = kind not in (None, TraffyQuotaExhausted)
            self._note_quota(doc, self.clock(), counted=spent)
            if not failed:
                if doc.get("status") == "warning":
                    log.warning("Traffy Fondue %s: %s", path, message[:200])
                return doc
            if kind is None:  # the token: renew once and try again
                self._token = None
                if attempt == 1:
                    continue
                raise TraffyAuthFailed(f"Traffy Fondue {path}: a fresh token was refused too")
            raise kind(f"Traffy Fondue {path}: {message[:300]}")
        raise AssertionError("unreachable")

    # ---- the API ----------------------------------------------------------------------

    def get_issues(
        self, *, org_id: str | None = None, duration: str = "today", reserve: int = 0
    ) -> list[dict[str, Any]]:
        """Tickets of the organisation(s) with activity in ``duration``."""
        if duration not in DURATIONS:
            raise ValueError(f"duration must be one of {', '.join(DURATIONS)}")
        params = {"duration": duration} | ({"org_id": org_id} if org_id else {})
        doc = self.call("GET", "/get-issues/v2", params=params, reserve=reserve)
        results = doc.get("results")
        return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []

    def get_issue(self, ticket_id: str, *, reserve: int = 0) -> dict[str, Any]:
        doc = self.call("GET", "/get-issue/v1", params={"ticket_id": ticket_id}, reserve=reserve)
        results = doc.get("results")
        if not isinstance(results, dict) or not results:
            raise TraffyRejected(f"Traffy Fondue has no ticket {ticket_id!r}")
        return results

    def update_issue(
        self,
        ticket_id: str,
        *,
        state_name: str,
        note: str,
        photos: list[str] | None = None,
        org_id: str | None = None,
    ) -> dict[str, Any]:
        """``PATCH update-issue``: the ticket's state (by name) with a note."""
        body: dict[str, Any] = {"ticket_id": ticket_id, "state_name": state_name, "note": note}
        if photos:
            body["photo"] = photos
        if org_id:
            body["org_id"] = org_id
        return self.call("PATCH", "/update-issue/v1", body=body)

    def comment(
        self, ticket_id: str, comment: str, *, comment_type: str = "chat"
    ) -> dict[str, Any]:
        if comment_type not in COMMENT_TYPES:
            raise ValueError(f"comment_type must be one of {', '.join(COMMENT_TYPES)}")
        body = {"ticket_id": ticket_id, "comment": comment, "comment_type": comment_type}
        return self.call("POST", "/comment/v1", body=body)

    def star(self, ticket_id: str, star: int) -> dict[str, Any]:
        if not 1 <= star <= 5:
            raise ValueError("star must be 1 to 5")
        return self.call("POST", "/star/v1", body={"ticket_id": ticket_id, "star": star})
