"""The real UI in headless Debian Chromium, as a municipal user clicks through it.

A cited answer whose [n] opens the viewer at the quoted page with the quote
marked; a follow-up and a decline; a saved conversation reopened after a
reload and a server restart; a filter that empties the answer and says so.
No script from a question runs, and the page contacts no other host.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ishoj_assistant.cli.serve_command import build_app
from ishoj_assistant.context import AppContext
from tests.conftest import PROJECT_ROOT
from tests.live_server import free_port, live_server
from ui.filters import ANSWER_ELSEWHERE

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> Hvad er værdighedsmilliarden?'
GOOD_QUESTION = "Hvor mange borgere blev udredt i kontinensklinikken i 2019?"
DECLINED = "Det kan jeg ikke finde i dokumenterne."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium findes ikke (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def ui_url(corpus_context: AppContext) -> Iterator[str]:
    with live_server(build_app(corpus_context)) as url:
        yield url


@contextmanager
def browser_page(base_url: str) -> Iterator[tuple[Any, list[str]]]:
    """A fresh browser page; yields it with the list of requests that left ``base_url``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((base_url, "data:", "blob:", "about:")) else outside.append(r.url))
        try:
            yield page, outside
        finally:
            browser.close()


def open_ui(page: Any, url: str) -> None:
    page.goto(url)
    page.locator("#spoergsmaal textarea").wait_for(timeout=30_000)
    page.locator("#indeks").get_by_text("indekserede dokumenter").wait_for(timeout=30_000)


def ask(page: Any, question: str) -> Any:
    """Send a question and wait for its finished answer (the last bot message with its notes)."""
    answers = page.locator("#samtale .svar")
    before = answers.count()
    page.locator("#spoergsmaal textarea").fill(question)
    page.locator("#send").click()
    answers.nth(before).wait_for(timeout=60_000)
    return answers.nth(before)


def test_clicking_a_marker_opens_the_viewer_at_the_cited_page_with_the_quote_marked(ui_url: str) -> None:
    with browser_page(ui_url) as (page, outside):
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        open_ui(page, ui_url)
        assert page.locator("text=Ishøj dokumentassistent").first.is_visible()

        ask(page, HOSTILE)
        assert "<script>window.__pwned=2</script>" in page.locator("#samtale").inner_text()
        assert page.evaluate("window.__pwned") is None and dialogs == []
        message = page.locator("#samtale .message-row").last
        assert message.locator("details.kilder li.kilde").count() >= 1 and message.locator("details.kilder mark").count() >= 1

        marker = message.locator("a.henvisning").first
        query = parse_qs(urlsplit(marker.get_attribute("href") or "").query)
        page_number, quote = query["side"][0], query["citat"][0]
        marker.click()
        viewer = page.frame_locator("#kildeviser-ramme")
        viewer.locator("body[data-klar='ja']").wait_for(timeout=30_000)
        body = viewer.locator("body")
        assert body.get_attribute("data-side") == page_number and body.get_attribute("data-markeret") == "ja"
        assert viewer.locator("#sidetal").inner_text().startswith(f"Side {page_number} af ")
        assert viewer.locator("#lag .markering").count() >= 1
        marked = " ".join((viewer.locator("#lag").get_attribute("data-tekst") or "").split())
        assert marked[:30] and marked[:30] in " ".join(quote.split()), (marked, quote)
        page.get_by_role("button", name="Luk").click()
        assert not page.locator("#kildeviser").is_visible()
    assert outside == [], "the UI must not contact other hosts"


def test_follow_up_decline_and_a_saved_conversation_survive_reload_and_restart(corpus_context: AppContext) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with browser_page(url) as (page, outside):
        with live_server(build_app(corpus_context), port):
            open_ui(page, url)
            first = ask(page, GOOD_QUESTION)
            assert first.locator("a.henvisning").count() >= 1 and "borgere" in first.inner_text()
            page.screenshot(path=str(PROJECT_ROOT / "docs" / "screenshot-ui.png"), full_page=True)
            first.locator("a.henvisning").first.click()
            page.frame_locator("#kildeviser-ramme").locator("body[data-markeret='ja']").wait_for(timeout=30_000)
            page.screenshot(path=str(PROJECT_ROOT / "docs" / "screenshot-viewer.png"))
            page.get_by_role("button", name="Luk").click()

            follow_up = ask(page, "Og hvad er status?")
            assert "43 borgere" in follow_up.inner_text() and follow_up.locator("a.henvisning").count() >= 1
            declined = ask(page, "Hvad koster et parkeringskort i Ishøj?")
            assert DECLINED in declined.inner_text() and declined.locator("a.henvisning").count() == 0
            page.locator("#samtaleliste").get_by_text(GOOD_QUESTION).wait_for(timeout=10_000)

        with live_server(build_app(corpus_context), port):  # a restarted server, the same browser
            page.reload()
            open_ui(page, url)
            assert page.locator("#samtale .svar").count() == 0, "a reload starts a new conversation"
            page.locator("#samtaleliste").get_by_text(GOOD_QUESTION).click()
            answers = page.locator("#samtale .svar")
            answers.nth(2).wait_for(timeout=30_000)
            assert answers.count() == 3 and "43 borgere" in answers.nth(1).inner_text()
            assert answers.nth(0).locator("a.henvisning").count() >= 1

            page.locator("#ny-samtale").click()
            page.wait_for_function("document.querySelectorAll('#samtale .svar').length === 0", timeout=10_000)
            ask(page, "Hvad er Ung på Vej?")
            assert page.locator("#samtaleliste label").count() == 2
    assert outside == [], "the UI must not contact other hosts"


def test_emptied_filter_says_so_and_clearing_it_answers(ui_url: str) -> None:
    with browser_page(ui_url) as (page, outside):
        open_ui(page, ui_url)
        page.locator("#filter-type input").click()
        page.get_by_role("option", name="Strategi").click()
        page.locator("#filter-aar input").click()
        years = page.locator("#filter-aar").get_by_role("option").all_inner_texts()
        assert [y.split()[-1] for y in years] == ["Alle", "2023"], "the year list follows the document type"
        page.keyboard.press("Escape")

        answer = ask(page, "Hvad er målet for kontinensklinikken?")
        message = page.locator("#samtale .message-row").last
        assert DECLINED in answer.inner_text()
        assert ANSWER_ELSEWHERE in message.inner_text() and "Filtre: Dokumenttype: Strategi" in message.inner_text()
        clear = page.locator("#ryd-filtre")
        assert clear.is_visible()
        clear.click()
        answered = page.locator("#samtale .svar").nth(1)
        answered.wait_for(timeout=60_000)
        assert answered.locator("a.henvisning").count() >= 1 and DECLINED not in answered.inner_text()
        assert page.locator("#filter-type input").input_value() == "Alle"
    assert outside == []


def test_documents_tab_asks_before_deleting_and_clears_its_message(ui_url: str) -> None:
    with browser_page(ui_url) as (page, outside):
        open_ui(page, ui_url)
        page.get_by_role("tab", name="Dokumenter").click()
        table = page.locator("#dokumenter")
        for header in ("Titel", "Type", "År", "Sider", "Tekststykker", "Fil"):
            assert table.get_by_text(header, exact=True).first.is_visible(), header
        status = page.locator("#dokumentstatus")

        page.locator("#upload").click()
        status.get_by_text("Vælg en fil først.").wait_for(timeout=10_000)
        page.locator("#fjern-valg input").click()
        page.get_by_role("option").filter(has_text="Værdighedsmilliarden").click()
        page.wait_for_function("!document.querySelector('#dokumentstatus').innerText.trim()", timeout=10_000)

        page.locator("#fjern").click()
        status.get_by_text("Vil du fjerne »Værdighedsmilliarden").wait_for(timeout=10_000)
        assert page.locator("#bekraeft-fjern").is_visible()
        page.locator("#annuller").click()
        page.locator("#bekraeft-fjern").wait_for(state="hidden", timeout=10_000)
        assert status.inner_text().strip() == "" and table.get_by_text("vaerdighedsmilliarden-status-2019.pdf").is_visible()
    assert outside == []
