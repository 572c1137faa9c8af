"""The site's LLM, built from settings.

Generative answering is optional: a site without an LLM runs with
``llm_backend='none'`` and never imports the client libraries, which is why
the imports below are local to the builder functions.
"""

from __future__ import annotations

from llama_index.core.llms import LLM

from ishoj_assistant.settings import Settings

# Large enough for a question, a short history and ~8 passages of 250 words.
# Set explicitly because Ollama otherwise asks the server (/api/show) on every
# call and falls back to a 2048-token window that silently truncates sources.
CONTEXT_WINDOW = 8192

# Answers must repeat the sources, not be creative.
TEMPERATURE = 0.1

# One retry covers a dropped connection; more would keep a user waiting for
# several multiples of llm_timeout_s.
MAX_RETRIES = 1


def build_llm(settings: Settings) -> LLM | None:
    """The configured chat LLM, or None when the site runs without one."""
    if settings.llm_backend == "ollama":
        return _ollama(settings)
    if settings.llm_backend == "openai":
        return _openai_like(settings)
    return None


def openai_api_base(url: str) -> str:
    """``url`` with the ``/v1`` suffix OpenAI-compatible servers expect, added once."""
    base = url.rstrip("/")
    return base if base.endswith("/v1") else f"{base}/v1"


def _ollama(settings: Settings) -> LLM:
    from llama_index.llms.ollama import Ollama

    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else None
    return Ollama(
        model=settings.llm_model,
        base_url=settings.llm_url,
        request_timeout=settings.llm_timeout_s,
        context_window=CONTEXT_WINDOW,
        temperature=TEMPERATURE,
        headers=headers,
    )


def _openai_like(settings: Settings) -> LLM:
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.llm_model,
        api_base=openai_api_base(settings.llm_url),
        # Local OpenAI-compatible servers ignore the key, but the client refuses to start without one.
        api_key=settings.llm_api_key or "not-needed",
        is_chat_model=True,
        is_function_calling_model=False,
        context_window=CONTEXT_WINDOW,
        temperature=TEMPERATURE,
        timeout=settings.llm_timeout_s,
        max_retries=MAX_RETRIES,
    )
