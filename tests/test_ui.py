"""The UI's rendering (escaping, highlighting, links) and its handlers against real Chroma."""

from __future__ import annotations

import re

from pathlib import Path

from docx import Document

from ishoj_assistant.context import AppContext
from ishoj_assistant.models import Answer, Chunk, Citation, Passage
from tests.conftest import make_settings
from tests.pdf_factory import Heading, Paragraph, make_pdf
from ui.app import EMPTY_INDEX, AssistantUI
from ui.rendering import highlighted, sources_html

HOSTILE = '<script>alert("x")</script>'


def test_sources_escape_document_text_and_mark_the_quote() -> None:
    citation = Citation(1, "doc-1", f"Titel {HOSTILE}", "f.pdf", 3, f"Målet er {HOSTILE} 43 borgere.", f"Før. Målet er {HOSTILE} 43 borgere. Efter.")
    rendered = sources_html(Answer("svar [1]", False, [citation]))
    assert "<script" not in rendered and "&lt;script&gt;" in rendered
    assert "Før. <mark>Målet er &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 43 borgere.</mark> Efter." in rendered
    assert 'href="/api/documents/doc-1/file#page=3"' in rendered and "Åbn PDF på side 3" in rendered


def test_quote_missing_from_its_passage_is_still_shown_marked() -> None:
    assert highlighted("<b>citat</b>", "en anden tekst") == "<mark>&lt;b&gt;citat&lt;/b&gt;</mark>"


def test_declined_answer_offers_related_passages_escaped() -> None:
    chunk = Chunk("c", "d/1", "v", f"Tekst {HOSTILE}", "f.pdf", "Titel", "status", 2019, 2, 2, "", 0, 10, 0)
    rendered = sources_html(Answer("Det kan jeg ikke finde.", True, [], related=[Passage(chunk, 0.5)]))
    assert "Måske relevant" in rendered and "<script" not in rendered
    assert 'href="/api/documents/d%2F1/file#page=2"' in rendered


def test_chat_streams_an_escaped_question_and_a_cited_answer(corpus_context: AppContext) -> None:
    ui = AssistantUI(corpus_context)
    updates = list(ui.respond(f"{HOSTILE} Hvad er værdighedsmilliarden?", [], [], "Spørg", "Alle", "Alle"))
    chat, history, sources, draft, box = updates[-1]
    assert len(updates) >= 2 and box == ""
    assert chat[0]["content"].startswith("&lt;script&gt;") and "<script" not in chat[1]["content"]
    assert [turn["role"] for turn in history] == ["user", "assistant"] and HOSTILE in history[0]["content"]
    assert "Kilder" in sources and "<mark>" in sources and draft["visible"] is False


def test_draft_mode_offers_a_docx_download(corpus_context: AppContext) -> None:
    ui = AssistantUI(corpus_context)
    *_, (chat, _, _, draft, _) = ui.respond("Skriv om indsatsen for ældre", [], [], "Udkast til ansøgning", "Strategi", "Alle")
    assert draft["visible"] is True
    text = "\n".join(p.text for p in Document(draft["value"]).paragraphs)
    first_sentence = re.sub(r"<[^>]+>", "\n", chat[-1]["content"]).split("\n• ")[1].split(" [")[0]
    assert first_sentence[:40] in text


def test_empty_question_leaves_the_chat_unchanged(corpus_context: AppContext) -> None:
    chat = [{"role": "user", "content": "hej"}]
    (result, *_), = list(AssistantUI(corpus_context).respond("  ", chat, [], "Spørg", "Alle", "Alle"))
    assert result == chat


def test_documents_panel_upload_needs_the_admin_token_and_delete_removes(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir, admin_token="adm", reader_token="r"))
    ui = AssistantUI(context)
    notice, *_ = ui.refresh()
    assert notice["visible"] is True and notice["value"] == EMPTY_INDEX
    pdf = make_pdf(tmp_path / "Kolibri notat.pdf", [[Heading("Kolibrihuset"), Paragraph("Kolibrihuset får 24 pladser i 2031.")]])

    assert "Afvist: Kræver administratortoken" in list(ui.upload(str(pdf), "r"))[-1]
    statuses = list(ui.upload(str(pdf), "adm"))
    assert "Kolibri-notat.pdf: indekseret" in statuses[-1]
    assert "Afvist: Filen Kolibri-notat.pdf er allerede indekseret" in list(ui.upload(str(pdf), "adm"))[-1]

    notice, _, rows, choices = ui.refresh()
    assert notice["visible"] is False and [row[-1] for row in rows] == ["Kolibri-notat.pdf"]
    doc_id = choices["choices"][0][1]
    assert "Afvist" in ui.delete(doc_id, "")
    assert "Fjernede" in ui.delete(doc_id, "adm")
    assert context.store.documents() == [] and not (context.settings.data_dir / "uploads" / "Kolibri-notat.pdf").exists()
