"""Checks a generated answer against its sources, sentence by sentence.

An LLM can cite a source and still get a number wrong or add things the
source never says. Every sentence therefore has to cite an existing source,
share enough content words with it, and contain only numbers that the cited
sources contain; sentences that fail are removed and reported, so what the
user finally sees is backed by the documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ishoj_assistant.danish import content_terms, normalise, numbers, words
from ishoj_assistant.models import Citation, Passage
from ishoj_assistant.sentences import MARKER_PATTERN as _MARKER_PATTERN
from ishoj_assistant.sentences import sentence_spans

DECLINE_TEXT = "Det kan jeg ikke finde i dokumenterne."

# Share of a sentence's content words (stemmed) that must occur in its cited
# sources. Below half, the sentence mostly says something the sources do not;
# requiring all words would reject honest paraphrase ("ifølge notatet",
# synonyms, connectives). Wording is only a rough signal, which is why numbers
# are checked separately and strictly: changing 43 to 57 barely moves the overlap.
MIN_OVERLAP = 0.5

CITATION_MARKER = re.compile(_MARKER_PATTERN)
_MARKER_RUN = re.compile(rf"(?:\s*{_MARKER_PATTERN})+")
_CITED_NUMBER = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")
_MAX_RANGE = 20  # "[1-3]" expands; "[1-99999]" is not a citation worth expanding

@dataclass(frozen=True)
class RemovedSentence:
    """A sentence taken out of the answer and the reason, in Danish.

    Source numbers in the reason are those the sources had when given to the
    checker (as in the sentence's own markers), not the renumbered citations.
    """

    sentence: str
    reason: str

    def warning(self) -> str:
        return f'Fjernet sætning ({self.reason}): "{self.sentence}"'


@dataclass
class CheckedAnswer:
    """The answer after checking: only supported sentences, renumbered citations."""

    text: str
    declined: bool
    citations: list[Citation]
    removed: list[RemovedSentence] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [r.warning() for r in self.removed]


@dataclass(frozen=True)
class _Source:
    """One numbered source, analysed once: what the model saw, as terms and numbers."""

    passage: Passage
    terms: frozenset[str]
    numbers: frozenset[str]
    sentences: tuple[tuple[int, int], ...]
    sentence_keys: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, passage: Passage) -> "_Source":
        # The prompt shows title and section too, so the model may rightly use them.
        seen = f"{passage.title}\n{passage.section}\n{passage.text}"
        spans = tuple(sentence_spans(passage.text))
        return cls(
            passage=passage,
            terms=frozenset(_terms(seen)),
            numbers=frozenset(numbers(seen)),
            sentences=spans,
            sentence_keys=tuple(_keys(passage.text[s:e]) for s, e in spans),
        )


@dataclass
class _Sentence:
    """One sentence of the answer and the verdict on it."""

    line: int
    text: str
    reason: str | None = None
    decline: bool = False
    formatting: bool = False
    kept_sources: list[int] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return not (self.reason or self.decline or self.formatting)


# --- terms, numbers and citations ---------------------------------------------


def _terms(text: str) -> set[str]:
    """Stemmed content words; numbers are left to the strict number check."""
    return {t for t in content_terms(text) if not t[0].isdigit()}


def _keys(text: str) -> frozenset[str]:
    """What a quote can share with a claim: content words and numbers."""
    return frozenset(_terms(text) | numbers(text))


def _number_tokens(text: str) -> list[str]:
    """Numbers as written ('250.000'), in order, for checking and for messages."""
    return list(dict.fromkeys(w for w in words(text) if w[0].isdigit()))


def cited_numbers(marker_text: str) -> list[int]:
    """Source numbers in citation markers, in order of appearance, without repeats."""
    found: list[int] = []
    for marker in CITATION_MARKER.findall(marker_text):
        for first, last in _CITED_NUMBER.findall(marker):
            a = int(first)
            b = int(last) if last and a <= int(last) <= a + _MAX_RANGE else a
            found.extend(range(a, b + 1))
    return list(dict.fromkeys(found))


def _claim(sentence: str) -> str:
    """The sentence without its citation markers."""
    return CITATION_MARKER.sub(" ", sentence)


def _refs(source_numbers: list[int]) -> str:
    joined = ", ".join(str(n) for n in source_numbers)
    return f"kilde [{joined}]" if len(source_numbers) == 1 else f"kilderne [{joined}]"


def _is_decline(claim: str) -> bool:
    return normalise(claim).strip().startswith(normalise(DECLINE_TEXT).rstrip("."))


# --- the verdict on one sentence ----------------------------------------------


def _unsupported_reason(claim: str, cited: list[int], sources: dict[int, _Source]) -> str | None:
    """Why the sentence is not backed by its cited sources, or None when it is."""
    if not cited:
        return "uden kildehenvisning"
    valid = [n for n in cited if n in sources]
    if not valid:
        return f"henviser til {_refs(cited)}, som ikke findes"
    support_numbers = frozenset().union(*(sources[n].numbers for n in valid))
    missing = [tok for tok in _number_tokens(claim) if not numbers(tok) <= support_numbers]
    if missing:
        noun = "tallet" if len(missing) == 1 else "tallene"
        return f"{noun} {' og '.join(missing)} står ikke i {_refs(valid)}"
    terms = _terms(claim)
    support_terms = frozenset().union(*(sources[n].terms for n in valid))
    if terms and len(terms & support_terms) / len(terms) < MIN_OVERLAP:
        return f"for lidt overlap med {_refs(valid)}"
    return None


def _judge(sentence: _Sentence, sources: dict[int, _Source]) -> None:
    claim = _claim(sentence.text)
    if not words(claim):
        sentence.formatting = True
    elif _is_decline(claim):
        sentence.decline = True
    else:
        cited = cited_numbers(sentence.text)
        sentence.reason = _unsupported_reason(claim, cited, sources)
        if sentence.reason is None:
            sentence.kept_sources = _contributing(claim, [n for n in cited if n in sources], sources)


def _contributing(claim: str, cited: list[int], sources: dict[int, _Source]) -> list[int]:
    """The cited sources that share anything with the claim (others are dropped)."""
    keys = _keys(claim)
    kept = [n for n in cited if not keys or keys & (sources[n].terms | sources[n].numbers)]
    return kept or cited


# --- quotes ---------------------------------------------------------------------


def _quote_sentences(claim: str, source: _Source) -> set[int]:
    """Indices of the source sentences that best back the claim.

    The best-matching sentence, plus one more when the claim's numbers are
    spread over two sentences, so the quote always shows the figures.
    """
    if not source.sentences:
        return set()
    keys = _keys(claim)
    scores = [len(keys & k) for k in source.sentence_keys]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    chosen = {best}
    missing = numbers(claim) - source.sentence_keys[best]
    if missing:
        extra = max(range(len(scores)), key=lambda i: (len(missing & source.sentence_keys[i]), -i))
        if missing & source.sentence_keys[extra]:
            chosen.add(extra)
    return chosen


def _quote(source: _Source, indices: set[int]) -> str:
    """The chosen sentences verbatim; adjacent ones as one passage, gaps as ' … '."""
    runs: list[list[int]] = []
    for i in sorted(indices):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    text = source.passage.text
    parts = [text[source.sentences[run[0]][0]:source.sentences[run[-1]][1]] for run in runs]
    return " … ".join(parts) or text


# --- assembling the checked answer ----------------------------------------------


def _renumbering(kept: list[_Sentence]) -> dict[int, int]:
    """Old source number -> new number, in order of first use."""
    order: dict[int, int] = {}
    for sentence in kept:
        for n in cited_numbers(sentence.text):
            if n in sentence.kept_sources and n not in order:
                order[n] = len(order) + 1
    return order


def _rewrite_markers(sentence: _Sentence, mapping: dict[int, int]) -> str:
    """The sentence with its markers renumbered; untouched when nothing changes."""

    def replace(run: re.Match[str]) -> str:
        old = cited_numbers(run.group())
        new = sorted(mapping[n] for n in old if n in sentence.kept_sources)
        if new == old:
            return run.group()
        return f" [{', '.join(str(n) for n in new)}]" if new else ""

    return _MARKER_RUN.sub(replace, sentence.text)


def _citations(kept: list[_Sentence], mapping: dict[int, int], sources: dict[int, _Source]) -> list[Citation]:
    quoted: dict[int, set[int]] = {n: set() for n in mapping}
    for sentence in kept:
        for n in sentence.kept_sources:
            quoted[n] |= _quote_sentences(_claim(sentence.text), sources[n])
    return [
        Citation(
            n=new,
            doc_id=sources[old].passage.doc_id,
            title=sources[old].passage.title,
            file=sources[old].passage.file,
            page=sources[old].passage.page,
            quote=_quote(sources[old], quoted[old]),
            context=sources[old].passage.text,
        )
        for old, new in mapping.items()
    ]


def _assemble(text: str, by_line: dict[int, list[str]]) -> str:
    """The answer's lines holding kept sentences, paragraph breaks preserved."""
    lines: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number in by_line:
            lines.append(" ".join(by_line[number]))
        elif not line.strip() and lines and lines[-1]:
            lines.append("")
    return "\n".join(lines).strip()


def _removal_note(count: int) -> str:
    if count == 1:
        return "(1 sætning er fjernet, fordi den ikke kunne underbygges af kilderne.)"
    return f"({count} sætninger er fjernet, fordi de ikke kunne underbygges af kilderne.)"


def _sentences(text: str) -> list[_Sentence]:
    return [_Sentence(line=text.count("\n", 0, s), text=text[s:e]) for s, e in sentence_spans(text)]


def check_answer(answer_text: str, sources: list[Passage]) -> CheckedAnswer:
    """Keep only the sentences the sources back; sources are numbered 1..n in order."""
    numbered = {n: _Source.of(p) for n, p in enumerate(sources, start=1)}
    sentences = _sentences(answer_text)
    for sentence in sentences:
        _judge(sentence, numbered)
    removed = [RemovedSentence(s.text, s.reason) for s in sentences if s.reason]
    kept = [s for s in sentences if s.supported]
    if not kept:
        return CheckedAnswer(text=DECLINE_TEXT, declined=True, citations=[], removed=removed)
    mapping = _renumbering(kept)
    by_line: dict[int, list[str]] = {}
    for sentence in sentences:
        if sentence.reason is None:  # supported, a decline next to them, or formatting
            by_line.setdefault(sentence.line, []).append(_rewrite_markers(sentence, mapping))
    text = _assemble(answer_text, by_line)
    if removed:
        text = f"{text}\n\n{_removal_note(len(removed))}"
    return CheckedAnswer(text=text, declined=False, citations=_citations(kept, mapping, numbered), removed=removed)
