"""One analysis of a question, read by retrieval and by the answer layer alike.

A question is split, stemmed and searched for years, document types and the
kind of answer it wants exactly once, on its way in. Retrieval uses the years
and document types as soft boosts (never silent filters: a question about
"2020" may be answered by a note written in 2021); the answer layer uses the
same object to pick units and to decline when the asked year is nowhere in
what was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ishoj_assistant.answering.question import QuestionProfile, split_question
from ishoj_assistant.danish import normalise, words
from ishoj_assistant.models import DocType

_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
# "fra 2019 til 2021", "2019-2021", "i perioden 2019–2021": every year in between is asked.
_PERIOD = re.compile(r"\b(19[89]\d|20\d\d)\s*(?:-|–|til|og)\s*(19[89]\d|20\d\d)\b")
# Relative years, resolved against the newest year the archive holds.
# Whole phrases only: "i de sidste år" (recent years) and "i året" are not "sidste år" and "i år".
_RELATIVE_YEARS = (
    (re.compile(r"(?<!\bde )\b(?:sidste|forrige) år\b"), -1),
    (re.compile(r"\bi fjor\b"), -1),
    (re.compile(r"\b(?:i|dette) år\b"), 0),
)
# A follow-up's "året efter" is the year after the one the conversation was about.
_YEAR_SHIFTS = {"året efter": 1, "det følgende år": 1, "året derpå": 1, "året før": -1, "året inden": -1, "året forinden": -1}
# Words that name a kind of document: the first stem decides the document type asked about.
_TYPE_WORDS: tuple[tuple[str, DocType], ...] = (
    ("ansøg", DocType.ANSOEGNING),
    ("statusnotat", DocType.STATUS),
    ("status", DocType.STATUS),
    ("opfølgning", DocType.STATUS),
    ("evaluering", DocType.STATUS),
    ("strategi", DocType.STRATEGI),
    ("politik", DocType.STRATEGI),
    ("idéoplæg", DocType.STRATEGI),
)
# Comparisons ask for every year or document they name.
_COMPARISON_CUES = ("sammenlign", "udvikling", "forskel", "ændret sig", "i forhold til", "fra år til år")


@dataclass(frozen=True)
class QueryAnalysis:
    """The question as every layer needs it.

    ``text`` is the standalone question (a follow-up already joined with the
    topic it refers back to); ``typed`` is what the user wrote.
    """

    text: str
    typed: str
    profile: QuestionProfile
    years: frozenset[int] = frozenset()
    # The years only the assistant's earlier answer named ("… siden marts 2014"): they steer search, but
    # the user never asked for them, so an answer about another year is no reason to decline.
    years_from_answer: bool = False
    doc_types: frozenset[str] = frozenset()
    comparison: bool = False
    said: str = ""  # what the assistant already answered in this conversation: not news to the user
    topic: str = ""  # for a follow-up: the earlier question it refers back to

    @property
    def is_follow_up(self) -> bool:
        return self.text != self.typed

    @property
    def asks_year(self) -> bool:
        return bool(self.years)


def asked_years(text: str, newest_year: int | None = None) -> frozenset[int]:
    """Every year the text asks about: written years, whole periods, and "sidste år" relative to the archive."""
    years = {int(y) for y in _YEAR.findall(text)}
    for start, end in _PERIOD.findall(text):
        low, high = sorted((int(start), int(end)))
        if high - low <= 20:
            years.update(range(low, high + 1))
    lowered = normalise(text)
    if newest_year:
        years.update(newest_year + shift for phrase, shift in _RELATIVE_YEARS if phrase.search(lowered))
    return frozenset(years)


def asked_doc_types(text: str) -> frozenset[str]:
    """The document types the question names ("i ansøgningen", "statusnotatet", "strategien")."""
    found: set[str] = set()
    for word in words(text):
        for prefix, doc_type in _TYPE_WORDS:
            if word.startswith(prefix) or (len(prefix) >= 7 and prefix in word):
                found.add(doc_type)
                break
    return frozenset(found)


def analyse(
    typed: str, standalone: str | None = None, newest_year: int | None = None, said: str = "", topic: str = ""
) -> QueryAnalysis:
    """Analyse a question once; ``standalone`` is the follow-up resolved against the conversation,
    ``said`` the assistant's earlier answers in it, ``topic`` the earlier question it refers to."""
    text = standalone or typed
    lowered = normalise(typed)
    # A follow-up carries the years of the conversation, read from its raw turns: the search text
    # has lost its small words, and "i de sidste år" without them reads as "sidste år".
    earlier = asked_years(f"{topic}\n{said}" if topic else text, newest_year)
    shifted = {y + shift for phrase, shift in _YEAR_SHIFTS.items() if phrase in lowered for y in earlier}
    typed_years = asked_years(typed, newest_year)
    years = typed_years or frozenset(shifted) or earlier
    users_years = typed_years or shifted or asked_years(topic or text, newest_year)
    return QueryAnalysis(
        text=text,
        typed=typed,
        profile=QuestionProfile.of(text, typed if text != typed else None),
        years=years,
        years_from_answer=bool(years) and not users_years,
        doc_types=asked_doc_types(typed) or asked_doc_types(text),
        comparison=len(years) > 1 or any(cue in lowered for cue in _COMPARISON_CUES),
        said=said,
        topic=topic,
    )


def part_analyses(analysis: QueryAnalysis) -> list[QueryAnalysis]:
    """One analysis per part of a question that asks several things ("Hvor mange ..., og hvorfor ...?").

    Each part is read like a follow-up: its own words are what it asks, the
    whole question is its context. A question with one part has none.
    """
    topic, texts = split_question(analysis.typed)
    if len(texts) < 2:
        return []
    return [
        analyse(f"{topic}: {text}" if topic else text, analysis.text, said=analysis.said, topic=analysis.topic)
        for text in texts
    ]
