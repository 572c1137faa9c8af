"""Protections around the Gradio UI that live outside the UI's layout code.

* Its file component uploads to Gradio's temp folder before any handler runs,
  so a file with CPR numbers would sit there, fetchable by any logged-in
  reader. The folder is made private to this data directory, emptied on
  start, each file is deleted once the upload handler has staged it, and a
  sweeper deletes files nobody submitted.
* Its login compares tokens in constant time (the API's access rules).

The body limit of Gradio's upload route and the failed-login throttle are
in the request guard in front of the whole app (ishoj_assistant.api.middleware).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ishoj_assistant.services.access import login_ok
from ishoj_assistant.settings import Settings

SWEEP_EVERY_S = 60.0
UNSUBMITTED_MAX_AGE_S = 600.0


def use_private_temp_dir(settings: Settings) -> Path:
    """Point Gradio at an empty temp folder in the data directory (call before the UI is built)."""
    folder = settings.ui_temp_dir
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def discard_ui_upload(settings: Settings, path: Path) -> None:
    """Delete a file the UI received once it is staged (only inside the UI's temp folder)."""
    folder = settings.ui_temp_dir.resolve()
    resolved = path.resolve()
    if folder in resolved.parents:
        resolved.unlink(missing_ok=True)
        if resolved.parent != folder and not any(resolved.parent.iterdir()):
            resolved.parent.rmdir()


def sweep(settings: Settings, max_age_s: float = UNSUBMITTED_MAX_AGE_S) -> int:
    """Delete UI temp files older than ``max_age_s`` (picked in the browser but never submitted)."""
    cutoff = time.time() - max_age_s
    old = [p for p in settings.ui_temp_dir.rglob("*") if p.is_file() and p.stat().st_mtime < cutoff]
    for path in old:
        discard_ui_upload(settings, path)
    return len(old)


def start_sweeper(settings: Settings) -> threading.Thread:
    """Run :func:`sweep` every minute in a daemon thread for the life of the process."""

    def loop() -> None:
        while True:
            time.sleep(SWEEP_EVERY_S)
            sweep(settings)

    thread = threading.Thread(target=loop, name="ui-temp-sweeper", daemon=True)
    thread.start()
    return thread


def login(settings: Settings) -> Callable[[str, str], bool] | None:
    """Gradio's auth function: any user name with the reader or admin token; None = no login."""
    if settings.reader_token is None:
        return None
    return lambda _user, password: login_ok(settings, password)
