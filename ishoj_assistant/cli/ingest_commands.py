"""`ingest`, `documents`, `remove` and `reindex`: managing what is indexed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from ishoj_assistant.context import AppContext
from ishoj_assistant.models import DOC_TYPE_LABELS
from ishoj_assistant.store import ChunkStore, EmbedderMismatchError, drop_collections


def _progress_bar(total: int) -> Callable[[int], None]:
    """A console progress bar with rate and ETA for the chunks being embedded."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc="Indlejrer tekststykker", unit="stk", file=sys.stderr, leave=False, disable=total == 0)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= bar.total:
            bar.close()

    return advance


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _open_store() -> ChunkStore | None:
    """The store, or None after printing why it cannot be opened (another embedder built it)."""
    try:
        return AppContext().store
    except EmbedderMismatchError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return None


def run_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import STATUS_LABELS

    context = AppContext()
    paths = [Path(p) for p in args.paths] or [context.settings.corpus_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"Fejl: findes ikke: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    try:
        report = context.indexer(_progress_bar).ingest(paths)
    except EmbedderMismatchError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    rows = [
        [r.file, STATUS_LABELS[r.status], str(r.chunks or ""), str(r.cpr_masked or ""), r.reason]
        for r in report.results
    ]
    print(_table(rows, ["Fil", "Resultat", "Tekststykker", "CPR maskeret", "Årsag"]))
    counts = {s: len(report.by_status(s)) for s in STATUS_LABELS}  # type: ignore[arg-type]
    print(
        f"\n{counts['indexed']} indekseret, {counts['unchanged']} uændret, {counts['skipped']} sprunget over, "
        f"{counts['failed']} fejlet, {counts['removed']} fjernet."
    )
    if report.repaired_orphans:
        print(f"Ryddede {report.repaired_orphans} tekststykker op efter en afbrudt indeksering.")
    return 1 if counts["failed"] and not (counts["indexed"] or counts["unchanged"]) else 0


def run_documents(args: argparse.Namespace) -> int:
    store = _open_store()
    if store is None:
        return 2
    documents = store.documents()
    if not documents:
        print("Indekset er tomt. Kør `ishoj-assistant ingest` for at indeksere dokumenterne i corpus/.")
        return 0
    rows = [
        [d.doc_id, d.title, DOC_TYPE_LABELS.get(d.doc_type, d.doc_type), str(d.year or "?"), str(d.pages), str(d.chunks)]
        for d in documents
    ]
    print(_table(rows, ["Id", "Titel", "Type", "År", "Sider", "Tekststykker"]))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    store = _open_store()
    if store is None:
        return 2
    if store.remove_document(args.doc_id):
        print(f"Fjernede {args.doc_id} fra indekset.")
        return 0
    print(f"Fejl: intet dokument med id '{args.doc_id}' (se `ishoj-assistant documents`).", file=sys.stderr)
    return 1


def run_reindex(args: argparse.Namespace) -> int:
    """Drop the index and build it again, e.g. after switching embedder."""
    context = AppContext()
    drop_collections(context.settings)
    args.paths = args.paths or []
    return run_ingest(args)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ingest = subparsers.add_parser("ingest", help="indeksér filer og mapper (standard: corpus/)")
    ingest.add_argument("paths", nargs="*", help="filer eller mapper med PDF, DOCX, TXT eller MD")
    ingest.set_defaults(handler=run_ingest)

    documents = subparsers.add_parser("documents", help="vis de indekserede dokumenter")
    documents.set_defaults(handler=run_documents)

    remove = subparsers.add_parser("remove", help="fjern et dokument fra indekset")
    remove.add_argument("doc_id", help="dokumentets id (se `documents`)")
    remove.set_defaults(handler=run_remove)

    reindex = subparsers.add_parser("reindex", help="byg hele indekset forfra (fx efter skift af embedder)")
    reindex.add_argument("paths", nargs="*", help="filer eller mapper (standard: corpus/)")
    reindex.set_defaults(handler=run_reindex)
