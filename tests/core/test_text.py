"""Citizens' text helpers: control characters and addresses kept out of logs."""

from __future__ import annotations

import pytest

from paknam.core.errors import InvalidInput
from paknam.core.text import check_text, redact_addresses


def test_redact_addresses_hides_mail_and_phone_numbers_only() -> None:
    answer = "550 5.1.1 <somchai.k@example.co.th>: rejected; +66 81 234 5678, 0812345678; code 554"
    out = redact_addresses(answer)
    assert "somchai" not in out and "234 5678" not in out and "0812345678" not in out
    assert out.startswith("550 5.1.1 <[…]>") and out.endswith("code 554")


def test_check_text_names_the_field_and_the_character() -> None:
    assert check_text("ถนนสุขุมวิท\tซอย 1\n", "address") == "ถนนสุขุมวิท\tซอย 1\n"
    with pytest.raises(InvalidInput, match=r"address contains the control character U\+000B"):
        check_text("a\x0bb", "address")
