"""Danish sentence splitting, shared by chunking, extractive answers and the checker.

Chunks must never end mid-sentence and citations quote whole sentences, so
all three must agree on where a sentence ends: after "fx.", "kr. 500",
"1. maj" or "250.000" it does not.
"""

from __future__ import annotations

import re

# "[1]", "[1, 2]", "[1; 2]", "[1-3]"; "[1][2]" is two markers in one run.
MARKER_PATTERN = r"\[\s*\d+(?:\s*[,;\-–]\s*\d+)*\s*\]"

# A terminator, a closing quote ("... en del af det.” Kilde: ..."), the citation markers some models put after
# it, then a space or the end.
_CLOSING_QUOTES = "\"”»’"
_SENTENCE_END = re.compile(rf"[.!?]+[{_CLOSING_QUOTES}]?(?:\s*{MARKER_PATTERN})*(?=\s|$)")
_LAST_TOKEN = re.compile(r"[\w.]+$")
_LETTER = re.compile(r"[^\W\d_]")
# A numbered list run into one line by PDF extraction: "... borgere 2. Flere ...".
_INLINE_ITEM_NUMBER = re.compile(r"(?<=[^\W\d_]) \d{1,2}$")
_INLINE_ITEM = re.compile(r"(?<=[^\W\d_]) (\d{1,2})\.\s+(?=[A-ZÆØÅ])")
# A bulleted list run into its lead-in's line: "... de enkelte løsninger: - 75 % af ...". The lead-in ends at
# its colon; the item is a sentence of its own.
_LEAD_IN_END = re.compile(r":(?=\s+[-–•▪]\s)")

# Abbreviations that do not end a sentence even before a capital ("bl.a. Ishøj").
_ABBREVIATIONS = frozenset({
    "fx", "f.eks", "bl.a", "ca", "nr", "pr", "jf", "evt", "inkl", "ekskl", "dvs", "mht",
    "vedr", "stk", "ift", "iht", "hhv", "tlf", "kl", "ang", "gl", "sml", "pt",
})
# Abbreviations that often end a sentence ("... 250.000 kr. Det ..."): they join
# the next word only when it does not start with a capital ("kr. 500").
_FINAL_ABBREVIATIONS = frozenset({"kr", "osv", "mv", "m.v", "mio", "mia", "mill", "pct"})


def split_sentences(text: str) -> list[str]:
    """The sentences of a Danish text, citation markers staying with their sentence."""
    return [text[s:e] for s, e in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; a line break always ends a sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        spans.extend((offset + s, offset + e) for s, e in _line_spans(line))
        offset += len(line) + 1
    return spans


def _line_spans(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = _skip_space(line, 0)
    items = _inline_items(line)
    ends = sorted([*_SENTENCE_END.finditer(line), *_LEAD_IN_END.finditer(line)], key=lambda m: m.start())
    for end in ends:
        before, after = line[start:end.start()], line[end.end():]
        lead_in = end.re is _LEAD_IN_END  # a lead-in always ends at its colon
        item = _INLINE_ITEM_NUMBER.search(before)
        if not lead_in and item and start + item.start() + 1 in items:  # "... borgere 2. Flere borgere ...": item 2 starts here
            spans.append((start, start + item.start()))
            start = start + item.start() + 1
        elif lead_in or (_ends_sentence(before, after) and _quote_closes_before_capital(end.group(), after)):
            spans.append((start, end.end()))
            start = _skip_space(line, end.end())
    if line[start:].strip():
        spans.append((start, len(line.rstrip())))
    return spans


def _inline_items(line: str) -> set[int]:
    """Where the items of a numbered list run into one line start: only numbers in sequence count.

    "borgere 2. Flere ... aktive 3. Flere" is a list; a lone "var 12. Det"
    ends a sentence with a number and must stay whole.
    """
    found = [(m.start() + 1, int(m.group(1))) for m in _INLINE_ITEM.finditer(line)]
    starts: set[int] = set()
    for (pos, number), (next_pos, next_number) in zip(found, found[1:]):
        if next_number == number + 1:
            starts.update((pos, next_pos))
    return starts


def _quote_closes_before_capital(terminator: str, after: str) -> bool:
    """A quotation ends its sentence only before a new one: '.” Kilde: ...' does, '." – siger en borger' does not."""
    return terminator.rstrip()[-1:] not in _CLOSING_QUOTES or after.lstrip()[:1].isupper()


def _skip_space(line: str, i: int) -> int:
    return len(line) - len(line[i:].lstrip())


def _ends_sentence(before: str, after: str) -> bool:
    """Whether a terminator after ``before`` really ends the sentence."""
    following = after.lstrip()[:1]
    if not following:
        return True
    if not _LETTER.search(before):  # "1." of a numbered list, or a bare number
        return False
    if following.islower():  # "1. maj", "ca. halvdelen", "kr. pr. borger"
        return False
    token = _LAST_TOKEN.search(before)
    word = token.group().lower() if token else ""
    return word not in _ABBREVIATIONS and not (word in _FINAL_ABBREVIATIONS and not following.isupper())
