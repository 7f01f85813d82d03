"""Smart Governance (การบริหารจัดการ): CAP alerts and news to citizens, and their indicators.

Subscribers, the outbox and the channels are the platform's notification service
(:mod:`paknam.core.notify`); the alert pipeline (:mod:`paknam.pipeline`) turns every
domain's warnings into this domain's alerts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paknam.core.registry import (
    Dataset,
    Domain,
    Link,
    commands_in,
    indicators_in,
    routers_in,
    tables_of,
)
from paknam.governance import schema
from paknam.governance.outbox_checks import stale_alert_messages

if TYPE_CHECKING:
    pass


DATASETS = (
    Dataset(
        name="alerts",
        title_th="ประกาศเตือนภัย (CAP) ถึงประชาชน",
        title_en="Public alerts (CAP)",
        notes_th="ประกาศเตือนภัยที่ออกถึงประชาชน (คุณภาพอากาศ น้ำ น้ำทะเลหนุน) "
        "ในรูปแบบ Common Alerting Protocol 1.2 และฟีด Atom",
        notes_en="Alerts issued to citizens (air, water, high tides) as Common Alerting "
        "Protocol 1.2 documents and an Atom feed.",
        keywords=("alert", "CAP", "early warning", "เตือนภัย"),
        theme="GOVE",
        category_th="สาธารณภัย",
        frequency="CONT",
        links=(
            Link("atom", "/api/v1/alerts.atom", "Atom", "ฟีด Atom ของประกาศ", "Atom feed"),
            Link(
                "json",
                "/api/v1/alerts?state=all",
                "JSON",
                "ประกาศทั้งหมด (JSON)",
                "All alerts (JSON)",
            ),
        ),
    ),
)


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
    datasets=DATASETS,
)
