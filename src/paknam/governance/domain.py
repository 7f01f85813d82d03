"""Smart Governance (การบริหารจัดการ): CAP alerts and news to citizens, and their indicators.

Subscribers, the outbox and the channels are the platform's notification service
(:mod:`paknam.core.notify`); the alert pipeline (:mod:`paknam.pipeline`) turns every
domain's warnings into this domain's alerts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.core.registry import Domain, commands_in, indicators_in, routers_in, tables_of
from paknam.governance import schema
from paknam.governance.outbox_checks import stale_alert_messages

if TYPE_CHECKING:
    pass


DOMAIN = Domain(
    name="governance",
    title_th="การบริหารจัดการอัจฉริยะ",
    title_en="Smart Governance",
    order=30,
    routers=routers_in("paknam.governance.routes"),
    install_cli=commands_in("paknam.governance.cli"),
    tables=tables_of(schema),
    indicators=indicators_in("paknam.governance.indicators"),
    stale_checks=(stale_alert_messages,),
)
