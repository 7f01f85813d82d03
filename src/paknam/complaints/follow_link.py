"""The citizen's follow link and its QR code, given once with the filing answer.

The link is ``public_base_url`` + ``/follow/<token>`` (never the request's ``Host``, which a
client chooses). The QR code is made on the server with ``segno`` (pure Python, no
browser library to ship): an SVG of a few kilobytes, sent as a ``data:`` URI in the same
answer, so a phone on a slow line needs no second request and the token never appears in
a request path of its own.
"""

from __future__ import annotations

import segno

from paknam.core.config import get_settings

FOLLOW_PAGE = "/follow/"
"""Path of the citizen's follow page, before the token."""


def follow_path(token: str) -> str:
    """``/follow/<token>``: the page a citizen keeps to follow their complaint."""
    return FOLLOW_PAGE + token


def follow_url(token: str) -> str:
    """The follow page's full address (from the ``public_base_url`` setting)."""
    return get_settings().public_base_url.rstrip("/") + follow_path(token)


def qr_svg_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG ``data:`` URI (error correction M, 4 px modules,
    the 4-module quiet zone the standard asks for), for an ``<img src>``."""
    return str(
        segno.make(text, error="m", micro=False).svg_data_uri(
            scale=4, border=4, dark="#000", light="#fff", title="QR"
        )
    )
