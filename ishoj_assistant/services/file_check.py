"""Opening an uploaded file as ingestion will, in a child process with a time and page budget.

Parsing a crafted PDF can take seconds of CPU (or far more); in the server's
own process that froze every other request. A child process can be killed
when it overruns, and the server's threads stay free meanwhile. The child
prints one JSON line: ``{"reason": null}`` or ``{"reason": "<Danish reason>"}``.

Run as ``python -m ishoj_assistant.services.file_check PATH MAX_PAGES``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_UNEXPECTED = "filen kan ikke læses (uventet fejl i filens opbygning)"


def check_in_child(path: Path, max_pages: int, timeout_s: float) -> str | None:
    """None when the file will index, else a Danish reason; never blocks longer than ``timeout_s``."""
    command = [sys.executable, "-m", "ishoj_assistant.services.file_check", str(path), str(max_pages)]
    project_root = str(Path(__file__).resolve().parents[2])
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, cwd=project_root, check=False
        )
    except subprocess.TimeoutExpired:
        return f"kontrollen af filen tog mere end {timeout_s:g} s; filen er for tung at indeksere"
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])["reason"]
    except (IndexError, ValueError, KeyError, TypeError):
        return _UNEXPECTED


def _check(path: Path, max_pages: int) -> str | None:
    from ingest.loaders import UnreadableDocumentError, load_document

    try:
        load_document(path, max_pages)
    except UnreadableDocumentError as exc:
        return exc.reason
    except Exception:  # noqa: BLE001 - any other failure is the file's fault; its text is not for clients
        return _UNEXPECTED
    return None


if __name__ == "__main__":
    print(json.dumps({"reason": _check(Path(sys.argv[1]), int(sys.argv[2]))}, ensure_ascii=False))
