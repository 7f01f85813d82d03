"""Every page of the dashboard in English: the checks of :mod:`tests.web.test_every_page`
(which has them in Thai) on a demo server and browser pages of this module's own, so that
the two halves of the longest browser module run side by side (pytest-xdist hands out
whole files).
"""

from __future__ import annotations

import pytest

from tests.web import test_every_page as every

pytestmark = pytest.mark.slow

demo_server = every.demo_server
urls = every.urls
views = every.views


@pytest.mark.parametrize("width", sorted(every.WIDTHS))
@pytest.mark.parametrize("path", every.EVERY_PATH)
def test_every_page_fits_and_is_accessible_in_english(
    views: every.Views, urls: dict[str, str], path: str, width: str
) -> None:
    every.check_view(views, urls, path, "en", width)
