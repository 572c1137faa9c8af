"""Section-aware chunking on sentence boundaries.

A chunk is what a citation points to and what the embedder sees, so:

* it never ends mid-sentence (units are whole sentences or list items);
* it stays inside its section while the section is large enough, and tiny
  sections join a neighbour instead of becoming useless fragments;
* list items stay with the sentence that introduces them;
* consecutive chunks share a little overlap so a fact at a border is found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ingest.cleaning import Block, CleanDocument
from ishoj_assistant.models import SECTION_SEPARATOR
from ishoj_assistant.sentences import sentence_spans


@dataclass(frozen=True)
class ChunkingConfig:
    min_words: int = 120
    max_words: int = 250
    overlap_words: int = 25


@dataclass(frozen=True)
class Unit:
    """A sentence, list item or heading: the smallest piece a chunk is built of."""

    start: int
    end: int
    words: int
    section: str
    kind: str
    glued_to_next: bool = False  # a lead-in sentence ("... følgende:") keeps its list


@dataclass(frozen=True)
class ChunkSpan:
    start: int
    end: int
    section: str
    page_start: int
    page_end: int
    headings: tuple[tuple[int, int], ...] = ()  # the layout's heading lines inside the chunk (document offsets)


def _block_kinds(doc: CleanDocument) -> list[str]:
    """Block kinds, with bold lines right after a lead-in ("... i følgende politikker:") read as list items.

    The PDF sets such list items in bold, so they look like headings; as
    headings they would start new sections and part the list from its lead-in.
    The whole run of bold lines up to the next paragraph counts as the list.
    """
    kinds: list[str] = []
    after_lead_in = False
    for block in doc.blocks:
        kind = block.kind
        if kind == "heading" and after_lead_in:
            kind = "item"
        else:
            after_lead_in = kind == "paragraph" and doc.block_text(block).rstrip().endswith(":")
        kinds.append(kind)
    return kinds




def _recurring_headings(doc: CleanDocument, kinds: list[str]) -> set[str]:
    """Headings a document uses more than once ("Mål", "Status", "Økonomi").

    A yearly note repeats the same role headings under every initiative; alone
    they say nothing about which initiative a passage is on, so they are read
    as sub-headings of the topic heading before them.
    """
    seen: Counter[str] = Counter(
        doc.block_text(block).casefold() for block, kind in zip(doc.blocks, kinds) if kind == "heading"
    )
    return {text for text, count in seen.items() if count > 1}


def _units(doc: CleanDocument) -> list[Unit]:
    units: list[Unit] = []
    topic = section = ""
    blocks: list[Block] = doc.blocks
    kinds = _block_kinds(doc)
    recurring = _recurring_headings(doc, kinds)
    for index, (block, kind) in enumerate(zip(blocks, kinds)):
        text = doc.block_text(block)
        if kind == "heading":
            if text.casefold() in recurring:
                section = f"{topic}{SECTION_SEPARATOR}{text}" if topic else text
            else:
                topic = section = text
            units.append(Unit(block.start, block.end, len(text.split()), section, "heading", glued_to_next=True))
            continue
        spans = [(block.start, block.end)] if kind == "item" else [
            (block.start + s, block.start + e) for s, e in sentence_spans(text)
        ]
        next_is_item = index + 1 < len(blocks) and kinds[index + 1] == "item"
        for position, (start, end) in enumerate(spans):
            last = position == len(spans) - 1
            lead_in = last and next_is_item and kind == "paragraph"
            units.append(Unit(start, end, len(doc.text[start:end].split()), section, kind, glued_to_next=lead_in))
    return units


def _groups(units: list[Unit]) -> list[list[Unit]]:
    """Units that must stay together: a heading or lead-in with what follows it.

    A list's items stay with their lead-in as long as the group fits in a chunk;
    a longer list continues in the next chunk.
    """
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        current.append(unit)
        if not unit.glued_to_next:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _section_of(units: list[Unit]) -> str:
    """The section path the chunk's first sentence stands under.

    Headings inside the chunk are in its text already; the one a chunk that
    begins mid-section lacks is the heading it continues, so that one is what
    search and citations are told.
    """
    body = next((unit for unit in units if unit.kind != "heading"), units[0])
    return body.section


def _overlap(units: list[Unit], budget: int) -> list[Unit]:
    """Trailing whole sentences of a chunk, at most ``budget`` words."""
    taken: list[Unit] = []
    words = 0
    for unit in reversed(units):
        if unit.kind == "heading" or words + unit.words > budget:
            break
        taken.insert(0, unit)
        words += unit.words
    return taken


def chunk_document(doc: CleanDocument, config: ChunkingConfig) -> list[ChunkSpan]:
    """Cut a cleaned document into chunk spans (see module docstring)."""
    chunks: list[list[Unit]] = []
    current: list[Unit] = []
    fresh = 0  # words in ``current`` that are not overlap from the previous chunk

    def emit() -> None:
        nonlocal current, fresh
        if fresh:
            chunks.append(current)
            current = _overlap(current, config.overlap_words)
        fresh = 0

    for group in _groups(_units(doc)):
        size = sum(u.words for u in group)
        words = sum(u.words for u in current)
        starts_section = group[0].kind == "heading"
        if fresh and (words + size > config.max_words or (starts_section and words >= config.min_words)):
            emit()
            if starts_section:
                current = []
        for unit in group:
            if fresh and sum(u.words for u in current) + unit.words > config.max_words:
                emit()  # a group longer than a chunk: continue it in the next one
            current.append(unit)
            fresh += unit.words
    emit()
    return [_span(doc, units) for units in _merge_tiny(chunks, config.min_words // 3)]


def _merge_tiny(chunks: list[list[Unit]], tiny: int) -> list[list[Unit]]:
    """Join chunks of fewer than ``tiny`` words to their neighbour (a lone heading, a last line)."""
    merged: list[list[Unit]] = []
    for units in chunks:
        if merged and (sum(u.words for u in units) < tiny or sum(u.words for u in merged[-1]) < tiny):
            seen = {u.start for u in merged[-1]}
            merged[-1] = merged[-1] + [u for u in units if u.start not in seen]
        else:
            merged.append(units)
    return merged


def _span(doc: CleanDocument, units: list[Unit]) -> ChunkSpan:
    return (
        ChunkSpan(
            start=units[0].start,
            end=units[-1].end,
            section=_section_of(units),
            page_start=doc.page_at(units[0].start),
            page_end=doc.page_at(units[-1].end - 1),
            headings=tuple((unit.start, unit.end) for unit in units if unit.kind == "heading"),
        )
    )
