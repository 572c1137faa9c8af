"""Background ingestion jobs with progress the UI and API can poll.

One worker thread: embedding already uses the machine's cores, and one
writer at a time keeps the store's version bookkeeping simple.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from ishoj_assistant.context import AppContext


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
    """Runs ingestion of given paths in the background and remembers the outcome."""

    def __init__(self, context: AppContext):
        self.context = context
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def submit(self, paths: list[Path], remove_missing: bool = False) -> Job:
        job = Job(uuid.uuid4().hex[:12], [p.name for p in paths])
        with self._lock:
            self._jobs[job.job_id] = job
        self._executor.submit(self._run, job, paths, remove_missing)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _progress_factory(self, job: Job) -> Callable[[int], Callable[[int], None]]:
        def factory(total: int) -> Callable[[int], None]:
            job.total += total

            def advance(n: int) -> None:
                job.done += n

            return advance

        return factory

    def _run(self, job: Job, paths: list[Path], remove_missing: bool) -> None:
        job.status = "running"
        try:
            report = self.context.indexer(self._progress_factory(job)).ingest(paths, remove_missing=remove_missing)
        except Exception as exc:  # noqa: BLE001 - any failure must reach the poller, not vanish in the thread
            job.error = f"Indekseringen fejlede: {exc}"
            job.status = "failed"
            return
        job.results = [
            {k: v for k, v in asdict(r).items() if k in ("file", "status", "doc_id", "chunks", "reason")}
            for r in report.results
        ]
        job.status = "done"


_RUNNERS: "weakref.WeakKeyDictionary[AppContext, JobRunner]" = weakref.WeakKeyDictionary()
_RUNNERS_LOCK = threading.Lock()


def runner_for(context: AppContext) -> JobRunner:
    """The one job runner of a context, shared by the API and the UI so uploads queue behind each other."""
    with _RUNNERS_LOCK:
        if context not in _RUNNERS:
            _RUNNERS[context] = JobRunner(context)
        return _RUNNERS[context]
