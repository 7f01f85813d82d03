"""Finding 9: data files are the owner's only (0600), and the secret key that opens the
personal data lives outside the data directory by default (an older key beside the data is
still used, with a warning)."""

from __future__ import annotations

import base64
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from paknam.core.config import get_settings
from paknam.core.models import StationCreate
from paknam.core.notify import crypto
from paknam.core.store import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start services with (files 0644 unless asked otherwise)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_sqlite_files_are_created_owner_only(tmp_path: Path, usual_umask: None) -> None:
    db = tmp_path / "paknam.sqlite3"
    store = Store.open(f"sqlite:///{db}")
    try:
        store.add_station(
            StationCreate(
                id="18t",
                name_th="ศาลากลาง",
                name_en="City Hall",
                kind="air",
                lon=100.597,
                lat=13.599,
                quantities=["pm25"],
            )
        )
        with store.read() as conn:  # WAL and shared memory exist while connections are open
            conn.exec_driver_sql("SELECT 1")
            files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
            assert all(f.exists() for f in files)
            modes = {f.name: oct(_mode(f)) for f in files}
    finally:
        store.close()
    assert modes == {f.name: "0o600" for f in files}


@pytest.fixture
def no_key_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, usual_umask: None
) -> Iterator[tuple[Path, Path]]:
    """No key configured; the working directory is the data directory; a private config
    home. Yields (data directory, config home)."""
    data, config = tmp_path / "data", tmp_path / "config"
    data.mkdir()
    monkeypatch.delenv("PAKNAM_SECRET_KEY", raising=False)
    monkeypatch.delenv("PAKNAM_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(data)
    get_settings.cache_clear()
    try:
        yield data, config
    finally:
        get_settings.cache_clear()


def test_secret_key_is_created_outside_the_data_directory(
    no_key_settings: tuple[Path, Path],
) -> None:
    data, config = no_key_settings
    Store.open(f"sqlite:///{data / 'paknam.sqlite3'}").close()
    digest = crypto.cipher().digest("0812345678")
    key = config / "paknam" / "secret.key"
    assert key.is_file(), sorted(p.name for p in data.iterdir())
    assert _mode(key) == 0o600 and _mode(key.parent) == 0o700
    assert sorted(p.name for p in data.iterdir() if "key" in p.name) == []  # none beside the db
    assert crypto.cipher().digest("0812345678") == digest  # the same key next time


def test_an_existing_key_beside_the_data_is_still_used_and_reported(
    no_key_settings: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    data, config = no_key_settings
    old_key = base64.urlsafe_b64encode(os.urandom(32))
    (data / "paknam-secret.key").write_bytes(old_key + b"\n")
    with caplog.at_level(logging.WARNING, logger="paknam.core.notify.crypto"):
        used = crypto.cipher()
    assert used.digest("0812345678") == crypto.AddressCipher(old_key).digest("0812345678")
    assert not (config / "paknam" / "secret.key").exists()  # no second key made
    assert any(
        "old default" in r.getMessage() and str(data / "paknam-secret.key") in r.getMessage()
        for r in caplog.records
    ), caplog.text


def test_a_configured_key_file_wins(
    no_key_settings: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, config = no_key_settings
    (data / "paknam-secret.key").write_bytes(base64.urlsafe_b64encode(os.urandom(32)))
    chosen = tmp_path / "keys" / "paknam.key"
    monkeypatch.setenv("PAKNAM_SECRET_KEY_FILE", str(chosen))
    get_settings.cache_clear()
    crypto.cipher()
    assert chosen.is_file() and _mode(chosen) == 0o600
    assert not (config / "paknam" / "secret.key").exists()
