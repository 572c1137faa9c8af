"""Saved conversations, kept in the browser's storage (one list per browser).

A conversation is plain JSON: an id, a title and its turns. A turn holds the
question and the answer's text, citations and notes rather than rendered HTML,
so a conversation reopened from storage is rendered (and escaped) anew by
:mod:`ui.rendering`; nothing in the browser's storage is trusted as markup.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ishoj_assistant.models import Answer, SearchFilters

MAX_SAVED = 50  # oldest conversations beyond this are dropped, so browser storage stays small
TITLE_CHARS = 60
STORAGE_KEY = "ishoj-samtaler"
NEW_TITLE = "Ny samtale"

Conversation = dict[str, Any]
Turn = dict[str, Any]


def storage_secret(data_dir: Path) -> str:
    """The key Gradio encrypts the browser's copy with, kept in the data directory.

    Gradio draws a new random key at every start by default, which would make
    every saved conversation unreadable after a server restart.
    """
    path = data_dir / "browser-state.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def new_conversation() -> Conversation:
    return {"id": uuid.uuid4().hex, "title": NEW_TITLE, "turns": []}


def make_turn(question: str, answer: Answer, filters: SearchFilters | None, filter_hint: str = "") -> Turn:
    """What is kept of one question and its answer."""
    return {
        "question": question,
        "answer": answer.text,
        "declined": answer.declined,
        "mode": answer.mode,
        "citations": [{**c.as_dict(), "context": c.context} for c in answer.citations],
        "related": [p.as_dict() for p in answer.related],
        "warnings": list(answer.warnings),
        "resolved_question": answer.resolved_question,
        "filters": {"doc_type": filters.doc_type, "year": filters.year} if filters else {},
        "filter_hint": filter_hint,
    }


def history(conversation: Mapping[str, Any]) -> list[dict[str, str]]:
    """The conversation as the assistant reads it, for follow-up questions."""
    turns: list[dict[str, str]] = []
    for turn in conversation["turns"]:
        turns += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": turn["answer"]}]
    return turns


def with_turn(conversation: Conversation, turn: Turn) -> Conversation:
    """The conversation with one more turn; a new one is named after its first question."""
    title = conversation["title"]
    if not conversation["turns"]:
        question = " ".join(turn["question"].split())
        title = question if len(question) <= TITLE_CHARS else question[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + " …"
    return {**conversation, "title": title, "turns": [*conversation["turns"], turn]}


def saved_list(saved: Any) -> list[Conversation]:
    """The stored list, or an empty one when the browser holds nothing usable."""
    if not isinstance(saved, list):
        return []
    return [c for c in saved if isinstance(c, dict) and {"id", "title", "turns"} <= c.keys()]


def store(saved: Any, conversation: Conversation) -> list[Conversation]:
    """Put the conversation first in the list (replacing its older copy); empty ones are not kept."""
    others = [c for c in saved_list(saved) if c["id"] != conversation["id"]]
    return ([conversation] if conversation["turns"] else []) + others[: MAX_SAVED - 1]


def find(saved: Any, conversation_id: str | None) -> Conversation | None:
    return next((c for c in saved_list(saved) if c["id"] == conversation_id), None)


def rename(saved: Any, conversation_id: str, title: str) -> list[Conversation]:
    title = " ".join(title.split())[:TITLE_CHARS]
    return [{**c, "title": title} if c["id"] == conversation_id and title else c for c in saved_list(saved)]


def delete(saved: Any, conversation_id: str) -> list[Conversation]:
    return [c for c in saved_list(saved) if c["id"] != conversation_id]


def choices(saved: Sequence[Conversation]) -> list[tuple[str, str]]:
    """(label, id) pairs for the list of saved conversations, newest first."""
    return [(c["title"], c["id"]) for c in saved]
