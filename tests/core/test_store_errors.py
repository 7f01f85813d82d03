"""What people read when the store fails: no driver internals; `db upgrade` says what it did."""

from __future__ import annotations

import sqlalchemy as sa

from paknam.core.store import short_reason


def test_short_reason_drops_driver_class_and_links() -> None:
    class Orig(Exception):
        pass

    exc = sa.exc.OperationalError(
        "SELECT 1", {}, Orig("the connection is lost\nSSL SYSCALL error: EOF detected")
    )
    assert "sqlalche.me" in str(exc) and "Orig" in str(exc)
    assert short_reason(exc) == "the connection is lost"
    assert short_reason(RuntimeError("(psycopg.OperationalError) boom")) == "boom"
