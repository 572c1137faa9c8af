"""Who may do what: reading (search, ask, documents, files) vs administering.

Tokens come from the settings. Every comparison is constant-time, and failed
attempts are counted per client so a token cannot be guessed at full speed.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque

from ishoj_assistant.settings import Settings

Refusal = tuple[int, str]


def same_token(given: str, expected: str | None) -> bool:
    """Constant-time comparison, so response times reveal nothing about the token."""
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def reader_refusal(settings: Settings, given: str) -> Refusal | None:
    """None when ``given`` may read: open without a reader token, else the reader or admin token."""
    if settings.reader_token is None or same_token(given, settings.reader_token) or same_token(given, settings.admin_token):
        return None
    return 401, "Manglende eller forkert token"


def admin_refusal(settings: Settings, given: str) -> Refusal | None:
    """None when ``given`` may administer, else (HTTP status, Danish reason).

    Administration is open only in the token-less, local-only mode.
    """
    if settings.reader_token is None and settings.admin_token is None:
        return None
    if settings.admin_token is None:
        return 403, "Administration er slået fra: sæt ISHOJ_ADMIN_TOKEN"
    if same_token(given, settings.admin_token):
        return None
    if same_token(given, settings.reader_token):
        return 403, "Kræver administratortoken"
    return 401, "Manglende eller forkert administratortoken"


def login_ok(settings: Settings, password: str) -> bool:
    """The web UI's login: the reader or the admin token (any user name)."""
    return reader_refusal(settings, password) is None


class FailureThrottle:
    """Counts failed logins/tokens per client and blocks a client that fails too often.

    ``limit`` failures within ``window_s`` seconds block the client until the
    oldest of them is older than the window.
    """

    def __init__(self, limit: int, window_s: float):
        self.limit = limit
        self.window_s = window_s
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures[client]
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again (0 = not blocked)."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if len(failures) < self.limit:
                return 0
            return max(1, int(self.window_s - (now - failures[0])) + 1)

    def record_failure(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
