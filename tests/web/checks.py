"""Checks every page must pass in the browser: it fits a phone's screen, and axe-core
(the accessibility engine, bundled by ``axe-playwright-python``) finds nothing serious.

Use them on a page opened with :meth:`tests.web.conftest.Browser.open`::

    page = chromium.open(url, viewport=PHONE)
    assert_fits_screen(page)
    assert_accessible(page)
"""

from __future__ import annotations

from typing import Any

PHONE = {"width": 390, "height": 844}
"""A common phone's CSS viewport (iPhone 12–15; most Android phones are 360–412 wide)."""
DESKTOP = {"width": 1400, "height": 1000}

BLOCKING_IMPACTS = ("serious", "critical")


def overflow(page: Any) -> dict[str, Any]:
    """The page's width against the viewport's, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
          const vw = document.documentElement.clientWidth;
          const wide = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > vw + 1) {
              wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                + `${el.className && typeof el.className === 'string'
                     ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
                + ` right=${Math.round(r.right)}`);
            }
          }
          return {scroll: document.documentElement.scrollWidth, viewport: vw,
                  wide: wide.slice(0, 8)};
        }"""
    )


def assert_fits_screen(page: Any) -> None:
    """No horizontal scrolling: the document is no wider than the viewport."""
    o = overflow(page)
    assert o["scroll"] <= o["viewport"], (
        f"{page.url} is {o['scroll']} px wide on a {o['viewport']} px screen: {o['wide']}"
    )


def axe_violations(page: Any, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[str]:
    """axe-core's violations of the given impacts, one line each (rule, impact, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for v in results.response["violations"]:
        if v.get("impact") in impacts:
            targets = [n["target"] for n in v.get("nodes", [])][:5]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return found


def assert_accessible(page: Any) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    found = axe_violations(page)
    assert not found, f"{page.url}: " + "\n".join(found)
