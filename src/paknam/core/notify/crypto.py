"""Personal data at rest: phone numbers, e-mail addresses and LINE user ids are encrypted
(AES-256-GCM from ``cryptography``: a random 96-bit nonce per address, authenticated, so a
changed byte is detected) and found again through a keyed hash (HMAC-SHA256), so the
database alone reveals no address. AES-GCM rather than Fernet because the worker decrypts
every recipient of an alert at send time: ~10× faster per address, same key length class.

The key (32 random bytes, URL-safe base64: ``paknam`` makes one, or
``python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"``)
comes from ``PAKNAM_SECRET_KEY`` or the file ``PAKNAM_SECRET_KEY_FILE`` (created with mode
0600 on first use). Without either, the file is ``$XDG_CONFIG_HOME/paknam/secret.key``
(``~/.config/paknam/secret.key``): outside the data directory, so that a copy of the data
(the SQLite file, a backup) does not carry the key that opens it. An older installation's
``paknam-secret.key`` in the working directory (the default before) is still used, with a
warning saying where to move it. Losing the key loses the addresses: back it up apart from
the database (docs/alerts.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput

log = logging.getLogger(__name__)


class AddressCipher:
    """Encrypt, decrypt and hash addresses with one secret key."""

    def __init__(self, key: bytes) -> None:
        try:
            raw = base64.urlsafe_b64decode(key)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise InvalidInput("secret key must be 32 random bytes in URL-safe base64")
        self._aead = AESGCM(raw)
        self._hash_key = hashlib.sha256(b"paknam-address-hash\0" + raw).digest()

    def encrypt(self, address: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, address.encode("utf-8"), b"paknam-address")

    def decrypt(self, token: bytes) -> str:
        token = bytes(token)
        try:
            return self._aead.decrypt(token[:12], token[12:], b"paknam-address").decode("utf-8")
        except (InvalidTag, ValueError):
            raise InvalidInput("stored address cannot be decrypted with this key") from None

    def digest(self, address: str) -> str:
        """Keyed SHA-256 of a normalised address (hex): equal addresses, equal digests."""
        return hmac.new(self._hash_key, address.encode("utf-8"), hashlib.sha256).hexdigest()


LEGACY_KEY_FILE = "paknam-secret.key"
"""The former default key file: in the working directory, beside the default SQLite file."""
_told: set[Path] = set()


def default_key_file() -> Path:
    """``$XDG_CONFIG_HOME/paknam/secret.key`` (``~/.config/paknam/secret.key``)."""
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "paknam" / "secret.key"


def key_file(configured: str | None = None) -> Path:
    """The key file to use: ``configured`` (``PAKNAM_SECRET_KEY_FILE``), else an existing
    legacy key in the working directory (with a warning), else :func:`default_key_file`."""
    if configured:
        return Path(configured).expanduser()
    legacy = Path(LEGACY_KEY_FILE).resolve()
    if legacy.is_file():
        if legacy not in _told:
            _told.add(legacy)
            log.warning(
                "using the secret key %s beside the data (the old default location): move it "
                "to %s, or name it in PAKNAM_SECRET_KEY_FILE, and keep it out of backups of "
                "the data (ใช้กุญแจลับเดิมที่อยู่ข้างฐานข้อมูล: ควรย้ายไปไว้นอกโฟลเดอร์ข้อมูล)",
                legacy,
                default_key_file(),
            )
        return legacy
    return default_key_file()


def load_key(path: Path) -> bytes:
    """The key in ``path``, created (mode 0600, its folder 0700) when the file does not
    exist."""
    if path.exists():
        if path.stat().st_mode & 0o077 and path not in _told:
            _told.add(path)
            log.warning("secret key %s is readable by other users: chmod 600 it", path)
        return path.read_bytes().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(os.urandom(32))
    log.warning(
        "created a new secret key for personal data at %s: back it up; a process started "
        "elsewhere must use the same key (PAKNAM_SECRET_KEY or PAKNAM_SECRET_KEY_FILE)",
        path.resolve(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key + b"\n")
    return key


@lru_cache(maxsize=4)
def _cipher(key: bytes) -> AddressCipher:
    return AddressCipher(key)


def cipher() -> AddressCipher:
    """The process-wide cipher from the settings."""
    s = get_settings()
    key = s.secret_key.encode() if s.secret_key else load_key(key_file(s.secret_key_file))
    return _cipher(key)
