"""Checking an uploaded file before an ingestion job is accepted, and saving it.

Everything a user can get wrong (name, type, size, a broken or disguised
file, a duplicate) is refused here, synchronously, with a Danish reason and a
4xx status, so a background job only ever gets files that will index. The API
and the web UI both go through :func:`accept`.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import uuid
from pathlib import Path

from fastapi import UploadFile

from ingest.loaders import SUPPORTED_SUFFIXES, UnreadableDocumentError, load_document
from ingest.pipeline import file_hash
from ishoj_assistant.context import AppContext
from ishoj_assistant.models import DocumentInfo

_READ_BLOCK = 1 << 20


class UploadRefused(Exception):
    """An upload the service will not take; ``status`` is the HTTP status, ``reason`` Danish."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def uploads_dir(context: AppContext) -> Path:
    return context.settings.data_dir / "uploads"


def _staging(context: AppContext, suffix: str) -> Path:
    staging = uploads_dir(context) / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    return staging / f"{uuid.uuid4().hex}{suffix}"


def safe_name(raw: str | None) -> str:
    """The file name to store under; path parts, hidden names and control characters are refused."""
    name = unicodedata.normalize("NFC", raw or "")
    if (
        not name
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or any(unicodedata.category(ch) == "Cc" for ch in name)
    ):
        raise UploadRefused(400, f"Ugyldigt filnavn: {name!r}")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRefused(
            415, f"Filtypen '{suffix or '(ingen)'}' understøttes ikke (kun {', '.join(SUPPORTED_SUFFIXES)})"
        )
    return re.sub(r"[^\w.\-]+", "-", name).strip("-")[-150:]


def _limit(context: AppContext) -> int:
    return context.settings.max_upload_mb * 1024 * 1024


def _too_big(context: AppContext) -> UploadRefused:
    return UploadRefused(413, f"Filen er for stor (højst {context.settings.max_upload_mb} MB)")


async def stage_upload(upload: UploadFile, name: str, context: AppContext) -> Path:
    """Write an HTTP upload to staging, stopping as soon as it passes the size limit."""
    target = _staging(context, Path(name).suffix.lower())
    size = 0
    with target.open("wb") as handle:
        while block := await upload.read(_READ_BLOCK):
            size += len(block)
            if size > _limit(context):
                handle.close()
                target.unlink(missing_ok=True)
                raise _too_big(context)
            handle.write(block)
    return target


def stage_file(source: Path, name: str, context: AppContext) -> Path:
    """Copy a file the UI received into staging."""
    if source.stat().st_size > _limit(context):
        raise _too_big(context)
    target = _staging(context, Path(name).suffix.lower())
    shutil.copyfile(source, target)
    return target


def _duplicate_reason(path: Path, name: str, context: AppContext) -> str | None:
    content = file_hash(path)[:16]
    twin = next((d for d in context.store.documents() if d.doc_version.split("-")[0] == content), None)
    if twin is None:
        return None
    if twin.file == name:
        return f"Filen {twin.file} er allerede indekseret med præcis dette indhold"
    return f"Filen er en dublet af det allerede indekserede dokument {twin.file}"


def _check(staged: Path, name: str, context: AppContext) -> None:
    if staged.stat().st_size > _limit(context):
        raise _too_big(context)
    if staged.stat().st_size == 0:
        raise UploadRefused(400, "Filen er tom (0 byte)")
    try:
        load_document(staged)  # magic bytes, pypdf open, encryption, text layer: as ingestion will
    except UnreadableDocumentError as exc:
        raise UploadRefused(422, f"Filen kan ikke indekseres: {exc.reason}") from exc
    duplicate = _duplicate_reason(staged, name, context)
    if duplicate:
        raise UploadRefused(409, duplicate)


def accept(staged: Path, name: str, context: AppContext) -> Path:
    """Check a staged file; move it into the uploads folder under ``name`` or delete it and refuse."""
    try:
        _check(staged, name, context)
    except UploadRefused:
        staged.unlink(missing_ok=True)
        raise
    final = uploads_dir(context) / name
    staged.replace(final)
    return final


def remove_document(context: AppContext, doc_id: str) -> DocumentInfo | None:
    """Remove a document from the index, and its file when it was uploaded (corpus files stay)."""
    document = context.store.document(doc_id)
    if document is None or not context.store.remove_document(doc_id):
        return None
    source = Path(document.source_path)
    if uploads_dir(context).resolve() in source.parents:
        source.unlink(missing_ok=True)
    return document
