"""The documents tab: the table, upload with progress, and delete with a confirmation step.

It calls the same upload checks, job runner and admin check as the API, so
the two can never disagree about what is allowed. The three call sites into
the API package are the small functions at the top, so they can be re-pointed
when that code moves.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.pipeline import STATUS_LABELS
from ishoj_assistant.context import AppContext
from ishoj_assistant.models import DocumentInfo
from ishoj_assistant.services import uploads
from ishoj_assistant.services.access import admin_refusal
from ishoj_assistant.services.jobs import runner_for
from ui.rendering import type_label
from ui.security import discard_ui_upload

HEADERS = ["Titel", "Type", "År", "Sider", "Tekststykker", "Fil"]
COLUMN_WIDTHS = ["34%", "12%", "7%", "7%", "11%", "29%"]
POLL_S = 0.5


def _refusal(context: AppContext, token: str) -> str | None:
    refusal = admin_refusal(context.settings, token or "")
    return refusal[1] if refusal else None


def _submit(context: AppContext, file_path: str) -> tuple[str, Any]:
    """Check and stage the file as the API does, then queue its indexing; raises UploadRefused."""
    name = uploads.safe_name(Path(file_path).name)
    staged = uploads.stage_file(Path(file_path), name, context)
    discard_ui_upload(context.settings, Path(file_path))  # the UI's unmasked temp copy must not outlive staging
    final = uploads.accept(staged, name, context)
    return name, runner_for(context).submit([final])


def _remove(context: AppContext, doc_id: str) -> DocumentInfo | None:
    return uploads.remove_document(context, doc_id)


def status_html(message: str, progress: float | None = None, kind: str = "info") -> str:
    bar = f' <progress max="1" value="{progress:.3f}"></progress> {progress:.0%}' if progress is not None else ""
    return f'<p class="status {kind}">{html.escape(message)}{bar}</p>'


def outcome_line(result: dict[str, Any]) -> str:
    """One file's outcome in words, with the chunk count when it was indexed."""
    line = f"{result['file']}: {STATUS_LABELS[str(result['status'])]}"
    if result["status"] == "indexed":
        count = int(result["chunks"])
        line += f" ({count} {'tekststykke' if count == 1 else 'tekststykker'})"
    return line + (f" ({result['reason']})" if result.get("reason") else "")


class DocumentsPanel:
    """Handlers of the documents tab for one context."""

    def __init__(self, context: AppContext):
        self.context = context

    def rows(self) -> list[list[Any]]:
        return [[d.title, type_label(d.doc_type), d.year or "", d.pages, d.chunks, d.file] for d in self.context.store.documents()]

    def delete_choices(self) -> Any:
        return gr.update(choices=[(f"{d.title} ({d.file})", d.doc_id) for d in self.context.store.documents()], value=None)

    def upload(self, file_path: str | None, token: str) -> Iterator[str]:
        """Progress while the file is indexed, then 'indekseret' with its chunk count."""
        refusal = _refusal(self.context, token)
        if refusal:
            yield status_html(f"Afvist: {refusal}", kind="fejl")
            return
        if not file_path:
            yield status_html("Vælg en fil først.", kind="fejl")
            return
        try:
            name, job = _submit(self.context, file_path)
        except uploads.UploadRefused as exc:
            yield status_html(f"Afvist: {exc.reason}", kind="fejl")
            return
        while job.status in ("queued", "running"):
            yield status_html(f"Indekserer {name} …", job.progress)
            time.sleep(POLL_S)
        if job.error:
            yield status_html(job.error, kind="fejl")
            return
        yield "".join(status_html(outcome_line(r), kind="ok") for r in job.results)

    def ask_to_delete(self, doc_id: str | None) -> tuple[Any, str]:
        """The confirmation step: name the document and show 'Ja, fjern' / 'Annuller'."""
        document = self.context.store.document(doc_id) if doc_id else None
        if document is None:
            return gr.update(visible=False), status_html("Vælg først et dokument.", kind="fejl")
        question = f"Vil du fjerne »{document.title}« ({document.file}) fra assistenten? Det kan ikke fortrydes."
        return gr.update(visible=True), status_html(question, kind="advarsel")

    def delete(self, doc_id: str | None, token: str) -> tuple[Any, str]:
        """Remove the confirmed document; the confirmation closes either way."""
        refusal = _refusal(self.context, token)
        if refusal:
            return gr.update(visible=False), status_html(f"Afvist: {refusal}", kind="fejl")
        document = _remove(self.context, doc_id) if doc_id else None
        if document is None:
            return gr.update(visible=False), status_html("Vælg et dokument, der findes.", kind="fejl")
        return gr.update(visible=False), status_html(f"Fjernede {document.title}.", kind="ok")
