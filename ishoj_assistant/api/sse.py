"""Server-sent events, as written by both streaming endpoints (/api/ask/stream and /v1)."""

from __future__ import annotations

import json


def sse_event(data: object, name: str | None = None) -> str:
    """One event with ``data`` as JSON; Danish letters stay readable for anyone tailing the stream."""
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"
