"""The Markdown footer of a /v1 reply: warnings and a short source list after the answer.

Chat front ends show only a message's content, so the sources must be in it.
They also send that content back as history on the next turn, where titles
and page numbers would be read as the topic of a follow-up; :func:`without_footer`
takes the footer off again, so a front end's history equals what the web UI
keeps (the answer text with its ``[n]`` markers).
"""

from __future__ import annotations

from ishoj_assistant.answering.export import SOURCES_HEADING
from ishoj_assistant.models import Answer, Citation

_HEADING = f"**{SOURCES_HEADING}**"
_WARNING = "*Bemærk: {}*"
_ENTRY = "- ["


def source_lines(citations: list[Citation]) -> list[str]:
    """One line per cited page, e.g. "- [1][3] Sundhedsstrategi, s. 4": short, since the quotes are in the text."""
    pages: dict[tuple[str, int], list[int]] = {}
    for citation in citations:
        pages.setdefault((citation.title, citation.page), []).append(citation.n)
    return [
        f"- {''.join(f'[{n}]' for n in numbers)} {title}, s. {page}"
        for (title, page), numbers in pages.items()
    ]


def footer(answer: Answer) -> str:
    """What follows the answer text: its warnings, then its sources; empty when it has neither."""
    blocks = []
    if answer.warnings:
        blocks.append("\n".join(_WARNING.format(warning) for warning in answer.warnings))
    if answer.citations:
        blocks.append("\n".join([_HEADING, *source_lines(answer.citations)]))
    return "".join(f"\n\n{block}" for block in blocks)


def with_footer(answer: Answer) -> str:
    """The reply content a chat front end shows."""
    return answer.text + footer(answer)


def without_footer(content: str) -> str:
    """An earlier reply as the answer text alone; content without a footer is returned trimmed."""
    body, heading, sources = content.rpartition(f"\n{_HEADING}\n")
    if heading and all(line.startswith(_ENTRY) for line in sources.strip().splitlines()):
        content = body
    lines = content.rstrip().splitlines()
    while lines and _is_warning(lines[-1]):
        lines.pop()
    return "\n".join(lines).rstrip()


def _is_warning(line: str) -> bool:
    prefix, _, suffix = _WARNING.partition("{}")
    return line.startswith(prefix) and line.endswith(suffix)
