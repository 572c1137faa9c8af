"""The FastAPI app factory: routers, Danish errors (OpenAI-shaped under /v1), the request guard, CORS, health."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ishoj_assistant.api import routes_answers, routes_documents, routes_openai
from ishoj_assistant.api.middleware import RequestGuard
from ishoj_assistant.api.schemas import Health
from ishoj_assistant.context import AppContext
from ishoj_assistant.services.access import FailureThrottle
from ishoj_assistant.services.jobs import runner_for
from ishoj_assistant.services.uploads import UploadRefused, clear_staging

_ECHO_CHARS = 80  # how much of a rejected value an error may quote back


def _echo(value: Any) -> Any:
    """A rejected input as it may be quoted back: cut off, and encodable (a lone surrogate becomes '?')."""
    if isinstance(value, str):
        short = value if len(value) <= _ECHO_CHARS else value[:_ECHO_CHARS] + "…"
        return short.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return _echo(repr(value))


def _message(error: dict[str, Any]) -> str:
    """One Danish sentence for one pydantic error."""
    loc = [part for part in error.get("loc", ()) if part != "body"]
    field = ".".join(str(part) for part in loc)
    kind = error.get("type")
    if kind == "json_invalid":
        return f"Forespørgslen er ikke gyldig JSON (fejl ved tegn {field or 0})"
    if kind == "missing" and not loc:
        return "Forespørgslen mangler en JSON-krop"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "string_unicode":
        return f"Feltet '{field}' indeholder ugyldige tegn"
    if kind == "missing":
        return f"Feltet '{field}' mangler"
    if kind == "extra_forbidden":
        return f"Feltet '{field}' findes ikke (se /docs for de felter, forespørgslen kan have)"
    return f"Ugyldig værdi i feltet '{field}'"


def _danish_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """One readable Danish sentence per problem instead of pydantic's English list, echoing
    at most a short prefix of the rejected input."""
    errors = [
        {"type": e.get("type"), "loc": list(e.get("loc", ())), "input": _echo(e.get("input"))} for e in exc.errors()
    ]
    detail = "; ".join(dict.fromkeys(_message(e) for e in exc.errors()))
    if routes_openai.serves(request.url.path):
        return routes_openai.error_response(400, detail)
    return JSONResponse(status_code=422, content={"detail": detail, "errors": errors})


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """OpenAI clients read errors as ``{"error": {...}}``; everywhere else FastAPI's ``detail`` stays."""
    if routes_openai.serves(request.url.path):
        return routes_openai.http_error_response(exc)
    return await http_exception_handler(request, exc)


def _upload_refused(request: Request, exc: UploadRefused) -> JSONResponse:
    return JSONResponse(status_code=exc.status, content={"detail": exc.reason})


def create_app(context: AppContext) -> FastAPI:
    """The API for one context; the UI is mounted on top of it by the serve command.

    ``/docs`` and ``/openapi.json`` stay open without a token: they describe the
    endpoints and hold no documents, tokens or settings (see docs/reliability.md).
    """
    app = FastAPI(
        title="Ishøj dokumentassistent",
        description="Svar med kildehenvisninger fra Ishøj Kommunes egne dokumenter.",
        version="0.1.0",
    )
    settings = context.settings
    clear_staging(context)
    app.state.context = context
    app.state.jobs = runner_for(context)
    app.add_exception_handler(RequestValidationError, _danish_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(UploadRefused, _upload_refused)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    # Always present, so the UI's own CORS middleware (which would reflect any localhost
    # origin) defers to it; with no origins configured only same-origin requests work.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
    )
    throttle = FailureThrottle(settings.auth_failure_limit, settings.auth_failure_window_s)
    app.add_middleware(RequestGuard, settings=settings, throttle=throttle)
    app.include_router(routes_answers.router)
    app.include_router(routes_documents.router)
    app.include_router(routes_openai.router)

    @app.get("/healthz", response_model=Health, tags=["drift"])
    def healthz() -> Health:
        return Health(
            status="ok",
            chunks=context.store.count(),
            documents=len(context.store.documents()),
            embedder=context.embedder.name,
            store_mode=settings.store_mode,
        )

    return app
