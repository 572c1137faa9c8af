"""Document-level metadata: stable id, title, type and year.

Type and year drive the filters politicians and staff use ("strategier",
"2019"), so they are inferred from the file name, title and text, and can be
overridden per file by a sidecar ``<file>.meta.json`` (for example
``{"doc_type": "strategi", "year": 2023, "title": "..."}``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.cleaning import CleanDocument
from ingest.loaders import RawDocument, UnreadableDocumentError
from ingest.privacy import mask_name
from ishoj_assistant.models import DocType

DOC_TYPES = tuple(str(t) for t in DocType)

# Checked in order: the first type whose words occur in the file name or title wins.
_TYPE_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (DocType.ANSOEGNING.value, ("ansøgning", "ansoegning", "ansøgningsskema", "tilskud")),
    (DocType.STATUS.value, ("status", "opfølgning", "opfoelgning", "notat", "evaluering", "afrapportering")),
    (DocType.STRATEGI.value, ("strategi", "idéoplæg", "ideoplaeg", "politik", "målsætning")),
)


@dataclass(frozen=True)
class DocumentMetadata:
    doc_id: str
    title: str
    doc_type: str
    year: int | None


def doc_id_for(path: Path) -> str:
    """A stable, URL-safe id from the file name (CPR numbers masked): re-ingesting a file replaces it."""
    stem = unicodedata.normalize("NFKD", Path(mask_name(path.name)).stem.lower())
    stem = stem.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    stem = "".join(ch for ch in stem if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return slug or "dokument"


def _sidecar(path: Path) -> dict[str, object]:
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UnreadableDocumentError(f"metadatafilen {sidecar.name} er ikke gyldig JSON") from exc
    if not isinstance(data, dict) or ("doc_type" in data and data["doc_type"] not in DOC_TYPES):
        raise UnreadableDocumentError(
            f"metadatafilen {sidecar.name} skal være et objekt med doc_type blandt {', '.join(DOC_TYPES)}"
        )
    return data


def _title(raw: RawDocument, clean: CleanDocument) -> str:
    if clean.title:
        return clean.title
    headings = [clean.block_text(b) for b in clean.blocks if b.kind == "heading"]
    if headings:
        return headings[0]
    first = clean.text.strip().split("\n", 1)[0]
    return first[:120] if first else Path(mask_name(raw.path.name)).stem


def _doc_type(path: Path, title: str) -> str:
    haystack = f"{path.stem} {title}".lower()
    for doc_type, hints in _TYPE_HINTS:
        if any(hint in haystack for hint in hints):
            return doc_type
    return DocType.ANDET.value


def _year(path: Path, title: str, text: str) -> int | None:
    for source in (path.stem, title):
        found = re.findall(r"(?<!\d)(19[5-9]\d|20[0-9]\d)(?!\d)", source)
        if found:
            return int(found[-1])
    counts = Counter(re.findall(r"(?<!\d)(20[0-4]\d)(?!\d)", text[:5000]))
    return int(counts.most_common(1)[0][0]) if counts else None


def infer_metadata(raw: RawDocument, clean: CleanDocument) -> DocumentMetadata:
    """Metadata from the sidecar where given, else inferred."""
    override = _sidecar(raw.path)
    title = str(override.get("title") or _title(raw, clean))
    year_override = override.get("year")
    return DocumentMetadata(
        doc_id=doc_id_for(raw.path),
        title=title,
        doc_type=str(override.get("doc_type") or _doc_type(raw.path, title)),
        year=int(year_override) if isinstance(year_override, (int, str)) and str(year_override).isdigit() else _year(raw.path, title, clean.text),
    )
