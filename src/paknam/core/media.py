"""Photos that citizens and officers upload: decoded, re-encoded, limited in size.

Shared by every domain that takes a photo (pollution reports, complaints, places). The
type is read from the bytes (JPEG, PNG or WebP magic numbers), never from the name or
the type the client claims. :func:`clean_photo` then decodes the image with Pillow and
encodes it anew, so that what is stored holds pixels only: no EXIF (GPS position, camera,
owner), no XMP, no ICC profile, no text chunks and no bytes appended after the image (a
``<script>`` hidden behind the JPEG end). Images larger than :data:`MAX_PHOTO_PIXELS` are
refused before they are decoded (decompression bombs); larger sides than
:data:`MAX_STORED_SIDE` are scaled down. JPEG and WebP without transparency are stored as
JPEG, PNG and images with transparency as PNG.

:func:`photo_response` serves a stored photo with its type, ``nosniff`` and
``Content-Disposition: inline``.
"""

from __future__ import annotations

import contextlib
import io
import threading

from PIL import Image, ImageOps
from starlette.responses import Response

from paknam.core.errors import InvalidInput

MAX_PHOTO_BYTES = 5 * 1024 * 1024
"""Largest photo accepted [bytes]."""
MAX_PHOTO_PIXELS = 40_000_000
"""Largest photo accepted [pixels, width × height]; checked before decoding."""
MAX_STORED_SIDE = 2560
"""Longer side of a stored photo [pixels]; larger photos are scaled down."""
JPEG_QUALITY = 85
PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
SERVED_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
"""Types a stored photo is served as (older rows may hold WebP)."""
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class Photo(bytes):
    """The bytes of a photo cleaned by :func:`clean_photo`, with its ``content_type``."""

    content_type: str

    def __new__(cls, data: bytes, content_type: str) -> Photo:
        self = super().__new__(cls, data)
        self.content_type = content_type
        return self


def photo_type(data: bytes) -> str:
    """The image type of ``data`` by its magic number, or :class:`InvalidInput`."""
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(
            f"photo is {len(data)} bytes; the limit is {MAX_PHOTO_BYTES} bytes "
            f"(รูปภาพใหญ่เกิน {MAX_PHOTO_BYTES // (1024 * 1024)} MB)",
            field="photo",
        )
    for magic, kind in PHOTO_SIGNATURES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise InvalidInput(
        "photo is not a JPEG, PNG or WebP image (รูปภาพต้องเป็น JPEG, PNG หรือ WebP)",
        field="photo",
    )


def _undecodable() -> InvalidInput:
    return InvalidInput(
        "photo cannot be decoded: damaged or truncated image (อ่านรูปภาพไม่ได้)", field="photo"
    )


def _too_many_pixels(size: str) -> InvalidInput:
    return InvalidInput(
        f"photo is {size}; the limit is {MAX_PHOTO_PIXELS} pixels (รูปภาพมีจำนวนพิกเซลมากเกินไป)",
        field="photo",
    )


DECODE_SLOTS = threading.BoundedSemaphore(2)
"""Photos decoded at once in a process: a well-compressed 40-megapixel PNG takes about
400 MB while it is decoded, so a burst of uploads waits here instead of taking the
machine's memory (like password hashing, two at a time)."""


def clean_photo(data: bytes) -> Photo:
    """``data`` decoded and re-encoded without metadata; :class:`InvalidInput` (field
    ``photo``) when it is too big, not a JPEG/PNG/WebP image, or cannot be decoded.

    A :class:`Photo` already cleaned is returned as it is (services clean photos before
    they open a write transaction; the functions that store them clean again for free).
    """
    if isinstance(data, Photo):
        return data
    kind = photo_type(data)
    with DECODE_SLOTS:
        return _clean(data, kind)


def _clean(data: bytes, kind: str) -> Photo:
    try:
        # Pillow refuses (DecompressionBombError) beyond 2 × Image.MAX_IMAGE_PIXELS at once;
        # the size read from the header is checked against the lower limit before decoding.
        opened = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]])
        width, height = opened.size
        if width * height > MAX_PHOTO_PIXELS:
            raise _too_many_pixels(f"{width}×{height} pixels")
        if kind == "image/jpeg":  # decode at a reduced scale when it will be scaled down
            opened.draft("RGB", (MAX_STORED_SIDE, MAX_STORED_SIDE))
        opened.load()
        image: Image.Image = opened
        # upright, as the camera meant it; a broken orientation tag keeps the pixels
        with contextlib.suppress(Exception):
            image = ImageOps.exif_transpose(opened)
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels("larger than Pillow's limit") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _undecodable() from None
    if max(image.size) > MAX_STORED_SIDE:
        image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if transparent or kind == "image/png":
        mode = "RGBA" if transparent else ("L" if image.mode in ("1", "L") else "RGB")
        pixels = _pixels_only(image, mode)
        pixels.save(out, format="PNG")
        return Photo(out.getvalue(), "image/png")
    pixels = _pixels_only(image, "L" if image.mode in ("1", "L") else "RGB")
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY)
    return Photo(out.getvalue(), "image/jpeg")


def _pixels_only(image: Image.Image, mode: str) -> Image.Image:
    """A new image with the pixels of ``image`` in ``mode`` and nothing else (no info)."""
    converted = image.convert(mode) if image.mode != mode else image
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh


def photo_response(content_type: str, data: bytes) -> Response:
    """A stored photo as an HTTP answer: its image type, never sniffed, shown inline, and
    no script may run in it even when opened on its own."""
    media_type = content_type if content_type in SERVED_TYPES else "application/octet-stream"
    return Response(
        bytes(data),
        media_type=media_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "inline" if media_type in SERVED_TYPES else "attachment",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
