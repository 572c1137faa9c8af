"""The document viewer's server side: its page, its static files (pdf.js) and the indexed text.

The viewer (ui/static/viewer.js) renders a PDF's cited page with pdf.js and
marks the quote, or shows a text/Markdown/DOCX source's indexed text at the
quote. It fetches the original only through the API's file endpoint and the
text from :func:`document_text`, both behind the reader token, so access
control and CPR masking stay where the API applies them. pdf.js is committed
under ui/static/pdfjs (from the npm package pdfjs-dist), so nothing is fetched
from a CDN at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ishoj_assistant.api.security import require_reader
from ishoj_assistant.models import Chunk

STATIC_DIR = Path(__file__).resolve().parent / "static"
VIEWER_PATH = "/viser"
_OVERLAP_SEARCH = 5000  # how far back a chunk's overlap with the previous one can start

router = APIRouter(tags=["brugerflade"])


def viewer_href(doc_id: str, page: int, quote: str, title: str, file: str) -> str:
    """The viewer's URL for one source; PDFs open as pages, everything else as text."""
    kind = "pdf" if file.lower().endswith(".pdf") else "tekst"
    query = {"dok": doc_id, "side": int(page), "citat": quote, "titel": title, "visning": kind}
    return f"{VIEWER_PATH}?{urlencode(query)}"


def document_text(chunks: Sequence[Chunk]) -> str:
    """A document's indexed text rebuilt from its chunks, the overlap between neighbours kept once.

    Chunks are slices of one cleaned text, and each one after the first starts
    with the last sentences of the one before; those are found and skipped.
    """
    text = ""
    for chunk in chunks:
        at = text.find(chunk.text[:80], max(0, len(text) - _OVERLAP_SEARCH)) if text else -1
        if at >= 0 and chunk.text.startswith(text[at:]):
            text += chunk.text[len(text) - at :]
        else:
            text += ("\n\n" if text else "") + chunk.text
    return text


@router.get(VIEWER_PATH, include_in_schema=False)
def viewer_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "viewer.html", media_type="text/html")


@router.get(f"{VIEWER_PATH}/tekst/{{doc_id}}", dependencies=[Depends(require_reader)], summary="Dokumentets indekserede tekst")
def indexed_text(doc_id: str, request: Request) -> dict[str, str]:
    """The text as indexed (CPR numbers already masked), for the viewer's text view."""
    store = request.app.state.context.store
    document = store.document(doc_id)
    if document is None:
        raise HTTPException(404, f"Intet dokument med id '{doc_id}'")
    return {"title": document.title, "file": document.file, "text": document_text(store.document_chunks(doc_id))}


def add_viewer(api: FastAPI) -> None:
    """Serve the viewer and its static files from the API app (before the UI is mounted at /)."""
    api.include_router(router)
    api.mount("/ui-static", StaticFiles(directory=STATIC_DIR), name="ui-static")
