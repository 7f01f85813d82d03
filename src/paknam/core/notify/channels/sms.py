"""SMS over an HTTP gateway (httpx).

Thai SMS gateways each have their own API; this client speaks one small JSON protocol,
documented in docs/alerts.md, that an adapter (or the gateway) maps to its own:

``POST {url}`` with ``Authorization: Bearer {key}``, ``Idempotency-Key: {batch key}`` and
``{"sender", "to": [E.164 numbers ≤ 100], "text", "encoding": "UCS-2"|"GSM-7",
"segments", "reference"}`` → 2xx ``{"accepted": [...], "rejected": [{"to", "reason"}]}``;
409 for a batch already accepted under that key (counted as sent); 429/5xx retried.
"""

from __future__ import annotations

import httpx

from paknam.core.notify.channels import Batch, Outcome, status_outcome
from paknam.core.notify.render import sms_size

SMS_BATCH = 100


class SmsChannel:
    name = "sms"
    batch_size = SMS_BATCH

    def __init__(self, url: str, api_key: str | None, sender: str, *, timeout: float = 10) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.url = url
        self.sender = sender
        self.client = httpx.Client(headers=headers, timeout=timeout)

    def send(self, batch: Batch) -> Outcome:
        text = batch.texts["sms"]
        size = sms_size(text)
        by_number = {address: did for did, address in batch.recipients}
        body = {
            "sender": self.sender,
            "to": list(by_number),
            "text": text,
            "encoding": size.encoding,
            "segments": size.segments,
            "reference": batch.key,
        }
        try:
            r = self.client.post(self.url, json=body, headers={"Idempotency-Key": batch.key})
        except httpx.HTTPError as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}")
        if r.status_code == 409:
            return Outcome("sent", f"HTTP 409: batch {batch.key} already accepted")
        # the gateway's answer lists phone numbers: keep only counts (no address is stored
        # outside the encrypted column)
        outcome = status_outcome(r.status_code, "", r.headers.get("retry-after"))
        if outcome.status == "sent":
            try:
                rejected = r.json().get("rejected") or []
            except ValueError:
                rejected = []
            outcome = Outcome(
                "sent",
                f"HTTP {r.status_code}: {len(by_number) - len(rejected)} accepted, "
                f"{len(rejected)} rejected",
            )
            failed = frozenset(
                by_number[x["to"]]
                for x in rejected
                if isinstance(x, dict) and x.get("to") in by_number
            )
            return Outcome("sent", outcome.response, failed_ids=failed)
        return outcome

    def close(self) -> None:
        self.client.close()
