"""Draft mode: a grant-application draft, section by section, from cited units of earlier texts.

Staff reuse what has already been written and approved. The sections are the
ones the request names ("formål og målgruppe", "et afsnit om
ernæringsscreening"), or a standard set when it names none. Each section is
filled by the same fitted unit ranker as answers, asked the section's question
about the request's topic. A unit must also stand where the topic is, so a
section never drifts to another project: under a heading whose text speaks
of the topic, or anywhere in an application that does (an application is
about one project from its first page to its last; a status note or a
strategy covers many, one per heading). A request whose topic the documents
do not hold declines, and no document is offered for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ishoj_assistant.answering.base import AnswerRequest, stream_whole
from ishoj_assistant.answering.candidates import Candidate, Kind, text_key, without_mark
from ishoj_assistant.answering.features import quotable
from ishoj_assistant.answering.ranked import ExtractiveAnswerer
from ishoj_assistant.answering.scoring import cite, declined
from ishoj_assistant.danish import content_terms, normalise
from ishoj_assistant.models import Answer, DocType
from ishoj_assistant.query import analyse


@dataclass(frozen=True)
class Section:
    """A draft section: its heading, words in a request that ask for it, and the question it answers."""

    heading: str
    requested_by: tuple[str, ...]
    asks: str


SECTIONS = (
    Section("Formål", ("formål", "sigte"), "Hvad er formålet og målet med indsatsen"),
    Section("Baggrund", ("baggrund", "begrundelse", "behov"), "Hvad er baggrunden og behovet for indsatsen"),
    Section("Målgruppe", ("målgruppe",), "Hvilke borgere er målgruppen, og hvilke borgere retter indsatsen sig mod"),
    Section("Aktiviteter", ("aktivitet", "indhold", "plan"), "Hvilke aktiviteter gennemføres i indsatsen"),
    Section("Forventede resultater", ("resultat", "effekt", "succeskriter"), "Hvilke resultater og effekter forventes og er opnået"),
)
DEFAULT_SECTIONS = SECTIONS[:4]

# Words of the request that describe the draft rather than its topic.
_DRAFT_WORDS = frozenset(content_terms(
    "udkast ansøgning ansøgninger fond søge afsnit afsnittet afsnit formålet formulér lav skriv ny nyt projekt "
    "begrundelse baggrund baggrunden målgruppen målgruppebeskrivelsen aktiviteter resultater forventede udgangspunkt "
    "tidligere skrevet videreføre genbrug gerne beskrivelse"
))
# "... med et afsnit om ernæringsscreening": a section in the request's own words.
_OWN_SECTION = re.compile(r"\bafsnit(?:tet)?\s+om\s+([^,.;:?!]+)", re.IGNORECASE)


def requested_sections(request: str) -> list[Section]:
    """The sections the request names, in its own order, or the standard ones when it names none."""
    lowered = normalise(request)
    named = sorted(
        (s for s in SECTIONS if any(word in lowered for word in s.requested_by)),
        key=lambda s: min(lowered.find(w) for w in s.requested_by if w in lowered),
    )
    own = [
        Section(match.strip().capitalize(), (), f"Hvad står der om {match.strip()}")
        for match in _OWN_SECTION.findall(request)
        if not any(word in normalise(match) for s in SECTIONS for word in s.requested_by)
    ]
    return [*named, *own] or list(DEFAULT_SECTIONS)


def topic_query(request: str) -> str:
    """The request's topic words, for retrieval and for keeping each section on topic."""
    return " ".join(t for t in content_terms(request) if t not in _DRAFT_WORDS)


class DraftAnswerer:
    """Drafts with the extractive answerer's ranker: one paragraph of cited units per section."""

    def __init__(self, extractive: ExtractiveAnswerer):
        self.extractive = extractive

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        yield from stream_whole(self.draft(request))

    def draft(self, request: AnswerRequest) -> Answer:
        """A draft with a paragraph per section the sources support, or a decline."""
        related = request.passages[: self.extractive.config.related]
        text = request.analysis.typed
        topic = topic_query(text)
        if not request.passages or not topic:
            return declined(related, mode="draft")
        ranker = self.extractive.ranker
        threshold = ranker.composition.decline_below
        on_topic = self.extractive.prepare(analyse(topic), request.passages)
        if on_topic.matrix.shape[1] == 0 or on_topic.unmentioned >= ranker.composition.max_unmentioned:
            return declined(related, mode="draft")  # the archive does not speak of the request's topic
        topical = ranker.probabilities(on_topic.matrix)
        prose = [(c, p) for c, p in zip(on_topic.pool, topical) if _stands_in_prose(c)]
        topic_places = {_topic_place(c) for c, p in prose if p >= threshold}
        allowed = {_place(c) for c, _ in prose if _topic_place(c) in topic_places}
        used: set[str] = set()
        paragraphs: list[tuple[str, list[Candidate]]] = []
        for section in requested_sections(text):
            prepared = self.extractive.prepare(analyse(section.asks, f"{section.asks} {topic}"), request.passages)
            picked = self._pick(prepared.pool, ranker.probabilities(prepared.matrix), allowed, used, threshold)
            if picked:
                paragraphs.append((section.heading, picked))
        if not paragraphs:
            return declined(related, mode="draft")
        citations = cite([c for _, picked in paragraphs for c in picked])
        numbered = iter(citations)
        blocks = [
            heading + "\n" + " ".join(f"{cit.quote} [{cit.n}]" for cit in (next(numbered) for _ in picked))
            for heading, picked in paragraphs
        ]
        return Answer(text="\n\n".join(blocks), declined=False, citations=citations, mode="draft")

    def _pick(
        self, pool: list[Candidate], probabilities: np.ndarray, allowed: set[int], used: set[str], threshold: float
    ) -> list[Candidate]:
        """The section's best on-topic units not used by an earlier section, in reading order."""
        limit = self.extractive.config.draft_sentences
        order = np.argsort(-probabilities)
        picked: list[Candidate] = []
        for i in order:
            c = pool[int(i)]
            if len(picked) >= limit or probabilities[i] < threshold:
                break
            key = text_key(c)
            if _place(c) in allowed and not any(key in seen or seen in key for seen in used):  # no unit twice, whole or in part
                used.add(key)
                picked.append(c)
        return sorted(picked, key=lambda c: (c.rank, c.start))


# A list item shorter than this names something ("2. Ældres Netværk") rather than saying it.
_MIN_ITEM_WORDS = 5


def _stands_in_prose(candidate: Candidate) -> bool:
    """Whether a unit can stand in a draft's paragraph: a quotable statement, not a lead-in that announces
    a list the paragraph does not carry ("... er blevet tydeligt at:"), nor a bare name from a list."""
    if not quotable(candidate) or candidate.kind is Kind.LEAD_IN:
        return False
    return candidate.kind is not Kind.ITEM or len(without_mark(candidate.text).split()) >= _MIN_ITEM_WORDS


def _topic_place(candidate: Candidate) -> tuple[str, ...]:
    """The stretch of text that is about one thing: a whole application, else a heading's section of a passage."""
    chunk = candidate.passage.chunk
    if chunk.doc_type == DocType.ANSOEGNING:
        return (chunk.doc_id,)
    return (chunk.chunk_id, candidate.heading_text)


def _place(candidate: Candidate) -> tuple[str, int]:
    """Where a unit stands (chunk and offset): the same unit in two preparations of one passage list."""
    return candidate.passage.chunk.chunk_id, candidate.start
