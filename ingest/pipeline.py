"""The incremental indexer: files in, complete document versions in the store.

For each file: hash it (with its metadata sidecar); skip it when the store
already holds that exact version (or the same bytes under another name);
otherwise load, clean and chunk it. Then all new chunks are embedded in one
pass (cached by text hash, one progress bar for the run) and each document is
written as one new version. Files
that disappeared from an ingested folder have their documents removed.
Every outcome lands in an :class:`IngestReport` with a Danish reason.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

from ingest.chunking import ChunkingConfig, chunk_document
from ingest.cleaning import CleanDocument, clean_document
from ingest.loaders import SUPPORTED_SUFFIXES, UnreadableDocumentError, load_document
from ingest.metadata import DocumentMetadata, doc_id_for, infer_metadata
from ingest.privacy import mask_name
from ishoj_assistant.answering.features import unit_texts
from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Chunk, DocumentInfo, heading_lines
from ishoj_assistant.settings import Settings
from ishoj_assistant.store import ChunkStore

# Bump when cleaning or chunking changes in a way that should re-chunk every
# document, or when answer units are cut differently (their vectors are embedded
# at ingest); it is part of each document version.
PIPELINE_VERSION = "21"

logger = logging.getLogger(__name__)

Status = Literal["indexed", "unchanged", "skipped", "removed", "failed"]
STATUS_LABELS: dict[str, str] = {
    "indexed": "indekseret",
    "unchanged": "uændret",
    "skipped": "sprunget over",
    "removed": "fjernet",
    "failed": "fejlet",
}


@dataclass
class FileResult:
    file: str
    status: Status
    doc_id: str = ""
    chunks: int = 0
    reason: str = ""
    cpr_masked: int = 0


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    repaired_orphans: int = 0

    def by_status(self, status: Status) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in the block to ``timings[stage]`` (for the benchmark)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] += time.perf_counter() - started

    @property
    def embedded_chunks(self) -> int:
        return sum(r.chunks for r in self.by_status("indexed"))


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar_hash(path: Path) -> str:
    """Hash of the file's metadata sidecar ("" without one): editing it re-indexes the file."""
    sidecar = path.with_name(path.name + ".meta.json")
    return file_hash(sidecar) if sidecar.exists() else ""


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files to ingest (folders walked recursively, sidecars and hidden files left out),
    and the folders given, whose vanished files mean removed documents."""
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths:
        if path.is_dir():
            folders.append(path.resolve())
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".meta.json")
            )
        else:
            files.append(path)
    return files, folders


@dataclass
class _Prepared:
    """A changed document, loaded, cleaned and chunked, waiting for its vectors."""

    info: DocumentInfo
    chunks: list[Chunk]
    texts: list[str]


class Indexer:
    """Brings the store in line with a set of files (see module docstring).

    A run has three phases so that one progress bar (with ETA) covers all the
    embedding work: prepare every changed file, embed all their chunks in one
    go, then write each document version atomically.
    """

    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        embedder: Embedder,
        progress_factory: Callable[[int], Callable[[int], None]] | None = None,
    ):
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.chunking = ChunkingConfig(settings.chunk_min_words, settings.chunk_max_words, settings.chunk_overlap_words)
        self.progress_factory = progress_factory
        self._signature = hashlib.sha256(
            f"{PIPELINE_VERSION}|{self.chunking}|{settings.mask_cpr}".encode()
        ).hexdigest()[:8]

    def version_of(self, content_hash: str, sidecar_hash: str = "") -> str:
        """Document version = file bytes + sidecar + pipeline settings: any change re-indexes."""
        suffix = f"-{sidecar_hash[:8]}" if sidecar_hash else ""
        return f"{content_hash[:16]}-{self._signature}{suffix}"

    def ingest(self, paths: Iterable[Path], remove_missing: bool = True) -> IngestReport:
        """Index new and changed files, drop vanished ones (for folders given) and report every file."""
        report = IngestReport()
        report.repaired_orphans = self.store.repair()
        files, folders = discover(paths)
        existing = {d.doc_id: d for d in self.store.documents()}
        by_hash = {d.doc_version.split("-")[0]: d for d in existing.values()}
        seen_ids: set[str] = set()
        claimed: dict[str, str] = {}  # doc_id -> file that has it in this run
        prepared: list[_Prepared] = []
        for path in files:
            result, ready = self._plan_file(path, existing, by_hash, claimed, report)
            seen_ids.add(result.doc_id)
            report.results.append(result)
            if ready is not None:
                prepared.append(ready)
        self._embed_and_write(prepared, report)
        if remove_missing:
            report.results.extend(self._remove_vanished(folders, existing, seen_ids))
        return report

    def _plan_file(
        self,
        path: Path,
        existing: dict[str, DocumentInfo],
        by_hash: dict[str, DocumentInfo],
        claimed: dict[str, str],
        report: IngestReport,
    ) -> tuple[FileResult, _Prepared | None]:
        """Decide what a file needs; a changed, readable file comes back prepared."""
        name = mask_name(path.name)
        doc_id = doc_id_for(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return FileResult(name, "skipped", doc_id, reason=f"filtypen '{path.suffix or '(ingen)'}' understøttes ikke"), None
        if doc_id in claimed:
            # "kost.pdf" and "kost.docx" would overwrite each other on every run.
            reason = f"giver samme dokument-id ('{doc_id}') som {claimed[doc_id]}; omdøb en af filerne"
            return FileResult(name, "skipped", doc_id, reason=reason), None
        claimed[doc_id] = name
        content_hash = file_hash(path)
        version = self.version_of(content_hash, _sidecar_hash(path))
        current = existing.get(doc_id)
        if current and current.doc_version == version:
            return FileResult(name, "unchanged", doc_id, current.chunks), None
        twin = by_hash.get(content_hash[:16])
        if twin and twin.doc_id != doc_id and Path(twin.source_path).exists():
            return FileResult(name, "skipped", doc_id, reason=f"dublet af {twin.file} (samme indhold)"), None
        try:
            info, chunks, clean = self._prepare(path, version, report)
        except UnreadableDocumentError as exc:
            return FileResult(name, "failed", doc_id, reason=exc.reason), None
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the run
            logger.exception("Uventet fejl ved indlæsning af %s", path)
            return FileResult(name, "failed", doc_id, reason=f"uventet fejl ved indlæsning ({type(exc).__name__}: {exc})"), None
        if not chunks:
            return FileResult(name, "failed", doc_id, reason="dokumentet indeholder ingen tekst"), None
        # Registered now so a second copy later in the same run is seen as a duplicate.
        by_hash[content_hash[:16]] = info
        result = FileResult(name, "indexed", info.doc_id, len(chunks), cpr_masked=clean.cpr_masked)
        return result, _Prepared(info, chunks, [c.context_text() for c in chunks])

    def _embed_and_write(self, prepared: list[_Prepared], report: IngestReport) -> None:
        """Embed every prepared chunk and answer unit under one progress callback, then write document by document.

        The units' vectors (sentences, list items, headings) only fill the
        embedding cache: the answer layer looks them up by content hash, so
        answering never waits for the embedder.
        """
        texts = [text for item in prepared for text in item.texts]
        units = list(dict.fromkeys(t for item in prepared for chunk in item.chunks for t in unit_texts(chunk)))
        with report.timed("embed"):
            todo = self._missing(texts) + self._missing(units)
            progress = self.progress_factory(todo) if self.progress_factory and texts else None
            vectors = self.embedder.embed_passages(texts, self.settings.embed_batch_size, progress)
            self.embedder.embed_passages(units, self.settings.embed_batch_size, progress)
        offset = 0
        for item in prepared:
            with report.timed("store"):
                self.store.put_document(item.info, item.chunks, vectors[offset : offset + len(item.chunks)])
            offset += len(item.chunks)

    def _missing(self, texts: list[str]) -> int:
        counter = getattr(self.embedder, "missing_count", None)
        return counter(texts) if counter else len(texts)

    def _prepare(self, path: Path, version: str, report: IngestReport) -> tuple[DocumentInfo, list[Chunk], CleanDocument]:
        with report.timed("load"):
            raw = load_document(path)
        with report.timed("clean"):
            clean = clean_document(raw, self.settings.mask_cpr)
            meta = infer_metadata(raw, clean)
        with report.timed("chunk"):
            chunks = self._chunks(path, version, meta, clean)
        info = DocumentInfo(
            doc_id=meta.doc_id,
            title=meta.title,
            file=mask_name(path.name),
            doc_type=meta.doc_type,
            year=meta.year,
            pages=clean.page_count,
            chunks=len(chunks),
            doc_version=version,
            source_path=str(path.resolve()),
            cpr_masked=clean.cpr_masked,
        )
        return info, chunks, clean

    def _chunks(self, path: Path, version: str, meta: DocumentMetadata, clean: CleanDocument) -> list[Chunk]:
        chunks = []
        for index, span in enumerate(chunk_document(clean, self.chunking)):
            text = clean.text[span.start : span.end]
            chunks.append(
                Chunk(
                    chunk_id=f"{meta.doc_id}:{version}:{index:04d}",
                    doc_id=meta.doc_id,
                    doc_version=version,
                    text=text,
                    file=mask_name(path.name),
                    title=meta.title,
                    doc_type=meta.doc_type,
                    year=meta.year,
                    page_start=span.page_start,
                    page_end=span.page_end,
                    section=span.section,
                    char_start=span.start - clean.page_offsets[span.page_start - 1],
                    char_end=span.end - clean.page_offsets[span.page_end - 1],
                    chunk_index=index,
                    heading_lines=heading_lines(text, [(s - span.start, e - span.start) for s, e in span.headings]),
                )
            )
        return chunks

    def _remove_vanished(
        self, folders: list[Path], existing: dict[str, DocumentInfo], seen_ids: set[str]
    ) -> list[FileResult]:
        results = []
        for info in list(existing.values()):
            source = Path(info.source_path) if info.source_path else None
            if source is None or info.doc_id in seen_ids or source.exists():
                continue
            if any(folder in source.parents for folder in folders) and self.store.remove_document(info.doc_id):
                results.append(FileResult(info.file, "removed", info.doc_id, reason="filen findes ikke længere"))
        return results
