"""Personal data at rest: phone numbers, e-mail addresses and LINE user ids are encrypted
(Fernet: AES-128-CBC + HMAC-SHA256, from ``cryptography``) and found again through a keyed
hash, so the database alone reveals no address.

The key comes from ``PAKNAM_SECRET_KEY`` or the file ``PAKNAM_SECRET_KEY_FILE`` (created
with mode 0600 on first use). Losing the key loses the addresses: back it up apart from the
database (docs/alerts.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from paknam.core.config import get_settings
from paknam.core.errors import InvalidInput


class AddressCipher:
    """Encrypt, decrypt and hash addresses with one secret key."""

    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError as exc:
            raise InvalidInput(f"secret key is not a Fernet key: {exc}") from None
        self._hash_key = hashlib.sha256(b"paknam-address-hash\0" + key).digest()

    def encrypt(self, address: str) -> bytes:
        return self._fernet.encrypt(address.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken:
            raise InvalidInput("stored address cannot be decrypted with this key") from None

    def digest(self, address: str) -> str:
        """Keyed SHA-256 of a normalised address (hex): equal addresses, equal digests."""
        return hmac.new(self._hash_key, address.encode("utf-8"), hashlib.sha256).hexdigest()


def load_key(path: Path) -> bytes:
    """The key in ``path``, created (mode 0600) when the file does not exist."""
    if path.exists():
        return path.read_bytes().strip()
    key = Fernet.generate_key()
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
    key = s.secret_key.encode() if s.secret_key else load_key(Path(s.secret_key_file))
    return _cipher(key)
