"""The sentences, list items and headings of retrieved passages, with the context each stands in.

Extracted PDF text keeps one paragraph, heading or list item per line. What
a line is decides how it may be used: a heading ("Gode indflytninger for
demensramte på plejehjem") names the topic of the sentences below it but
answers nothing itself; a list item ("Seniorpolitikken", "X Styrke den
sociale dimension i plejen") is an answer to "hvilke"; a lead-in ending with
":" announces the items after it. In a form's list of options (some ticked
with "X", or announced by "Vælg en eller flere fra listen"), the unticked ones
are choices the form offered and the applicant did not make: quoting one as
an answer would be a false claim. So each candidate carries the terms of its
governing heading, of its predecessor in the paragraph, and the list it
belongs to.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cached_property
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from ishoj_assistant.answering.matching import EMPTY, TermSet
from ishoj_assistant.danish import stem, words
from ishoj_assistant.models import SECTION_SEPARATOR, Passage
from ishoj_assistant.sentences import sentence_spans

# Bullets, numbered items, "X" in front of a ticked option of a form and a form's check box ("☐ Andet").
_BULLET = re.compile(r"^\s*(?:[-•o*▪–]\s|\d{1,2}[.)]\s|[Xx☒☑☐]\s)")
# "følgende initiativer: - Give ... - Videreudvikling ...": items run on in one line.
_INLINE_LIST = re.compile(r":\s*[-•o*]\s.*\s[-•o*]\s")
# The mark of a ticked option in a form ("X Styrke rehabiliteringsindsatsen").
_TICK = re.compile(r"^\s*[Xx☒☑]\s")
# A check box inside a line: a form laid out with its options side by side ("☒ Ernæring ☐ Velfærdsteknologi").
_INLINE_BOX = re.compile(r"(?<=\s)[☐☒☑](?=\s)")
# A numbered line that asks the applicant something: an imperative of form-filling, or a question.
_FORM_QUESTION = re.compile(
    r"^\s*\d{1,2}[.)]\s+(?:(?:beskriv|angiv|redegør|udfyld|oplys|anfør|uddyb|forklar|vedhæft)\b|[^.!]*\?\s*$)",
    re.IGNORECASE,
)
# A form's prompt without a number, alone or glued to its field's label by the PDF ("Formålet med indsatsen
# Beskriv kort formålet med indsatsen."): a capitalised imperative of form-filling.
_FORM_IMPERATIVES = "Beskriv|Angiv|Redegør|Udfyld|Oplys|Anfør|Uddyb|Forklar|Vedhæft"
_FORM_PROMPT = re.compile(rf"(?:^|\s)(?:{_FORM_IMPERATIVES})\b")
# The same prompt glued after its field's label in lower case ("De planlagte aktiviteter Beskriv kort hvilke …"):
# a capitalised imperative inside a line opens the form's own sentence, however long the prompt runs.
_GLUED_PROMPT = re.compile(rf"[a-zæøå] (?:{_FORM_IMPERATIVES})\b")
# A form's prompt before its options ("Vælg en eller flere fra listen", "Sæt kryds ved").
_CHOICE_PROMPT = re.compile(r"\bvælg\b[^.:]*\b(?:listen|følgende)\b|\bsæt (?:et )?kryds\b", re.IGNORECASE)
# A heading or an unbulleted item is a short line without a closing full stop.
_SHORT_LINE_WORDS = 15
# Three or more short lines in a row are a list, not headings.
_MIN_PLAIN_LIST = 3
# A list item's bullet or number ("• ", "o ", "3. "), and the most words a list item that only names something has.
_ITEM_MARK = re.compile(r"^(?:[-•o*▪–]\s+)?(?:\d+[.)]\s+)?")
_LABEL_ITEM_WORDS = 5
# A sentence opening with one of these asks rather than states.
_QUESTION_OPENERS = frozenset({"hvad", "hvilke", "hvilken", "hvilket", "hvor", "hvordan", "hvornår", "hvorfor", "hvem"})
# A sentence opening with one of these continues its predecessor's topic: a pronoun, or a connective that says
# what follows from it ("Derfor …", "Dermed …") or what came instead of it ("I stedet fik hun …").
_BACK_REFERENCES = frozenset(
    {"dette", "det", "denne", "disse", "årsagen", "heraf", "her", "de", "derfor", "dermed", "herved"}
)
# "Antallet er lavere end forventet" speaks of the number just given; "Antallet af deltagere" names its own.
# "Vejen dertil går …", "Herudover er der …": a pronominal adverb among the first two words points at what
# the sentence before said.
_BACK_PHRASE = re.compile(
    r"^\W*(?:i stedet|til gengæld|på den måde"
    r"|(?:antallet|andelen|tallet|beløbet|stigningen|faldet)(?!\s+(?:af|på|for)\b)"
    r"|(?:\w+\s+)?(?:der|her)(?:til|af|ved|med|udover|efter))\b",
    re.IGNORECASE,
)
# "Det foreslås, at ...", "Det forventes ...": a formal subject before a passive verb refers to nothing.
_FORMAL_SUBJECT = re.compile(r"^\s*det\s+(?!skyldes\b)\w+(?:es|ås)\b", re.IGNORECASE)  # "Det skyldes" does refer back


class Kind(Enum):
    PROSE = "prose"
    ITEM = "item"
    LEAD_IN = "lead_in"
    HEADING = "heading"
    FORM = "form"  # form text that says nothing of the applicant: an unticked option, the prompt to choose


@dataclass(frozen=True, eq=False)
class Candidate:
    """One sentence, list item or heading of a retrieved passage (compared by identity)."""

    passage: Passage
    rank: int
    start: int
    end: int
    kind: Kind
    terms: TermSet
    inherited: TermSet  # the predecessor's terms, when this sentence refers back ("Dette skyldes ...")
    neighbours: TermSet  # the sentences just before and after it, under the same heading
    heading: TermSet  # the heading (and lead-in) this sentence stands under
    list_id: int | None  # candidates of one list share it
    asks: bool  # a question ("Hvad bygger idéoplægget på?"), not a statement
    heading_text: str = ""  # the heading line(s) it stands under, or the chunk's section; context, never quoted

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @cached_property
    def key(self) -> str:
        """The sentence's words (see :func:`text_key`), computed once: answers compare them many times."""
        return " ".join(words(self.text))

    @property
    def page(self) -> int:
        """The page the sentence is on: the chunk's last page holds its last ``char_end`` characters."""
        chunk = self.passage.chunk
        if chunk.page_end > chunk.page_start and self.start >= len(chunk.text) - chunk.char_end:
            return chunk.page_end
        return chunk.page_start

    @property
    def is_statement(self) -> bool:
        """Says something a citation can stand for.

        Not a heading, not form text (an option nobody chose, a prompt), and
        not a question: a form's "Hvilke indsatser ansøges der om midler til"
        or a slide's "Hvorfor en ny strategi?" answers nothing.
        """
        return self.kind not in (Kind.HEADING, Kind.FORM) and not self.asks

    @property
    def block(self) -> tuple[str, str]:
        """The stretch of its passage under one heading: sentences that say one thing together."""
        return self.passage.chunk.chunk_id, self.heading_text

    @property
    def ticked(self) -> bool:
        """A ticked option of a form."""
        return self.kind is Kind.ITEM and bool(_TICK.match(self.text))

    @property
    def is_list_item(self) -> bool:
        return self.kind is Kind.ITEM or bool(_INLINE_LIST.search(self.text))

    @property
    def is_label_item(self) -> bool:
        """A list item of a few words and no figure: a name or a title ("• Ældrerådet", "1. Hverdagstræning i
        eget hjem"). It answers "hvilke …?" or "hvem …?"; asked anything else, it only names the topic."""
        if self.kind is not Kind.ITEM:
            return False
        text = _ITEM_MARK.sub("", self.text.strip())
        return len(text.split()) <= _LABEL_ITEM_WORDS and not re.search(r"\d", text)


def line_kinds(lines: Sequence[str], headings: frozenset[int] = frozenset()) -> list[Kind | None]:
    """The kind of each line (None for blank lines).

    ``headings`` are the lines the document's layout sets as headings (read at
    ingest); they stay headings, except a form's options, which a form may set
    in bold too. Any other short line without a full stop is a list item when
    it continues a lead-in's list, stands in a run of three or more such lines
    ("Seniorpolitikken / Sundhedspolitikken / ...") or next to a form's ticked
    option; otherwise a heading.
    """
    shapes = [_shape(line) for line in lines]
    headings = headings - _form_options(lines, shapes)
    # A layout heading ends a run of short lines: the title block above it is no list.
    run_shapes = [Kind.PROSE if i in headings and shape else shape for i, shape in enumerate(shapes)]
    kinds: list[Kind | None] = []
    previous: Kind | None = None
    for i, shape in enumerate(shapes):
        kind = Kind.HEADING if i in headings and shape else shape
        if run_shapes[i] is Kind.HEADING:
            run = _short_run(run_shapes, i)
            if (
                previous is Kind.LEAD_IN
                or run >= _MIN_PLAIN_LIST
                or (previous is Kind.ITEM and run > 1)
                or _next_to_tick(lines, i)
            ):
                kind = Kind.ITEM
        kinds.append(kind)
        previous = kind if kind is not None else previous
    return kinds


def _shape(line: str) -> Kind | None:
    """What a line looks like on its own; short lines are headings until their neighbours say otherwise."""
    text = line.strip()
    if not text:
        return None
    if _BULLET.match(line):
        return Kind.ITEM
    if text.endswith(":"):
        return Kind.LEAD_IN
    if len(text.split()) <= _SHORT_LINE_WORDS and not text.endswith((".", "!", "?")):
        return Kind.HEADING
    return Kind.PROSE


def _form_options(lines: Sequence[str], shapes: Sequence[Kind | None]) -> frozenset[int]:
    """The lines of every run of short lines (blank lines skipped) holding a ticked option: a form's options."""
    options: set[int] = set()
    run: list[int] = []
    for i, shape in enumerate([*shapes, Kind.PROSE]):
        if shape is None:
            continue
        if i < len(lines) and (shape is Kind.HEADING or _TICK.match(lines[i])):
            run.append(i)
            continue
        if any(_TICK.match(lines[j]) for j in run):
            options.update(run)
        run = []
    return frozenset(options)


def _next_to_tick(lines: Sequence[str], i: int) -> bool:
    """Another option of a form: right above a ticked option, or between one and the next short line."""
    before = next((line for line in reversed(lines[:i]) if line.strip()), "")
    after = next((line for line in lines[i + 1 :] if line.strip()), "")
    return bool(_TICK.match(after)) or (bool(_TICK.match(before)) and _shape(after) in (Kind.HEADING, Kind.ITEM))


def _short_run(shapes: Sequence[Kind | None], i: int) -> int:
    """Length of the run of consecutive short lines (blank lines skipped) that line ``i`` stands in."""
    non_blank = [j for j, shape in enumerate(shapes) if shape is not None]
    position = non_blank.index(i)
    first = last = position
    while first > 0 and shapes[non_blank[first - 1]] is Kind.HEADING:
        first -= 1
    while last + 1 < len(non_blank) and shapes[non_blank[last + 1]] is Kind.HEADING:
        last += 1
    return last - first + 1


def _sentence_kind(line_kind: Kind | None, first_in_line: bool, sentence: str) -> Kind:
    """A line's kind belongs to one of its sentences: a bullet to the first, a lead-in to the one ending in ":"
    (in a prose line, the lead-in of a list run into the line).

    A heading line stays a heading even when numbered ("7. Uanmeldte tilsyn på plejecentrene 2021").
    """
    if line_kind is Kind.HEADING:
        return Kind.HEADING
    if _BULLET.match(sentence):
        return Kind.ITEM
    if line_kind is Kind.ITEM and not first_in_line:
        return Kind.PROSE
    if line_kind is Kind.LEAD_IN and not sentence.rstrip().endswith(":"):
        return Kind.PROSE
    if line_kind is Kind.PROSE and sentence.rstrip().endswith(":"):
        return Kind.LEAD_IN  # its items run on in the same line ("... løsninger: - 75 % af ...")
    return line_kind or Kind.PROSE


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of the passages, in rank order.

    Overlapping chunks repeat sentences; repeats are kept here so each
    passage keeps its structure (a lead-in and its items), and dropped when
    the answer is assembled (:func:`distinct`).
    """
    list_ids = itertools.count()
    return [
        candidate
        for rank, passage in enumerate(passages)
        for candidate in _passage_candidates(passage, rank, list_ids)
        if len(text_key(candidate)) >= 3
    ]


def _form_lists(text: str, rows: Sequence[tuple]) -> set[int]:
    """The lists that are a form's options: one of them is ticked, or a choice prompt announces them.

    "Vælg en eller flere fra listen" with nothing ticked below it means
    nothing was chosen; its options are no more a claim than unticked ones.
    """
    forms = set()
    for i, (start, end, kind, *_, member_of, _heading) in enumerate(rows):
        if kind is not Kind.ITEM:
            continue
        line = text[start:end]
        before = text[rows[i - 1][0] : rows[i - 1][1]] if i else ""
        if _TICK.match(line) or _CHOICE_PROMPT.search(line) or _CHOICE_PROMPT.search(before):
            forms.add(member_of)
    return forms


def _asks(sentence: str, first: Sequence[str]) -> bool:
    """The sentence (whose first word is ``first``, if any) is a question."""
    return sentence.rstrip().endswith("?") or (bool(first) and first[0] in _QUESTION_OPENERS)


def _is_form_text(sentence: str, kind: Kind, in_form_list: bool) -> bool:
    """An option of a form's list that is not ticked, a prompt to choose ("Vælg en eller flere fra listen.")
    or a form's own question ("4. Beskriv initiativets målgruppe", "Beskriv kort formålet med indsatsen",
    "2. Hvilke indsatsområder søges der midler til?")."""
    if kind is Kind.ITEM and in_form_list:
        return not _TICK.match(sentence)
    short = len(sentence.split()) <= _SHORT_LINE_WORDS
    if (short and (_FORM_QUESTION.match(sentence) or _FORM_PROMPT.search(sentence))) or _GLUED_PROMPT.search(sentence):
        return True
    return kind is Kind.PROSE and bool(_CHOICE_PROMPT.search(sentence)) and short


def without_mark(text: str) -> str:
    """A list item's text without its bullet, number or tick."""
    return _BULLET.sub("", text, count=1)


def text_key(candidate: Candidate) -> str:
    """The sentence's words: equal for the same sentence in two overlapping chunks."""
    return candidate.key


def distinct(chosen: Sequence[Candidate]) -> list[Candidate]:
    """The candidates without repeats of the same sentence, first kept."""
    seen: set[str] = set()
    out = []
    for candidate in chosen:
        key = text_key(candidate)
        if key not in seen:
            seen.add(key)
            out.append(candidate)
    return out


# A run-in label before a sentence ("Status Fra 1. januar ...", "Mål I løbet af 2019 ...", "Bedre tid til
# nærvær og særlige behov Et karakteristika ved ..."): one to twelve words, then a word that only opens a
# sentence, and at least three more words ("... deltaget i ugen Alle børn svømmer." names an event). PDF
# extraction puts a bold label and its paragraph on one line; the label is the sentence's heading, never
# part of its quote.
_SENTENCE_OPENERS = (
    "Af|Alle|Antallet|Begge|Blandt|Da|De|Den|Denne|Der|Derfor|Dermed|Derudover|Desuden|Det|Dette|Disse|Dog|Efter|En|"
    "Endelig|Endvidere|Et|Fra|Generelt|Gennem|Her|Herudover|Hvis|I|Ifølge|Indsatsen|Ligeledes|Med|Når|Også|Over|"
    "Overordnet|På|Samlet|Samtidig|Siden|Som|Til|Under|Ved|Vi"
)
# A sentence that opens with one of them and runs at least three words more.
_SENTENCE_START = rf"(?:{_SENTENCE_OPENERS}) [\wæøå]\S*(?: \S+){{2,}}"
_RUN_IN_LABEL = re.compile(rf"^((?:[A-ZÆØÅ][\w-]*)(?: [\wæøå-]+){{0,11}}) (?={_SENTENCE_START})")
# A word that only opens sentences is no label alone: "I Det gule hus arbejdes ..." is one sentence.
_LONE_OPENER = re.compile(rf"(?:{_SENTENCE_OPENERS})")


# A heading glued to a sentence that opens with the heading's own topic word ("Indledning til ældrestrategi
# Ældreområdets særlige udfordringer Ældreområdet omfatter ..."): two to seven words, the last in lower case,
# then a capitalised word sharing a stem with one of them, then at least three more words.
_TOKEN = re.compile(r"\S+")
_MAX_TOPIC_LABEL_WORDS = 7
_MIN_WORDS_AFTER_LABEL = 3


def _topic_label_end(sentence: str) -> int | None:
    """Where a glued heading naming the sentence's opening word ends, if the sentence starts with one."""
    tokens = list(_TOKEN.finditer(sentence))
    if not tokens or not tokens[0].group()[0].isupper():
        return None
    for k in range(2, min(_MAX_TOPIC_LABEL_WORDS, len(tokens) - _MIN_WORDS_AFTER_LABEL) + 1):
        word, before = tokens[k].group(), tokens[k - 1].group()
        if not (word[0].isupper() and before.isalpha() and before[0].islower()):
            continue
        if stem(word.lower()) in {stem(w) for w in words(sentence[: tokens[k - 1].end()])}:
            return tokens[k - 1].end()
    return None


def _option_spans(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans, with a line of side-by-side check boxes cut into one span per option.

    Read as one sentence, "☒ Ernæring ☐ Velfærdsteknologi" would quote an
    option nobody ticked as if it had been chosen.
    """
    for start, end in sentence_spans(text):
        cuts = [start, *(start + m.start() for m in _INLINE_BOX.finditer(text[start:end])), end]
        for a, b in itertools.pairwise(cuts):
            if text[a:b].strip():
                yield a, a + len(text[a:b].rstrip())


# A list item the PDF ran into the paragraph after it ("3. Flere går til tandlæge På skolerne er …"): a
# sentence opener in capitals right after a word in lower case, and at least three more words.
_ITEM_RUN_ON = re.compile(rf"(?<=[a-zæøå]) (?={_SENTENCE_START})")
# A sentence that points to other parts of the document, or says what the document is, says nothing itself
# ("Nedenfor beskrives …", "I det følgende gennemgås …", "Se bilag 2", "Dette notat giver en status på …",
# "Her fremlægges …").
_SIGNPOST_START = (
    r"(?:nedenfor|herunder|i det følgende|i nedenstående|se bilag|se afsnit"
    r"|(?:(?:i|med) )?(?:dette|denne|nærværende) (?:skriv|notat|statusnotat|dokument|rapport|oplæg|afsnit)"
    r"|her (?:fremlægges|gennemgås|beskrives|præsenteres))\b"
)
SIGNPOST = re.compile(rf"^\s*{_SIGNPOST_START}", re.IGNORECASE)
# Such a sentence run by the layout into the line before it ("… og ensomhed Nedenfor beskrives de fastsatte
# mål …"): capitalised right after a word in lower case.
_SIGNPOST_RUN_ON = re.compile(rf"(?-i:(?<=[a-zæøå])) (?=(?-i:[A-ZÆØÅ]))(?={_SIGNPOST_START})", re.IGNORECASE)


def _item_spans(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans, with a numbered or bulleted item cut where the paragraph run into it begins, and
    any other sentence where a signpost run into it begins."""
    for start, end in _option_spans(text):
        run_on = (_ITEM_RUN_ON if _BULLET.match(text[start:end]) else _SIGNPOST_RUN_ON).search(text, start, end)
        if run_on is None:
            yield start, end
        else:
            yield start, run_on.start()
            yield run_on.end(), end


def _spans_with_labels(text: str) -> Iterator[tuple[int, int, bool]]:
    """Sentence spans, with a run-in label split off as a span of its own (marked True)."""
    for start, end in _item_spans(text):
        sentence = text[start:end]
        label = _RUN_IN_LABEL.match(sentence)
        if label and label.end() < len(sentence) and not _LONE_OPENER.fullmatch(label.group(1)):
            label_end: int | None = len(label.group(1))
        else:
            label_end = _topic_label_end(sentence)
        if label_end is None:
            yield start, end, False
            continue
        rest = sentence[label_end:]
        yield start, start + label_end, True
        yield start + label_end + len(rest) - len(rest.lstrip()), end, False


def _passage_candidates(passage: Passage, rank: int, list_ids: Iterator[int]) -> list[Candidate]:
    text = passage.text
    kinds = line_kinds(text.split("\n"), passage.chunk.heading_line_numbers)
    # The document title governs every sentence, and its section heading until the passage
    # shows one of its own: "planen for 2019" is answered from the 2019 status note
    # without repeating the year.
    title = TermSet.of(passage.title)
    heading = title | TermSet.of(passage.chunk.section)
    heading_text = passage.chunk.section
    heading_open = False  # consecutive headings stack ("Temaer" under "Sundhedsstrategi")
    # A run-in label the passage repeats ("Mål", "Status" under each initiative) names a field of the
    # heading above it, not a new subject: it stacks on the last heading that is not such a field.
    spans = list(_spans_with_labels(text))
    labels = Counter(text[start:end].strip() for start, end, label in spans if label)
    subject, subject_text = heading, heading_text
    # Ingest writes a heading its document repeats under each theme as a field of the theme's section
    # ("Investering i forebyggelse › Målsætninger"); a passage opening with that heading continues the theme.
    section = passage.chunk.section
    field = section.rpartition(SECTION_SEPARATOR)[2] if SECTION_SEPARATOR in section else None
    list_id: int | None = None
    rows = []
    previous_line = -1
    run_in = ""  # a run-in label names what its sentence is about: its words count as the sentence's own
    for start, end, label in spans:
        line = text.count("\n", 0, start)
        kind = Kind.HEADING if label else _sentence_kind(kinds[line], first_in_line=previous_line != line, sentence=text[start:end])
        terms = TermSet.of(f"{run_in} {text[start:end]}")
        run_in = text[start:end] if label else ""
        line_text = text[start:end].strip()
        if label and labels[line_text] > 1:
            heading, heading_text = subject | terms, f"{subject_text} {line_text}"
            heading_open, list_id = False, None
            run_in = heading_text  # the field's sentence is about its initiative's field: "Klippekortsordning Mål"
        elif kind is Kind.HEADING and line_text == field and not rows:
            heading_open = True  # its section path, the heading of what follows, names it under its theme
        elif kind is Kind.HEADING and line_text == field and not heading_open:
            # the same field under the theme this passage has moved on to ("Tværgående sammenhæng Målsætninger")
            heading, heading_text = subject | terms, f"{subject_text} {line_text}"
            heading_open, list_id = True, None
        elif kind is Kind.HEADING or kind is Kind.LEAD_IN:
            heading = (heading | terms) if heading_open else title | terms
            heading_text = f"{heading_text} {line_text}" if heading_open else line_text
            heading_open = kind is Kind.HEADING
            if kind is Kind.HEADING:
                subject, subject_text = heading, heading_text
            list_id = next(list_ids) if kind is Kind.LEAD_IN else None
        else:
            heading_open = False
            if kind is Kind.ITEM and list_id is None:
                list_id = next(list_ids)
            elif kind is Kind.PROSE and not (list_id is not None and line == previous_line):
                list_id = None  # a further sentence on an item's own line continues the item, not ends the list
        rows.append((start, end, kind, terms, heading if kind is not Kind.HEADING else EMPTY,
                     list_id if kind in (Kind.ITEM, Kind.LEAD_IN) else None, heading_text if kind is not Kind.HEADING else ""))
        previous_line = line
    forms = _form_lists(text, rows)
    out = []
    for i, (start, end, kind, terms, governing, member_of, governing_text) in enumerate(rows):
        sentence = text[start:end]
        if _is_form_text(sentence, kind, member_of in forms):
            kind = Kind.FORM
        previous = rows[i - 1][3] if i > 0 else EMPTY
        first = words(sentence)[:1]
        refers_back = bool(_BACK_PHRASE.match(sentence)) or (
            bool(first) and first[0] in _BACK_REFERENCES and not _FORMAL_SUBJECT.match(sentence)
        )
        inherited = previous if refers_back else EMPTY
        neighbours = EMPTY
        for j in (i - 1, i + 1):
            if 0 <= j < len(rows) and rows[j][2] is not Kind.HEADING and kind is not Kind.HEADING:
                neighbours = neighbours | rows[j][3]
        out.append(Candidate(
            passage, rank, start, end, kind, terms, inherited, neighbours, governing, member_of, _asks(sentence, first),
            governing_text,
        ))
    return out
