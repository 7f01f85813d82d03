"""Complaints in the browser, against the real API on the demo store (SAMPLE complaints):
the officer's inbox shows what GET /api/v1/complaints answers, a status change with a note
made in the page is stored and logged, and the public page (Open311 requests.json) shows
the same complaints as the API. No console errors; Thai and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import Browser, Server, officer_headers

OFFICER = "inbox-officer"
PASSWORD = "a long password"
NOTE = "ส่งทีมตรวจสอบแล้ว (ทดสอบ) / Team sent to check (test)"


@pytest.fixture(scope="module")
def officer(demo_server: Server) -> dict[str, str]:
    """An officer account (created once per module) and its bearer header."""
    return officer_headers(demo_server, OFFICER, PASSWORD)


def _api(server: Server, path: str, headers: dict[str, str], **params: Any) -> Any:
    r = httpx.get(server.url + path, params=params, headers=headers, timeout=30)
    r.raise_for_status()
    return r.json()


def _rows(page: Any) -> list[dict[str, str]]:
    """What the inbox table shows, one dict per complaint row."""
    return page.locator("#inbox tbody tr[data-complaint]").evaluate_all(
        """rows => rows.map(r => ({
            id: r.dataset.complaint,
            status: r.dataset.status,
            overdue: r.dataset.overdue,
            due: r.querySelector('td.due').dataset.due,
            label: r.querySelector('td.status .status-name').textContent,
            notes: r.querySelector('td.status .status-notes')?.textContent ?? null,
        }))"""
    )


def _expected(items: list[dict[str, Any]], lang: str = "th") -> list[dict[str, Any]]:
    return [
        {
            "id": str(c["id"]),
            "status": c["status"],
            "overdue": "true" if c["overdue"] else "false",
            "due": c["due"],
            "label": c[f"status_{lang}"],
            # a note that only repeats the state's label is not shown twice
            "notes": (
                None
                if c["status_notes"] == f"{c['status_th']} / {c['status_en']}"
                else c["status_notes"]
            ),
        }
        for c in items
    ]


def _log_in(server: Server, chromium: Browser) -> Any:
    page = chromium.log_in(server.url, OFFICER, PASSWORD)
    page.wait_for_selector("#app[data-ready=true] #complaints-inbox[data-ready=true]")
    return page


def test_officer_inbox_matches_the_api_and_changes_a_status_with_a_note(
    demo_server: Server, chromium: Browser, officer: dict[str, str], tmp_path: Path
) -> None:
    page = _log_in(demo_server, chromium)
    inbox = page.locator("#complaints-inbox")

    # The default view: complaints not closed yet, oldest due first, as the API orders them.
    open_ = _api(demo_server, "/api/v1/complaints", officer, status="open")
    assert open_["total"] >= 1
    assert int(inbox.locator("#inbox-total").get_attribute("data-total")) == open_["total"]
    assert _rows(page) == _expected(open_["items"])
    assert {c["status"] for c in open_["items"]} <= {
        "new",
        "assigned",
        "in_progress",
        "forwarded",
        "reopened",
    }

    # All statuses.
    everything = _api(demo_server, "/api/v1/complaints", officer)
    assert everything["total"] > open_["total"]  # the sample has closed complaints too
    inbox.locator("#inbox-filters select[name=status]").select_option("")
    page.wait_for_selector(
        f'#complaints-inbox[data-ready=true] #inbox-total[data-total="{everything["total"]}"]'
    )
    assert _rows(page) == _expected(everything["items"])
    page.screenshot(path=str(tmp_path / "officer_inbox.png"), full_page=True)

    # A status change needs a choice, and rejecting needs a note: the API's reason is shown.
    target = next(c for c in everything["items"] if c["status"] == "new")
    cid = target["id"]
    row = page.locator(f'#inbox tr[data-complaint="{cid}"]')
    assert row.locator("button.change").is_disabled()
    row.locator("select[name=status]").select_option("rejected")
    row.locator("button.change").click()
    page.wait_for_selector(f'tr[data-complaint="{cid}"] .out:has-text("needs a note")')
    page.wait_for_selector("#complaints-inbox[data-ready=true]")
    assert _api(demo_server, f"/api/v1/complaints/{cid}", officer)["status"] == "new"

    # The change with a note, made in the page.
    before = _api(demo_server, f"/api/v1/complaints/{cid}", officer)["events"]
    row.locator("select[name=status]").select_option("in_progress")
    row.locator("input[name=note]").fill(NOTE)
    row.locator("button.change").click()
    page.wait_for_selector(
        f'#complaints-inbox[data-ready=true] tr[data-complaint="{cid}"][data-status=in_progress]'
    )
    row = page.locator(f'#inbox tr[data-complaint="{cid}"]')
    assert row.locator(".out").inner_text() == "บันทึกแล้ว"

    # Stored and logged, as the API and Open311 tell.
    detail = _api(demo_server, f"/api/v1/complaints/{cid}", officer)
    assert detail["status"] == "in_progress"
    assert detail["status_notes"] == NOTE
    assert len(detail["events"]) == len(before) + 1
    event = detail["events"][-1]
    assert (event["kind"], event["from_status"], event["to_status"]) == (
        "status",
        "new",
        "in_progress",
    )
    assert (event["note"], event["actor"], event["public"]) == (NOTE, OFFICER, True)
    (open311,) = demo_server.get(f"/open311/v2/requests/{cid}.json")
    assert (open311["status"], open311["status_notes"]) == ("open", NOTE)
    everything = _api(demo_server, "/api/v1/complaints", officer)
    assert _rows(page) == _expected(everything["items"])

    # The complaint's log in the page is the API's.
    row.locator("button.log-toggle").click()
    shown = page.locator(f'#inbox tr[data-log="{cid}"] li[data-event]')
    shown.nth(len(detail["events"]) - 1).wait_for()
    assert shown.evaluate_all("els => els.map(e => Number(e.dataset.event))") == [
        e["id"] for e in detail["events"]
    ]
    assert NOTE in shown.last.inner_text()
    assert OFFICER in shown.last.inner_text()
    page.screenshot(path=str(tmp_path / "officer_inbox_changed.png"), full_page=True)

    # English.
    page.click("#lang-switch")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.wait_for_selector("#complaints-inbox h2:text-is('Complaints inbox')")
    assert _rows(page) == _expected(everything["items"], "en")
    assert "→ In progress" in shown.last.inner_text()
    page.screenshot(path=str(tmp_path / "officer_inbox_en.png"), full_page=True)
    # The browser logs the refused change (422) itself; nothing else may fail.
    others = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert others == []


def test_public_complaints_page_shows_the_api_requests_on_map_and_list(
    demo_server: Server, chromium: Browser, officer: dict[str, str], tmp_path: Path
) -> None:
    page = chromium.open(f"{demo_server.url}/complaints", wait="#app[data-ready=true]")
    page.wait_for_selector("#complaints-map[data-ready=true]")
    requests = demo_server.get("/open311/v2/requests.json")
    inbox = _api(demo_server, "/api/v1/complaints", officer, limit=1000)
    # Every complaint of the demo store is from the last 90 days: the same count both ways.
    assert len(requests) == inbox["total"] > 0
    total = page.locator("#complaints-total")
    assert int(total.get_attribute("data-total")) == inbox["total"]
    closed = sum(1 for c in inbox["items"] if c["open311_status"] == "closed")
    assert int(total.get_attribute("data-closed")) == closed
    assert int(total.get_attribute("data-open")) == inbox["total"] - closed
    assert f"{inbox['total']} เรื่อง" in total.inner_text()

    shown = page.locator("#complaints-list tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.request, r.dataset.status])"
    )
    assert shown == [[r["service_request_id"], r["status"]] for r in requests]
    assert sorted(int(i) for i, _ in shown) == sorted(c["id"] for c in inbox["items"])
    by_id = {str(c["id"]): c["open311_status"] for c in inbox["items"]}
    assert all(by_id[i] == s for i, s in shown)
    markers = page.locator("#complaints-map path.complaint-marker")
    assert markers.count() == int(page.locator("#complaints-map").get_attribute("data-markers"))
    assert sorted(markers.evaluate_all("els => els.map(e => e.dataset.request)")) == sorted(
        r["service_request_id"] for r in requests
    )
    assert page.locator('#complaints-list tr[data-status="closed"]').count() == closed

    # The domain's API paths are listed (the page's "open data" section).
    paths = [
        p
        for p, ops in demo_server.get("/openapi.json")["paths"].items()
        if "get" in ops and p.startswith(("/open311/", "/api/v1/complaints"))
    ]
    config = page.evaluate("JSON.parse(document.getElementById('paknam-config').textContent)")
    links = [p for p in config["open_data"] if p.startswith(("/open311/", "/api/v1/complaints"))]
    assert 0 < len(links) < len(paths)  # officer-only and parameterised paths are left out
    assert page.locator(".api-list li").count() == len(links)
    assert page.locator('[data-nav="complaints"][aria-current="page"]').count() == 1
    page.screenshot(path=str(tmp_path / "complaints.png"), full_page=True)

    page.click("#lang-switch")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert f"{inbox['total']} requests in the last 90 days" in total.inner_text()
    labels = page.locator("#complaints-list td.status .status-name").all_inner_texts()
    assert labels == [r["status"] for r in requests]  # "open" / "closed" in English
    assert "Bang Bo" in page.locator("#complaints-map").inner_text()
    page.screenshot(path=str(tmp_path / "complaints_en.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_officer_desk_shows_every_job_and_source_as_the_api_does(
    demo_server: Server, chromium: Browser, officer: dict[str, str]
) -> None:
    page = _log_in(demo_server, chromium)
    page.wait_for_selector("#ops tr[data-job]")
    jobs = _api(demo_server, "/api/v1/jobs", officer)["jobs"]
    shown = page.locator("#ops tr[data-job]").evaluate_all("rows => rows.map(r => r.dataset.job)")
    assert shown == [j["name"] for j in jobs]
    sources = _api(demo_server, "/api/v1/sources", officer)
    sources = sources if isinstance(sources, list) else sources["sources"]
    if sources:
        assert page.locator("#ops tr[data-source]").count() == len(sources)
    else:
        assert page.locator("#ops-no-sources").count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]
