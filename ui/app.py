"""The Danish web UI (Gradio): chat with cited, streamed answers and a documents panel.

It calls the same AppContext, upload checks and job runner as the API, so the
two can never disagree about what is allowed. Every text that came from a
document or a user is escaped in :mod:`ui.rendering` before it is shown.
"""

from __future__ import annotations

import html
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: never phone home

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from ingest.pipeline import STATUS_LABELS  # noqa: E402
from ishoj_assistant.answering.export import draft_to_docx  # noqa: E402
from ishoj_assistant.context import AppContext  # noqa: E402
from ishoj_assistant.models import Answer, DocType, SearchFilters  # noqa: E402
from ishoj_assistant.services import uploads  # noqa: E402
from ishoj_assistant.services.access import admin_refusal  # noqa: E402
from ishoj_assistant.services.jobs import runner_for  # noqa: E402
from ishoj_assistant.services.text_input import check_text  # noqa: E402
from ui.rendering import sources_html, text_html, type_label  # noqa: E402
from ui.security import discard_ui_upload, login  # noqa: E402

ALL = "Alle"
MODES = {"Spørg": "answer", "Udkast til ansøgning": "draft"}
TYPE_CODES = {t.label: t.value for t in DocType if t is not DocType.ANDET}
STAFF_EXAMPLES = [
    "Hvad er målet for kontinensklinikken?",
    "Hvilke initiativer blev finansieret af ældremilliarden i 2015?",
    "Hvordan følges der op på sundhedsstrategien?",
]
POLITICIAN_EXAMPLES = [
    "Hvad har værdighedsmilliarden betydet for de ældre i Ishøj?",
    "Hvilke mål har kommunen for sundhed, social og ældre frem mod 2023?",
]
EMPTY_INDEX = (
    "**Indekset er tomt.** Der er endnu ingen dokumenter at svare ud fra. Upload dokumenter under fanen "
    "»Dokumenter«, eller kør `ishoj-assistant ingest`."
)
CSS = ".passage{margin:.3em 0 .8em;padding:.4em .6em;border-left:3px solid #bbb} mark{background:#ffe066}"


def _filters(type_choice: str, year_choice: str) -> SearchFilters | None:
    filters = SearchFilters(
        doc_type=TYPE_CODES.get(type_choice), year=int(year_choice) if year_choice not in ("", ALL, None) else None
    )
    return None if filters.is_empty() else filters


def _draft_file(answer: Answer) -> str:
    """Write the draft as a .docx Gradio can offer for download."""
    with tempfile.NamedTemporaryFile(prefix="udkast-", suffix=".docx", delete=False) as handle:
        handle.write(draft_to_docx(answer))
    return handle.name


def _status(message: str, progress: float | None = None) -> str:
    bar = f' <progress max="1" value="{progress:.3f}"></progress> {progress:.0%}' if progress is not None else ""
    return f"<p>{html.escape(message)}{bar}</p>"


class AssistantUI:
    """The UI's event handlers for one context (kept as methods so they share it)."""

    def __init__(self, context: AppContext):
        self.context = context

    # --- chat -------------------------------------------------------------------
    def respond(
        self, message: str, chat: list[dict[str, str]], history: list[dict[str, str]], mode: str, doc_type: str, year: str
    ) -> Iterator[tuple[Any, ...]]:
        """Stream the answer into the chat, then show its sources (and the draft file)."""
        try:
            question = check_text(message or "", "Spørgsmålet")
        except ValueError as exc:
            gr.Warning(str(exc))
            yield chat, history, gr.update(), gr.update(), message
            return
        chat = [*chat, {"role": "user", "content": text_html(question)}, {"role": "assistant", "content": "…"}]
        pieces: list[str] = []
        answer: Answer | None = None
        try:
            for item in self.context.assistant.stream(question, history, MODES[mode], _filters(doc_type, year)):
                if isinstance(item, Answer):
                    answer = item
                    break
                pieces.append(item)
                chat[-1] = {"role": "assistant", "content": text_html("".join(pieces))}
                yield chat, history, "<p>Finder kilder …</p>", gr.update(visible=False), ""
        except Exception:  # noqa: BLE001 - shown to the user instead of a silent spinner, without internals
            chat[-1] = {"role": "assistant", "content": text_html("Der opstod en fejl; prøv igen om lidt.")}
            yield chat, history, "", gr.update(visible=False), ""
            return
        assert answer is not None, "the assistant's stream always ends with an Answer"
        chat[-1] = {"role": "assistant", "content": text_html(answer.text)}
        history = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
        draft = answer.mode == "draft" and not answer.declined
        file_update = gr.update(value=_draft_file(answer), visible=True) if draft else gr.update(value=None, visible=False)
        yield chat, history, sources_html(answer), file_update, ""

    # --- documents ----------------------------------------------------------------
    def refresh(self) -> tuple[Any, ...]:
        """Document table, delete choices, year filter and the empty-index notice."""
        documents = self.context.store.documents()
        rows = [[d.title, type_label(d.doc_type), d.year or "", d.pages, d.chunks, d.file] for d in documents]
        years = sorted({str(d.year) for d in documents if d.year}, reverse=True)
        return (
            gr.update(value=EMPTY_INDEX, visible=not documents),
            gr.update(choices=[ALL, *years]),
            rows,
            gr.update(choices=[(f"{d.title} ({d.file})", d.doc_id) for d in documents], value=None),
        )

    def upload(self, file_path: str | None, token: str) -> Iterator[str]:
        """Check the file as the API does, then index it in the background and show progress."""
        refusal = admin_refusal(self.context.settings, token or "")
        if refusal:
            yield _status(f"Afvist: {refusal[1]}")
            return
        if not file_path:
            yield _status("Vælg en fil først.")
            return
        try:
            name = uploads.safe_name(Path(file_path).name)
            staged = uploads.stage_file(Path(file_path), name, self.context)
            discard_ui_upload(self.context.settings, Path(file_path))
            final = uploads.accept(staged, name, self.context)
        except uploads.UploadRefused as exc:
            yield _status(f"Afvist: {exc.reason}")
            return
        job = runner_for(self.context).submit([final])
        while job.status in ("queued", "running"):
            yield _status(f"Indekserer {name} …", job.progress)
            time.sleep(0.5)
        if job.error:
            yield _status(job.error)
            return
        lines = [f"{r['file']}: {STATUS_LABELS[str(r['status'])]}" + (f" ({r['reason']})" if r["reason"] else "") for r in job.results]
        yield "".join(_status(line) for line in lines)

    def delete(self, doc_id: str | None, token: str) -> str:
        refusal = admin_refusal(self.context.settings, token or "")
        if refusal:
            return _status(f"Afvist: {refusal[1]}")
        document = uploads.remove_document(self.context, doc_id) if doc_id else None
        if document is None:
            return _status("Vælg et dokument, der findes.")
        return _status(f"Fjernede {document.title}.")


def build_ui(context: AppContext) -> gr.Blocks:
    """The complete UI; mount it with ``gr.mount_gradio_app`` next to the API."""
    handlers = AssistantUI(context)
    needs_token = context.settings.admin_token is not None or context.settings.reader_token is not None
    with gr.Blocks(title="Ishøj dokumentassistent") as demo:
        gr.HTML(f"<style>{CSS}</style>")
        gr.Markdown(
            "# Ishøj dokumentassistent\nStil spørgsmål til kommunens egne dokumenter. Hvert svar har "
            "nummererede kilder med side og citat, så du kan kontrollere det."
        )
        empty_notice = gr.Markdown(visible=False, elem_id="tomt-indeks")
        with gr.Tab("Spørg"):
            with gr.Row():
                mode = gr.Radio(list(MODES), value="Spørg", label="Tilstand")
                doc_type = gr.Dropdown([ALL, *TYPE_CODES], value=ALL, label="Dokumenttype")
                year = gr.Dropdown([ALL], value=ALL, label="År")
            chatbot = gr.Chatbot(label="Samtale", render_markdown=False, sanitize_html=True, height=420, elem_id="samtale")
            question = gr.Textbox(label="Dit spørgsmål", placeholder="Fx: Hvad er målet for kontinensklinikken?", lines=2, elem_id="spoergsmaal")
            send = gr.Button("Send", variant="primary", elem_id="send")
            with gr.Row():
                gr.Examples(STAFF_EXAMPLES, inputs=question, label="Eksempler for medarbejdere")
                gr.Examples(POLITICIAN_EXAMPLES, inputs=question, label="Eksempler for politikere")
            sources = gr.HTML(elem_id="kilder")
            draft_file = gr.File(label="Udkast som Word-fil (.docx)", visible=False)
            history = gr.State([])
        with gr.Tab("Dokumenter"):
            documents = gr.Dataframe(
                headers=["Titel", "Type", "År", "Sider", "Tekststykker", "Fil"], interactive=False, label="Indekserede dokumenter"
            )
            token = gr.Textbox(label="Administratortoken", type="password", visible=needs_token)
            upload_file = gr.File(label="Upload dokument (PDF, DOCX, TXT, MD)", file_types=[".pdf", ".docx", ".txt", ".md"], type="filepath")
            upload_button = gr.Button("Upload og indeksér")
            upload_status = gr.HTML()
            to_delete = gr.Dropdown(label="Dokument der skal fjernes", choices=[])
            delete_button = gr.Button("Fjern dokument", variant="stop")
            delete_status = gr.HTML()

        refresh_outputs = [empty_notice, year, documents, to_delete]
        chat_inputs = [question, chatbot, history, mode, doc_type, year]
        chat_outputs = [chatbot, history, sources, draft_file, question]
        send.click(handlers.respond, chat_inputs, chat_outputs)
        question.submit(handlers.respond, chat_inputs, chat_outputs)
        upload_button.click(handlers.upload, [upload_file, token], upload_status).then(handlers.refresh, None, refresh_outputs)
        delete_button.click(handlers.delete, [to_delete, token], delete_status).then(handlers.refresh, None, refresh_outputs)
        demo.load(handlers.refresh, None, refresh_outputs)
    return demo


def mount_ui(api: FastAPI, context: AppContext) -> FastAPI:
    """Mount the UI at / on the API app (which keeps /api and /docs).

    With a reader token the UI asks for a token too (any user name), so it is
    no back door around the API's access control.
    """
    return gr.mount_gradio_app(api, build_ui(context), path="/", auth=login(context.settings))
