"""Loaders: turn a file into raw pages of lines, with heading hints from the layout.

Each loader returns a :class:`RawDocument`; cleaning and chunking never look at
file formats. Problems a user can fix (a scanned PDF, a password, a broken
file) raise :class:`UnreadableDocumentError` with a Danish reason that names
what to do, so the ingest report can show it next to the file name.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")


class UnreadableDocumentError(ValueError):
    """The file cannot be indexed; ``reason`` is shown to the user (Danish)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class RawPage:
    number: int
    lines: list[str]
    headings: set[str] = field(default_factory=set)


@dataclass
class RawDocument:
    path: Path
    title: str | None
    pages: list[RawPage]


_LETTER = re.compile(r"[^\W\d_]")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sniff_pdf(data: bytes) -> None:
    """Catch files that only have a .pdf name (a saved web page, anything else) early."""
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF"):
        if head[:15].lower().startswith((b"<!doctype html", b"<html")) or b"<html" in head.lower():
            raise UnreadableDocumentError("filen hedder .pdf, men er en HTML-side; gem den rigtige PDF")
        raise UnreadableDocumentError("filen er ikke en gyldig PDF (mangler PDF-header)")


def _pdf_page_headings(page: object, body_size: list[float]) -> set[str]:
    """Text fragments set in bold or larger than body text: section headings."""
    fragments: list[tuple[str, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if text.strip():
            scale = abs(tm[0]) or 1.0
            name = str((font or {}).get("/BaseFont", ""))
            fragments.append((text, size * scale, "bold" in name.lower()))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    sizes = Counter()
    for text, size, _ in fragments:
        sizes[round(size, 1)] += len(text)
    if sizes:
        body_size.append(sizes.most_common(1)[0][0])
    body = body_size[-1] if body_size else 0.0
    headings = set()
    for text, size, bold in fragments:
        squashed = _squash(text)
        # A bold page number ("3") is no heading: a heading names something.
        if (bold or (body and size > body * 1.15)) and 0 < len(squashed.split()) <= 14 and _LETTER.search(squashed):
            headings.add(squashed)
    return headings


# More pages than any municipal document has; a bigger "PDF" is a mistake or an attack.
MAX_PDF_PAGES = 5000


def load_pdf(path: Path, max_pages: int = MAX_PDF_PAGES) -> RawDocument:
    """One RawPage per PDF page, with the page's 1-based number."""
    import pypdf
    from pypdf.errors import LimitReachedError, PyPdfError

    data = path.read_bytes()
    _sniff_pdf(data)
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - pypdf raises several kinds here
                raise UnreadableDocumentError("PDF'en er krypteret og kan ikke åbnes") from exc
            if not opened:
                raise UnreadableDocumentError("PDF'en er beskyttet med adgangskode; gem en udgave uden adgangskode")
        if len(reader.pages) > max_pages:
            raise UnreadableDocumentError(f"PDF'en har {len(reader.pages)} sider; højst {max_pages} sider kan indekseres")
        pages: list[RawPage] = []
        body_size: list[float] = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            pages.append(RawPage(number, text.splitlines(), _pdf_page_headings(page, body_size)))
        meta_title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except UnreadableDocumentError:
        raise
    except LimitReachedError as exc:
        raise UnreadableDocumentError("PDF'en udpakker til urimeligt meget data (en dekomprimeringsbombe?)") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocumentError(f"PDF'en er beskadiget og kan ikke læses ({type(exc).__name__})") from exc
    if not any(line.strip() for p in pages for line in p.lines):
        raise UnreadableDocumentError(
            "PDF'en har intet tekstlag (sandsynligvis scannet); den skal køres gennem OCR først"
        )
    title = _squash(str(meta_title)) if meta_title and str(meta_title).strip() else None
    return RawDocument(path, title, pages)


def load_docx(path: Path) -> RawDocument:
    """DOCX has no pages; paragraphs in Heading styles become headings."""
    import docx
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError) as exc:
        raise UnreadableDocumentError("DOCX-filen er beskadiget og kan ikke læses") from exc
    lines, headings = [], set()
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        lines.append(text)
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.lower().startswith(("heading", "overskrift", "title", "titel")):
            headings.add(_squash(text))
    title = _squash(document.core_properties.title) if document.core_properties.title else None
    return RawDocument(path, title, [RawPage(1, lines, headings)])


def _decode_text(data: bytes) -> str:
    """UTF-8 when valid, else Windows-1252/Latin-1 (old municipal files)."""
    if not data.strip():
        raise UnreadableDocumentError("filen indeholder kun blanktegn, ingen tekst")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def load_text(path: Path) -> RawDocument:
    """TXT/MD: Markdown '#' lines and underlined lines are headings; form feeds split pages."""
    text = _decode_text(path.read_bytes())
    pages = []
    for number, page_text in enumerate(text.split("\f"), start=1):
        lines, headings = [], set()
        for line in page_text.splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.*)$", line)
            if match:
                line = match.group(1)
                headings.add(_squash(line))
            lines.append(line)
        pages.append(RawPage(number, lines, headings))
    return RawDocument(path, None, pages)


LOADERS: dict[str, Callable[[Path], RawDocument]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".txt": load_text,
    ".md": load_text,
}


def load_document(path: Path, max_pages: int = MAX_PDF_PAGES) -> RawDocument:
    """Load any supported file; unsupported types raise UnreadableDocumentError.

    ``max_pages`` bounds a PDF's page count (the upload check passes its own budget).
    """
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableDocumentError(
            f"filtypen '{path.suffix or '(ingen)'}' understøttes ikke (kun {', '.join(SUPPORTED_SUFFIXES)})"
        )
    if path.stat().st_size == 0:
        raise UnreadableDocumentError("filen er tom (0 byte)")
    return load_pdf(path, max_pages) if loader is load_pdf else loader(path)
