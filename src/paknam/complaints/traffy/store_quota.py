"""The quota book in the database (``traffy_quota``, one row per Thai-time month), so that
the API process, the scheduler and the command line count the same credits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from paknam.complaints.traffy.quota import QuotaState, apply, refuse_if_spent
from paknam.complaints.traffy.quota import month_of as _month_of
from paknam.complaints.traffy.schema import traffy_quota as table
from paknam.core.store import Store


class StoreQuota:
    """A :class:`paknam.complaints.traffy.quota.QuotaBook` on ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def state(self, now: float) -> QuotaState:
        month = _month_of(now)
        with self.store.read() as conn:
            row = conn.execute(sa.select(table).where(table.c.month == month)).first()
        if row is None:
            return QuotaState(month)
        return QuotaState(
            month,
            int(row.calls),
            row.credit_balance,
            row.quota_limit,
            bool(row.exhausted),
            row.warning,
        )

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
        month = _month_of(now)
        with self.store.write(changes_answers=False) as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(
                dialect.insert(table)
                .values(month=month, calls=0, exhausted=False, updated_s=int(now))
                .on_conflict_do_nothing(index_elements=[table.c.month])
            )
            query = sa.select(table).where(table.c.month == month)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            row = conn.execute(query).one()
            state = QuotaState(
                month,
                int(row.calls),
                row.credit_balance,
                row.quota_limit,
                bool(row.exhausted),
                row.warning,
            )
            apply(
                state,
                counted=counted,
                credit_balance=credit_balance,
                quota_limit=quota_limit,
                exhausted=exhausted,
                warning=warning,
            )
            conn.execute(
                table.update()
                .where(table.c.month == month)
                .values(
                    calls=state.calls,
                    credit_balance=state.credit_balance,
                    quota_limit=state.quota_limit,
                    exhausted=state.exhausted,
                    warning=state.warning,
                    updated_s=int(now),
                )
            )
