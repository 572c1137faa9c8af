"""Extractive answers: verbatim, cited sentences picked from the retrieved passages.

No generative model is installed, so an answer is built only from sentences
and list items that stand in the sources word for word. Each is scored by how
much of the question's distinctive vocabulary it covers (rare terms weigh
more), by whether it holds what the question type asks for (a number, a date,
a reason, a list item) and by its passage's retrieval rank. When even the best
sentence covers too little of the question, the answer declines: a wrong or
unsupported answer is worse than none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ishoj_assistant.answering.checker import DECLINE_TEXT
from ishoj_assistant.danish import content_terms, normalise, words
from ishoj_assistant.models import Answer, Citation, Passage
from ishoj_assistant.sentences import sentence_spans
from ishoj_assistant.settings import Settings

# Question openings and the kind of content they ask for.
_NUMBER_CUES = ("hvor mange", "hvor meget", "hvad koster", "hvor stor", "hvor stort", "hvor høj", "antal", "andel")
_AMOUNT_WORDS = frozenset({"kr", "kroner", "koste", "koster", "kostede"})
_AMOUNT_PREFIXES = ("beløb", "budget", "omkostning")
_DATE_CUES = ("hvornår", "hvilket år", "hvor længe")
_LIST_CUES = ("hvilke", "hvad gør", "hvordan")
_REASON_CUES = ("hvorfor", "årsag", "skyldes")
_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b(?:{_MONTHS})\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:kr\b|kroner|mio|mia)|kr\.?\s*\d", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# "følgende initiativer: - Give ... - Videreudvikling ...": items run on in one line.
_INLINE_LIST = re.compile(r":\s*[-•o*]\s.*\s[-•o*]\s")
_REASON = re.compile(r"\b(?:skyldes|årsag\w*|grundet|fordi|pga|på grund af|derfor)\b", re.IGNORECASE)
# A sentence opening with one of these continues its predecessor's topic.
_BACK_REFERENCES = frozenset({"dette", "det", "denne", "disse", "årsagen", "heraf", "her", "de"})
# Compound matching: a query term found inside a longer sentence word
# ("træning" in "hverdagstræning") counts when it is at least this long.
_MIN_COMPOUND = 4
# Shortest compound head that counts ("medarbejd"), and shortest anchor term.
_MIN_HEAD = 6
_MIN_ANCHOR = 10


@dataclass(frozen=True)
class QuestionProfile:
    """What a question asks about (stemmed terms) and what kind of answer it wants."""

    terms: tuple[str, ...]
    focus: frozenset[str]
    wants_number: bool
    wants_amount: bool
    wants_date: bool
    wants_list: bool
    wants_reason: bool

    @classmethod
    def of(cls, question: str, focus: str | None = None) -> "QuestionProfile":
        """The profile of a (standalone) question; ``focus`` is the follow-up the user actually typed."""
        lowered = " " + normalise(focus or question)
        has = lambda cues: any(cue in lowered for cue in cues)  # noqa: E731
        return cls(
            terms=tuple(dict.fromkeys(content_terms(question))),
            focus=frozenset(content_terms(focus)) if focus else frozenset(),
            wants_number=has(_NUMBER_CUES),
            wants_amount=any(w in _AMOUNT_WORDS or w.startswith(_AMOUNT_PREFIXES) for w in words(focus or question)),
            wants_date=has(_DATE_CUES),
            wants_list=has(_LIST_CUES),
            wants_reason=has(_REASON_CUES),
        )

    @property
    def parts(self) -> int:
        """Rough number of sub-questions: each asks for its own evidence."""
        return 1 + sum((self.wants_number, self.wants_date, self.wants_reason, self.wants_list)) // 2


@dataclass(frozen=True)
class Candidate:
    """One sentence or list item of a retrieved passage."""

    passage: Passage
    rank: int
    start: int
    end: int
    terms: frozenset[str]
    inherited: frozenset[str]
    preceding: frozenset[str]
    paragraph: frozenset[str]

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def page(self) -> int:
        """The page the sentence is on: the chunk's last page holds its last ``char_end`` characters."""
        chunk = self.passage.chunk
        if chunk.page_end > chunk.page_start and self.start >= len(chunk.text) - chunk.char_end:
            return chunk.page_end
        return chunk.page_start


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every distinct sentence of the passages, first occurrence (best rank) kept."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for rank, passage in enumerate(passages):
        previous: frozenset[str] = frozenset()
        previous_end = -1
        paragraphs = _paragraph_terms(passage.text)
        for start, end in sentence_spans(passage.text):
            text = passage.text[start:end]
            terms = frozenset(content_terms(text))
            first = words(text)[:1]
            same_paragraph = previous_end >= 0 and "\n" not in passage.text[previous_end:start]
            inherited = previous if first and first[0] in _BACK_REFERENCES else frozenset()
            preceding = previous if same_paragraph else frozenset()
            previous, previous_end = terms, end
            key = " ".join(words(text))
            if len(key) < 3 or key in seen:
                continue
            seen.add(key)
            paragraph = paragraphs[passage.text.count("\n", 0, start)]
            out.append(Candidate(passage, rank, start, end, terms, inherited, preceding, paragraph))
    return out


def _paragraph_terms(text: str) -> list[frozenset[str]]:
    """Content terms of each line: a line of extracted PDF text is one paragraph."""
    return [frozenset(content_terms(line)) for line in text.split("\n")]


def matches(term: str, sentence_terms: Iterable[str]) -> bool:
    """A query term occurs as a word, inside a compound, or by its compound head.

    Danish compounds are head-final: "kontaktmedarbejder" is a kind of
    "medarbejder", so a sentence about the head word still answers.
    """
    heads = _compound_heads(term)
    for t in sentence_terms:
        if t == term or (len(term) >= _MIN_COMPOUND and term in t) or any(h in t for h in heads):
            return True
    return False


def _compound_heads(term: str) -> tuple[str, ...]:
    """Suffixes of a long compound that could be its head word."""
    return tuple(term[i:] for i in range(3, len(term) - _MIN_HEAD + 1)) if len(term) >= _MIN_HEAD + 3 else ()


def missing_anchor(question: str, passages: Sequence[Passage]) -> str | None:
    """The question's anchor term when no passage text or title mentions it."""
    topic = anchor(content_terms(question))
    if topic is None:
        return None
    found = any(matches(topic, content_terms(p.title + "\n" + p.text)) for p in passages)
    return None if found else topic


def anchor(terms: Sequence[str]) -> str | None:
    """The question's most specific term: its longest compound, if it has one.

    Long compounds ("demenslandsby", "kontanthjælpsmodtager") name the topic;
    when the retrieved text never mentions it, the documents are about
    something near the question, not the question itself.
    """
    longest = max(terms, key=len, default="")
    return longest if len(longest) >= _MIN_ANCHOR else None


def idf_weights(terms: Sequence[str], pool: Sequence[Candidate]) -> dict[str, float]:
    """Inverse frequency of each query term among the candidate sentences: rare terms are distinctive."""
    n = len(pool)
    return {
        t: math.log((n + 1) / (1 + sum(matches(t, c.terms | c.inherited) for c in pool))) + 1.0 for t in terms
    }


class Scorer:
    """Scores candidate sentences against one question."""

    def __init__(self, profile: QuestionProfile, pool: Sequence[Candidate], settings: Settings):
        self.profile = profile
        self.settings = settings
        self.idf = {
            t: w * (settings.answer_focus_weight if t in profile.focus else 1.0)
            for t, w in idf_weights(profile.terms, pool).items()
        }
        self.total = sum(self.idf.values()) or 1.0

    def covered(self, candidate: Candidate) -> set[str]:
        own = {t for t in self.profile.terms if matches(t, candidate.terms)}
        return own | {t for t in self.profile.terms if matches(t, candidate.inherited)}

    def coverage(self, candidate: Candidate, already: set[str] = frozenset()) -> float:  # type: ignore[assignment]
        """Share of the question's (IDF-weighted) terms this sentence adds.

        Terms of the preceding sentence in the same paragraph count at a
        reduced weight: "Blandt andet anbefaling nr. 28 og 29" continues the
        sentence that named the recommendations.
        """
        own = self.covered(candidate) - already
        context = {t for t in self.profile.terms if matches(t, candidate.preceding)} - own - already
        weight = self.settings.answer_context_weight
        return (sum(self.idf[t] for t in own) + weight * sum(self.idf[t] for t in context)) / self.total

    def paragraph_coverage(self, candidate: Candidate) -> float:
        """Share of the question's terms in the sentence's whole paragraph: its topic, for drafts."""
        terms = candidate.terms | candidate.paragraph
        return sum(self.idf[t] for t in self.profile.terms if matches(t, terms)) / self.total

    def bonus(self, candidate: Candidate) -> float:
        """Reward for holding what the question type asks for, minus a rank penalty."""
        text, p, s = candidate.text, self.profile, self.settings
        found = (
            (p.wants_number and bool(_DIGIT.search(text)), s.answer_number_boost),
            (p.wants_amount and bool(_AMOUNT.search(text)), s.answer_number_boost),
            (p.wants_date and bool(_DATE.search(text)), s.answer_number_boost),
            (p.wants_reason and bool(_REASON.search(text)), s.answer_number_boost),
            (p.wants_list and is_list_item(candidate), s.answer_list_boost),
        )
        return sum(weight for hit, weight in found if hit) - s.answer_rank_penalty * candidate.rank

    def score(self, candidate: Candidate, already: set[str] = frozenset()) -> float:  # type: ignore[assignment]
        return self.coverage(candidate, already) + self.bonus(candidate)


def is_list_item(candidate: Candidate) -> bool:
    """A line of its own without a final full stop, one opened by a bullet or number, or an inline list."""
    text = candidate.text
    if _INLINE_LIST.search(text):
        return True
    line_start = candidate.start == 0 or candidate.passage.text[candidate.start - 1] == "\n"
    line_end = candidate.end >= len(candidate.passage.text) or candidate.passage.text[candidate.end] == "\n"
    return line_start and line_end and (not text.rstrip().endswith(".") or bool(re.match(r"[-•*\d]", text)))


def select(scorer: Scorer, pool: Sequence[Candidate], limit: int) -> list[Candidate]:
    """Greedy pick: each next sentence must add question terms or answer-type content."""
    chosen: list[Candidate] = []
    covered: set[str] = set()
    remaining = [c for c in pool if scorer.covered(c)]
    floor = scorer.settings.answer_min_added
    while remaining and len(chosen) < limit:
        best = max(remaining, key=lambda c: scorer.score(c, covered))
        if chosen and scorer.score(best, covered) < floor:
            break
        chosen.append(best)
        covered |= scorer.covered(best)
        remaining.remove(best)
    return _with_list_items(_with_antecedents(chosen, pool), pool, scorer.settings.answer_list_items)


def _with_antecedents(chosen: list[Candidate], pool: Sequence[Candidate]) -> list[Candidate]:
    """A chosen sentence opening with "Dette", "Disse" ... brings the sentence it refers back to.

    "Dette skyldes ..." answers nothing on its own; its predecessor holds what "dette" is.
    """
    out: list[Candidate] = []
    for candidate in chosen:
        if candidate.inherited:
            before = [c for c in pool if c.passage is candidate.passage and c.end <= candidate.start]
            previous = max(before, key=lambda c: c.end, default=None)
            if previous is not None and previous not in chosen and previous not in out:
                out.append(previous)
        if candidate not in out:
            out.append(candidate)
    return out


def _with_list_items(chosen: list[Candidate], pool: Sequence[Candidate], limit: int) -> list[Candidate]:
    """A chosen lead-in ending with a colon brings the list items that follow it in its passage."""
    out: list[Candidate] = []
    for candidate in chosen:
        out.append(candidate)
        if not candidate.text.rstrip().endswith(":"):
            continue
        following = [c for c in pool if c.passage is candidate.passage and c.start > candidate.start]
        out.extend(c for c in following[:limit] if c not in chosen and c not in out)
    return out


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


def extractive_answer(
    question: str, passages: Sequence[Passage], settings: Settings, focus: str | None = None
) -> Answer:
    """A cited, verbatim answer to the question, or a decline when the passages do not hold it.

    For a follow-up, ``question`` is the standalone query and ``focus`` the
    follow-up itself: its own words weigh more, and its wording decides what
    kind of answer (number, date, reason) is wanted.
    """
    profile = QuestionProfile.of(question, focus)
    pool = candidates(passages)
    if not pool or not profile.terms:
        return declined(passages, settings)
    scorer = Scorer(profile, pool, settings)
    best = max(pool, key=scorer.coverage)
    if scorer.coverage(best) < settings.answer_min_coverage or missing_anchor(question, passages):
        return declined(passages, settings)
    limit = settings.answer_max_sentences + (settings.answer_extra_sentences if profile.parts > 1 or profile.wants_list else 0)
    picked = select(scorer, pool, limit)
    if profile.wants_amount and not any(_AMOUNT.search(c.text) for c in picked):
        return declined(passages, settings)
    citations = cite(picked)
    text = "\n".join(f"{c.quote} [{c.n}]" for c in citations)
    return Answer(text=text, declined=False, citations=citations, mode="answer")
