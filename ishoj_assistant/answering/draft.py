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

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ishoj_assistant.answering.base import AnswerRequest, stream_whole
from ishoj_assistant.answering.candidates import Candidate, Kind, text_key, without_mark
from ishoj_assistant.answering.features import FEATURES, quotable
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
    Section("Målgruppe", ("målgruppe",), "Hvad er målgruppen, og hvad kendetegner borgerne, indsatsen retter sig mod"),
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
# A request for one piece of text rather than a whole application: "et afsnit", "en kort tekst til
# hjemmesiden", "en borgerhistorie" (the piece's noun alone or as the last part of a compound).
_PIECE = re.compile(r"\b[^\W\d_]*(?:afsnit|tekst|indledning|historie|fortælling)(?:en|et|tet)?\b", re.IGNORECASE)
# What the piece is about, in the request's own words: "om ernæringsscreening", "om, hvordan caféen startede" or a
# relative clause "der beskriver, hvem ...". An application's "ansøgning om X" names the project, not the piece.
_PIECE_CONTENT = re.compile(r"\b(?:om,|(?<!ansøgning )om|der\s+[^\W\d_]+,?)\s+(.+?)\s*(?=[.;:?!–]|,\s+(?:som|der)\s|$)")
# Without a stated content, the piece is named by its own phrase: "borgerhistorie fra X (til personalebladet)".
_PIECE_PHRASE = re.compile(r"(.+?)\s*(?=[,.;:?!–]|\s+til\s|$)")


def requested_sections(request: str) -> list[Section]:
    """The sections the request names, in its own order; one section in its own words when it asks for one
    piece of text; the standard sections of an application when it asks for a whole one."""
    named = _sections_named(request)
    piece = _PIECE.search(request)
    if piece is None:
        return named or list(DEFAULT_SECTIONS)
    content = _PIECE_CONTENT.search(request, piece.end())
    if content is None:
        return named or [_own_section(_PIECE_PHRASE.match(request, piece.start()).group(1))]
    about = content.group(1)
    if _sections_named(about):
        return named  # the piece is a standard section in other words: "et afsnit om målgruppen"
    return [*named, _own_section(about)]


def _sections_named(text: str) -> list[Section]:
    """The standard sections a text asks for by name, in the order it names them."""
    lowered = normalise(text)
    return sorted(
        (s for s in SECTIONS if any(word in lowered for word in s.requested_by)),
        key=lambda s: min(lowered.find(w) for w in s.requested_by if w in lowered),
    )


def _own_section(words: str) -> Section:
    """A section headed by the request's own words about it."""
    return Section(words[:1].upper() + words[1:], (), f"Hvad står der om {words}")


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
        if (
            on_topic.matrix.shape[1] == 0
            or on_topic.unmentioned >= ranker.composition.max_unmentioned
            or on_topic.matrix[:, FEATURES.index("passage_topic")].max() < DRAFT_TOPIC_SHARE
        ):
            return declined(related, mode="draft")  # the archive does not speak of the request's topic
        topical = ranker.probabilities(on_topic.matrix)
        prose = [(c, p) for c, p in zip(on_topic.pool, topical) if _stands_in_prose(c)]
        topic_places = {_topic_place(c) for c, p in prose if p >= threshold}
        allowed = {_place(c) for c, _ in prose if _topic_place(c) in topic_places}
        used: set[str] = set()
        paragraphs: list[tuple[str, list[Candidate]]] = []
        sections = requested_sections(text)
        limit = max(MIN_PARAGRAPH, round(self.extractive.config.draft_units / len(sections)))
        for section in sections:
            prepared = self.extractive.prepare(analyse(section.asks, f"{section.asks} {topic}"), request.passages)
            picked = _pick(prepared.pool, ranker.probabilities(prepared.matrix), allowed, used, threshold, limit, section)
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


# A draft is written from a passage about its subject: at least one retrieved passage must mention this
# (IDF-weighted) share of the request's topic terms. Words the archive holds only as parts of other compounds
# ("overlevering" for "medicinlevering") pass the check on all passages together, not this one. Between the
# lowest share of the 14 drafting requests of dev and Søholm (0.28) and the highest of off-topic ones (0.11);
# docs/answers.md, session 24.
DRAFT_TOPIC_SHARE = 0.2
# A paragraph says something with at least this many units, however many sections share the draft.
MIN_PARAGRAPH = 2
# A block is judged by its best units, not by one sentence alone nor by its length.
BLOCK_BEST = 2
# The block written on the subject fills at most this share of a paragraph; the archive the rest.
BLOCK_SHARE = 0.5


def _pick(
    pool: list[Candidate],
    probabilities: np.ndarray,
    allowed: set[tuple[str, int]],
    used: set[str],
    threshold: float,
    limit: int,
    section: Section,
) -> list[Candidate]:
    """The section's best on-topic units not used by an earlier section: the best block's first, then the
    rest, each in reading order; a sentence that refers back follows the one it refers to.

    The block (a heading's stretch of a passage) written under the section's own name ("Målgruppe
    og rekruttering" for a Målgruppe section) comes first, else the one whose best units answer the section
    best, up to ``BLOCK_SHARE`` of the paragraph: a draft reuses the text written about the section's
    subject, and opens with it. The rest are the best units wherever they stand, so a draft is not one
    old paragraph copied, nor lost when the best block was chosen by a hair."""

    def unused(i: int) -> bool:  # no unit twice, whole or in part
        key = text_key(pool[i])
        return not any(key in seen or seen in key for seen in used)

    ranked = [
        i for i in map(int, np.argsort(-probabilities))
        if probabilities[i] >= threshold and _place(pool[i]) in allowed and unused(i)
    ]
    blocks: dict[tuple[str, str], list[int]] = {}
    for i in ranked:
        blocks.setdefault(pool[i].block, []).append(i)
    best = max(
        blocks.values(),
        key=lambda members: (_names_section(pool[members[0]], section), float(np.mean(probabilities[members[:BLOCK_BEST]]))),
        default=[],
    )
    best = best[: math.ceil(limit * BLOCK_SHARE)]
    picked: list[int] = []
    for i in [*best, *(i for i in ranked if i not in best)]:
        if len(picked) < limit and unused(i):
            used.add(text_key(pool[i]))
            picked.append(i)
    place = {i: (i not in best, pool[i].rank, pool[i].start) for i in picked}
    for i in sorted(picked):  # a sentence that refers back ("Disse projekter …") follows the one it refers to
        if pool[i].inherited and place.get(i - 1) is not None and pool[i - 1].passage is pool[i].passage:
            place[i] = (*place[i - 1][:2], pool[i].start)
    return [pool[i] for i in sorted(picked, key=place.__getitem__)]


def _names_section(candidate: Candidate, section: Section) -> bool:
    """The unit stands under a heading that names the section ("Målgruppe", "3. Formål med projektet")."""
    heading = normalise(candidate.heading_text)
    return any(word in heading for word in section.requested_by)


# A list item shorter than this names something ("2. Ældres Netværk") rather than saying it.
_MIN_ITEM_WORDS = 5
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s")
# A form's fields run together on one line ("Ansøger: … Titel: … Kontaktperson: …"): a label of at
# most four words before a colon, capitalised, more than once in a unit.
_FIELD_LABEL = re.compile(r"(?:^|\s)[A-ZÆØÅ][^\s:.]*(?: [^\s:.]+){0,3}: ")


def _stands_in_prose(candidate: Candidate) -> bool:
    """Whether a unit can stand in a draft's paragraph: a quotable statement, not a lead-in that announces
    a list the paragraph does not carry ("... er blevet tydeligt at:"), a bare name from a list, nor a form's
    fields read as one line (an answer may quote "Beløb: kr. …", a paragraph may not)."""
    if not quotable(candidate) or candidate.kind is Kind.LEAD_IN or len(_FIELD_LABEL.findall(candidate.text)) > 1:
        return False
    if candidate.kind is not Kind.ITEM:
        return True
    if _NUMBERED.match(candidate.text) and not candidate.text.rstrip().endswith((".", "!", "?")):
        return False  # a numbered list's entry names a part of the document ("3. Særlig indsats …"), as a heading
    return len(without_mark(candidate.text).split()) >= _MIN_ITEM_WORDS


def _topic_place(candidate: Candidate) -> tuple[str, ...]:
    """The stretch of text that is about one thing: a whole application, else a heading's section of a passage."""
    chunk = candidate.passage.chunk
    if chunk.doc_type == DocType.ANSOEGNING:
        return (chunk.doc_id,)
    return candidate.block


def _place(candidate: Candidate) -> tuple[str, int]:
    """Where a unit stands (chunk and offset): the same unit in two preparations of one passage list."""
    return candidate.passage.chunk.chunk_id, candidate.start
