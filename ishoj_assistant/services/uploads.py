"""Checking an uploaded file before an ingestion job is accepted, and storing it by version.

Everything a user can get wrong (name, type, size, a broken, encrypted or
booby-trapped file, a duplicate, a name that would replace another document)
is refused here with a Danish reason and a 4xx status, so a background job
only ever gets files that will index. The API and the web UI both go through
:func:`accept`.

An accepted file is stored as ``uploads/<doc_id>/<content hash>/<name>``: a
new version never overwrites the bytes the index still cites, so the file
endpoint always serves the version that is live in the index. Older versions
are pruned once a newer one is live (:func:`prune_versions`); deleting a
document removes its whole folder, so no later re-index can bring it back.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.metadata import doc_id_for
from ingest.pipeline import file_hash
from ingest.privacy import mask_name
from ishoj_assistant.context import AppContext
from ishoj_assistant.models import DocumentInfo
from ishoj_assistant.services.file_check import check_in_child

# Longest stored file name; the suffix is always kept.
MAX_NAME_CHARS = 120


class UploadRefused(Exception):
    """An upload the service will not take; ``status`` is the HTTP status, ``reason`` Danish."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def uploads_dir(context: AppContext) -> Path:
    return context.settings.data_dir / "uploads"


def staging_dir(context: AppContext) -> Path:
    return uploads_dir(context) / ".staging"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (data directories are local)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_staging_path(context: AppContext, name: str) -> Path:
    """A fresh file in staging for an upload of ``name`` (only its suffix is used), named after
    this process so another process's start-up cleaning leaves it alone."""
    staging = staging_dir(context)
    staging.mkdir(parents=True, exist_ok=True)
    return staging / f"{os.getpid()}-{uuid.uuid4().hex}{Path(name).suffix.lower()}"


def _staged_by_live_process(path: Path) -> bool:
    owner = path.name.split("-", 1)[0]
    return owner.isdigit() and process_alive(int(owner))


def clear_staging(context: AppContext) -> int:
    """Delete what killed processes left in staging (run on start); returns the number of files."""
    staging = staging_dir(context)
    leftovers = [p for p in staging.iterdir() if p.is_file() and not _staged_by_live_process(p)] if staging.is_dir() else []
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)


def safe_name(raw: str | None) -> str:
    """The file name to store under: CPR numbers masked, path parts, hidden names and control
    characters refused, and long names shortened with their suffix kept."""
    name = unicodedata.normalize("NFC", raw or "")
    if (
        not name
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name)
    ):
        raise UploadRefused(400, f"Ugyldigt filnavn: {name[:80]!r}")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRefused(
            415, f"Filtypen '{suffix[:20] or '(ingen)'}' understøttes ikke (kun {', '.join(SUPPORTED_SUFFIXES)})"
        )
    stem = re.sub(r"[^\w.\-]+", "-", mask_name(name)[: -len(suffix)]).strip("-.")
    return f"{stem[: MAX_NAME_CHARS - len(suffix)].rstrip('-.') or 'dokument'}{suffix}"


def upload_limit(context: AppContext) -> int:
    """The largest accepted upload in bytes."""
    return context.settings.max_upload_mb * 1024 * 1024


def too_big(context: AppContext) -> UploadRefused:
    return UploadRefused(413, f"Filen er for stor (højst {context.settings.max_upload_mb} MB)")


def stage_file(source: Path, name: str, context: AppContext) -> Path:
    """Copy a file the UI received into staging."""
    if source.stat().st_size > upload_limit(context):
        raise too_big(context)
    target = new_staging_path(context, name)
    shutil.copyfile(source, target)
    return target


def _duplicate_reason(content: str, name: str, context: AppContext) -> str | None:
    twin = next((d for d in context.store.documents() if d.doc_version.split("-")[0] == content), None)
    if twin is None:
        return None
    if twin.file == name:
        return f"Filen {twin.file} er allerede indekseret med præcis dette indhold"
    return f"Filen er en dublet af det allerede indekserede dokument {twin.file}"


def _is_upload(context: AppContext, document: DocumentInfo) -> bool:
    return uploads_dir(context).resolve() in Path(document.source_path).parents


def _replacement_reason(doc_id: str, replace: bool, context: AppContext) -> str | None:
    """Why a file whose name maps to an existing document may not take its place (None: it may)."""
    existing = context.store.document(doc_id)
    if existing is None:
        return None
    if not _is_upload(context, existing):
        return (
            f"Navnet giver dokument-id '{doc_id}', som dokumentet {existing.file} fra korpusmappen har; "
            "ret filen dér, eller giv den nye fil et andet navn"
        )
    if replace:
        return None
    return (
        f"Navnet giver dokument-id '{doc_id}', som dokumentet »{existing.title}« ({existing.file}) allerede har. "
        "Upload med replace=true for at erstatte det med vilje, eller giv filen et andet navn"
    )


def _check(staged: Path, name: str, replace: bool, context: AppContext) -> str:
    """Refuse the staged file or return its content hash (the version folder's name)."""
    size = staged.stat().st_size
    if size > upload_limit(context):
        raise too_big(context)
    if size == 0:
        raise UploadRefused(400, "Filen er tom (0 byte)")
    settings = context.settings
    reason = check_in_child(staged, settings.upload_max_pages, settings.upload_check_timeout_s)
    if reason:
        raise UploadRefused(422, f"Filen kan ikke indekseres: {reason}")
    content = file_hash(staged)[:16]
    duplicate = _duplicate_reason(content, name, context)
    if duplicate:
        raise UploadRefused(409, duplicate)
    conflict = _replacement_reason(doc_id_for(Path(name)), replace, context)
    if conflict:
        raise UploadRefused(409, conflict)
    return content


def accept(staged: Path, name: str, context: AppContext, replace: bool = False) -> Path:
    """Check a staged file; store it as a new version of its document, or delete it and refuse.

    Blocking (the check runs a child process): call it from a worker thread.
    """
    try:
        content = _check(staged, name, replace, context)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    final = uploads_dir(context) / doc_id_for(Path(name)) / content / name
    final.parent.mkdir(parents=True, exist_ok=True)
    staged.replace(final)
    return final


def live_upload_files(context: AppContext) -> list[Path]:
    """The stored file of every uploaded document's live version (what a re-index reads)."""
    return [Path(d.source_path) for d in context.store.documents() if _is_upload(context, d)]


def prune_versions(context: AppContext, keep: set[Path]) -> None:
    """Delete stored versions that are neither live in the index nor in ``keep`` (pending jobs)."""
    wanted = {p.resolve() for p in (*live_upload_files(context), *keep)}
    root = uploads_dir(context)
    for version in root.glob("*/*"):
        if version.is_dir() and not version.name.startswith(".") and not any(
            p.parent == version.resolve() for p in wanted
        ):
            shutil.rmtree(version, ignore_errors=True)
    for document in root.iterdir() if root.is_dir() else ():
        if document.is_dir() and not document.name.startswith(".") and not any(document.iterdir()):
            document.rmdir()


def remove_document(context: AppContext, doc_id: str) -> DocumentInfo | None:
    """Remove a document from the index, and every stored version of it when it was uploaded
    (corpus files stay), so no re-index brings it back."""
    document = context.store.document(doc_id)
    if document is None or not context.store.remove_document(doc_id):
        return None
    if _is_upload(context, document):
        shutil.rmtree(Path(document.source_path).parents[1], ignore_errors=True)
    return document
