"""Incremental, atomic and safe ingestion: unchanged corpora cost nothing,
changed and removed files replace their chunks, bad files fail alone with a
clear Danish message, a writer killed mid-document loses nothing, and CPR
numbers never reach the store.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pypdf
import pytest

from ingest.privacy import CPR_MASK
from ishoj_assistant.context import AppContext
from ishoj_assistant.embedding import Embedder
from ishoj_assistant.settings import Settings
from ishoj_assistant.store import ChunkStore, EmbedderMismatchError
from tests.conftest import PROJECT_ROOT, make_settings
from tests.pdf_factory import Heading, Paragraph, make_long_pdf, make_pdf, make_scanned_pdf


def note_pdf(path: Path, heading: str, sentence: str) -> Path:
    """A small one-page PDF whose text is easy to search for."""
    return make_pdf(path, [[Heading(heading), Paragraph(sentence)]])


def search_texts(context: AppContext, query: str, k: int = 20) -> list[str]:
    """Texts of the live chunks nearest to a query (what a reader would get)."""
    vector = context.embedder.embed_query(query)
    return [hit.chunk.text for hit in context.store.dense_search(vector, k)]


def all_stored_texts(context: AppContext) -> list[str]:
    """Every chunk text in Chroma, including chunks of incomplete versions."""
    return [c.text for c in context.store.iter_chunks(live_only=False)]


def run_cli(data_dir: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ISHOJ_DATA_DIR": str(data_dir), **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "ishoj_assistant", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "docs"
    note_pdf(path / "traening.pdf", "Træning", "Borgerne tilbydes genoptræning i Ishøj Idrætscenter hver tirsdag.")
    note_pdf(path / "kost.pdf", "Kost", "Plejecentrene serverer varm mad fra eget køkken hver dag.")
    return path


def test_unchanged_corpus_embeds_nothing_and_is_fast(settings: Settings, folder: Path) -> None:
    AppContext(settings).indexer().ingest([folder])
    context = AppContext(settings)  # fresh process state: only the store and the cache persist
    started = time.perf_counter()
    report = context.indexer().ingest([folder])
    elapsed = time.perf_counter() - started
    assert [r.status for r in report.results] == ["unchanged", "unchanged"]
    assert context.embedder.misses == 0 and context.embedder.hits == 0
    assert elapsed < 3.0


def test_changed_file_replaced_and_removed_file_deleted(settings: Settings, folder: Path) -> None:
    context = AppContext(settings)
    context.indexer().ingest([folder])
    note_pdf(folder / "kost.pdf", "Kost", "Madordningen flyttes til et fælles produktionskøkken i Vallensbæk.")
    (folder / "traening.pdf").unlink()
    report = context.indexer().ingest([folder])
    status = {r.file: r.status for r in report.results}
    assert status == {"kost.pdf": "indexed", "traening.pdf": "removed"}
    texts = all_stored_texts(context)
    assert any("produktionskøkken i Vallensbæk" in t for t in texts)
    assert not any("varm mad fra eget køkken" in t for t in texts)
    assert not any("genoptræning" in t for t in texts)
    assert [d.doc_id for d in context.store.documents()] == ["kost"]


def test_cli_documents_and_remove(tmp_path: Path, folder: Path, embedding_cache_dir: Path) -> None:
    data = make_settings(tmp_path / "cli-data", embedding_cache_dir).data_dir
    ingest = run_cli(data, "ingest", str(folder))
    assert ingest.returncode == 0, ingest.stderr
    assert "2 indekseret" in ingest.stdout
    listing = run_cli(data, "documents")
    assert "traening" in listing.stdout and "kost" in listing.stdout
    removed = run_cli(data, "remove", "traening")
    assert removed.returncode == 0 and "Fjernede traening" in removed.stdout
    listing = run_cli(data, "documents")
    assert "traening" not in listing.stdout and "kost" in listing.stdout
    missing = run_cli(data, "remove", "findes-ikke")
    assert missing.returncode == 1 and "intet dokument med id 'findes-ikke'" in missing.stderr


class TinyEmbedder(Embedder):
    """Another embedder (name and dimension) than the one the index was built with."""

    name = "fake/tiny"  # type: ignore[assignment]
    dimension = 8  # type: ignore[assignment]

    def _embed_passage_batch(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), self.dimension), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ones(self.dimension, dtype=np.float32)


def test_embedder_mismatch_says_how_to_reindex(settings: Settings, folder: Path) -> None:
    AppContext(settings).indexer().ingest([folder])
    with pytest.raises(EmbedderMismatchError) as error:
        ChunkStore(settings, TinyEmbedder())
    message = str(error.value)
    assert "fake/tiny" in message and "ishoj-assistant reindex" in message and "dimension 8" in message


def test_cli_reports_mismatch_and_reindex_fixes_it(tmp_path: Path, folder: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "tiny-data", embedding_cache_dir)
    ChunkStore(settings, TinyEmbedder())  # an index built by another embedder
    listing = run_cli(settings.data_dir, "documents")
    assert listing.returncode == 2 and "fake/tiny" in listing.stderr and "reindex" in listing.stderr
    assert "Traceback" not in listing.stderr
    rebuilt = run_cli(settings.data_dir, "reindex", str(folder))
    assert rebuilt.returncode == 0, rebuilt.stderr
    listing = run_cli(settings.data_dir, "documents")
    assert listing.returncode == 0 and "kost" in listing.stdout and "traening" in listing.stdout


def _encrypted_pdf(source: Path, target: Path) -> Path:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(source))
    writer.encrypt(user_password="hemmelig", algorithm="RC4-128")
    writer.write(target)
    return target


def test_bad_files_fail_alone_and_lose_nothing(settings: Settings, folder: Path, tmp_path: Path) -> None:
    context = AppContext(settings)
    context.indexer().ingest([folder])
    bad = folder
    (bad / "beskadiget.pdf").write_bytes((bad / "kost.pdf").read_bytes()[:400])
    _encrypted_pdf(bad / "traening.pdf", bad / "hemmelig.pdf")
    (bad / "tom.pdf").write_bytes(b"")
    make_scanned_pdf(bad / "scannet.pdf")
    (bad / "side.pdf").write_text("<!DOCTYPE html><html><body>Ikke fundet</body></html>", encoding="utf-8")
    (bad / "gammel.txt").write_bytes("Ældrerådet mødes på Ishøj Rådhus i næste måned.".encode("latin-1"))
    shutil.copy(bad / "kost.pdf", bad / "kost-kopi.pdf")
    (bad / "kost.txt").write_text("Samme navn som kost.pdf, andet indhold.", encoding="utf-8")
    (bad / "blank.md").write_text(" \n\n  ", encoding="utf-8")
    make_long_pdf(bad / "aarsrapport.pdf", 300)

    started = time.perf_counter()
    report = context.indexer().ingest([bad])
    elapsed = time.perf_counter() - started
    result = {r.file: r for r in report.results}
    assert result["beskadiget.pdf"].status == "failed" and "beskadiget" in result["beskadiget.pdf"].reason
    assert result["hemmelig.pdf"].status == "failed" and "adgangskode" in result["hemmelig.pdf"].reason
    assert result["tom.pdf"].status == "failed" and "tom (0 byte)" in result["tom.pdf"].reason
    assert result["scannet.pdf"].status == "failed"
    assert "intet tekstlag" in result["scannet.pdf"].reason and "OCR" in result["scannet.pdf"].reason
    assert result["side.pdf"].status == "failed" and "HTML" in result["side.pdf"].reason
    assert result["kost-kopi.pdf"].status == "skipped" and "dublet af kost.pdf" in result["kost-kopi.pdf"].reason
    assert result["kost.txt"].status == "skipped" and "samme dokument-id ('kost') som kost.pdf" in result["kost.txt"].reason
    assert result["blank.md"].status == "failed" and "ingen tekst" in result["blank.md"].reason
    assert result["gammel.txt"].status == "indexed"
    assert result["aarsrapport.pdf"].status == "indexed"
    assert (result["kost.pdf"].status, result["traening.pdf"].status) == ("unchanged", "unchanged")
    assert elapsed < 90, f"300-page PDF took {elapsed:.0f} s"

    docs = {d.doc_id: d for d in context.store.documents()}
    assert set(docs) == {"kost", "traening", "gammel", "aarsrapport"}
    assert docs["aarsrapport"].pages == 300
    last = context.store.document_chunks("aarsrapport")[-1]
    assert last.page_end == 300 and "Side 300 beskriver" in last.text
    assert any("Ældrerådet mødes på Ishøj Rådhus" in t for t in search_texts(context, "Ældrerådet mødes"))
    assert any("genoptræning i Ishøj Idrætscenter" in t for t in search_texts(context, "genoptræning"))


def test_killed_writer_keeps_previous_version(tmp_path: Path, folder: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "crash-data", embedding_cache_dir)
    data = settings.data_dir
    assert run_cli(data, "ingest", str(folder)).returncode == 0
    note_pdf(folder / "kost.pdf", "Kost", "Madordningen flyttes til et fælles produktionskøkken i Vallensbæk.")
    crashed = run_cli(data, "ingest", str(folder), ISHOJ_TEST_CRASH_POINT="chunks_written")
    assert crashed.returncode == -signal.SIGKILL

    context = AppContext(settings)  # first open of this store in this process: reads what the crash left
    info = context.store.document("kost")
    assert info is not None
    live = [c.text for c in context.store.document_chunks("kost")]
    assert live and all("varm mad fra eget køkken" in t for t in live)
    assert any("varm mad fra eget køkken" in t for t in search_texts(context, "varm mad"))
    assert not any("Vallensbæk" in t for t in search_texts(context, "produktionskøkken Vallensbæk"))
    assert any("Vallensbæk" in t for t in all_stored_texts(context)), "the crash left the new chunks behind"

    report = context.indexer().ingest([folder])
    assert report.repaired_orphans > 0
    assert {r.file: r.status for r in report.results} == {"kost.pdf": "indexed", "traening.pdf": "unchanged"}
    texts = all_stored_texts(context)
    assert any("Vallensbæk" in t for t in texts) and not any("varm mad" in t for t in texts)
    live_versions = context.store.live_versions()
    assert all(live_versions[c.doc_id] == c.doc_version for c in context.store.iter_chunks(live_only=False))


def test_cpr_numbers_masked_before_storing(settings: Settings, tmp_path: Path) -> None:
    body = "Borgeren med CPR-nr. 010203-1234 er visiteret. Ægtefællen har CPR 1512874321 og bor i Ishøj."
    path = make_pdf(
        tmp_path / "sag.pdf", [[Heading("Sagsnotat om 2304561118"), Paragraph(body)]], title="Sag 010203-1234"
    )
    context = AppContext(settings)
    report = context.indexer().ingest([path])
    assert report.results[0].cpr_masked == 3
    chunks = list(context.store.iter_chunks(live_only=False))
    texts = [c.text for c in chunks] + search_texts(context, "borgeren er visiteret")
    labels = [c.title for c in chunks] + [c.section for c in chunks] + [d.title for d in context.store.documents()]
    assert texts and labels
    for text in texts + labels:
        assert not any(number in text for number in ("010203", "1234", "1512874321", "2304561118"))
    assert any(f"CPR-nr. {CPR_MASK} er visiteret" in t for t in texts)
    assert chunks[0].section == f"Sagsnotat om {CPR_MASK}" and chunks[0].title == f"Sag {CPR_MASK}"
