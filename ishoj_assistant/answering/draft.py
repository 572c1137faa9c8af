"""Draft mode: a structured grant-application draft from earlier applications and status notes.

Staff reuse what has already been written and approved. A draft is therefore
assembled, section by section, from verbatim cited sentences; each section is
included only when the request asks for it (or names no section) and the
sources hold sentences for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ishoj_assistant.answering.candidates import Candidate, candidates
from ishoj_assistant.answering.extractive import Scorer, cite, declined, passage_vocabulary
from ishoj_assistant.answering.question import QuestionProfile
from ishoj_assistant.danish import content_terms, normalise
from ishoj_assistant.models import Answer, Passage
from ishoj_assistant.settings import Settings


@dataclass(frozen=True)
class Section:
    """A draft section: its heading, words in a request that ask for it, and its cue terms in sources."""

    heading: str
    requested_by: tuple[str, ...]
    cues: frozenset[str]


SECTIONS = (
    Section("Formål", ("formål", "begrundelse", "sigte"), frozenset(content_terms("formål mål sigter styrke forankring understøtte skal"))),
    Section("Målgruppe", ("målgruppe",), frozenset(content_terms("målgruppe rettes retter borgere ældre udsatte"))),
    Section("Planlagte aktiviteter", ("aktivitet", "indhold", "plan"), frozenset(content_terms("afholdes etableres aktiviteter forløb uddannes planlagt"))),
    Section("Resultater hidtil", ("resultat", "begrundelse", "effekt", "status"), frozenset(content_terms("status resultater opnår oplever medført udredt været"))),
)

# Words of the request that describe the draft rather than its topic.
_DRAFT_WORDS = frozenset(content_terms(
    "udkast ansøgning ansøgninger fond søge afsnit afsnittet formålet formulér lav skriv ny nyt projekt "
    "begrundelse målgruppen aktiviteter resultater udgangspunkt tidligere skrevet videreføre"
))


def requested_sections(request: str) -> tuple[list[Section], bool]:
    """The sections the request names (True), or all sections (False) when it names none."""
    lowered = normalise(request)
    named = [s for s in SECTIONS if any(word in lowered for word in s.requested_by)]
    return (named, True) if named else (list(SECTIONS), False)


def topic_query(request: str) -> str:
    """The request's topic words, for retrieval and scoring."""
    return " ".join(t for t in content_terms(request) if t not in _DRAFT_WORDS)


def draft_answer(
    request: str, passages: Sequence[Passage], settings: Settings, rarity: Mapping[str, float] | None = None
) -> Answer:
    """A draft with one paragraph of cited sentences per supported section, or a decline."""
    pool = candidates(passages)
    topic = topic_query(request)
    profile = QuestionProfile.of(topic)
    if not pool or not profile.terms:
        return declined(passages, settings, mode="draft")
    scorer = Scorer(profile, pool, passage_vocabulary(topic, passages), settings, rarity)
    on_topic = [c for c in pool if c.is_statement and scorer.topic_coverage(c) >= settings.answer_min_coverage]
    used: set[int] = set()
    paragraphs: list[tuple[str, list[Candidate]]] = []
    sections, named = requested_sections(request)
    per_section = settings.answer_max_sentences + (settings.answer_extra_sentences if named else 0)
    for section in sections:
        fitting = [c for c in on_topic if id(c) not in used and c.terms.stems & section.cues]
        fitting.sort(key=lambda c: scorer.score(c) + len(c.terms.stems & section.cues) * settings.answer_list_boost, reverse=True)
        picked = sorted(fitting[:per_section], key=lambda c: (c.rank, c.start))
        if picked:
            used.update(id(c) for c in picked)
            paragraphs.append((section.heading, picked))
    if not paragraphs:
        return declined(passages, settings, mode="draft")
    citations = cite([c for _, picked in paragraphs for c in picked])
    numbered = iter(citations)
    blocks = [
        f"## {heading}\n" + " ".join(f"{cit.quote} [{cit.n}]" for cit in (next(numbered) for _ in picked))
        for heading, picked in paragraphs
    ]
    return Answer(text="\n\n".join(blocks), declined=False, citations=citations, mode="draft")
