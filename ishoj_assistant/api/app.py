"""The FastAPI app factory: routers, Danish errors (OpenAI-shaped under /v1), CORS, health."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ishoj_assistant.api import routes_answers, routes_documents, routes_openai
from ishoj_assistant.api.jobs import runner_for
from ishoj_assistant.api.schemas import Health
from ishoj_assistant.api.uploads import UploadRefused
from ishoj_assistant.context import AppContext


def _danish_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """One readable Danish sentence per problem instead of pydantic's English list."""
    messages = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        if error.get("type") == "value_error":
            messages.append(str(error["ctx"]["error"]))
        elif error.get("type") == "missing":
            messages.append(f"Feltet '{field}' mangler")
        else:
            messages.append(f"Ugyldig værdi i feltet '{field}'")
    if routes_openai.serves(request.url.path):
        return routes_openai.error_response(400, "; ".join(messages))
    errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
    return JSONResponse(status_code=422, content={"detail": "; ".join(messages), "errors": errors})


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """OpenAI clients read errors as ``{"error": {...}}``; everywhere else FastAPI's ``detail`` stays."""
    if routes_openai.serves(request.url.path):
        return routes_openai.http_error_response(exc)
    return await http_exception_handler(request, exc)


def _upload_refused(request: Request, exc: UploadRefused) -> JSONResponse:
    return JSONResponse(status_code=exc.status, content={"detail": exc.reason})


def create_app(context: AppContext) -> FastAPI:
    """The API for one context; the UI is mounted on top of it by the serve command."""
    app = FastAPI(
        title="Ishøj dokumentassistent",
        description="Svar med kildehenvisninger fra Ishøj Kommunes egne dokumenter.",
        version="0.1.0",
    )
    app.state.context = context
    app.state.jobs = runner_for(context)
    app.add_exception_handler(RequestValidationError, _danish_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(UploadRefused, _upload_refused)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    if context.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=context.settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
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
            store_mode=context.settings.store_mode,
        )

    return app
