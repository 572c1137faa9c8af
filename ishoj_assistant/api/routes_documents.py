"""Documents: list and open (reading); upload, delete and re-index (administering)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from ishoj_assistant.api.schemas import DocumentsResponse, JobAccepted, JobStatus
from ishoj_assistant.api.security import may_administer, require_admin, require_reader
from ishoj_assistant.context import AppContext
from ishoj_assistant.services import uploads

_READ_BLOCK = 1 << 20

router = APIRouter(prefix="/api", tags=["dokumenter"])

_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}


@router.get("/documents", response_model=DocumentsResponse, dependencies=[Depends(require_reader)])
def list_documents(request: Request) -> DocumentsResponse:
    documents = request.app.state.context.store.documents()
    return DocumentsResponse.model_validate({"documents": [d.as_dict() for d in documents]})


@router.get(
    "/documents/{doc_id}/file",
    dependencies=[Depends(require_reader)],
    summary="Det originale dokument (åbn en side med #page=N)",
    description="Den version, indekset citerer. Et dokument med CPR-numre udleveres kun med administratortoken.",
    response_class=FileResponse,
)
def document_file(doc_id: str, request: Request) -> FileResponse:
    document = request.app.state.context.store.document(doc_id)
    if document is None:
        raise HTTPException(404, f"Intet dokument med id '{doc_id[:80]}'")
    if document.cpr_masked and not may_administer(request):
        raise HTTPException(
            403,
            f"Originalen af {document.file} indeholder CPR-numre og udleveres kun med administratortoken; "
            "teksten kan læses i svar og søgning, hvor numrene er maskeret",
        )
    path = Path(document.source_path)
    if not path.is_file():
        raise HTTPException(404, f"Originalfilen {document.file} findes ikke længere på serveren")
    media_type = _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return FileResponse(path, media_type=media_type, filename=document.file, content_disposition_type="inline")


@router.post(
    "/documents",
    response_model=JobAccepted,
    status_code=202,
    dependencies=[Depends(require_admin)],
    summary="Upload et dokument; det indekseres i baggrunden",
)
async def upload_document(
    request: Request,
    file: UploadFile = File(...),
    replace: bool = Query(False, description="Erstat med vilje det dokument, filnavnet giver id til."),
) -> JobAccepted:
    context = request.app.state.context
    name = uploads.safe_name(file.filename)
    staged = await _stage(file, name, context)
    # Opening the file is CPU-bound and may take seconds: off the event loop.
    final = await run_in_threadpool(uploads.accept, staged, name, context, replace)
    job = request.app.state.jobs.submit([final])
    return JobAccepted(job_id=job.job_id, file=name)


async def _stage(upload: UploadFile, name: str, context: AppContext) -> Path:
    """Write an HTTP upload to staging, stopping as soon as it passes the size limit."""
    target = uploads.new_staging_path(context, name)
    size = 0
    with target.open("wb") as handle:
        while block := await upload.read(_READ_BLOCK):
            size += len(block)
            if size > uploads.upload_limit(context):
                handle.close()
                target.unlink(missing_ok=True)
                raise uploads.too_big(context)
            handle.write(block)
    return target


@router.get("/jobs/{job_id}", response_model=JobStatus, dependencies=[Depends(require_admin)])
def job_status(job_id: str, request: Request) -> JobStatus:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"Intet job med id '{job_id[:80]}'")
    return JobStatus.model_validate(job.as_dict())


@router.delete("/documents/{doc_id}", dependencies=[Depends(require_admin)], summary="Fjern et dokument")
def delete_document(doc_id: str, request: Request) -> dict[str, str]:
    if uploads.remove_document(request.app.state.context, doc_id) is None:
        raise HTTPException(404, f"Intet dokument med id '{doc_id[:80]}'")
    return {"removed": doc_id}


@router.post(
    "/reindex",
    response_model=JobAccepted,
    status_code=202,
    dependencies=[Depends(require_admin)],
    summary="Indeksér corpus-mappen og de uploadede dokumenter igen (kun ændrede filer)",
)
def reindex(request: Request) -> JobAccepted:
    context = request.app.state.context
    # The uploads are the live versions of indexed documents, never the folder: a deleted
    # or refused upload cannot come back this way.
    corpus = [context.settings.corpus_dir] if context.settings.corpus_dir.is_dir() else []
    job = request.app.state.jobs.submit([*corpus, *uploads.live_upload_files(context)], remove_missing=True)
    return JobAccepted(job_id=job.job_id, file=", ".join(str(p) for p in corpus) or "uploads")
