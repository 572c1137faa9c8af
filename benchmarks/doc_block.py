"""Writing a benchmark's measured block into a hand-written document.

Benchmarks write their tables between two HTML comments in a doc under
docs/, so the prose around them stays as a person wrote it and a re-run
replaces only the figures.
"""

from __future__ import annotations

from pathlib import Path


def write_marked_block(doc: Path, block: str, start: str, end: str, heading: str, title: str = "") -> None:
    """Replace what stands between ``start`` and ``end`` in ``doc`` with ``block`` (which carries both
    markers). A doc without the markers gets ``heading`` and the block at its end; a missing doc
    starts with ``title``."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else title
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + heading + block + "\n"
    doc.write_text(text, encoding="utf-8")
