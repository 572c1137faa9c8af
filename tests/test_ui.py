"""The UI's rendering (escaping, [n] links, sources), conversations, filters and handlers against real Chroma."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document

from ishoj_assistant.context import AppContext
from ishoj_assistant.models import Answer, Chunk, Citation, DocumentInfo, Passage, SearchFilters
from tests.conftest import make_settings
from tests.pdf_factory import Heading, Paragraph, make_pdf
from ui import conversations
from ui.app import EMPTY_INDEX, POLITICIAN_EXAMPLES, STAFF_EXAMPLES, AssistantUI
from ui.documents import DocumentsPanel
from ui.filters import ALL, ANSWER_ELSEWHERE, NO_DOCUMENTS, year_choices
from ui.rendering import SEARCHING, answer_html, snippet
from ui.viewer import document_text

HOSTILE = '<script>alert("x")</script>'


def _turn(answer: Answer, question: str = "spørgsmål", filters: SearchFilters | None = None, hint: str = "") -> dict:
    return conversations.make_turn(question, answer, filters, hint)


def _viewer_query(href: str) -> dict[str, list[str]]:
    parts = urlsplit(href.replace("&amp;", "&"))
    assert parts.path == "/viser"
    return parse_qs(parts.query)


def test_answer_links_each_marker_to_its_source_in_the_viewer_and_escapes_everything() -> None:
    citation = Citation(1, "doc-1", f"Titel {HOSTILE}", "f.pdf", 3, f"Målet er {HOSTILE} 43 borgere.", f"Før. Målet er {HOSTILE} 43 borgere. Efter.")
    rendered = answer_html(_turn(Answer(f"Målet er {HOSTILE} 43 borgere. [1] [7]", False, [citation])))
    assert "<script" not in rendered and "&lt;script&gt;" in rendered
    (href,) = re.findall(r'<a class="henvisning" href="([^"]+)"[^>]*>\[1\]</a>', rendered)
    query = _viewer_query(href)
    assert query["dok"] == ["doc-1"] and query["side"] == ["3"] and query["visning"] == ["pdf"]
    assert query["citat"] == [citation.quote]
    assert "[7]" in rendered and rendered.count('class="henvisning"') == 1, "a marker without a citation stays text"
    assert "Før. <mark>Målet er &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 43 borgere.</mark> Efter." in rendered


def test_a_text_source_opens_as_text() -> None:
    citation = Citation(1, "notat", "Notat", "notat.txt", 1, "Kolibri.", "Kolibri.")
    (href,) = re.findall(r'class="henvisning" href="([^"]+)"', answer_html(_turn(Answer("Kolibri. [1]", False, [citation]))))
    assert _viewer_query(href)["visning"] == ["tekst"]


def test_one_source_entry_per_distinct_passage() -> None:
    passage = "Indledning. Første citat. Noget imellem. Andet citat. Slut."
    citations = [
        Citation(1, "d", "Dok", "d.pdf", 2, "Første citat.", passage),
        Citation(2, "d", "Dok", "d.pdf", 2, "Andet citat.", passage),
        Citation(3, "e", "Andet dok", "e.pdf", 5, "Tredje.", "Tredje."),
    ]
    rendered = answer_html(_turn(Answer("Første citat. [1] Andet citat. [2] Tredje. [3]", False, citations)))
    assert rendered.count('<li class="kilde"') == 2 and "2 kilder" in rendered
    assert '<span class="numre">[1] [2]</span>' in rendered
    assert "<mark>Første citat.</mark> Noget imellem. <mark>Andet citat.</mark>" in rendered


def test_snippet_is_short_with_the_quote_marked() -> None:
    words = " ".join(f"ord{i}" for i in range(200))
    passage = f"{words} Her er citatet. {words}"
    shown = snippet(passage, ["Her er citatet."])
    assert "<mark>Her er citatet.</mark>" in shown
    assert shown.startswith("… ") and shown.endswith(" …") and len(shown) < 300
    sentences = "Indledning " * 20 + "slut. Mål I løbet af 2019 vil 110 borgere udredes. Status 43."
    assert snippet(sentences, ["Status 43."]) == "… Mål I løbet af 2019 vil 110 borgere udredes. <mark>Status 43.</mark>", "starts at a sentence"
    after = snippet("Citatet her.\n" + "Næste sætning fortsætter " * 20, ["Citatet her."])
    assert after.startswith("<mark>Citatet her.</mark>\nNæste sætning") and after.endswith(" …") and "\n …" not in after, "no dangling line break"
    assert snippet("en anden tekst", ["<b>citat</b>"]) == "<mark>&lt;b&gt;citat&lt;/b&gt;</mark>"


def test_declined_answer_offers_related_passages_escaped() -> None:
    chunk = Chunk("c", "d/1", "v", f"Tekst {HOSTILE}", "f.pdf", "Titel", "status", 2019, 2, 2, "", 0, 10, 0)
    rendered = answer_html(_turn(Answer("Det kan jeg ikke finde.", True, [], related=[Passage(chunk, 0.5)])))
    assert "Måske relevant (1)" in rendered and "<script" not in rendered
    (href,) = re.findall(r'class="aabn" href="([^"]+)"', rendered)
    assert _viewer_query(href)["dok"] == ["d/1"]


def test_resolved_question_and_filters_are_shown_with_the_answer() -> None:
    answer = Answer("Svar.", False, [], resolved_question=f"Hvad er status for {HOSTILE}?")
    rendered = answer_html(_turn(answer, "og status?", SearchFilters(doc_type="strategi", year=2023)))
    assert "Forstået som: »Hvad er status for &lt;script&gt;" in rendered
    assert "Filtre: Dokumenttype: Strategi · År: 2023" in rendered
    same = Answer("Svar.", False, [], resolved_question="og status?")
    assert "Forstået som" not in answer_html(_turn(same, "og status?"))


def test_conversations_keep_rename_delete_and_ignore_garbage() -> None:
    first = conversations.with_turn(conversations.new_conversation(), _turn(Answer("a", False, []), "Hvad er " + "x" * 80))
    second = conversations.with_turn(conversations.new_conversation(), _turn(Answer("b", False, []), "Andet spørgsmål?"))
    saved = conversations.store(conversations.store([], first), second)
    assert [c["id"] for c in saved] == [second["id"], first["id"]]
    assert len(first["title"]) <= conversations.TITLE_CHARS and first["title"].endswith("…")
    assert conversations.store(saved, conversations.new_conversation()) == saved, "an empty conversation is not kept"
    saved = conversations.rename(saved, first["id"], "  Kontinens  ")
    assert conversations.find(saved, first["id"])["title"] == "Kontinens"
    assert [c["id"] for c in conversations.delete(saved, second["id"])] == [first["id"]]
    assert conversations.saved_list("ødelagt") == [] and conversations.saved_list([{"id": 1}]) == []
    assert conversations.history(first) == [{"role": "user", "content": first["turns"][0]["question"]}, {"role": "assistant", "content": "a"}]


def test_conversation_handlers_reopen_rename_and_delete() -> None:
    conversation = conversations.with_turn(conversations.new_conversation(), _turn(Answer(f"Svar {HOSTILE}", False, []), "Første?"))
    saved = conversations.store([], conversation)
    reopened, chat, title, _ = AssistantUI.reopen(conversation["id"], saved)
    assert reopened == conversation and title == "Første?" and "&lt;script&gt;" in chat[1]["content"]
    renamed, saved, choices = AssistantUI.rename("Mit navn", conversation, saved)
    assert renamed["title"] == "Mit navn" and choices["choices"] == [("Mit navn", conversation["id"])]
    fresh, saved, choices, chat, _ = AssistantUI.delete(renamed, saved)
    assert saved == [] and choices["choices"] == [] and chat == [] and fresh["turns"] == []
    assert AssistantUI.reopen("ukendt", saved)[0]["turns"] == [], "a conversation gone from storage opens as a new one"


def test_storage_secret_survives_a_restart(tmp_path: Path) -> None:
    assert conversations.storage_secret(tmp_path) == conversations.storage_secret(tmp_path)
    assert conversations.storage_secret(tmp_path) != conversations.storage_secret(tmp_path / "andet")


def test_year_list_follows_the_document_type() -> None:
    docs = [DocumentInfo("a", "A", "a.pdf", "strategi", 2023, 1, 1, "v"), DocumentInfo("b", "B", "b.pdf", "status", 2019, 1, 1, "v")]
    assert year_choices(docs, ALL) == [ALL, "2023", "2019"]
    assert year_choices(docs, "Strategi") == [ALL, "2023"]


def test_chat_shows_searching_then_streams_and_saves_a_cited_answer(corpus_context: AppContext) -> None:
    ui = AssistantUI(corpus_context)
    question = f"{HOSTILE} Hvor mange borgere har haft glæde af klippekortsordningen?"
    updates = list(ui.respond(question, conversations.new_conversation(), [], "Spørg", ALL, ALL))
    assert SEARCHING in updates[0][0][-1]["content"], "the first update says the search is running"
    assert len(updates) >= 3, "pieces stream before the final answer"
    chat, conversation, saved, choices, draft, box, clear = updates[-1]
    assert box == "" and draft["visible"] is False and clear["visible"] is False
    assert chat[0]["content"].startswith("&lt;script&gt;") and "<script" not in chat[1]["content"]
    assert 'class="henvisning"' in chat[1]["content"] and "<mark>" in chat[1]["content"]
    assert saved == [conversation] and choices["value"] == conversation["id"]
    assert HOSTILE in conversation["turns"][0]["question"] and conversation["turns"][0]["citations"]


def test_follow_up_uses_the_saved_conversation(corpus_context: AppContext) -> None:
    ui = AssistantUI(corpus_context)
    *_, (_, first, saved, *_rest) = ui.respond("Hvad er målet for kontinensklinikken?", conversations.new_conversation(), [], "Spørg", ALL, ALL)
    *_, (chat, second, saved, *_rest) = ui.respond("Og hvad er status?", first, saved, "Spørg", ALL, ALL)
    assert len(second["turns"]) == 2 and len(saved) == 1 and len(chat) == 4
    assert "43 borgere" in second["turns"][1]["answer"]


def test_an_answer_emptied_by_a_filter_says_so_and_offers_to_clear_it(corpus_context: AppContext) -> None:
    ui = AssistantUI(corpus_context)
    question = "Hvad er målet for kontinensklinikken?"
    *_, (chat, conversation, _, _, _, _, clear) = ui.respond(question, conversations.new_conversation(), [], "Spørg", "Strategi", ALL)
    assert conversation["turns"][0]["declined"] and conversation["turns"][0]["filter_hint"] == ANSWER_ELSEWHERE
    assert ANSWER_ELSEWHERE in chat[-1]["content"] and "Filtre: Dokumenttype: Strategi" in chat[-1]["content"]
    assert clear["visible"] is True
    assert ui.clear_filters(conversation) == (ALL, ALL, question)
    *_, (_, none, *_rest) = ui.respond(question, conversations.new_conversation(), [], "Spørg", "Strategi", "2019")
    assert none["turns"][0]["filter_hint"] == NO_DOCUMENTS


def test_a_plain_decline_gets_no_filter_hint(corpus_context: AppContext) -> None:
    *_, (chat, conversation, *_rest, clear) = AssistantUI(corpus_context).respond(
        "Hvad koster et parkeringskort i Ishøj?", conversations.new_conversation(), [], "Spørg", ALL, ALL
    )
    assert conversation["turns"][0]["declined"] and not conversation["turns"][0]["filter_hint"] and clear["visible"] is False


@pytest.mark.parametrize("question", STAFF_EXAMPLES + POLITICIAN_EXAMPLES)
def test_every_example_question_gets_a_cited_answer(corpus_context: AppContext, question: str) -> None:
    answer = corpus_context.assistant.answer(question)
    assert not answer.declined and answer.citations
    assert all(f"[{c.n}]" in answer.text for c in answer.citations)


def test_draft_mode_offers_a_docx_download(corpus_context: AppContext) -> None:
    ui = AssistantUI(corpus_context)
    *_, (chat, conversation, _, _, draft, _, _) = ui.respond(
        "Skriv om indsatsen for ældre", conversations.new_conversation(), [], "Udkast til ansøgning", "Strategi", ALL
    )
    assert draft["visible"] is True
    text = "\n".join(p.text for p in Document(draft["value"]).paragraphs)
    first_sentence = conversation["turns"][0]["answer"].split("\n• ")[1].split(" [")[0]
    assert first_sentence[:40] in text
    # In the UI's own temp folder, which the sweeper empties, not one left behind per draft in /tmp.
    assert corpus_context.settings.ui_temp_dir.resolve() in Path(draft["value"]).resolve().parents


def test_empty_question_leaves_the_chat_unchanged(corpus_context: AppContext) -> None:
    conversation = conversations.new_conversation()
    (chat, kept, *_), = list(AssistantUI(corpus_context).respond("  ", conversation, [], "Spørg", ALL, ALL))
    assert kept is conversation and chat == {"__type__": "update"}


def test_indexed_text_is_rebuilt_once_from_overlapping_chunks(corpus_context: AppContext) -> None:
    document = corpus_context.store.documents()[0]
    chunks = corpus_context.store.document_chunks(document.doc_id)
    text = document_text(chunks)
    assert len(chunks) > 1 and all(chunk.text in text for chunk in chunks)
    assert len(text) < sum(len(chunk.text) for chunk in chunks), "the overlap is kept once"


def test_viewer_page_is_public_but_the_indexed_text_needs_the_reader_token(tmp_path: Path, embedding_cache_dir: Path) -> None:
    from fastapi.testclient import TestClient

    from ishoj_assistant.cli.serve_command import build_app

    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir, admin_token="adm", reader_token="r"))
    with TestClient(build_app(context)) as client:
        assert client.get("/viser").status_code == 200 and "viewer.js" in client.get("/viser").text
        assert client.get("/ui-static/pdfjs/pdf.min.mjs").status_code == 200
        assert client.get("/viser/tekst/findes-ikke").status_code == 401
        assert client.get("/viser/tekst/findes-ikke", headers={"Authorization": "Bearer r"}).status_code == 404


def test_documents_panel_upload_needs_the_admin_token_and_delete_asks_first(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir, admin_token="adm", reader_token="r"))
    ui, panel = AssistantUI(context), DocumentsPanel(context)
    notice, *_ = ui.tables()
    assert notice == EMPTY_INDEX
    pdf = make_pdf(tmp_path / "Kolibri notat.pdf", [[Heading("Kolibrihuset"), Paragraph("Kolibrihuset får 24 pladser i 2031.")]])

    assert "Afvist: Kræver administratortoken" in list(panel.upload(str(pdf), "r"))[-1]
    statuses = list(panel.upload(str(pdf), "adm"))
    assert re.search(r"Kolibri-notat\.pdf: indekseret \(1 tekststykke\)", statuses[-1]), statuses[-1]
    assert "Afvist: Filen Kolibri-notat.pdf er allerede indekseret" in list(panel.upload(str(pdf), "adm"))[-1]

    notice, _, _, rows, choices = ui.tables()
    assert notice == "Svarer ud fra 1 indekseret dokument." and [row[-1] for row in rows] == ["Kolibri-notat.pdf"]
    doc_id = choices["choices"][0][1]
    confirm, question = panel.ask_to_delete(doc_id)
    assert confirm["visible"] is True and "Vil du fjerne »Kolibrihuset" in question and context.store.documents()
    assert "Afvist" in panel.delete(doc_id, "")[1]
    closed, removed = panel.delete(doc_id, "adm")
    assert closed["visible"] is False and "Fjernede" in removed
    assert context.store.documents() == [] and not (context.settings.data_dir / "uploads" / "Kolibri-notat.pdf").exists()
