"""Extractive answers: verbatim, cited sentences picked from the retrieved passages.

No generative model is installed, so an answer is built only from sentences
and list items that stand in the sources word for word. Each part of the
question gets the sentence that covers most of its distinctive vocabulary
(rare terms weigh more; terms of the sentence's heading and predecessor count
at a reduced weight) and holds what the part asks for (a count, an amount, a
date, a reason, a list item). Further sentences join only when they are
nearly as good. When nothing covers enough of the question, or the only
matches merely restate it, the answer declines: a wrong or unsupported answer
is worse than none.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet

from ishoj_assistant.answering.candidates import Candidate, Kind, candidates, distinct, text_key
from ishoj_assistant.answering.checker import DECLINE_TEXT
from ishoj_assistant.answering.matching import Term, TermSet, Vocabulary, mentions, mentions_head, question_terms
from ishoj_assistant.answering.question import QuestionPart, QuestionProfile
from ishoj_assistant.danish import numbers
from ishoj_assistant.models import Answer, Citation, Passage
from ishoj_assistant.settings import Settings

_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE = re.compile(
    rf"{_YEAR.pattern}|\b(?:{_MONTHS})\b|\b(?:\d+|et|to|tre|fire|fem|seks)\s+(?:år|måneder|uger)\b", re.IGNORECASE
)
_DURATION = re.compile(r"\b\d+\s+(?:år|måneder|måned|uger|uge|dage|timer)\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:kr\b|kroner|mio|mia)|kr\.?\s*\d", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_REASON = re.compile(r"\b(?:skyldes(?! ikke)|årsag\w*|grundet|fordi|pga|på grund af|derfor)\b", re.IGNORECASE)
# The question's most specific term is its longest compound, when one is this long.
_MIN_ANCHOR = 10
# Sentences of a prose section given when its heading answers the question.
_SECTION_SENTENCES = 2
# A sentence restates the question when less than this share of its content is new.
_MIN_NOVELTY = 0.4


def counts(text: str, asked: AbstractSet[str] = frozenset()) -> list[str]:
    """Numbers that can answer "hvor mange": not years, ordinals ("1. maj"), list numbers, amounts of money,
    durations, or numbers the question gave."""
    found = []
    measures = [m.span() for m in itertools.chain(_AMOUNT.finditer(text), _DURATION.finditer(text))]
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in measures):
            continue
        rest = text[match.end() : match.end() + 3]
        enumerator = rest.startswith(".") and not text[: match.start()].strip(" •-")
        if _YEAR.fullmatch(match.group()) or enumerator or re.match(r"\.\s[a-zæøå]", rest):
            continue
        if numbers(match.group()) <= asked:
            continue
        found.append(match.group())
    return found


class Scorer:
    """Scores candidate sentences against one question.

    A term weighs by its rarity in the whole index when the retriever knows
    it: among the retrieved passages the question's topic ("klippekort") is
    common by construction and a passing word ("første") rare, so rarity
    within them alone would weigh the wrong words. Which question terms each
    candidate mentions, itself or through its context, is worked out once;
    every score after that is set arithmetic.
    """

    def __init__(
        self,
        profile: QuestionProfile,
        pool: Sequence[Candidate],
        vocabulary: Vocabulary,
        settings: Settings,
        rarity: Mapping[str, float] | None = None,
    ):
        self.profile = profile
        self.pool = pool
        self.settings = settings
        self._asked = numbers(" ".join(t.word for t in profile.terms))
        self._own: dict[int, frozenset[str]] = {}
        self._context: dict[int, frozenset[str]] = {}
        self._heading: dict[int, frozenset[str]] = {}
        for c in pool:
            own = _mentioned(profile.terms, c.terms | c.inherited, vocabulary)
            self._own[id(c)] = own
            context = _mentioned(profile.terms, c.neighbours | c.heading, vocabulary)
            heads = _mentioned(profile.terms, c.terms | c.inherited, vocabulary, mentions_head)
            self._context[id(c)] = (context | heads) - own
            self._heading[id(c)] = _mentioned(profile.terms, c.heading, vocabulary)
        self._restates = {id(c): self._repeats_question(c) for c in pool}
        n = len(pool)
        rarity = rarity or {}
        self.idf = {
            t.stem: rarity.get(t.stem, math.log((n + 1) / (1 + sum(t.stem in self._own[id(c)] for c in pool))) + 1.0)
            * (settings.answer_focus_weight if t.stem in profile.focus else 1.0)
            for t in profile.terms
        }

    @property
    def asked_numbers(self) -> set[str]:
        """Numbers the question itself gives: never an answer to it."""
        return self._asked

    def focus_coverage(self, candidate: Candidate) -> float:
        """Share of the typed follow-up's own IDF-weighted terms the sentence mentions (all terms when not a follow-up)."""
        focus = self.profile.focus or frozenset(self.idf)
        weights = {t: w for t, w in self.idf.items() if t in focus}
        return sum(weights[t] for t in self._own[id(candidate)] if t in weights) / (sum(weights.values()) or 1.0)

    def covered(self, candidate: Candidate) -> frozenset[str]:
        """The question terms the sentence itself mentions."""
        return self._own[id(candidate)]

    def names(self, candidate: Candidate) -> frozenset[str]:
        """The question terms the sentence or its heading and document title mention (not its neighbours)."""
        return self._own[id(candidate)] | self._heading[id(candidate)]

    def coverage(self, candidate: Candidate, already: frozenset[str] = frozenset(), part: QuestionPart | None = None) -> float:
        """Share of the question's (or one part's) IDF-weighted terms this sentence adds.

        Terms of its heading and of its neighbouring sentences count at a
        reduced weight: "Blandt andet anbefaling nr. 28 og 29"
        continues the sentence that named the recommendations. For a part,
        the other parts' terms weigh like context (the part's "det" refers to
        them), the topic's terms fully.
        """
        weights = self._part_weights(part) if part else self.idf
        own = self._own[id(candidate)] - already
        context = self._context[id(candidate)] - already
        factor = self.settings.answer_context_weight
        gained = sum(weights[t] for t in own) + factor * sum(weights[t] for t in context)
        return gained / (sum(weights.values()) or 1.0)

    def topic_coverage(self, candidate: Candidate) -> float:
        """Share of the question's terms in the sentence or its context at full weight: its topic, for drafts."""
        found = self._own[id(candidate)] | self._context[id(candidate)]
        return sum(self.idf[t] for t in found) / (sum(self.idf.values()) or 1.0)

    def heading_coverage(self, candidate: Candidate, part: QuestionPart) -> float:
        """Share of the part's terms named by the heading the sentence stands under."""
        return self.section_coverage([candidate], part, body=0)

    def section_coverage(self, section: Sequence[Candidate], part: QuestionPart, body: int = _SECTION_SENTENCES) -> float:
        """Share of the part's terms named by a section's heading and its opening sentences, all at full weight."""
        weights = self._part_weights(part)
        found = self._heading[id(section[0])].union(*(self._own[id(c)] for c in section[:body]))
        return sum(weights[t] for t in found) / (sum(weights.values()) or 1.0)

    def _part_weights(self, part: QuestionPart) -> dict[str, float]:
        own = {t.stem for t in part.terms} | self.profile.topic
        factor = self.settings.answer_context_weight
        return {t: w * (1.0 if t in own else factor) for t, w in self.idf.items()}

    def satisfies(self, candidate: Candidate, part: QuestionPart) -> bool:
        """The sentence holds the kind of content the part asks for."""
        text = candidate.text
        if part.wants_amount:  # "hvad koster": a count of people is not a price
            return bool(_AMOUNT.search(text))
        return (
            (part.wants_ticked and candidate.ticked)
            or (part.wants_number and bool(counts(text, self._asked)))
            or (part.wants_date and bool(_DATE.search(text)))
            or (part.wants_reason and bool(_REASON.search(text)))
        )

    def ticked_answer(self, candidate: Candidate) -> bool:
        """A ticked option answers "hvilke felter satte vi kryds i" by its mark, not by sharing the question's words."""
        return candidate.ticked and self.profile.wants_ticked

    def answers_part(self, candidate: Candidate, part: QuestionPart) -> bool:
        """An already chosen sentence answers this part too ("Siden maj 2015 ... har 65 passagerer ...")."""
        return (
            part.typed
            and self.satisfies(candidate, part)
            and self.coverage(candidate, part=part) >= self.settings.answer_min_coverage
        )

    def score(self, candidate: Candidate, already: frozenset[str] = frozenset(), part: QuestionPart | None = None) -> float:
        """Coverage plus a bonus for the wanted content, minus a penalty for a low-ranked passage."""
        s = self.settings
        parts = (part,) if part else self.profile.parts
        bonus = s.answer_number_boost * any(p.typed and self.satisfies(candidate, p) for p in parts)
        bonus += s.answer_number_boost * any(p.wants_result and counts(candidate.text, self._asked) for p in parts)
        listing = candidate.is_list_item or candidate.kind is Kind.LEAD_IN
        bonus += s.answer_list_boost * (listing and any(p.wants_list for p in parts))
        return self.coverage(candidate, already, part) + bonus - s.answer_rank_penalty * candidate.rank

    def restates_question(self, candidate: Candidate) -> bool:
        """Little in the sentence is new: it repeats the question ("I januar 2020 fremlægges en slutevaluering")."""
        return self._restates[id(candidate)]

    def _repeats_question(self, candidate: Candidate) -> bool:
        if candidate.is_list_item or candidate.kind is Kind.LEAD_IN or any(p.typed and self.satisfies(candidate, p) for p in self.profile.parts):
            return False  # "Sundhedspolitikken" answers "hvilke politikker" by naming one; a lead-in announces its list
        stems = candidate.terms.stems
        asked = {t.stem for t in self.profile.typed_terms} | {t.word for t in self.profile.typed_terms}
        new = [s for s in stems if s not in asked and not any(a in s or s in a for a in asked if len(a) >= 4 and len(s) >= 4)]
        return not stems or len(new) / len(stems) < _MIN_NOVELTY


def _mentioned(
    terms: Sequence[Term], text_terms: TermSet, vocabulary: Vocabulary, how: Callable[..., bool] = mentions
) -> frozenset[str]:
    return frozenset(t.stem for t in terms if text_terms and how(text_terms, t, vocabulary))


def select(scorer: Scorer, pool: Sequence[Candidate], limit: int) -> list[Candidate]:
    """One best sentence per question part, then further sentences nearly as good as the best."""
    s = scorer.settings
    answers = [c for c in pool if c.is_statement and (scorer.covered(c) or scorer.ticked_answer(c))]
    fresh = [c for c in answers if not scorer.restates_question(c)]
    chosen: list[Candidate] = []

    def unused() -> list[Candidate]:
        taken = {text_key(c) for c in chosen}
        return [c for c in fresh if text_key(c) not in taken]

    def take(best: Candidate, part: QuestionPart) -> None:
        """Add a sentence and the neighbours that complete it."""
        chosen.append(best)
        options = unused()
        chosen.extend(c for c in _on_topic_neighbours(scorer, best, part, pool) if c in options)

    several = len(scorer.profile.parts) > 1
    for part in scorer.profile.parts:
        if any(scorer.answers_part(c, part) for c in chosen):
            continue
        near = frozenset(id(c.passage) for c in chosen)
        for best in _best_for_part(scorer, answers, unused(), part, several, near):
            take(best, part)
    if not chosen:
        return []
    part_answers = len(chosen)
    bar = max(s.answer_min_added, s.answer_extra_ratio * max(scorer.score(c) for c in chosen))
    whole = QuestionPart(terms=scorer.profile.terms)
    while len(chosen) < limit:
        # An answer to "hvilke" wants every instance ("anbefaling nr. 2 og 12", "nr. 28 og 29"),
        # so a further sentence there counts in full, not only for the question words it adds.
        seen = frozenset() if scorer.profile.wants_list else frozenset().union(*map(scorer.covered, chosen))
        best_extra = max(unused(), key=lambda c: scorer.score(c, seen), default=None)
        if best_extra is None or scorer.score(best_extra, seen) < bar:
            break
        take(best_extra, whole)
    return distinct(_with_antecedents(_with_list_items(chosen, part_answers, pool, scorer, s.answer_list_items), pool))


def _on_topic_neighbours(scorer: Scorer, best: Candidate, part: QuestionPart, pool: Sequence[Candidate]) -> list[Candidate]:
    """The sentences right before and after a part's answer that add to it.

    Municipal notes put a goal, its status and its reason in consecutive
    sentences ("Mål: 110-120 borgere ... Status: 43 borgere ... Antallet er
    lavere end forventet"): a neighbour on the same subject joins when it
    names more of what the part asks about, or brings a count, so a goal is
    never shown without the status next to it.
    """
    asked = {t.stem for t in part.terms} | scorer.profile.topic
    new_terms = asked - scorer.covered(best)
    before, after = _around(best, pool)
    return [
        c for c in (before[-1:] + after[:1])
        if c.is_statement
        and not scorer.restates_question(c)
        and scorer.covered(c) & asked
        and (scorer.covered(c) & new_terms or bool(counts(c.text)))
    ]


def _around(candidate: Candidate, pool: Sequence[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """The candidates of the same passage before and after this one, in reading order."""
    same = [c for c in pool if c.passage is candidate.passage]
    i = same.index(candidate)
    return same[:i], same[i + 1 :]


def _best_for_part(
    scorer: Scorer,
    answers: list[Candidate],
    options: list[Candidate],
    part: QuestionPart,
    several: bool,
    near: frozenset[int] = frozenset(),
) -> list[Candidate]:
    """The part's best sentence; for a number, date or reason, the ones that hold it when any relevant one does.

    The best sentence must name something the part asks about, itself or
    through its heading: a sentence next to "Målsætningen ligger på 1-3
    procent" does not answer "Er det over målsætningen?" by being its
    neighbour.

    When the closest sentence of all merely restates the question, the
    documents mention what was asked about but do not answer it, and the part
    gets nothing. "Hvad koster hverdagstræning, Ældres Netværk og den
    særlige indsats?" has three amounts in three sentences: each that adds
    terms of the part joins. A sentence in a passage that answered an earlier
    part gets a small lead: the parts of one question are usually answered
    in one place ("Mere end 75 procent får svar ... 62,8 % af brugerne fra
    Ishøj henvender sig til borgere i andre kommuner").
    """
    s = scorer.settings

    def rank(c: Candidate, covered: frozenset[str] = frozenset()) -> float:
        return scorer.score(c, covered, part) + s.answer_locality_boost * (id(c.passage) in near)

    closest = max(answers, key=lambda c: scorer.coverage(c, part=part), default=None)
    if closest is None or scorer.restates_question(closest):
        return []
    asked = {t.stem for t in part.terms}
    relevant = [
        c for c in options
        if scorer.coverage(c, part=part) >= s.answer_min_coverage and (scorer.names(c) & asked or not asked)
    ]
    if not part.typed:
        best = max(relevant, key=rank, default=None)
        section = _best_section(scorer, options, part)
        if section and (best is None or _section_score(scorer, section, part) >= rank(best)):
            return section
        return [best] if best else []
    holding = [c for c in options if scorer.satisfies(c, part) and scorer.coverage(c, part=part) >= s.answer_min_coverage / 2]
    if not holding:
        return [] if several or not relevant else [max(relevant, key=rank)]
    picked: list[Candidate] = []
    covered: frozenset[str] = frozenset()
    while holding and len(picked) < s.answer_max_sentences:
        best = max(holding, key=lambda c: rank(c, covered))
        if picked and scorer.coverage(best, covered, part) < s.answer_min_added:
            break
        picked.append(best)
        covered |= scorer.covered(best)
        holding.remove(best)
    return picked


def _sections(pool: Sequence[Candidate]) -> list[list[Candidate]]:
    """Each heading of a passage with the sentences under it, up to the next heading."""
    sections: list[list[Candidate]] = []
    for previous, candidate in zip(pool, pool[1:]):
        if candidate.passage is not previous.passage:
            continue
        if previous.kind is Kind.HEADING and candidate.is_statement:
            sections.append([previous, candidate])
        elif candidate.is_statement and sections and sections[-1][-1] is previous:
            sections[-1].append(candidate)
    return sections


def _section_score(scorer: Scorer, section: list[Candidate], part: QuestionPart) -> float:
    """How well a heading names what the part asks about, for the section under it."""
    first = section[1]
    listing = scorer.settings.answer_list_boost * (part.wants_list and first.is_list_item)
    return scorer.section_coverage(section[1:], part) + listing - scorer.settings.answer_rank_penalty * first.rank


def _best_section(scorer: Scorer, options: Sequence[Candidate], part: QuestionPart) -> list[Candidate] | None:
    """The heading that names the part best, with the opening of its section, when it names enough.

    "Hvilke overordnede mål havde sundhedsstrategien for et sundt hverdagsliv?"
    is answered by the items under "Borgernes mulighed for et sundt
    hverdagsliv / Overordnede mål", which share hardly a word with the question.
    """
    available = set(map(id, options))
    sections = [
        section for section in _sections(scorer.pool)
        if id(section[1]) in available and scorer.heading_coverage(section[1], part) >= scorer.settings.answer_min_coverage
    ]
    if not sections:
        return None
    best = max(sections, key=lambda section: _section_score(scorer, section, part))
    heading, body = best[0], best[1:]
    size = scorer.settings.answer_list_items if body[0].is_list_item else _SECTION_SENTENCES
    return [heading, *body[:size]]


def _with_antecedents(chosen: list[Candidate], pool: Sequence[Candidate]) -> list[Candidate]:
    """A chosen sentence opening with "Dette", "Disse" ... brings the sentence it refers back to.

    "Dette skyldes ..." answers nothing on its own; its predecessor holds what "dette" is.
    """
    out: list[Candidate] = []
    for candidate in chosen:
        if candidate.inherited:
            previous = _around(candidate, pool)[0][-1:]
            if previous and previous[0] not in chosen and previous[0] not in out and previous[0].is_statement:
                out.append(previous[0])
        if candidate not in out:
            out.append(candidate)
    return out


def _with_list_items(
    chosen: list[Candidate], part_answers: int, pool: Sequence[Candidate], scorer: Scorer, limit: int
) -> list[Candidate]:
    """A lead-in brings the items of its list; a part's answer to "hvilke" brings the whole list.

    "Hvilke politikker ..." is answered by the list, not by the one item that
    happens to share a word with the question; and "fem initiativer er sat i
    gang" is answered by the list announced right after it. Only a part's
    own answer is widened so: a list met on the way stays one line.
    """
    wants_list = scorer.profile.wants_list
    out: list[Candidate] = []
    for i, candidate in enumerate(chosen):
        if candidate in out:
            continue
        out.append(candidate)
        lead = candidate
        widen = wants_list and i < part_answers
        if widen and candidate.kind is Kind.PROSE:
            lead = _following_list(candidate, pool) or candidate
            if lead is not candidate and lead not in out:
                out.append(lead)
        if lead.kind is Kind.LEAD_IN or (lead.is_list_item and widen):
            out.extend(c for c in _list_items(lead, pool)[:limit] if c not in chosen and c not in out)
    return out


def _list_items(member: Candidate, pool: Sequence[Candidate]) -> list[Candidate]:
    """The items of the list a lead-in or item belongs to, continuing into the next chunk when the lead-in ends its own."""
    if member.list_id is None:
        return []
    items = [c for c in pool if c.list_id == member.list_id and c.kind is Kind.ITEM and c is not member]
    if items or member.kind is not Kind.LEAD_IN:
        return items
    chunk = member.passage.chunk
    following = [
        c for c in pool
        if c.passage.doc_id == chunk.doc_id and c.passage.chunk.chunk_index == chunk.chunk_index + 1
    ]
    return list(itertools.takewhile(lambda c: c.kind is Kind.ITEM, following))


def _following_list(candidate: Candidate, pool: Sequence[Candidate], reach: int = 3) -> Candidate | None:
    """A lead-in or run-on list within the next few sentences of the same passage, before any heading."""
    for c in _around(candidate, pool)[1][:reach]:
        if c.kind is Kind.HEADING:
            return None
        if c.kind is Kind.LEAD_IN or c.is_list_item:
            return c
    return None


def cite(picked: Sequence[Candidate], first: int = 1) -> list[Citation]:
    """One numbered citation per picked sentence, quoting it verbatim."""
    return [
        Citation(
            n=first + i,
            doc_id=c.passage.doc_id,
            title=c.passage.title,
            file=c.passage.file,
            page=c.page,
            quote=c.text,
            context=c.passage.text,
        )
        for i, c in enumerate(picked)
    ]


def declined(passages: Sequence[Passage], settings: Settings, mode: str = "answer") -> Answer:
    """The fixed decline, offering the closest passages as "Måske relevant"."""
    return Answer(
        text=DECLINE_TEXT,
        declined=True,
        citations=[],
        mode=mode,  # type: ignore[arg-type]
        related=list(passages[: settings.answer_related]),
    )


def missing_anchor(question: str, passages: Sequence[Passage], vocabulary: Vocabulary | None = None) -> str | None:
    """The question's anchor term when no passage text or title mentions it.

    Long compounds ("demenslandsby", "kontanthjælpsmodtager") name the topic;
    when the retrieved text never mentions it, the documents are about
    something near the question, not the question itself.
    """
    terms = question_terms(question)
    topic = max(terms, key=lambda t: len(t.stem), default=None)
    if topic is None or len(topic.stem) < _MIN_ANCHOR:
        return None
    texts = [p.title + "\n" + p.text for p in passages]
    vocabulary = vocabulary or passage_vocabulary(question, passages)
    found = any(how(TermSet.of(text), topic, vocabulary) for text in texts for how in (mentions, mentions_head))
    return None if found else topic.word


def passage_vocabulary(question: str, passages: Sequence[Passage]) -> Vocabulary:
    """The words compound parts are checked against: the passages' and the question's own."""
    return Vocabulary([question, *(p.title + "\n" + p.chunk.section + "\n" + p.text for p in passages)])


def extractive_answer(
    question: str,
    passages: Sequence[Passage],
    settings: Settings,
    focus: str | None = None,
    rarity: Mapping[str, float] | None = None,
) -> Answer:
    """A cited, verbatim answer to the question, or a decline when the passages do not hold it.

    For a follow-up, ``question`` is the standalone query and ``focus`` the
    follow-up itself: its own words weigh more, and its wording decides what
    kind of answer (number, date, reason) is wanted. ``rarity`` is the
    index-wide weight of the question's stems (:meth:`Retriever.term_rarity`).
    """
    profile = QuestionProfile.of(question, focus)
    pool = candidates(passages)
    if not pool or not profile.terms:
        return declined(passages, settings)
    vocabulary = passage_vocabulary(question, passages)
    scorer = Scorer(profile, pool, vocabulary, settings, rarity)
    supported = [
        c for c in pool
        if c.is_statement and scorer.coverage(c) >= settings.answer_min_coverage and not scorer.restates_question(c)
    ]
    if not supported or missing_anchor(question, passages, vocabulary):
        return declined(passages, settings)
    several = len(profile.parts) > 1 or profile.wants_list
    picked = select(scorer, pool, settings.answer_max_sentences + (settings.answer_extra_sentences if several else 0))
    if not picked or (profile.wants_amount and not any(_AMOUNT.search(c.text) for c in picked)):
        return declined(passages, settings)
    citations = cite(picked)
    text = "\n".join(f"{c.quote} [{c.n}]" for c in citations)
    return Answer(text=text, declined=False, citations=citations, mode="answer")
