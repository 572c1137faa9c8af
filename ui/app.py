"""The Danish web UI (Gradio): streamed, cited answers with their sources, saved conversations, documents.

Each answer carries its own sources and clickable [n] that open the viewer
(:mod:`ui.viewer`); conversations are kept in the browser's storage
(:mod:`ui.conversations`). Every text that came from a document or a user is
escaped in :mod:`ui.rendering` before it is shown.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: never phone home

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from ishoj_assistant.answering.export import draft_filename, draft_to_docx  # noqa: E402
from ishoj_assistant.context import AppContext  # noqa: E402
from ishoj_assistant.models import Answer  # noqa: E402
from ishoj_assistant.services.text_input import check_text  # noqa: E402
from ui import conversations  # noqa: E402
from ui.documents import COLUMN_WIDTHS, HEADERS, DocumentsPanel  # noqa: E402
from ui.filters import ALL, filter_hint, search_filters, type_choices, year_choices  # noqa: E402
from ui.rendering import SEARCHING, chat_messages, text_html  # noqa: E402
from ui.viewer import STATIC_DIR, add_viewer  # noqa: E402
from ui.security import login  # noqa: E402

MODES = {"Spørg": "answer", "Udkast til ansøgning": "draft"}
# Questions the shipped corpus answers well (checked: a cited answer, no noise); see tests/test_ui.py.
STAFF_EXAMPLES = [
    "Hvor mange borgere blev udredt i kontinensklinikken i 2019?",
    "Hvor mange borgere har haft glæde af klippekortsordningen?",
    "Hvad er status for velfærdsteknologi?",
    "Hvad er Ung på Vej?",
]
POLITICIAN_EXAMPLES = [
    "Hvor mange flere borgere over 80 år får Ishøj frem til 2028?",
    "Hvor mange socialt udsatte ældre fik hjælp gennem den særlige indsats i 2015?",
]
EMPTY_INDEX = (
    "**Indekset er tomt.** Der er endnu ingen dokumenter at svare ud fra. Upload dokumenter under fanen "
    "»Dokumenter«, eller kør `ishoj-assistant ingest`."
)
# Gradio's login page has no Danish labels and loads no custom script, so this says it in Danish.
AUTH_MESSAGE = "<p>Log ind med dit token: skriv det i feltet »password«. Brugernavnet kan være hvad som helst.</p>"
HEAD = '<script src="/ui-static/overlay.js" defer></script><script src="/ui-static/danish.js"></script>'


def index_notice(documents: int) -> str:
    """What the assistant answers from, so an empty index is never mistaken for "no answer"."""
    if not documents:
        return EMPTY_INDEX
    return f"Svarer ud fra {documents} {'indekseret dokument' if documents == 1 else 'indekserede dokumenter'}."


def _draft_file(answer: Answer, request: str, folder: Path) -> str:
    """Write the draft as a .docx Gradio can offer for download, named after the request and the day.

    ``folder`` is the UI's own temp folder, so the sweeper deletes the file with Gradio's copy of it
    instead of leaving one behind in the system's temp directory per draft.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="udkast-", dir=folder)) / draft_filename(request)
    path.write_bytes(draft_to_docx(answer))
    return str(path)


def _streaming(turns: list[dict[str, Any]], question: str, answer_html: str) -> list[dict[str, str]]:
    return [*chat_messages(turns), {"role": "user", "content": text_html(question)}, {"role": "assistant", "content": answer_html}]


class AssistantUI:
    """The chat's event handlers for one context (kept as methods so they share it)."""

    def __init__(self, context: AppContext):
        self.context = context

    def respond(
        self, message: str, conversation: dict[str, Any], saved: Any, mode: str, doc_type: str, year: str
    ) -> Iterator[tuple[Any, ...]]:
        """Show "Søger i dokumenterne …", stream the answer, then show it with its sources and save it.

        Yields (chat, conversation, saved, saved-list choices, draft file, question box, clear-filters button).
        """
        try:
            question = check_text(message or "", "Spørgsmålet")
        except ValueError as exc:
            gr.Warning(str(exc), title="Bemærk")
            yield gr.update(), conversation, saved, gr.update(), gr.update(), message, gr.update()
            return
        turns = conversation["turns"]
        filters = search_filters(doc_type, year)
        searching = f'<p class="soeger">{SEARCHING}</p>'
        yield _streaming(turns, question, searching), conversation, saved, gr.update(), gr.update(visible=False), "", gr.update(visible=False)
        history = conversations.history(conversation)
        pieces: list[str] = []
        answer: Answer | None = None
        try:
            for item in self.context.assistant.stream(question, history, MODES[mode], filters):
                if isinstance(item, Answer):
                    answer = item
                    break
                pieces.append(item)
                yield _streaming(turns, question, text_html("".join(pieces))), conversation, saved, gr.update(), gr.update(), "", gr.update()
        except Exception:  # noqa: BLE001 - shown to the user instead of a silent spinner, without internals
            failed = text_html("Der opstod en fejl; prøv igen om lidt.")
            yield _streaming(turns, question, failed), conversation, saved, gr.update(), gr.update(), question, gr.update()
            return
        assert answer is not None, "the assistant's stream always ends with an Answer"
        hint = filter_hint(self.context.assistant, question, history, filters, self.context.store.documents(), answer.declined)
        conversation = conversations.with_turn(conversation, conversations.make_turn(question, answer, filters, hint))
        saved = conversations.store(saved, conversation)
        draft = answer.mode == "draft" and not answer.declined
        file_update = gr.update(value=_draft_file(answer, question, self.context.settings.ui_temp_dir), visible=True) if draft else gr.update(value=None, visible=False)
        choices = gr.update(choices=conversations.choices(saved), value=conversation["id"])
        yield chat_messages(conversation["turns"]), conversation, saved, choices, file_update, "", gr.update(visible=bool(hint))

    @staticmethod
    def clear_filters(conversation: dict[str, Any]) -> tuple[str, str, str]:
        """Both filters back to 'Alle', and the last question back in the box to be asked again."""
        turns = conversation["turns"]
        return ALL, ALL, turns[-1]["question"] if turns else ""

    def filter_choices(self, doc_type: str, year: str) -> Any:
        """The year list for the chosen document type (keeping the year when that type has it)."""
        years = year_choices(self.context.store.documents(), doc_type)
        return gr.update(choices=years, value=year if year in years else ALL)

    # --- saved conversations ----------------------------------------------------
    @staticmethod
    def new() -> tuple[Any, ...]:
        return conversations.new_conversation(), [], gr.update(value=None), "", gr.update(visible=False)

    @staticmethod
    def reopen(conversation_id: str | None, saved: Any) -> tuple[Any, ...]:
        conversation = conversations.find(saved, conversation_id) or conversations.new_conversation()
        return conversation, chat_messages(conversation["turns"]), conversation["title"], gr.update(visible=False)

    @staticmethod
    def rename(title: str, conversation: dict[str, Any], saved: Any) -> tuple[Any, ...]:
        saved = conversations.rename(saved, conversation["id"], title)
        conversation = conversations.find(saved, conversation["id"]) or conversation
        return conversation, saved, gr.update(choices=conversations.choices(saved), value=conversation["id"] if conversation["turns"] else None)

    @staticmethod
    def delete(conversation: dict[str, Any], saved: Any) -> tuple[Any, ...]:
        saved = conversations.delete(saved, conversation["id"])
        return conversations.new_conversation(), saved, gr.update(choices=conversations.choices(saved), value=None), [], ""

    # --- page load ----------------------------------------------------------------
    def tables(self) -> tuple[Any, ...]:
        """The empty-index notice, the filters' choices, the documents table and the delete choices."""
        documents = self.context.store.documents()
        panel = DocumentsPanel(self.context)
        return (
            index_notice(len(documents)),
            gr.update(choices=type_choices(documents), value=ALL),
            gr.update(choices=year_choices(documents, ALL), value=ALL),
            panel.rows(),
            panel.delete_choices(),
        )

    def load(self, saved: Any) -> tuple[Any, ...]:
        """Everything :meth:`tables` shows, and the browser's saved conversations."""
        return (*self.tables(), gr.update(choices=conversations.choices(conversations.saved_list(saved)), value=None))


def build_ui(context: AppContext) -> gr.Blocks:
    """The complete UI; mount it with :func:`mount_ui` next to the API."""
    chat = AssistantUI(context)
    panel = DocumentsPanel(context)
    needs_token = context.settings.admin_token is not None or context.settings.reader_token is not None
    secret = conversations.storage_secret(context.settings.data_dir)
    with gr.Blocks(title="Ishøj dokumentassistent") as demo:
        gr.Markdown(
            "# Ishøj dokumentassistent\nStil spørgsmål til kommunens egne dokumenter. Hvert svar har "
            "nummererede kilder: klik på [1], [2] … for at se citatet markeret i dokumentet."
        )
        empty_notice = gr.Markdown(elem_id="indeks")
        conversation = gr.State(conversations.new_conversation())
        saved = gr.BrowserState([], storage_key=conversations.STORAGE_KEY, secret=secret)
        with gr.Tab("Spørg"):
            with gr.Row():
                with gr.Column(scale=1, min_width=230, elem_id="samtaler"):
                    new_button = gr.Button("Ny samtale", elem_id="ny-samtale")
                    saved_list = gr.Radio([], label="Tidligere samtaler", elem_id="samtaleliste")
                    with gr.Accordion("Omdøb eller slet", open=False, elem_id="samtale-valg"):
                        title_box = gr.Textbox(label="Samtalens navn", elem_id="samtalenavn")
                        rename_button = gr.Button("Omdøb", size="sm", elem_id="omdoeb")
                        delete_conversation = gr.Button("Slet samtalen", size="sm", variant="stop", elem_id="slet-samtale")
                with gr.Column(scale=4):
                    with gr.Row():
                        mode = gr.Radio(list(MODES), value="Spørg", label="Tilstand")
                        doc_type = gr.Dropdown([ALL], value=ALL, label="Dokumenttype", elem_id="filter-type")
                        year = gr.Dropdown([ALL], value=ALL, label="År", elem_id="filter-aar")
                    chatbot = gr.Chatbot(
                        label="Samtale", render_markdown=False, sanitize_html=True, height=560, elem_id="samtale",
                        feedback_options=None, buttons=["copy"], placeholder="Stil et spørgsmål for at begynde.",
                    )
                    clear_button = gr.Button("Ryd filtrene og spørg igen", visible=False, elem_id="ryd-filtre")
                    question = gr.Textbox(
                        label="Dit spørgsmål", placeholder="Fx: Hvad er målet for kontinensklinikken?", lines=2, elem_id="spoergsmaal"
                    )
                    send = gr.Button("Send", variant="primary", elem_id="send")
                    with gr.Row():
                        gr.Examples(STAFF_EXAMPLES, inputs=question, label="Eksempler for medarbejdere")
                        gr.Examples(POLITICIAN_EXAMPLES, inputs=question, label="Eksempler for politikere")
                    draft_file = gr.File(label="Udkast som Word-fil (.docx)", visible=False)
        with gr.Tab("Dokumenter"):
            documents = gr.Dataframe(
                headers=HEADERS, interactive=False, wrap=True, column_widths=COLUMN_WIDTHS,
                label="Indekserede dokumenter", elem_id="dokumenter",
            )
            token = gr.Textbox(label="Administratortoken", type="password", visible=needs_token)
            upload_file = gr.File(label="Upload dokument (PDF, DOCX, TXT, MD)", file_types=[".pdf", ".docx", ".txt", ".md"], type="filepath")
            upload_button = gr.Button("Upload og indeksér", elem_id="upload")
            to_delete = gr.Dropdown(label="Dokument der skal fjernes", choices=[], elem_id="fjern-valg")
            delete_button = gr.Button("Fjern dokument …", variant="stop", elem_id="fjern")
            with gr.Row(visible=False, elem_id="bekraeft") as confirm_row:
                confirm_button = gr.Button("Ja, fjern dokumentet", variant="stop", elem_id="bekraeft-fjern")
                cancel_button = gr.Button("Annuller", elem_id="annuller")
            doc_status = gr.HTML(elem_id="dokumentstatus")

        load_outputs = [empty_notice, doc_type, year, documents, to_delete, saved_list]
        chat_inputs = [question, conversation, saved, mode, doc_type, year]
        chat_outputs = [chatbot, conversation, saved, saved_list, draft_file, question, clear_button]
        send.click(chat.respond, chat_inputs, chat_outputs)
        question.submit(chat.respond, chat_inputs, chat_outputs)
        clear_button.click(chat.clear_filters, conversation, [doc_type, year, question]).then(chat.respond, chat_inputs, chat_outputs)
        doc_type.change(chat.filter_choices, [doc_type, year], year)

        new_button.click(chat.new, None, [conversation, chatbot, saved_list, title_box, clear_button])
        saved_list.input(chat.reopen, [saved_list, saved], [conversation, chatbot, title_box, clear_button])
        rename_button.click(chat.rename, [title_box, conversation, saved], [conversation, saved, saved_list])
        delete_conversation.click(chat.delete, [conversation, saved], [conversation, saved, saved_list, chatbot, title_box])

        table_outputs = load_outputs[:-1]
        upload_button.click(panel.upload, [upload_file, token], doc_status).then(chat.tables, None, table_outputs)
        delete_button.click(panel.ask_to_delete, to_delete, [confirm_row, doc_status])
        confirm_button.click(panel.delete, [to_delete, token], [confirm_row, doc_status]).then(chat.tables, None, table_outputs)
        cancel_button.click(lambda: (gr.update(visible=False), ""), None, [confirm_row, doc_status])
        for control in (upload_file, to_delete):
            control.change(lambda: "", None, doc_status)
        demo.load(chat.load, saved, load_outputs)
    return demo


def mount_ui(api: FastAPI, context: AppContext) -> FastAPI:
    """Mount the UI at / on the API app (which keeps /api and /docs), with the viewer beside it.

    With a reader token the UI asks for a token too (any user name), so it is
    no back door around the API's access control.
    """
    add_viewer(api)
    css = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
    return gr.mount_gradio_app(
        api, build_ui(context), path="/", auth=login(context.settings), auth_message=AUTH_MESSAGE, css=css, head=HEAD, footer_links=[]
    )
