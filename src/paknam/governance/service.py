"""The governance service: what the API and the CLI do, one transaction each.

The alert functions below it (:mod:`paknam.governance.alerts`) and the notification
service (:mod:`paknam.core.notify`) work inside a caller's connection; this module opens
the transactions. Answers are Python values (times as aware datetimes); the routes turn
them into JSON.

:func:`queue_alert` is the one way an alert reaches people: the officer's send
(:func:`send_alert`) and the alert pipeline (:func:`paknam.pipeline.flow.issue_alerts_in`) both
call it, inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from paknam.core.config import Settings
from paknam.core.notify import line_webhook, subscribers, verify
from paknam.core.notify.channels import Outcome
from paknam.core.notify.line_flex import with_flex
from paknam.core.notify.outbox import enqueue, message_stats, sent_messages
from paknam.core.notify.render import preview, render_news
from paknam.core.notify.subscribers import Audience, Subscription
from paknam.core.store import Store
from paknam.governance import alerts, page
from paknam.governance.alerts import AlertSpec
from paknam.governance.errors import AlertAlreadySent, AlertNotActive, NoRecipients
from paknam.governance.render import render_alert

# --- alerts ----------------------------------------------------------------------------


def list_alerts(
    store: Store, *, state: str = "active", base_url: str = "", limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Newest message of each alert, newest first (see :func:`alerts.list_alerts`)."""
    with store.read() as conn:
        return alerts.list_alerts(conn, state=state, base_url=base_url, limit=limit, offset=offset)


def feed_alerts(store: Store, *, base_url: str = "") -> list[dict[str, Any]]:
    """What the Atom feed lists (see :func:`alerts.feed_alerts`)."""
    with store.read() as conn:
        return alerts.feed_alerts(conn, base_url=base_url)


def get_alert(store: Store, alert_id: int, *, base_url: str = "") -> dict[str, Any]:
    """One CAP message with its thread."""
    with store.read() as conn:
        return alerts.get_alert(conn, alert_id, base_url)


def alert_page(store: Store, alert_id: int, *, base_url: str = "") -> dict[str, Any]:
    """What the alert's public page shows (see :func:`paknam.governance.page.alert_page_data`)."""
    with store.read() as conn:
        return page.alert_page_data(conn, alert_id, base_url)


def get_cap_xml(store: Store, alert_id: int) -> str:
    """The CAP 1.2 document of one message, exactly as published."""
    with store.read() as conn:
        return alerts.get_cap_xml(conn, alert_id)


def create_alert(
    store: Store, spec: AlertSpec, created_by: str, *, base_url: str = ""
) -> dict[str, Any]:
    """Issue a CAP Alert; answers it as :func:`get_alert` does."""
    with store.write() as conn:
        new_id = alerts.create_alert(conn, spec, created_by)
        return alerts.get_alert(conn, new_id, base_url)


def update_alert(
    store: Store,
    alert_id: int,
    changes: Mapping[str, Any],
    created_by: str,
    *,
    base_url: str = "",
) -> dict[str, Any]:
    """Issue a CAP Update of ``alert_id``'s thread; answers the Update."""
    with store.write() as conn:
        new_id = alerts.update_alert(conn, alert_id, changes, created_by)
        return alerts.get_alert(conn, new_id, base_url)


def cancel_alert(
    store: Store,
    alert_id: int,
    created_by: str,
    note_th: str | None = None,
    note_en: str | None = None,
    *,
    base_url: str = "",
) -> dict[str, Any]:
    """Issue a CAP Cancel of ``alert_id``'s thread; answers the Cancel."""
    with store.write() as conn:
        new_id = alerts.cancel_alert(conn, alert_id, created_by, note_th, note_en)
        return alerts.get_alert(conn, new_id, base_url)


# --- delivery --------------------------------------------------------------------------


def _refuse_nobody(conn: Connection, audience: Audience) -> None:
    """Raise :class:`NoRecipients` when ``audience`` reaches no one."""
    size = subscribers.audience_size(conn, audience)
    if sum(size.values()) == 0:
        raise NoRecipients(
            "no recipients: nobody with live consent subscribed to "
            f"{', '.join(audience.topics) or 'any topic'} in "
            f"{', '.join(audience.districts) or 'any district'}; nothing was sent "
            "(ไม่มีผู้รับ: ยังไม่มีผู้ลงทะเบียนรับการแจ้งเตือนเรื่องนี้ในพื้นที่นี้ จึงไม่ได้ส่ง)"
        )


def default_audience(alert: Mapping[str, Any]) -> Audience:
    """Who an alert goes to unless an officer says otherwise: its districts and topic."""
    return Audience(districts=tuple(alert["districts"]), topics=(alert["topic"],))


def alert_link(link_base: str, alert_id: int) -> str:
    """The public page of an alert, the link every channel's text ends with."""
    return f"{link_base.rstrip('/')}/alerts/{alert_id}"


def _sendable(conn: Connection, alert_id: int, *, force: bool) -> dict[str, Any]:
    """The alert, if it may be queued: active (or a Cancel) and not sent before unless
    ``force``; else :class:`AlertNotActive` / :class:`AlertAlreadySent`."""
    alert = alerts.get_alert(conn, alert_id)
    if alert["state"] != "active" and alert["msg_type"] != "Cancel":
        raise AlertNotActive(f"alert {alert_id} is not active (it is {alert['state']})")
    earlier = sent_messages(conn, alert_id)
    if earlier and not force:
        raise AlertAlreadySent(
            f"alert {alert_id} was already sent (message {', '.join(map(str, earlier))}); "
            "send with force: true to send it again",
            earlier=earlier,
        )
    return alert


def queue_alert(
    conn: Connection,
    alert_id: int,
    *,
    created_by: str,
    link_base: str,
    audience: Audience | None = None,
    force: bool = False,
) -> tuple[int, int]:
    """Queue an alert for delivery inside the caller's transaction: render each channel's
    texts once and put one delivery per recipient in the outbox.

    ``audience`` defaults to :func:`default_audience`. An alert that is neither active nor
    a Cancel raises :class:`AlertNotActive`; one queued before raises
    :class:`AlertAlreadySent` unless ``force``. Returns (message id, recipients).
    """
    alert = _sendable(conn, alert_id, force=force)
    link = alert_link(link_base, alert_id)
    return enqueue(
        conn,
        kind="alert",
        content=with_flex(conn, render_alert(alert, link), alert, link),
        audience=default_audience(alert) if audience is None else audience,
        created_by=created_by,
        alert_id=alert_id,
        raised_at=alert["raised_at"],
    )


def send_alert(
    store: Store,
    alert_id: int,
    *,
    created_by: str,
    link_base: str,
    audience: Audience | None = None,
    force: bool = False,
) -> tuple[int, int]:
    """:func:`queue_alert` in its own transaction (an officer's send). An audience that
    holds nobody is refused (:class:`NoRecipients`) before anything is queued."""
    with store.write() as conn:
        alert = _sendable(conn, alert_id, force=force)
        _refuse_nobody(conn, default_audience(alert) if audience is None else audience)
        return queue_alert(
            conn,
            alert_id,
            created_by=created_by,
            link_base=link_base,
            audience=audience,
            force=force,
        )


def preview_alert(
    store: Store, alert_id: int, *, link_base: str, audience: Audience | None = None
) -> dict[str, Any]:
    """What each channel would send for an alert, to how many, and whether it was sent."""
    with store.read() as conn:
        alert = alerts.get_alert(conn, alert_id)
        audience = default_audience(alert) if audience is None else audience
        size = subscribers.audience_size(conn, audience)
        already = sent_messages(conn, alert_id)
    content = render_alert(alert, alert_link(link_base, alert_id))
    return {
        "already_sent": already,
        "alert_id": alert_id,
        "audience": audience.as_dict(),
        "recipients": size,
        "messages": preview(content),
    }


def preview_news(
    store: Store, text_th: str, text_en: str, audience: Audience, *, link_base: str
) -> dict[str, Any]:
    """What each channel would send for a news message, and to how many."""
    with store.read() as conn:
        size = subscribers.audience_size(conn, audience)
    content = render_news(text_th, text_en, link_base)
    return {"recipients": size, "messages": preview(content)}


def send_news(
    store: Store,
    text_th: str,
    text_en: str,
    audience: Audience,
    *,
    created_by: str,
    link_base: str,
) -> tuple[int, int]:
    """Queue news for delivery; returns (message id, recipients). An audience that holds
    nobody is refused (:class:`NoRecipients`)."""
    with store.write() as conn:
        _refuse_nobody(conn, audience)
        return enqueue(
            conn,
            kind="news",
            content=render_news(text_th, text_en, link_base),
            audience=audience,
            created_by=created_by,
        )


def message(store: Store, message_id: int) -> dict[str, Any]:
    """Delivery progress of one outbox message."""
    with store.read() as conn:
        return message_stats(conn, message_id)


# --- subscribers -----------------------------------------------------------------------


def reachable(store: Store) -> dict[str, Any]:
    """People reachable, by channel and district."""
    with store.read() as conn:
        return subscribers.reachable(conn)


def get_subscriber(store: Store, subscriber_id: int) -> dict[str, Any]:
    """One subscriber, address masked."""
    with store.read() as conn:
        return subscribers.get_subscriber(conn, subscriber_id)


def set_groups(store: Store, subscriber_id: int, groups: Sequence[str]) -> dict[str, Any]:
    """Set a subscriber's groups; answers the subscriber."""
    with store.write() as conn:
        subscribers.set_groups(conn, subscriber_id, groups)
        return subscribers.get_subscriber(conn, subscriber_id)


def check_subscription(store: Store, sub: Subscription, countries: Sequence[str]) -> str:
    """Check a citizen's request (nothing stored); returns the keyed hash of its address,
    for the per-address limit. :class:`InvalidInput` names the problem."""
    with store.read() as conn:
        return verify.prepare(conn, sub, countries)[1]


def request_subscription(
    store: Store, sub: Subscription, settings: Settings, *, link_base: str
) -> tuple[verify.Pending, Outcome]:
    """Store a pending request and send its code (SMS) or link (e-mail) at once; answers
    the request and the channel's answer. The same steps for every address, known or not.
    The message goes out after the request is committed, outside any transaction."""
    countries = settings.subscription_sms_countries
    with store.write() as conn:
        pending = verify.create_request(
            conn,
            sub,
            notice_version=subscribers.NOTICE_VERSION,
            countries=countries,
            ttl_s=settings.subscription_code_ttl_s,
        )
    outcome = verify.send_verification(
        pending, settings, link_base, settings.subscription_code_ttl_s
    )
    with store.write() as conn:
        verify.record_sent(conn, pending.request_id, outcome)
    return pending, outcome


def verify_subscription(
    store: Store,
    *,
    request: str | None = None,
    code: str | None = None,
    link_token: str | None = None,
    attempts: int = verify.MAX_ATTEMPTS,
) -> verify.Refused | tuple[dict[str, Any], str]:
    """Confirm a request by its code or its link: the subscriber (masked) and the new
    manage token, or why not (a wrong try is committed, so it counts)."""
    with store.write() as conn:
        if link_token is not None:
            result = verify.verify_link(conn, link_token)
        else:
            result = verify.verify_code(conn, request or "", code or "", attempts=attempts)
        if isinstance(result, verify.Refused):
            return result
        return subscribers.get_subscriber(conn, result.subscriber_id), result.manage_token


def my_subscription(store: Store, token: str) -> dict[str, Any]:
    """The subscription a manage token belongs to."""
    with store.read() as conn:
        return subscribers.get_subscriber(conn, subscribers.find_by_token(conn, token))


def withdraw(store: Store, token: str, *, erase: bool = False) -> dict[str, Any]:
    """Withdraw the consent of the subscription a manage token belongs to."""
    with store.write() as conn:
        sid = subscribers.find_by_token(conn, token)
        subscribers.withdraw(conn, sid, erase=erase)
        return subscribers.get_subscriber(conn, sid)


def handle_line_events(
    store: Store, payload: dict[str, Any], *, fetch: Callable[[str], bytes] | None = None
) -> list[line_webhook.Reply]:
    """Apply a LINE webhook's events; returns the replies to send (reply token, messages).
    ``fetch`` downloads the content of an image a citizen sent."""
    return line_webhook.handle_events(store, payload, fetch=fetch)
