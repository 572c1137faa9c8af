"""Background ingestion jobs with progress the UI and API can poll, durable across restarts.

One worker thread: embedding already uses the machine's cores, and one
writer at a time keeps the store's version bookkeeping simple.

Every accepted job is a row in ``<data_dir>/jobs.sqlite3`` before the client
hears its id. A process that starts finds the jobs a dead process left
queued or running and runs them again (ingestion is idempotent), or marks
them failed with a reason when their files are gone, so an accepted upload is
never silently lost and its job id never turns into a 404.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from ishoj_assistant.context import AppContext
from ishoj_assistant.services import uploads

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    paths TEXT NOT NULL,
    remove_missing INTEGER NOT NULL,
    status TEXT NOT NULL,
    owner_pid INTEGER NOT NULL,
    results TEXT NOT NULL DEFAULT '[]',
    error TEXT
)
"""
_PENDING = ("queued", "running")
_RESULT_KEYS = ("file", "status", "doc_id", "chunks", "reason")


@dataclass
class Job:
    job_id: str
    files: list[str]
    status: str = "queued"
    total: int = 0
    done: int = 0
    results: list[dict[str, object]] = field(default_factory=list)
    error: str | None = None

    @property
    def progress(self) -> float:
        if self.status == "done":
            return 1.0
        return self.done / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "status": self.status,
            "progress": round(self.progress, 4),
            "files": self.files,
            "results": self.results,
            "error": self.error,
        }


class JobRunner:
    """Runs ingestion of given paths in the background and remembers the outcome in SQLite."""

    def __init__(self, context: AppContext):
        self.context = context
        self._db_path = context.settings.data_dir / "jobs.sqlite3"
        self._db_path.parent.mkdir(parents=True, exist_ok=True)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        with closing(self._db()) as db:
            db.execute(_SCHEMA)
        self._resume()

    def _db(self) -> sqlite3.Connection:
        # A connection per use: the worker thread and request threads both write.
        return sqlite3.connect(self._db_path, timeout=30, isolation_level=None)

    def _save(self, job: Job) -> None:
        with closing(self._db()) as db:
            db.execute(
                "UPDATE jobs SET status=?, results=?, error=? WHERE job_id=?",
                (job.status, json.dumps(job.results, ensure_ascii=False), job.error, job.job_id),
            )

    def submit(self, paths: list[Path], remove_missing: bool = False) -> Job:
        job = Job(uuid.uuid4().hex[:12], [p.name for p in paths])
        with closing(self._db()) as db:
            db.execute(
                "INSERT INTO jobs (job_id, paths, remove_missing, status, owner_pid) VALUES (?, ?, ?, ?, ?)",
                (job.job_id, json.dumps([str(p) for p in paths]), int(remove_missing), job.status, os.getpid()),
            )
        self._start(job, paths, remove_missing)
        return job

    def _start(self, job: Job, paths: list[Path], remove_missing: bool) -> None:
        with self._lock:
            self._jobs[job.job_id] = job
        self._executor.submit(self._run, job, paths, remove_missing)

    def get(self, job_id: str) -> Job | None:
        """This process's job, or one another (possibly dead) process recorded."""
        with self._lock:
            if job_id in self._jobs:
                return self._jobs[job_id]
        with closing(self._db()) as db:
            row = db.execute("SELECT paths, status, results, error FROM jobs WHERE job_id=?", (job_id,)).fetchone()
        if row is None:
            return None
        files = [Path(p).name for p in json.loads(row[0])]
        return Job(job_id, files, row[1], results=json.loads(row[2]), error=row[3])

    def pending_paths(self) -> set[Path]:
        """Files of every queued or running job, of any process: they must not be pruned."""
        with closing(self._db()) as db:
            rows = db.execute("SELECT paths FROM jobs WHERE status IN (?, ?)", _PENDING).fetchall()
        return {Path(p) for (paths,) in rows for p in json.loads(paths)}

    def _resume(self) -> None:
        """Take over the pending jobs of processes that died; run them again or fail them visibly."""
        with closing(self._db()) as db:
            rows = db.execute(
                "SELECT job_id, paths, remove_missing, owner_pid FROM jobs WHERE status IN (?, ?)", _PENDING
            ).fetchall()
            for job_id, raw_paths, remove_missing, owner in rows:
                if owner == os.getpid() or uploads.process_alive(owner):
                    continue
                claimed = db.execute(
                    "UPDATE jobs SET owner_pid=?, status='queued' WHERE job_id=? AND owner_pid=?",
                    (os.getpid(), job_id, owner),
                ).rowcount
                if not claimed:
                    continue
                paths = [Path(p) for p in json.loads(raw_paths)]
                job = Job(job_id, [p.name for p in paths])
                if all(p.exists() for p in paths):
                    logger.warning("Genoptager job %s, som en stoppet proces ikke nåede at fuldføre", job_id)
                    self._start(job, paths, bool(remove_missing))
                else:
                    job.status, job.error = "failed", "Jobbet blev afbrudt af en genstart, og filen findes ikke længere"
                    self._save(job)

    def _progress_factory(self, job: Job) -> Callable[[int], Callable[[int], None]]:
        def factory(total: int) -> Callable[[int], None]:
            job.total += total

            def advance(n: int) -> None:
                job.done += n

            return advance

        return factory

    def _run(self, job: Job, paths: list[Path], remove_missing: bool) -> None:
        job.status = "running"
        self._save(job)
        try:
            report = self.context.indexer(self._progress_factory(job)).ingest(paths, remove_missing=remove_missing)
            job.results = [{k: v for k, v in asdict(r).items() if k in _RESULT_KEYS} for r in report.results]
            job.status = "done"
        except Exception:  # noqa: BLE001 - any failure must reach the poller, not vanish in the thread
            logger.exception("Job %s fejlede", job.job_id)
            job.error = "Indekseringen fejlede uventet; se serverens log"
            job.status = "failed"
        self._save(job)
        uploads.prune_versions(self.context, self.pending_paths())


_RUNNERS: "weakref.WeakKeyDictionary[AppContext, JobRunner]" = weakref.WeakKeyDictionary()
_RUNNERS_LOCK = threading.Lock()


def runner_for(context: AppContext) -> JobRunner:
    """The one job runner of a context, shared by the API and the UI so uploads queue behind each other."""
    with _RUNNERS_LOCK:
        if context not in _RUNNERS:
            _RUNNERS[context] = JobRunner(context)
        return _RUNNERS[context]
