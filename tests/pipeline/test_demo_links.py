"""``paknam demo`` makes its own address the base of every link in alerts and messages."""

from __future__ import annotations

import pytest

from paknam.core.config import get_settings
from paknam.pipeline.live_demo import served_address, use_served_address


def test_demo_links_use_the_served_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAKNAM_PUBLIC_BASE_URL", "")
    get_settings.cache_clear()
    try:
        assert use_served_address("127.0.0.1", 8123) == "http://127.0.0.1:8123"
        assert get_settings().public_base_url == "http://127.0.0.1:8123"
        monkeypatch.setenv("PAKNAM_PUBLIC_BASE_URL", "https://alerts.example")
        get_settings.cache_clear()  # an operator's setting wins
        assert use_served_address("127.0.0.1", 8123) == "https://alerts.example"
    finally:
        get_settings.cache_clear()


def test_served_address_of_a_wildcard_host_is_a_real_address() -> None:
    url = served_address("0.0.0.0", 8000)
    assert url.startswith("http://") and url.endswith(":8000") and "0.0.0.0" not in url
    assert served_address("::1", 80) == "http://[::1]:80"
