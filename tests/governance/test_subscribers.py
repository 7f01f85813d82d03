from __future__ import annotations

import pytest
import sqlalchemy as sa

from paknam.core.errors import InvalidInput, NotFound
from paknam.core.notify.schema import consents, subscribers
from paknam.core.notify.subscribers import (
    Audience,
    Subscription,
    audience_size,
    bulk_subscribe,
    find_by_token,
    get_subscriber,
    normalise_address,
    reachable,
    subscribe,
    withdraw,
)
from paknam.core.store import Store

LINE_USER = "U" + "4af4980629" * 3 + "ab"


@pytest.mark.parametrize(
    ("channel", "given", "canonical"),
    [
        ("sms", "081-234-5678", "+66812345678"),
        ("sms", "+66 81 234 5678", "+66812345678"),
        ("sms", "0912345678", "+66912345678"),
        ("sms", "+66 081 234 5678", "+66812345678"),  # the trunk 0 kept after +66
        ("sms", "66812345678", "+66812345678"),
        ("sms", "0066 81 234 5678", "+66812345678"),
        ("sms", "062-345-6789", "+66623456789"),
        ("email", "Somchai@Example.CO.TH", "Somchai@example.co.th"),
        ("line", LINE_USER, LINE_USER),
    ],
)
def test_addresses_are_normalised(channel: str, given: str, canonical: str) -> None:
    assert normalise_address(channel, given) == canonical


@pytest.mark.parametrize(
    ("channel", "given", "word"),
    [
        ("sms", "02-123-4567", "phone"),  # Bangkok landline: no SMS
        ("sms", "+661234", "phone"),
        ("sms", "+66212345678", "Thai mobile"),
        ("email", "no-at-sign", "e-mail"),
        ("line", "U123", "LINE user id"),
        ("fax", "123", "channel"),
    ],
)
def test_bad_addresses_are_named(channel: str, given: str, word: str) -> None:
    with pytest.raises(InvalidInput, match=word):
        normalise_address(channel, given)


def test_subscribe_encrypts_and_records_consent(store: Store) -> None:
    with store.write() as conn:
        sid, token = subscribe(
            conn, Subscription("sms", "081-234-5678", ["1101", "1103"], ["flood", "air"])
        )
    with store.read() as conn:
        row = conn.execute(sa.select(subscribers).where(subscribers.c.id == sid)).one()
        # nothing in the row shows the number
        assert b"812345678" not in bytes(row.address_enc)
        assert "812345678" not in row.address_hash
        assert row.status == "active"
        info = get_subscriber(conn, sid)
        assert find_by_token(conn, token) == sid
    assert info["address"] == "+668*****678"
    assert info["districts"] == ["1101", "1103"]
    assert info["consents"][0]["purpose"] == "alerts"
    assert info["consents"][0]["withdrawn_at"] is None


def test_subscribing_again_updates_not_duplicates(store: Store) -> None:
    with store.write() as conn:
        a, _ = subscribe(conn, Subscription("sms", "0812345678", ["1101"], ["flood"]))
        b, _ = subscribe(conn, Subscription("sms", "+66812345678", ["1102"], ["air"], "en"))
    assert a == b
    with store.read() as conn:
        info = get_subscriber(conn, a)
        assert conn.execute(sa.select(sa.func.count()).select_from(subscribers)).scalar() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(consents)).scalar() == 1
    assert info["districts"] == ["1102"] and info["topics"] == ["air"] and info["language"] == "en"


def test_bad_choices_store_nothing(store: Store) -> None:
    for sub, field in [
        (Subscription("sms", "0812345678", ["9999"], ["flood"]), "district"),
        (Subscription("sms", "0812345678", ["1101"], ["weather"]), "topic"),
        (Subscription("sms", "0812345678", ["1101"], ["flood"], "fr"), "language"),
        (Subscription("sms", "0812345678", [], ["flood"]), "district"),
    ]:
        with pytest.raises(InvalidInput, match=field), store.write() as conn:
            subscribe(conn, sub)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(subscribers)).scalar() == 0


def test_withdraw_and_erase(store: Store) -> None:
    with store.write() as conn:
        sid, token = subscribe(conn, Subscription("email", "a@b.th", ["1101"], ["news"]))
        withdraw(conn, sid)
    with store.read() as conn:
        info = get_subscriber(conn, sid)
        assert reachable(conn)["total"] == 0
        with pytest.raises(NotFound):
            find_by_token(conn, token)  # the token died with the consent
    assert info["status"] == "withdrawn"
    assert info["consents"][0]["withdrawn_at"] is not None
    with store.write() as conn:
        withdraw(conn, sid, erase=True)
    with store.read() as conn:
        row = conn.execute(sa.select(subscribers).where(subscribers.c.id == sid)).one()
        assert bytes(row.address_enc) == b""
        assert get_subscriber(conn, sid)["districts"] == []


def test_audience_resolution(store: Store) -> None:
    with store.write() as conn:
        a, _ = subscribe(conn, Subscription("sms", "0810000001", ["1101"], ["flood"]))
        subscribe(conn, Subscription("sms", "0810000002", ["1101", "1102"], ["air"]))
        subscribe(conn, Subscription("email", "c@d.th", ["1102"], ["flood", "air"], "en"))
        d, _ = subscribe(conn, Subscription("line", LINE_USER, ["1104"], ["news"]))
        gone, _ = subscribe(conn, Subscription("sms", "0810000009", ["1101"], ["flood"]))
        withdraw(conn, gone)
    with store.read() as conn:
        size = audience_size(conn, Audience(districts=("1101",), topics=("flood",)))
        assert size == {"line": 0, "sms": 1, "email": 0}
        size = audience_size(conn, Audience(districts=("1101", "1102")))
        assert size == {"line": 0, "sms": 2, "email": 1}
        size = audience_size(conn, Audience(topics=("air",), channels=("email",)))
        assert size == {"line": 0, "sms": 0, "email": 1}
        size = audience_size(conn, Audience(districts=("1106",), subscriber_ids=(d, a)))
        assert size == {"line": 1, "sms": 1, "email": 0}
        r = reachable(conn)
    assert r["total"] == 4
    assert r["by_channel"] == {"line": 1, "sms": 2, "email": 1}
    assert r["by_district"] == {"1101": 2, "1102": 2, "1104": 1}


def test_bulk_import_is_all_or_nothing(store: Store) -> None:
    subs = [Subscription("sms", f"081{i:07d}", ["1101"], ["flood"]) for i in range(20)]
    with store.write() as conn:
        assert bulk_subscribe(conn, subs) == 20
    again = [Subscription("sms", "0899999999", ["1101"], ["air"]), subs[3]]
    with pytest.raises(InvalidInput, match="already subscribed"), store.write() as conn:
        bulk_subscribe(conn, again)
    with pytest.raises(InvalidInput, match="twice"), store.write() as conn:
        bulk_subscribe(conn, [again[0], again[0]])
    with store.read() as conn:
        r = reachable(conn)
        assert audience_size(conn, Audience(topics=("flood",)))["sms"] == 20
        assert conn.execute(sa.select(sa.func.count()).select_from(consents)).scalar() == 20
    assert r["total"] == 20 and r["by_district"] == {"1101": 20}


def test_cipher_round_trip_and_tamper(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from paknam.core.notify.crypto import AddressCipher, load_key

    key_file = tmp_path / "k.key"
    key = load_key(key_file)
    assert load_key(key_file) == key  # created once, then read
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    c = AddressCipher(key)
    token = c.encrypt("+66812345678")
    assert c.encrypt("+66812345678") != token  # a fresh nonce each time
    assert c.decrypt(token) == "+66812345678"
    assert c.digest("+66812345678") == c.digest("+66812345678")
    bad = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(InvalidInput, match="cannot be decrypted"):
        c.decrypt(bad)
    with pytest.raises(InvalidInput, match="32 random bytes"):
        AddressCipher(b"short")
