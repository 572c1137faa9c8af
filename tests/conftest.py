"""Shared fixtures: isolated settings, a shared embedding cache, the indexed corpus.

Embedding is the slow part (3-4 chunks/s), so every test's data directory
points its embedding cache at one session-wide SQLite file: each distinct text
is embedded once per test run, while each test still gets its own real Chroma.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Iterator

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from ishoj_assistant.context import AppContext  # noqa: E402
from ishoj_assistant.settings import Settings  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = PROJECT_ROOT / "corpus"
DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="session")
def embedding_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole session (see module docstring)."""
    return tmp_path_factory.mktemp("embedding-cache")


def chroma_server_port() -> int | None:
    """Port of a real `chroma run` server to test against (set by .ci/run), else None."""
    port = os.environ.get("ISHOJ_TEST_CHROMA_PORT")
    return int(port) if port else None


def make_settings(data_dir: Path, cache_dir: Path, **overrides: object) -> Settings:
    """Settings for a test: own data directory, shared embedding cache.

    With ISHOJ_TEST_CHROMA_PORT set, the store is the Chroma server instead of an
    embedded database, each test in a collection of its own.
    """
    (data_dir / "cache").mkdir(parents=True, exist_ok=True)
    link = data_dir / "cache" / "embeddings.sqlite3"
    if not link.is_symlink():
        # Only the embedding cache is shared; keyword indexes stay per data directory.
        link.symlink_to(cache_dir / "embeddings.sqlite3")
    values: dict[str, object] = {"data_dir": data_dir, "corpus_dir": SHIPPED_CORPUS}
    port = chroma_server_port()
    if port:
        values.update(store_mode="http", chroma_port=port, collection=f"test_{uuid.uuid4().hex[:12]}")
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path, embedding_cache_dir: Path) -> Settings:
    return make_settings(tmp_path / "data", embedding_cache_dir)


@pytest.fixture
def context(settings: Settings) -> AppContext:
    return AppContext(settings)


@pytest.fixture(scope="session")
def corpus_context(tmp_path_factory: pytest.TempPathFactory, embedding_cache_dir: Path) -> Iterator[AppContext]:
    """The shipped corpus, ingested once per session. Tests must not modify it."""
    data_dir = tmp_path_factory.mktemp("corpus-data")
    ctx = AppContext(make_settings(data_dir, embedding_cache_dir))
    report = ctx.indexer().ingest([SHIPPED_CORPUS])
    assert len(report.by_status("indexed")) == 5, report.results
    yield ctx
    shutil.rmtree(data_dir, ignore_errors=True)
