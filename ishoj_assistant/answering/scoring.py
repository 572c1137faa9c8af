"""What the ranker's features are made of: how much of a question a unit covers, and whether it holds what is asked.

Term coverage weighs each question word by its rarity in the whole index
(rare terms say more), counts words of a unit's heading and neighbours at a
reduced weight, and matches Danish compounds by their parts. The content
checks tell a count from a year or an ordinal, an amount from a count, a
date, a reason. Nothing here decides an answer: the fitted ranker weighs
these signals (:mod:`ishoj_assistant.answering.features`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

from ishoj_assistant.answering.candidates import Candidate, Kind
from ishoj_assistant.answering.checker import DECLINE_TEXT
from ishoj_assistant.answering.config import AnswerConfig
from ishoj_assistant.answering.matching import Term, TermSet, Vocabulary, mentions, mentions_apart, mentions_head, question_terms
from ishoj_assistant.answering.question import QuestionPart, QuestionProfile, is_amount_word
from ishoj_assistant.danish import MIN_TOPIC_STEM, numbers, stem, words
from ishoj_assistant.models import Answer, Citation, Passage

_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# figure_beside_term: how near a figure must stand to a question term, and how rare the term must be
# (a share of the question's rarest term's weight). Chosen on the cross-validated answers of dev +
# Søholm: 2 words gave fact recall 0.7999, 3 words 0.789 (docs/answers.md, "Session 23").
FIGURE_WINDOW = 2
FIGURE_TERM_SHARE = 0.6
_SPAN_UNITS = "år|måned|måneder|uge|uger|dage|døgn|timer"
# A date, or a time span or limit written out ("inden for tre uger", "senest ti dage efter").
_DATE = re.compile(
    rf"{_YEAR.pattern}|\b(?:{_MONTHS})\b|\b(?:\d+|et|en|to|tre|fire|fem|seks|syv|otte|ni|ti)\s+(?:{_SPAN_UNITS})\b",
    re.IGNORECASE,
)
_DURATION = re.compile(rf"\b\d+\s+(?:{_SPAN_UNITS})\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:kr\b|kroner|mio|mia)|kr\.?\s*\d", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A capitalised word or an acronym ("Ældrerådet", "MED-udvalgene", "SSU"): Danish capitalises names only.
_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÆØÅ][\wæøåÆØÅ-]*")
# A name in at least this share of the retrieved passages is the setting, not an answer.
_EVERYWHERE_SHARE = 0.5
# A list item this short may be a name alone ("• Ældrerådet", "• Søholm Seniorer"); a longer one is a statement.
_MAX_NAME_ITEM_WORDS = 5
# The capitalised words a sentence opens with ("Status Overordnet set er ...": a glued label and the first
# word) are capitalised for their place, not as names.
_OPENING = re.compile(r"(?:^|[.!?:]\s+)(?:\s*[-•*▪–]\s+)?[\"„“”«»]?(?:[A-ZÆØÅ][\wæøåÆØÅ-]*\s+)*$")
# A word written in lower case somewhere in the retrieved text is a common noun wherever it is capitalised
# (a reflowed list's "Velfærdsteknologi", a glued heading's "Kontinensklinik").
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zæøå][\wæøå-]*")
_REASON = re.compile(r"\b(?:skyldes(?! ikke)|årsag\w*|grundet|fordi|pga|på grund af|derfor)\b", re.IGNORECASE)
# Sentences of a prose section given when its heading answers the question.
_SECTION_SENTENCES = 2
# A sentence restates the question when less than this share of its content is new.
_MIN_NOVELTY = 0.4


def _same_word(word_stem: str, terms: Iterable[str]) -> bool:
    """The word is one of the terms, inflected or as part of a compound ("ensomhed" for "ensom")."""
    return any(
        word_stem.startswith(t) or (len(word_stem) >= 4 and t.startswith(word_stem)) or (len(t) >= 5 and t in word_stem)
        for t in terms
    )


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


@dataclass(frozen=True)
class PassageTerms:
    """The question's topic terms each retrieved passage mentions (title, section or text), with their weights.

    The composer asks through it whether a unit stands in a passage about the
    thing the question names: a passage naming only the question's common
    words ("kommune", "ny") is about something else, however many of them it
    names.
    """

    weights: Mapping[str, float]
    mentioned: Mapping[str, frozenset[str]]  # by chunk id

    def rarest(self, passage: Passage) -> float:
        """The weight of the rarest topic term the passage mentions (0 when it mentions none)."""
        return self._rarest_of(self.mentioned.get(passage.chunk.chunk_id, frozenset()))

    @cached_property
    def rarest_anywhere(self) -> float:
        """The weight of the rarest topic term any of the passages mentions."""
        return self._rarest_of(frozenset().union(*self.mentioned.values()))

    def _rarest_of(self, terms: frozenset[str]) -> float:
        return max((self.weights[t] for t in terms), default=0.0)


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
        config: AnswerConfig,
        rarity: Mapping[str, float] | None = None,
        topic: str = "",
        memo: dict | None = None,  # type: ignore[type-arg]
    ):
        """``memo`` may be shared by the scorers of one question's parts: they ask about the same
        terms in the same units, and compound matching is the costly part."""
        self.profile = profile
        self.topic = frozenset(t.stem for t in question_terms(topic))
        self.pool = pool
        self.config = config
        self._asked = numbers(" ".join(t.word for t in profile.terms))
        self._asked_words = {t.word for t in profile.terms} | {t.stem for t in profile.terms}  # not names
        self._vocabulary = vocabulary
        self._passage_terms: dict[int, frozenset[str]] = {}
        self._own: dict[int, frozenset[str]] = {}
        self._context: dict[int, frozenset[str]] = {}
        self._heading: dict[int, frozenset[str]] = {}
        self._memo = {} if memo is None else memo
        for c in pool:
            own = self._mentions(c.terms | c.inherited)
            self._own[id(c)] = own
            context = self._mentions(c.neighbours | c.heading)
            heads = self._mentions(c.terms | c.inherited, mentions_head)
            self._context[id(c)] = (context | heads) - own
            self._heading[id(c)] = self._mentions(c.heading)
        self._restates = {id(c): self._repeats_question(c) for c in pool}
        n = len(pool)
        rarity = rarity or {}
        self.idf = {
            t.stem: rarity.get(t.stem, math.log((n + 1) / (1 + sum(t.stem in self._own[id(c)] for c in pool))) + 1.0)
            * (config.focus_weight if t.stem in profile.focus else 1.0)
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

    def unmentioned_share(self) -> float:
        """IDF-weighted share of the question's terms that no unit, heading or title of the passages mentions.

        "Hvem er borgmester i Ishøj?" shares only "Ishøj" with the archive, a
        word nearly every passage holds; the rare word that says what is
        asked is nowhere. Whatever sentence ranks highest, it is about
        something else.
        """
        mentioned = frozenset().union(*self._own.values(), *self._context.values(), *self._heading.values())
        # "penge", "koster", "beløb" say what kind of answer is asked; an answer says "kr." instead. A question of
        # nothing else ("Hvad er budgettet?") is judged on them.
        asked_kind = {t.stem for t in self.profile.terms if is_amount_word(t.word)}
        weights = {t: w for t, w in self.idf.items() if t not in asked_kind} or self.idf
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t not in mentioned) / total if total else 1.0

    def passage_topic_coverage(self, candidate: Candidate) -> float:
        """Share of the question's topic terms the unit's whole passage (title, section, text) mentions.

        For a follow-up the topic is the earlier question it refers to ("Hvad
        kostede det?" asks about the mentors of the previous turn, not about
        any cost); otherwise it is the question itself.
        """
        topic = self._topic_terms()
        found = self._passage_mentions(candidate.passage)
        return sum(self.idf[t] for t in topic & found) / (sum(self.idf[t] for t in topic) or 1.0)

    def passage_terms(self) -> PassageTerms:
        """The topic terms of :meth:`passage_topic_coverage` per passage, for the composer's checks.

        A year is left out: it is the rarest word of most questions that name one, and a passage that
        shares only the year ("Sundhedsprofilen 2021 …") would count as about the asked thing, so its
        figures would answer "hvor mange fik X i 2021?". Whether the year is there is the year check's.

        Here a compound written apart counts (:func:`mentions_apart`): a passage on "rygestopkurser" where "et hold"
        needs ten participants is about the asked "rygestophold", and without it a rare verb of the question in
        an unrelated passage ("oprette") made the right passage look off topic. As a ranker feature the looser
        match cost honest declines (0.90 → 0.80 cross-validated, docs/answers.md, session 25), so only this
        check uses it."""
        topic = frozenset(t for t in self._topic_terms() if not _YEAR.fullmatch(t))
        passages = {c.passage.chunk.chunk_id: c.passage for c in self.pool}
        return PassageTerms(
            {t: self.idf[t] for t in topic},
            {chunk_id: self._mentions_in(passage, mentions_apart) & topic for chunk_id, passage in passages.items()},
        )

    def _topic_terms(self) -> frozenset[str]:
        return (self.topic & frozenset(self.idf)) or frozenset(self.idf)

    def _passage_mentions(self, passage: Passage) -> frozenset[str]:
        key = id(passage)
        if key not in self._passage_terms:  # once per passage, not per unit
            self._passage_terms[key] = self._mentions_in(passage)
        return self._passage_terms[key]

    def _mentions_in(self, passage: Passage, how: Callable[..., bool] = mentions) -> frozenset[str]:
        chunk = passage.chunk
        return self._mentions(TermSet.of(f"{chunk.title}\n{chunk.section}\n{chunk.text}"), how)

    def _mentions(self, text_terms: TermSet, how: Callable[..., bool] = mentions) -> frozenset[str]:
        """The question terms a text mentions, remembered in the (possibly shared) memo."""
        key = (self.profile.terms, text_terms.stems, text_terms.words, how)
        if key not in self._memo:
            self._memo[key] = _mentioned(self.profile.terms, text_terms, self._vocabulary, how)
        return self._memo[key]

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
        factor = self.config.context_weight
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
        factor = self.config.context_weight
        return {t: w * (1.0 if t in own else factor) for t, w in self.idf.items()}

    def figure_beside_term(self, candidate: Candidate) -> bool:
        """A figure (not a year, not one the question gave) stands at most :data:`FIGURE_WINDOW` words from one
        of the question's rarer terms.

        "13 % er ensomme" says how many are lonely; "62,8 % af brugerne
        henvender sig …" in a passage on loneliness holds a figure too, but
        about something else. Only terms at least :data:`FIGURE_TERM_SHARE` as
        rare as the question's rarest count: "borgere" stands beside most
        figures of a municipal note.
        """
        tokens = words(candidate.text)
        figures = {w for f in [*counts(candidate.text, self._asked), *(m.group() for m in _AMOUNT.finditer(candidate.text))] for w in words(f)}
        at_figure = [i for i, t in enumerate(tokens) if t in figures and not _YEAR.fullmatch(t)]
        at_term = [i for i, t in enumerate(tokens) if _same_word(stem(t), self._rarer_terms)]
        return any(abs(i - j) <= FIGURE_WINDOW for i in at_figure for j in at_term)

    @cached_property
    def _rarer_terms(self) -> list[str]:
        """The question's terms at least :data:`FIGURE_TERM_SHARE` as rare as its rarest (numbers left out),
        worked out once per question rather than once per unit."""
        weights = {t: w for t, w in self.idf.items() if not t.isdigit() and len(t) >= 3}
        rarest = max(weights.values(), default=0.0)
        return [t for t, w in weights.items() if w >= FIGURE_TERM_SHARE * rarest]

    def satisfies(self, candidate: Candidate, part: QuestionPart) -> bool:
        """The sentence holds the kind of content the part asks for."""
        text = candidate.text
        if part.wants_amount:  # "hvad koster": a count of people is not a price
            return bool(_AMOUNT.search(text))
        return (
            (part.wants_ticked and candidate.ticked)
            or (part.wants_number and bool(counts(text, self._asked)))
            or (part.wants_measure and bool(_AMOUNT.search(text) or _DURATION.search(text)))
            or (part.wants_date and bool(_DATE.search(text)))
            or (part.wants_reason and bool(_REASON.search(text)))
            or (part.wants_name and self._names(candidate))
        )

    @cached_property
    def _not_names(self) -> set[str]:
        """Capitalised words that are no names here: written in lower case somewhere in the retrieved text, or
        in most of it. Worked out only when a question asks for a name."""
        passages = {id(c.passage): c.passage for c in self.pool}.values()
        return {w for p in passages for w in _LOWER_WORD.findall(p.text)} | _everywhere(passages)

    def _names(self, candidate: Candidate) -> bool:
        """The sentence names someone the question does not: a capitalised word that does not open it
        (a short list item, "• Ældrerådet", may be the name alone)."""
        text, asked = candidate.text, self._asked_words
        bare_name = candidate.is_list_item and len(text.split()) <= _MAX_NAME_ITEM_WORDS
        return any(
            (bare_name or not _OPENING.search(text[: m.start()])) and m.group().lower() not in asked
            and m.group().lower() not in self._not_names
            and not any(m.group().lower().startswith(a) for a in asked if len(a) >= 4)
            for m in _CAPITALISED.finditer(text)
        )

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


def _everywhere(passages: Iterable[Passage]) -> set[str]:
    """Capitalised words (lower-cased) in at least half of the passages, and two or more: the municipality's
    own name, no answer to "hvem"."""
    texts = list(passages)
    seen = Counter(w.lower() for p in texts for w in set(_CAPITALISED.findall(p.text)))
    return {w for w, n in seen.items() if n >= max(2, _EVERYWHERE_SHARE * len(texts))}


def _mentioned(
    terms: Sequence[Term], text_terms: TermSet, vocabulary: Vocabulary, how: Callable[..., bool] = mentions
) -> frozenset[str]:
    return frozenset(t.stem for t in terms if text_terms and how(text_terms, t, vocabulary))


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


def declined(related: Sequence[Passage], mode: str = "answer", reason: str = "") -> Answer:
    """The decline, with a reason when there is one, offering the closest passages as "Måske relevant"."""
    return Answer(
        text=f"{DECLINE_TEXT} {reason}".strip(),
        declined=True,
        citations=[],
        mode=mode,  # type: ignore[arg-type]
        related=list(related),
    )


def _anchor(question: str) -> Term | None:
    """The question's most specific term: its longest stem, when that is a long compound."""
    anchor = max(question_terms(question), key=lambda t: len(t.stem), default=None)
    return anchor if anchor is not None and len(anchor.stem) >= MIN_TOPIC_STEM else None


def missing_anchor(question: str, passages: Sequence[Passage], vocabulary: Vocabulary | None = None) -> str | None:
    """The question's anchor term when no passage text or title mentions it.

    Long compounds ("demenslandsby", "kontanthjælpsmodtager") name the topic;
    when the retrieved text never mentions it, the documents are about
    something near the question, not the question itself. A compound written
    apart counts (:func:`mentions_apart`): minutes name "udvalget" and its
    "møde", and a question on "udvalgsmødet" is about them.
    """
    topic = _anchor(question)
    if topic is None:
        return None
    texts = [p.title + "\n" + p.text for p in passages]
    vocabulary = vocabulary or passage_vocabulary(question, passages)
    found = any(how(TermSet.of(text), topic, vocabulary) for text in texts for how in (mentions_apart, mentions_head))
    return None if found else topic.word


def states_anchor(question: str, candidate: Candidate) -> bool:
    """The question has an anchor term and the unit itself (or its heading) names it: the unit is about the
    asked thing, whatever rarer word of the question ("startede", "tjent") another passage happens to hold."""
    return _anchor(question) is not None and names_anchor(question, candidate)


def names_anchor(question: str, candidate: Candidate) -> bool:
    """The unit itself (or its heading) names the question's anchor term, or the question has none.

    A unit about another year is "the nearest answer" only when it is about
    the asked thing: a football tournament is not near a world cup.
    """
    anchor = _anchor(question)
    if anchor is None:
        return True
    return mentions(candidate.terms | candidate.heading, anchor, passage_vocabulary(question, [candidate.passage]))


def passage_vocabulary(question: str, passages: Sequence[Passage]) -> Vocabulary:
    """The words compound parts are checked against: the passages' and the question's own."""
    return Vocabulary([question, *(p.title + "\n" + p.chunk.section + "\n" + p.text for p in passages)])
