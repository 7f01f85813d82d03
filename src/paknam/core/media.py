"""Photos that citizens and officers upload: checked by content, limited in size.

Shared by every domain that takes a photo (pollution reports, complaints, places). The
type is read from the bytes (JPEG, PNG or WebP magic numbers), never from the name or
the type the client claims.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput

MAX_PHOTO_BYTES = 5 * 1024 * 1024
"""Largest photo accepted [bytes]."""
PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def photo_type(data: bytes) -> str:
    """The image type of ``data``, or :class:`InvalidInput` naming the problem."""
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(
            f"photo is {len(data)} bytes; the limit is {MAX_PHOTO_BYTES} bytes", field="photo"
        )
    for magic, kind in PHOTO_SIGNATURES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise InvalidInput("photo is not a JPEG, PNG or WebP image", field="photo")
