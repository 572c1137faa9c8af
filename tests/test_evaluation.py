"""Evaluation: metrics on hand-made items, the runner's hooks, and the eval command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from ishoj_assistant.cli import main
from ishoj_assistant.context import AppContext
from ishoj_assistant.evaluation.dataset import EvalItem, item_from_dict, load_items
from ishoj_assistant.evaluation.metrics import evidence_in_text, retrieval_metrics
from ishoj_assistant.evaluation.runner import retrieval_query, run_evaluation
from ishoj_assistant.models import Chunk, Passage, SearchFilters
from ishoj_assistant.settings import get_settings
from tests.conftest import DEV_SET

# conftest's DEV_SET assumes the main checkout's layout; a worktree sits one level deeper.
DEV_SETS = [DEV_SET, Path("/work/shared/eval/dev.jsonl")]

EVIDENCE = "Fra 1. januar til 1. maj 2019 har 21 borgere haft glæde af klippekortsordningen."


def passage(doc_id: str, text: str, n: int = 0) -> Passage:
    chunk = Chunk(f"{doc_id}-{n}", doc_id, "v1", text, f"{doc_id}.pdf", doc_id, "status", 2019, 1, 1, "", 0, len(text), n)
    return Passage(chunk, 1.0)


def item(**overrides: object) -> EvalItem:
    data: dict[str, object] = {"id": "t1", "question": "Hvor mange?", "type": "numeric", "evidence": [EVIDENCE], "sources": ["a"]}
    data.update(overrides)
    return item_from_dict(data)


class FixedRetriever:
    """Returns the same ranking for any query and records the queries it got."""

    def __init__(self, passages: list[Passage]):
        self.passages = passages
        self.queries: list[str] = []

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        self.queries.append(query)
        return self.passages[:k]


def test_evidence_match_ignores_case_and_whitespace() -> None:
    assert evidence_in_text(EVIDENCE, "Indledning.\n" + EVIDENCE.upper().replace(" ", "  \n "))


def test_evidence_cut_by_chunk_border_counts_from_seventy_percent() -> None:
    words = EVIDENCE.split()  # 14 words: 70 % is 10 words
    assert evidence_in_text(EVIDENCE, "Slutningen af siden: " + " ".join(words[:10]))
    assert evidence_in_text(EVIDENCE, " ".join(words[-10:]) + " Næste afsnit.")
    assert not evidence_in_text(EVIDENCE, "Slutningen af siden: " + " ".join(words[:9]))
    assert not evidence_in_text(EVIDENCE, " ".join(words[2:12]))


def test_hit_needs_gold_source_and_evidence() -> None:
    ranking = [passage("b", EVIDENCE), passage("a", "Noget andet."), passage("a", "Tekst. " + EVIDENCE, 1)]
    metrics = retrieval_metrics(item(), ranking)
    assert metrics == {"hit@1": 0.0, "hit@5": 1.0, "mrr@10": pytest.approx(1 / 3)}


def test_hit_beyond_five_counts_only_for_mrr() -> None:
    ranking = [passage("a", "Intet.", n) for n in range(6)] + [passage("a", EVIDENCE, 9)]
    assert retrieval_metrics(item(), ranking) == {"hit@1": 0.0, "hit@5": 0.0, "mrr@10": pytest.approx(1 / 7)}


def test_multi_doc_coverage_needs_every_source_in_top_five() -> None:
    multi = item(type="multi_doc", sources=["a", "b"])
    both = [passage("a", EVIDENCE), passage("c", "x"), passage("b", "y")]
    only_a = [passage("a", EVIDENCE)] + [passage("c", "x", n) for n in range(1, 5)] + [passage("b", "y")]
    assert retrieval_metrics(multi, both)["coverage@5"] == 1.0
    assert retrieval_metrics(multi, only_a)["coverage@5"] == 0.0


def test_follow_up_query_includes_previous_user_turns() -> None:
    follow = item(
        type="follow_up",
        question="Og året efter?",
        history=[{"role": "user", "content": "Hvor mange fik besøg i 2016?"}, {"role": "assistant", "content": "835."}],
    )
    assert retrieval_query(follow) == "Hvor mange fik besøg i 2016? Og året efter?"


def test_runner_uses_query_builder_excludes_unanswerable_and_averages_extra_metrics() -> None:
    retriever = FixedRetriever([passage("a", EVIDENCE)])
    items = [item(id="x"), item(id="y", type="unanswerable", sources=[], evidence=[])]
    extra = lambda it, ctx: {"facts": 1.0 if it.id == "x" else 0.5}  # noqa: E731
    report = run_evaluation(items, retriever, query_builder=lambda it: f"Q:{it.id}", extra_metrics=[extra])
    assert retriever.queries == ["Q:x"]
    summary = report["summary"]
    assert summary["numeric"] == {"n": 1.0, "hit@1": 1.0, "hit@5": 1.0, "mrr@10": 1.0, "facts": 1.0}
    assert summary["unanswerable"] == {"n": 1.0, "facts": 0.5}
    assert summary["overall"]["hit@5"] == 1.0 and summary["overall"]["facts"] == 0.75


def test_load_items_reads_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    rows = [{"id": "a", "question": "Q?", "type": "fact", "sources": ["d"], "evidence": ["e"]}, {"id": "b", "question": "R?", "type": "unanswerable"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    loaded = load_items(path)
    assert [i.id for i in loaded] == ["a", "b"]
    assert loaded[0].answerable and not loaded[1].answerable


@pytest.fixture
def env_for(corpus_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the CLI's process-wide settings at the session's indexed corpus."""
    monkeypatch.setenv("ISHOJ_DATA_DIR", str(corpus_context.settings.data_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_eval_command_meets_hit_at_5_floor_on_shipped_corpus(env_for: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev_set = next(p for p in DEV_SETS if p.exists())
    assert main(["eval", "--set", str(dev_set), "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    overall = report["summary"]["overall"]
    assert overall["hit@5"] >= 0.9
    assert overall["mrr@10"] >= 0.8
    assert report["summary"]["multi_doc"]["coverage@5"] >= 0.66
    # Follow-ups are searched as the assistant resolves them against their conversation, not as typed.
    items = {i.id: i for i in load_items(dev_set)}
    follow_ups = [r for r in report["items"] if r["type"] == "follow_up"]
    assert follow_ups
    assert all(r["query"] not in (items[r["id"]].question, retrieval_query(items[r["id"]])) for r in follow_ups)
    assert "overall" in capsys.readouterr().out
    assert "| overall |" in (tmp_path / "evaluation.md").read_text(encoding="utf-8")


def _metrics(fact: float, declined: float, false_declines: float, median_words: float = 40.0) -> dict[str, float]:
    return {
        "fact_recall": fact, "follow_up_fact_recall": fact, "declined_unanswerable": declined,
        "false_declines": false_declines, "median_words": median_words,
    }


def test_fit_choice_keeps_the_false_decline_and_length_bounds_and_breaks_ties_by_less_regularisation() -> None:
    from ishoj_assistant.answering.ranker import Composition
    from ishoj_assistant.evaluation.fitting import MAX_FALSE_DECLINES, MAX_MEDIAN_WORDS, choose

    short, long = Composition(max_units=3), Composition(max_units=4)
    results = {
        (0.1, short): _metrics(0.9, 1.0, MAX_FALSE_DECLINES + 0.01),  # best facts, too many false declines
        (0.2, short): _metrics(0.9, 1.0, 0.0, MAX_MEDIAN_WORDS + 1),  # too long
        (0.5, short): _metrics(0.7, 0.8, 0.0),
        (1.0, short): _metrics(0.7, 0.8, 0.0),  # ties with 0.5: the weaker regularisation wins
        (1.0, long): _metrics(0.7, 0.8, 0.0),  # ties too, but longer answers lose the tie
    }
    assert choose(results) == (1.0, short)
    results[(0.2, long)] = _metrics(0.75, 0.8, 0.0)
    assert choose(results) == (0.2, long)


def test_fit_choice_reads_objectives_within_a_question_of_each_other_as_a_tie_won_by_fact_recall() -> None:
    from ishoj_assistant.answering.ranker import Composition
    from ishoj_assistant.evaluation.fitting import OBJECTIVE_TIE, choose

    more_declines, more_facts = Composition(add_ratio=0.6), Composition(add_ratio=0.4)
    # _metrics counts the facts for follow-ups too: 0.04 more facts weigh 1.5 * 0.04 in the objective.
    results = {
        (1.0, more_declines): _metrics(0.70, 0.60, 0.0),
        (1.0, more_facts): _metrics(0.74, 0.60 - 1.5 * 0.04 - OBJECTIVE_TIE / 2, 0.0),
    }
    assert choose(results) == (1.0, more_facts)
    results[(1.0, more_facts)] = _metrics(0.74, 0.60 - 1.5 * 0.04 - 2 * OBJECTIVE_TIE, 0.0)
    assert choose(results) == (1.0, more_declines)


def test_fit_choice_reads_fact_recall_within_the_tie_as_equal() -> None:
    """A fraction of one question's facts does not outweigh the keys after fact recall."""
    from ishoj_assistant.answering.ranker import Composition
    from ishoj_assistant.evaluation.fitting import OBJECTIVE_TIE, choose

    composition = Composition()
    results = {
        (0.5, composition): _metrics(0.70 + OBJECTIVE_TIE / 2, 0.8, 0.0),
        (1.0, composition): _metrics(0.70, 0.8, 0.0),
    }
    assert choose(results) == (1.0, composition)
    results[(0.5, composition)] = _metrics(0.70 + 2 * OBJECTIVE_TIE, 0.8, 0.0)
    assert choose(results) == (0.5, composition)
