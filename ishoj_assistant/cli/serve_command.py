"""`serve`: the API and the web UI in one uvicorn process.

Gradio reports usage to its vendor unless told not to before it is imported,
and this service must never phone home, so the variable is set here first.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from ishoj_assistant.context import AppContext
from ishoj_assistant.settings import get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def build_app(context: AppContext) -> "FastAPI":
    """The API under /api with the Gradio UI mounted at / (ui.app keeps Gradio's analytics off).

    The UI's temp folder is made private and swept before the UI exists (ui.security).
    """
    from ishoj_assistant.api import create_app
    from ui.security import start_sweeper, use_private_temp_dir

    use_private_temp_dir(context.settings)
    start_sweeper(context.settings)
    from ui.app import mount_ui

    return mount_ui(create_app(context), context)


def ensure_index(context: AppContext) -> None:
    """Index the shipped corpus on first start so the service is useful out of the box."""
    if context.store.count() > 0:
        return
    corpus = context.settings.corpus_dir
    if not corpus.is_dir():
        print(f"Indekset er tomt, og {corpus} findes ikke; upload dokumenter i brugerfladen.", file=sys.stderr)
        return
    print(f"Indekset er tomt; indekserer {corpus} (tager lidt tid første gang) ...", file=sys.stderr)
    report = context.indexer().ingest([corpus])
    print(f"{len(report.by_status('indexed'))} dokumenter indekseret.", file=sys.stderr)


def run_serve(args: argparse.Namespace) -> int:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import uvicorn

    from ishoj_assistant.api.security import InsecureBindError, check_bind

    base = get_settings()
    settings = base.model_copy(update={"host": args.host or base.host, "port": args.port or base.port})
    try:
        print(check_bind(settings, settings.host), file=sys.stderr)
    except InsecureBindError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    context = AppContext(settings)
    ensure_index(context)
    print(f"Åbn http://{settings.host}:{settings.port}/ (API-dokumentation på /docs)", file=sys.stderr)
    # A bounded graceful shutdown: open streams and UI heartbeats never hold SIGTERM up for long.
    uvicorn.run(
        build_app(context),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=settings.shutdown_timeout_s,
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser("serve", help="start API og brugerflade (standard 127.0.0.1:8000)")
    serve.add_argument("--host", help="adresse at lytte på (standard: ISHOJ_HOST eller 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (standard: ISHOJ_PORT eller 8000)")
    serve.set_defaults(handler=run_serve)
