"""`ask`: answer a question (or draft application text) from the indexed documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ishoj_assistant.answering.export import draft_to_docx, draft_to_markdown, source_line
from ishoj_assistant.context import AppContext
from ishoj_assistant.models import Answer


def format_answer(answer: Answer) -> str:
    """The answer, its warnings and its numbered sources (or related passages) as console text."""
    lines = [answer.text, ""]
    lines += [f"Bemærk: {w}" for w in answer.warnings]
    if answer.citations:
        lines.append("Kilder:")
        lines += [f"  [{c.n}] {source_line(c)}" for c in answer.citations]
    if answer.related:
        lines.append("Måske relevant:")
        lines += [f"  - {p.title}, s. {p.page}: {p.text[:160].strip()} …" for p in answer.related]
    return "\n".join(lines).rstrip() + "\n"


def run_ask(args: argparse.Namespace) -> int:
    answer = AppContext().assistant.answer(args.question, mode="draft" if args.draft else "answer")
    sys.stdout.write(format_answer(answer))
    if args.docx:
        Path(args.docx).write_bytes(draft_to_docx(answer))
        print(f"Gemt: {args.docx}")
    if args.md:
        Path(args.md).write_text(draft_to_markdown(answer), encoding="utf-8")
        print(f"Gemt: {args.md}")
    return 1 if answer.declined else 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("ask", help="Stil et spørgsmål eller få et udkast med kilder.")
    parser.add_argument("question", help="Spørgsmålet eller udkast-anmodningen.")
    parser.add_argument("--draft", action="store_true", help="Skriv et udkast til en ansøgning.")
    parser.add_argument("--docx", help="Gem svaret/udkastet som Word-fil.")
    parser.add_argument("--md", help="Gem svaret/udkastet som Markdown-fil.")
    parser.set_defaults(handler=run_ask)
