"""The Exchange API's monthly credit quota, as paknam sees it.

Almost every call costs one credit; ``get-auth`` tells the month's ``quota_limit`` and
every answer the ``credit_balance`` left (``null``: unlimited). Credits start again on
the 1st of each month (Thai time). A :class:`QuotaBook` is asked before each call
(:meth:`allow`: refuse *before* going past the quota, keeping ``reserve`` credits back)
and told what each answer said (:meth:`record`). :class:`MemoryQuota` keeps that in the
process; :class:`paknam.complaints.traffy.store_quota.StoreQuota` in the database, shared
by every process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from paknam.complaints.traffy.errors import TraffyQuotaExhausted
from paknam.core.timeutil import BANGKOK


def month_of(epoch_s: float) -> str:
    """``YYYY-MM`` of an instant, Thai time (the quota's month)."""
    return datetime.fromtimestamp(epoch_s, BANGKOK).strftime("%Y-%m")


def next_month_start(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return f"{year:04d}-{mon:02d}-01"


@dataclass
class QuotaState:
    """One month's view: credits paknam spent, and what Traffy last said."""

    month: str
    calls: int = 0
    credit_balance: int | None = None
    quota_limit: int | None = None
    exhausted: bool = False
    warning: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "month": self.month,
            "credits_used": self.calls,
            "credit_balance": self.credit_balance,
            "quota_limit": self.quota_limit,
            "exhausted": self.exhausted,
            "warning": self.warning,
            "resets_on": next_month_start(self.month),
        }


def refuse_if_spent(state: QuotaState, reserve: int) -> None:
    """:class:`TraffyQuotaExhausted` when a call now would pass the quota (or eat into
    ``reserve``)."""
    resets = next_month_start(state.month)
    if state.exhausted:
        raise TraffyQuotaExhausted(
            f"Traffy Fondue API quota for {state.month} is used up (Traffy said so); "
            f"credits start again on {resets} (โควต้า Traffy Fondue เดือนนี้หมดแล้ว)"
        )
    if state.credit_balance is not None and state.credit_balance <= reserve:
        kept = f", {reserve} kept back for status updates" if reserve else ""
        raise TraffyQuotaExhausted(
            f"Traffy Fondue API quota for {state.month}: {state.credit_balance} credit(s) "
            f"left of {state.quota_limit if state.quota_limit is not None else '?'}{kept}; "
            f"call skipped until {resets} (โควต้า Traffy Fondue ใกล้หมด งดเรียกจนถึง {resets})"
        )


class QuotaBook(Protocol):
    def allow(self, now: float, reserve: int) -> None:
        """Raise :class:`TraffyQuotaExhausted` if a credit call now is not allowed."""

    def record(
        self,
        now: float,
        *,
        counted: bool,
        credit_balance: object,
        quota_limit: int | None = None,
        exhausted: bool = False,
        warning: str | None = None,
    ) -> None:
        """What one answer said. ``credit_balance`` is :data:`MISSING` when the answer
        had no such field."""

    def state(self, now: float) -> QuotaState: ...


MISSING = object()
"""``credit_balance`` absent from an answer (not the same as ``null``: unlimited)."""


def apply(
    state: QuotaState,
    *,
    counted: bool,
    credit_balance: object,
    quota_limit: int | None,
    exhausted: bool,
    warning: str | None,
) -> QuotaState:
    """``state`` after one answer (pure)."""
    if counted:
        state.calls += 1
    if credit_balance is not MISSING:
        state.credit_balance = credit_balance  # type: ignore[assignment]
    if quota_limit is not None:
        state.quota_limit = quota_limit
    if exhausted:
        state.exhausted = True
        state.credit_balance = 0
    if warning:
        state.warning = warning
    return state


@dataclass
class MemoryQuota:
    """A :class:`QuotaBook` in this process (tests, one-off commands)."""

    months: dict[str, QuotaState] = field(default_factory=dict)

    def state(self, now: float) -> QuotaState:
        month = month_of(now)
        return self.months.setdefault(month, QuotaState(month))

    def allow(self, now: float, reserve: int) -> None:
        refuse_if_spent(self.state(now), reserve)

    def record(
        self,
        now: float,
        *,
        counted: bool,
        credit_balance: object,
        quota_limit: int | None = None,
        exhausted: bool = False,
        warning: str | None = None,
    ) -> None:
        apply(
            self.state(now),
            counted=counted,
            credit_balance=credit_balance,
            quota_limit=quota_limit,
            exhausted=exhausted,
            warning=warning,
        )
