"""The guard in front of every route, the web UI's included: throttling and body limits.

It runs before any body is read, so an unauthorised or oversized upload costs
the server nothing: failed tokens and logins are counted per client (429 once
too many), ``POST /api/documents`` is refused without the administrator token,
and a body larger than its limit is refused on its ``Content-Length`` or, when
that is missing or lies, as soon as the streamed bytes pass the limit.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ishoj_assistant.services.access import FailureThrottle, admin_refusal
from ishoj_assistant.settings import Settings

API_UPLOAD = "/api/documents"
UI_UPLOAD_SUFFIX = "/gradio_api/upload"
_MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and headers around the file


class _BodyTooLarge(Exception):
    """Raised from ``receive`` when the streamed body passes its limit."""


async def send_json(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    """A complete JSON error response, in the API's ``{"detail": ...}`` shape."""
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _bearer(headers: Headers) -> str:
    value = headers.get("authorization", "")
    return value[7:] if value.lower().startswith("bearer ") else ""


class RequestGuard:
    """Pure ASGI middleware (see module docstring); ``throttle`` is shared by the whole app."""

    def __init__(self, app: ASGIApp, settings: Settings, throttle: FailureThrottle):
        self.app = app
        self.settings = settings
        self.throttle = throttle

    def _limit(self, scope: Scope) -> tuple[int, str]:
        """Byte limit of this request's body and the Danish refusal that names it."""
        path = scope["path"]
        if scope["method"] == "POST" and (path == API_UPLOAD or path.endswith(UI_UPLOAD_SUFFIX)):
            mb = self.settings.max_upload_mb
            return mb * 1024 * 1024 + _MULTIPART_OVERHEAD, f"Filen er for stor (højst {mb} MB)"
        kb = self.settings.max_request_kb
        return kb * 1024, f"Forespørgslen er for stor (højst {kb} kB)"

    def _is_failure(self, scope: Scope, status: int) -> bool:
        login = scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/login")
        return status == 401 or (login and status == 400)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?",))[0]
        headers = Headers(scope=scope)
        wait = self.throttle.retry_after(client)
        if wait and scope["path"] != "/healthz":
            reason = f"For mange mislykkede forsøg med token eller login; prøv igen om {wait} s"
            await send_json(send, 429, reason, {"retry-after": str(wait)})
            return
        if scope["method"] == "POST" and scope["path"] == API_UPLOAD:
            refusal = admin_refusal(self.settings, _bearer(headers))
            if refusal:
                if refusal[0] == 401:
                    self.throttle.record_failure(client)
                await send_json(send, refusal[0], refusal[1], {"www-authenticate": "Bearer"})
                return
        limit, too_large = self._limit(scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await send_json(send, 413, too_large)
            return
        await self._guarded(scope, receive, send, client, limit, too_large)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, client: str, limit: int, too_large: str) -> None:
        received = 0
        exceeded = started = False

        async def capped_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own reaction to the cut-off body is replaced by the 413 below
            if message["type"] == "http.response.start":
                started = True
                if self._is_failure(scope, message["status"]):
                    self.throttle.record_failure(client)
            await send(message)

        try:
            await self.app(scope, capped_receive, watched_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await send_json(send, 413, too_large)
