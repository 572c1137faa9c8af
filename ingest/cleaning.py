"""Cleaning: from raw PDF lines to clean, structured text.

PDF text extraction gives hard-wrapped lines, double spaces from justified
text, words hyphenated at line ends and private-use glyph bullets. This module
undoes those while keeping everything a citation must quote verbatim (æ, ø, å,
Danish suspended hyphens such as "sorg- og livsmodsgrupper").

The output is the document's cleaned text with the offset where each page
starts, plus blocks (heading, paragraph, list item) pointing into that text.
A list item keeps the marker the document wrote ("1.", "o", "-"): a numbered
goal's number is part of what is quoted, and only the block says it is an item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from ingest.loaders import RawDocument
from ingest.privacy import mask_cpr

BULLET = "•"
_PRIVATE_USE = re.compile("[\uf000-\uf8ff]")
# A list mark a document writes before an item: a glyph, or "o", "-", "–" before a space.
_MARK = r"[•▪●◦‣∙·*]|[-–o](?=\s)"
_MARKED = re.compile(rf"^(?:{_MARK})")
_BULLET_START = re.compile(rf"^(?:{_MARK}|\d{{1,2}}[.)](?=\s))\s*")
# Words after a line-end hyphen that show it is a suspended hyphen ("sorg- og ...").
_SUSPENDED_FOLLOWERS = {"og", "eller", "samt", "til", "som", "men", "&"}

BlockKind = Literal["heading", "paragraph", "item"]


@dataclass
class Block:
    kind: BlockKind
    start: int
    end: int
    page: int


@dataclass
class CleanDocument:
    text: str
    page_offsets: list[int]  # page_offsets[i] = where page i+1 starts in text
    blocks: list[Block]
    cpr_masked: int = 0
    title: str | None = None  # the file's own title (PDF/DOCX metadata), masked like the text
    page_count: int = field(init=False)

    def __post_init__(self) -> None:
        self.page_count = len(self.page_offsets)

    def page_at(self, offset: int) -> int:
        """1-based page number holding a character offset."""
        page = 1
        for number, start in enumerate(self.page_offsets, start=1):
            if start <= offset:
                page = number
        return page

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]


def clean_line(line: str) -> str:
    """NFC, glyph bullets to '•', collapsed white space."""
    line = unicodedata.normalize("NFC", line)
    line = _PRIVATE_USE.sub(BULLET, line).replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", line).strip()


def _is_heading(line: str, headings: set[str]) -> bool:
    """A line the layout sets as a heading, unless a list mark opens it.

    A document may set some of a list's items in bold ("o cafearrangementer
    styrker ..."); read as headings, each swallowed the next item as its
    wrapped continuation, and the list became one long line. A numbered line
    stays a heading ("3. Budgetopfølgning ..." on an agenda).
    """
    return bool(line) and line in headings and not _MARKED.match(line)


def _is_page_number(line: str, index: int, count: int, page: int) -> bool:
    """A bare number on a page's first or last line is a page number, not content; so is the page's own
    number on a line of its own anywhere (extraction may place a header's number mid-page)."""
    if line == str(page):
        return True
    return (index == 0 or index == count - 1) and bool(re.fullmatch(r"(?:side\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?", line, re.I))


# Lines this close to a page's top or bottom may be running headers or footers.
_MARGIN_LINES = 2


def _furniture_key(line: str) -> str:
    """A margin line with its numbers blanked: "Side 2 af 4" and "Side 3 af 4" are the same footer."""
    return re.sub(r"\d+", "#", line.lower())


def running_furniture(pages: list[list[str]]) -> set[str]:
    """Keys of header and footer lines repeated in the margins of at least half the pages (two at least).

    Page furniture ("Søholm Kommune · Demenspolitik 2022-2025 Side 1 af 4")
    otherwise lands in the middle of a sentence that runs over the page
    break, and the answer would quote it. A repeat counts only on a page that
    also has a line that does not repeat: when every line of every page
    repeats (a one-line-per-page report, or pages alike), nothing tells the
    furniture from the content, and the text is kept rather than lost.
    """
    if len(pages) < 2:
        return set()
    margins: list[tuple[set[str], set[str]]] = []
    for lines in pages:
        filled = [line for line in lines if line]
        margin = filled[:_MARGIN_LINES] + filled[-_MARGIN_LINES:]
        margins.append(({_furniture_key(line) for line in filled}, {_furniture_key(line) for line in margin}))
    repeated = _repeated(margins, len(pages))
    with_body = [(keys, margin) for keys, margin in margins if keys - repeated]
    return _repeated(with_body, len(with_body)) & repeated


def _repeated(margins: list[tuple[set[str], set[str]]], pages: int) -> set[str]:
    """Margin keys found on at least half of ``pages`` (two at least)."""
    counts: dict[str, int] = {}
    for _keys, margin in margins:
        for key in margin:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n >= max(2, pages / 2)}


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?:;]\"?$|[.!?]”$", text))


def _join(previous: str, line: str) -> tuple[str, str]:
    """How to glue a wrapped line to the previous one: returns (new previous, separator)."""
    match = re.search(r"([^\W\d_])-$", previous)
    if match and line[:1].isalpha():
        first_word = line.split(" ", 1)[0].lower().strip(",")
        if first_word in _SUSPENDED_FOLLOWERS:
            return previous, " "
        if line[0].islower():
            return previous[:-1], ""
        return previous, ""
    return previous, " "


class _Builder:
    """Accumulates blocks while tracking offsets in the final text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []
        self.open: Block | None = None
        self.item_number = 0  # the number of the last block when it is a numbered item, else 0

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def new_block(self, kind: BlockKind, text: str, page: int, item_number: int = 0) -> int:
        """Start a block; returns the offset where its text starts. ``item_number``: a numbered item's number."""
        self.close()
        self.item_number = item_number
        if self.parts:
            self._append("\n")
        start = self.length
        self._append(text)
        self.open = Block(kind, start, self.length, page)
        return start

    def extend(self, line: str) -> int:
        """Continue the open block with a wrapped line; returns where the line starts."""
        assert self.open is not None
        previous = self.parts[-1]
        trimmed, separator = _join(previous, line)
        self.length -= len(previous) - len(trimmed)
        self.parts[-1] = trimmed
        self._append(separator)
        start = self.length
        self._append(line)
        self.open.end = self.length
        return start

    def close(self) -> None:
        if self.open is not None:
            self.blocks.append(self.open)
            self.open = None

    def text(self) -> str:
        return "".join(self.parts)


# Two or more figures (or a dash for none) in a row at the end of a line, optionally "i alt".
_FIGURE = r"(?:\d[\d.,]*(?:-\d[\d.,]*)?\s*%?|[–-])"
_ROW_END = re.compile(rf"(?<![\w.,])\d[\d.,]*(?:-\d[\d.,]*)?\s*%?(?:\s+{_FIGURE})+(?:\s+i alt)?\s*$")


def _ends_table_row(line: str) -> bool:
    """A table row as PDF extraction gives it: a label, then two or more figures at the end of the line.

    Rows must not be glued into one paragraph-long "sentence": each is a fact
    of its own ("Borgere i hverdagsrehabiliteringsforløb 19 58 120 i alt").
    """
    return bool(_ROW_END.search(line))


# A form's field: a label of up to four words, a colon, and its value ("Ansøgt beløb: kr. 375.000").
_FIELD = re.compile(r"^[A-ZÆØÅ][\w-]*(?: [\wæøå-]+){0,3}:\s+\S")


def _starts_new_paragraph(previous: str, line: str, wide: int, after_item: bool = False) -> bool:
    """A short line ending a sentence, followed by a capital, ends a paragraph; so does a table row, and so
    does a form's field before the next field.

    A list item need not end with a full stop: after a short item line, a
    capital starts the text after the list ("o styrket samspil ... for den
    ældre" / "Det foreslås at ..."), which quoted with the item read as one.
    A form's fields ("Projektperiode: …", "Ansøgt beløb: …") end in no full
    stop either; run together they made one "sentence" of every field.
    """
    if line[:1].isupper() and _ends_table_row(previous):
        return True
    if _FIELD.match(line) and (_FIELD.match(previous) or len(previous) < 0.75 * wide):
        return True
    return (_ends_sentence(previous) or after_item) and line[:1].isupper() and len(previous) < 0.75 * wide


def clean_document(raw: RawDocument, mask_personal_numbers: bool = True) -> CleanDocument:
    """Clean and structure a raw document (see module docstring)."""
    builder = _Builder()
    page_offsets: list[int] = []
    previous_line = ""
    masked_total = 0
    cleaned_pages = [
        [item for line in page.lines for item in split_run_together_items(clean_line(line))] for page in raw.pages
    ]
    furniture = running_furniture(cleaned_pages)
    for page, lines in zip(raw.pages, cleaned_pages):
        # Headings are matched after masking, so they must be masked the same way.
        headings = {_masked(h, mask_personal_numbers) for h in page.headings}
        wide = max((len(line) for line in lines), default=0)
        page_start: int | None = None
        for index, line in enumerate(lines):
            if _is_page_number(line, index, len(lines), page.number) or (line and _furniture_key(line) in furniture):
                continue
            if not line:
                if builder.open is not None and builder.open.kind != "heading":
                    builder.close()
                continue
            if mask_personal_numbers:
                line, masked = mask_cpr(line)
                masked_total += masked
            offset = _add_line(builder, line, previous_line, page.number, headings, wide)
            page_start = offset if page_start is None else page_start
            previous_line = line
        page_offsets.append(builder.length if page_start is None else page_start)
    builder.close()
    title = _masked(raw.title, mask_personal_numbers) if raw.title else None
    return CleanDocument(builder.text(), page_offsets, builder.blocks, masked_total, title)


# A mark that opens a line and may be repeated inside it for the next item: a glyph, or the letter "o"
# (no Danish word). Dashes are left out: inside a line they are punctuation.
_REPEATABLE_MARK = re.compile(r"^([•▪●◦‣]|o)\s")


def split_run_together_items(line: str) -> list[str]:
    """The items of a list that PDF extraction set on one line ("o møder … o samarbejder …"), else the line.

    A short list's items may sit close enough for the extraction to read them
    as one line; quoted whole, the list answers as one run-on item.
    """
    mark = _REPEATABLE_MARK.match(line)
    if mark is None:
        return [line]
    return re.split(rf"\s+(?={re.escape(mark.group(1))}\s)", line)


def _masked(text: str, mask: bool) -> str:
    return mask_cpr(text)[0] if mask else text


# A number opening a line: item "2. Handleplanen ..." or a wrapped "2. kvartal 2023".
_NUMBER_START = re.compile(r"^(\d{1,2})[.)]\s+(\S)")


def _wraps_before_ordinal(previous: str, number: int, word_start: str, item_number: int) -> bool:
    """The previous line was cut before an ordinal ("afsluttet i" / "2. kvartal 2023.", "den" / "28. september").

    PDF extraction breaks lines wherever the width ends, so a date or a quarter
    may open a line and read like item 2 of a numbered list; quoted as a list
    item, the sentence before it ends in "i". A numbered list starts at 1 and
    counts on by one from its previous item (``item_number``, 0 outside a
    numbered list), so a number out of that count, followed by a lower-case
    word after a line that ends mid-sentence, is the wrap of that sentence.
    """
    return word_start.islower() and not _ends_sentence(previous) and number != item_number + 1


def _add_line(builder: _Builder, line: str, previous: str, page: int, headings: set[str], wide: int) -> int:
    """Place one cleaned line: new heading, new list item, new paragraph or continuation."""
    bullet = _BULLET_START.match(line)
    continues = builder.open is not None and line[:1].islower() and not _ends_sentence(previous)
    if continues and builder.open is not None and builder.open.kind == "heading":
        # A bold run-in label ("Mål I 2019 afholdes ...") or a wrapped heading:
        # a lower-case next line shows the "heading" was really body text.
        if not _is_heading(line, headings):
            builder.open.kind = "paragraph"
        return builder.extend(line)
    if _is_heading(line, headings):
        return builder.new_block("heading", line, page)
    numbered = _NUMBER_START.match(line)
    number = int(numbered.group(1)) if numbered else 0
    if numbered and builder.open is not None and _wraps_before_ordinal(previous, number, numbered.group(2), builder.item_number):
        return builder.extend(line)
    if bullet:
        return builder.new_block("item", line, page, number)
    after_item = builder.open is not None and builder.open.kind == "item"
    if builder.open is None or builder.open.kind == "heading" or _starts_new_paragraph(previous, line, wide, after_item):
        return builder.new_block("paragraph", line, page)
    return builder.extend(line)
