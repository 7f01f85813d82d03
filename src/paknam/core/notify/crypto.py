"""Personal data at rest: phone numbers, e-mail addresses and LINE user ids are encrypted
(AES-256-GCM from ``cryptography``: a random 96-bit nonce per address, authenticated, so a
changed byte is detected) and found again through a keyed hash (HMAC-SHA256), so the
database alone reveals no address. AES-GCM rather than Fernet because the worker decrypts
every recipient of an alert at send time: ~10× faster per address, same key length class.

The key (32 random bytes, URL-safe base64: ``paknam`` makes one, or
``python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"``)
comes from ``PAKNAM_SECRET_KEY`` or the file ``PAKNAM_SECRET_KEY_FILE`` (created with mode
0600 on first use). Losing the key loses the addresses: back it up apart from the
database (docs/alerts.md).
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


def load_key(path: Path) -> bytes:
    """The key in ``path``, created (mode 0600) when the file does not exist."""
    if path.exists():
        return path.read_bytes().strip()
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
    key = s.secret_key.encode() if s.secret_key else load_key(Path(s.secret_key_file))
    return _cipher(key)
