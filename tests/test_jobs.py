"""Durable jobs: a job a dead process left behind is taken over, never silently lost."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from ishoj_assistant.context import AppContext
from ishoj_assistant.services.jobs import JobRunner
from tests.conftest import make_settings


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_dead_processs_job_whose_file_is_gone_fails_visibly(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir))
    JobRunner(context)  # creates the table
    with closing(sqlite3.connect(context.settings.data_dir / "jobs.sqlite3", isolation_level=None)) as db:
        db.execute(
            "INSERT INTO jobs (job_id, paths, remove_missing, status, owner_pid) VALUES (?, ?, 0, 'running', ?)",
            ("afbrudt", json.dumps([str(tmp_path / "forsvundet.pdf")]), _dead_pid()),
        )
    job = JobRunner(context).get("afbrudt")
    assert job is not None and job.status == "failed"
    assert job.error is not None and "genstart" in job.error
