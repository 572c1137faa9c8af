"""The real UI in headless Debian Chromium: a cited answer, a working source link, no script injection."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from ishoj_assistant.cli.serve_command import build_app
from ishoj_assistant.context import AppContext
from tests.conftest import PROJECT_ROOT
from tests.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> Hvad er værdighedsmilliarden?'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium findes ikke (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def ui_url(corpus_context: AppContext) -> Iterator[str]:
    with live_server(build_app(corpus_context)) as url:
        yield url


def test_question_gets_a_cited_answer_with_a_working_pdf_link_and_no_injected_script(ui_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        outside: list[str] = []
        page.on("request", lambda request: None if request.url.startswith((ui_url, "data:", "blob:")) else outside.append(request.url))
        page.goto(ui_url)
        page.locator("#spoergsmaal textarea").wait_for(timeout=30_000)
        assert page.locator("text=Ishøj dokumentassistent").first.is_visible()

        page.locator("#spoergsmaal textarea").fill(HOSTILE)
        page.locator("#send").click()
        link = page.locator("#kilder a", has_text=re.compile(r"Åbn PDF på side \d+")).first
        link.wait_for(timeout=60_000)

        assert page.locator("#kilder mark").count() >= 1
        assert page.locator("#kilder li.kilde").count() >= 1
        assert "<script>window.__pwned=2</script>" in page.locator("#samtale").inner_text()
        assert page.evaluate("window.__pwned") is None and dialogs == []

        href = link.get_attribute("href") or ""
        assert re.fullmatch(r"/api/documents/[a-z0-9-]+/file#page=\d+", href), href
        pdf = httpx.get(ui_url + href.split("#")[0], timeout=30)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        with page.expect_popup() as popup:
            link.click()
        assert popup.value.url.endswith(href)

        screenshot = PROJECT_ROOT / "docs" / "screenshot-ui.png"
        screenshot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    assert outside == [], "the UI must not contact other hosts"
