"""The HTTP API: one FastAPI app per AppContext (see :func:`create_app`)."""

from ishoj_assistant.api.app import create_app

__all__ = ["create_app"]
