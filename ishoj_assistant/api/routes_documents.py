"""Documents: list and open (reading); upload, delete and re-index (administering)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse

from ishoj_assistant.api import uploads
from ishoj_assistant.api.schemas import DocumentsResponse, JobAccepted, JobStatus
from ishoj_assistant.api.security import require_admin, require_reader

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
    response_class=FileResponse,
)
def document_file(doc_id: str, request: Request) -> FileResponse:
    document = request.app.state.context.store.document(doc_id)
    if document is None:
        raise HTTPException(404, f"Intet dokument med id '{doc_id}'")
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
async def upload_document(request: Request, file: UploadFile = File(...)) -> JobAccepted:
    context = request.app.state.context
    name = uploads.safe_name(file.filename)
    final = uploads.accept(await uploads.stage_upload(file, name, context), name, context)
    job = request.app.state.jobs.submit([final])
    return JobAccepted(job_id=job.job_id, file=name)


@router.get("/jobs/{job_id}", response_model=JobStatus, dependencies=[Depends(require_admin)])
def job_status(job_id: str, request: Request) -> JobStatus:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"Intet job med id '{job_id}'")
    return JobStatus.model_validate(job.as_dict())


@router.delete("/documents/{doc_id}", dependencies=[Depends(require_admin)], summary="Fjern et dokument")
def delete_document(doc_id: str, request: Request) -> dict[str, str]:
    if uploads.remove_document(request.app.state.context, doc_id) is None:
        raise HTTPException(404, f"Intet dokument med id '{doc_id}'")
    return {"removed": doc_id}


@router.post(
    "/reindex",
    response_model=JobAccepted,
    status_code=202,
    dependencies=[Depends(require_admin)],
    summary="Indeksér corpus-mappen og uploadede filer igen (kun ændrede filer)",
)
def reindex(request: Request) -> JobAccepted:
    settings = request.app.state.context.settings
    folders = [p for p in (settings.corpus_dir, uploads.uploads_dir(request.app.state.context)) if p.is_dir()]
    job = request.app.state.jobs.submit(folders, remove_missing=True)
    return JobAccepted(job_id=job.job_id, file=", ".join(str(p) for p in folders))
