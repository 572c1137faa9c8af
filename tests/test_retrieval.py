"""Hybrid retrieval on real Chroma, the real embedder and real bm25 indexes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ishoj_assistant.context import AppContext
from ishoj_assistant.models import Passage, SearchFilters
from ishoj_assistant.retrieval.duplicates import jaccard, word_shape
from ishoj_assistant.retrieval.hybrid import HybridRetriever
from ishoj_assistant.store import ChunkStore
from ishoj_assistant.retrieval.keyword import KeywordSearcher, top_k

FILLER = (
    "Ishøj Kommune arbejder løbende med at udvikle tilbuddene til borgerne, og indsatsen "
    "følges op med status til udvalget hvert halve år. "
)

NURSES = "Kommunen har i 2019 ansat to nye sygeplejerskerne til natteholdet i hjemmeplejen. " + FILLER * 3
CLINIC = "Kontinensklinikken har haft 43 borgere i forløb, og ventetiden er faldet til tre uger. " + FILLER * 3
GARDEN = "Haveselskabet har plantet frugttræer ved plejecentret, og beboerne høster æbler om efteråret. " + FILLER * 3


def write_doc(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small_context(tmp_path: Path, settings) -> AppContext:  # type: ignore[no-untyped-def]
    """Three tiny documents indexed through the real Indexer; keyword refresh on every call."""
    ctx = AppContext(settings.model_copy(update={"keyword_refresh_s": 0.0}))
    docs = tmp_path / "docs"
    for name, text in [("sygepleje.txt", NURSES), ("klinik.txt", CLINIC), ("have.txt", GARDEN)]:
        write_doc(docs, name, text)
    ctx.indexer().ingest([docs])
    return ctx


def test_context_builds_one_hybrid_retriever(small_context: AppContext) -> None:
    assert isinstance(small_context.retriever, HybridRetriever)
    assert small_context.retriever is small_context.retriever


def test_inflected_query_is_stemmed_at_query_time(small_context: AppContext) -> None:
    # The document says "sygeplejerskerne"; the singular form only matches after stemming.
    hits = small_context.keyword.search("bm25", "Hvor mange sygeplejerske blev ansat?")
    assert hits and hits[0].doc_id == "sygepleje"
    assert "sygeplejerske " not in hits[0].text


def test_query_of_only_danish_stopwords_finds_nothing_by_keyword(small_context: AppContext) -> None:
    assert small_context.keyword.search("bm25", "hvad er det der og som") == []


def test_compound_part_matches_through_ngram_signal(small_context: AppContext) -> None:
    keyword = small_context.keyword
    query = "Hvor mange borgere med inkontinens har været i forløb?"
    assert all(p.doc_id != "klinik" for p in keyword.search("bm25", "inkontinens"))
    assert keyword.search("ngram", query)[0].doc_id == "klinik"
    assert small_context.retriever.search(query, k=1)[0].doc_id == "klinik"


def test_keyword_index_follows_store_changes_without_restart(small_context: AppContext, tmp_path: Path) -> None:
    retriever = small_context.retriever
    query = "Hvor mange cykelhjelme er der uddelt?"
    assert all(p.doc_id != "hjelme" for p in small_context.keyword.search("bm25", query))
    new = write_doc(tmp_path / "more", "hjelme.txt", "Der er uddelt 200 cykelhjelme til skolebørn. " + FILLER * 3)
    small_context.indexer().ingest([new], remove_missing=False)
    assert small_context.keyword.search("bm25", query)[0].doc_id == "hjelme"
    assert small_context.store.remove_document("hjelme")
    assert all(p.doc_id != "hjelme" for p in retriever.search(query))


def test_keyword_index_is_cached_on_disk_by_generation(small_context: AppContext) -> None:
    searcher = small_context.keyword
    generation = searcher.snapshot().generation
    files = list(searcher.cache_dir.glob(f"keyword-*-{generation}.pkl"))
    assert len(files) == 1
    fresh = KeywordSearcher(small_context.settings, small_context.store)
    assert fresh._load(generation) is not None
    assert [p.doc_id for p in fresh.search("bm25", "frugttræer")] == ["have"]


def test_refresh_interval_delays_noticing_changes(small_context: AppContext, tmp_path: Path) -> None:
    settings = small_context.settings.model_copy(update={"keyword_refresh_s": 3600.0})
    # A store object of its own stands for another API process sharing the same Chroma.
    searcher = KeywordSearcher(settings, ChunkStore(settings, small_context.embedder))
    searcher.snapshot()
    new = write_doc(tmp_path / "later", "sent.txt", "Svømmehallen får nye omklædningsrum i 2025. " + FILLER * 3)
    small_context.indexer().ingest([new], remove_missing=False)
    assert searcher.search("bm25", "omklædningsrum") == []


def test_a_change_made_through_the_same_store_is_seen_at_once(small_context: AppContext, tmp_path: Path) -> None:
    settings = small_context.settings.model_copy(update={"keyword_refresh_s": 3600.0})
    searcher = KeywordSearcher(settings, small_context.store)
    searcher.snapshot()
    new = write_doc(tmp_path / "now", "sent.txt", "Svømmehallen får nye omklædningsrum i 2025. " + FILLER * 3)
    small_context.indexer().ingest([new], remove_missing=False)
    assert [p.doc_id for p in searcher.search("bm25", "omklædningsrum")] == ["sent"]


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(doc_id="vaerdighedsmilliarden-status-2019"),
        SearchFilters(doc_type="strategi"),
        SearchFilters(year=2015),
    ],
)
def test_filters_apply_to_every_signal(corpus_context: AppContext, filters: SearchFilters) -> None:
    retriever = corpus_context.retriever
    query = "Hvor mange borgere har deltaget i klippekortsordningen og træningen?"
    rankings = retriever.rankings(query, filters)
    assert set(rankings) == {"bm25", "ngram", "dense"}
    for passages in [*rankings.values(), retriever.search(query, k=10, filters=filters)]:
        assert passages
        assert all(filters.matches(p.chunk) for p in passages)


def test_unfiltered_search_spans_documents(corpus_context: AppContext) -> None:
    hits = corpus_context.retriever.search("ældre borgere sundhed", k=20)
    assert len({p.doc_id for p in hits}) >= 3
    assert [p.score for p in hits] == sorted((p.score for p in hits), reverse=True)


def test_top_k_orders_like_a_stable_full_sort() -> None:
    # Many ties and zeros: the partition must keep every tie at the cut and the index order within ties.
    scores = np.random.default_rng(3).integers(0, 6, size=500).astype(np.float64)
    for k in (1, 7, 50, 499, 600):
        full = [i for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]
        assert top_k(scores, k).tolist() == full


def test_vectorised_filters_match_the_filter_definition(corpus_context: AppContext) -> None:
    snapshot = corpus_context.keyword.snapshot()
    for filters in (SearchFilters(year=2019), SearchFilters(doc_type="strategi", year=2023), SearchFilters(doc_id="nope")):
        assert snapshot.mask(filters).tolist() == [filters.matches(c) for c in snapshot.chunks]


def test_copies_of_one_passage_take_one_place_in_the_results(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """Five yearly copies of a status text (other places and figures) must not hide the one other text on the topic."""
    ctx = AppContext(settings.model_copy(update={"keyword_refresh_s": 0.0}))
    docs = tmp_path / "docs"
    for n, place in enumerate(["Ishøj", "Greve", "Køge", "Solrød", "Brøndby"]):
        text = (
            f"Kontinensklinikken i {place} har haft {40 + n} borgere i forløb i {2015 + n}, og ventetiden for borgerne "
            f"i kontinensklinikken er faldet til {n + 2} uger. " + FILLER * 2
        )
        write_doc(docs, f"status-{n}.txt", text)
    write_doc(docs, "evaluering.txt", "Evalueringen af kontinensklinikken viser, at borgerne er tilfredse med forløbet. " + FILLER * 2)
    write_doc(docs, "have.txt", GARDEN)
    ctx.indexer().ingest([docs])
    query = "Hvor mange borgere har været i forløb i kontinensklinikken?"
    copies = [p for p in ctx.retriever.search(query, k=3) if p.doc_id.startswith("status")]
    assert len(copies) == 1
    assert "evaluering" in [p.doc_id for p in ctx.retriever.search(query, k=3)]
    assert [p.doc_id for p in ctx.retriever.search(query, k=10)][-1] == "have"  # nothing else goes missing


def test_near_duplicates_are_judged_on_words_not_numbers() -> None:
    first = word_shape("Der er afsat kr. 250.000 i 2019 til 43 borgere i Ishøj.")
    assert jaccard(first, word_shape("Der er afsat kr. 310.000 i 2021 til 12 borgere i Ishøj.")) == 1.0
    assert jaccard(first, word_shape("Haveselskabet planter frugttræer ved plejecentret.")) < 0.1


def test_search_text_names_the_title_once() -> None:
    """Every passage is searched with its document's title in front, except the title page, which holds
    it already: twice, the title's words would lift that page above the passage a question is about."""
    from ishoj_assistant.models import Chunk

    def chunk(text: str, section: str) -> Chunk:
        return Chunk("d:v:0", "d", "v", text, "d.pdf", "Status på klubtilbud", "status", 2024, 1, 1, section, 0, 0, 0)

    title_page = chunk("Testrup Kommune\nStatus på klubtilbud\nNotatet giver en status for 2024.", "Testrup Kommune")
    body = chunk("Cykelværkstedet havde 40 brugere.", "Cykelværksted")
    assert title_page.context_text().lower().count("status på klubtilbud") == 1
    assert body.context_text().startswith("Status på klubtilbud (2024) › Cykelværksted\n")


# --- closest-sentence re-ordering ----------------------------------------------------


def test_closest_sentence_reorders_the_top_and_keeps_descending_scores(small_context: AppContext) -> None:
    rerank = small_context.retriever.rerank
    assert rerank is not None and rerank.weight > 0
    query = "Hvor mange borgere har kontinensklinikken haft i forløb?"
    fused = small_context.retriever.search(query, k=3)
    # Put the clinic's passage last: only its closest sentence can bring it back up.
    reversed_order = sorted(fused, key=lambda p: p.doc_id == "klinik")
    strong = replace(rerank, weight=1000.0)
    reordered = strong(query, reversed_order)
    assert reordered[0].doc_id == "klinik"
    assert sorted(p.chunk.chunk_id for p in reordered) == sorted(p.chunk.chunk_id for p in fused)
    assert [p.score for p in fused] == sorted((p.score for p in fused), reverse=True)  # re-ordered in search
    assert replace(rerank, weight=0.0)(query, reversed_order) == reversed_order


def test_closest_sentence_reordering_stays_within_its_depth(small_context: AppContext) -> None:
    rerank = replace(small_context.retriever.rerank, weight=1000.0, depth=2)
    passages = small_context.retriever.search("Hvor mange borgere har kontinensklinikken haft i forløb?", k=3)
    tail_first = [passages[1], passages[2], passages[0]]
    assert rerank("kontinensklinikken", tail_first)[2] is tail_first[2]


def test_units_of_indexed_chunks_need_no_embedding_at_query_time(small_context: AppContext) -> None:
    from ishoj_assistant.answering.features import unit_texts

    chunks = list(small_context.store.iter_chunks())
    assert chunks and all(small_context.embedder.missing_count(unit_texts(c)) == 0 for c in chunks)


def test_chunks_whose_units_were_never_embedded_keep_the_fused_order_and_embed_nothing(
    small_context: AppContext,
) -> None:
    rerank = replace(small_context.retriever.rerank, weight=1000.0)
    passages = small_context.retriever.search("Hvor mange borgere har kontinensklinikken haft i forløb?", k=3)
    unseen = replace(passages[-1].chunk, text=passages[-1].chunk.text + " Denne sætning er aldrig indlejret i cachen.")
    tail_first = [Passage(unseen, passages[-1].score), *passages[:-1]]
    misses = small_context.embedder.misses
    assert rerank("kontinensklinikken", tail_first) == tail_first
    assert small_context.embedder.misses == misses
