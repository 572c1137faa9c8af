"""FastAPI dependencies over the shared access rules, and the bind check of `serve`.

Tokens are sent as ``Authorization: Bearer``. Without any token the service
is meant for one machine only, which is why :func:`check_bind` refuses a
non-loopback host in that case.
"""

from __future__ import annotations

import ipaddress

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ishoj_assistant.services.access import Refusal, admin_refusal, reader_refusal
from ishoj_assistant.settings import Settings

_bearer = HTTPBearer(auto_error=False)


class InsecureBindError(RuntimeError):
    """Serving beyond this machine was requested without tokens."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, host: str) -> str:
    """Raise unless binding to ``host`` is safe; return a Danish line describing the access mode."""
    if settings.reader_token and settings.admin_token:
        return "Adgang kræver token (læse- og administratortoken er sat)."
    if not is_loopback(host):
        raise InsecureBindError(
            f"Nægter at lytte på {host} uden adgangskontrol: sæt både ISHOJ_READER_TOKEN og "
            "ISHOJ_ADMIN_TOKEN, eller brug 127.0.0.1."
        )
    return "Ingen tokens sat: serveren lytter kun på denne maskine (127.0.0.1)."


def _settings(request: Request) -> Settings:
    return request.app.state.context.settings


def _raise(refusal: Refusal | None) -> None:
    if refusal:
        raise HTTPException(refusal[0], refusal[1], headers={"WWW-Authenticate": "Bearer"})


def require_reader(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    _raise(reader_refusal(_settings(request), credentials.credentials if credentials else ""))


def require_admin(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    _raise(admin_refusal(_settings(request), credentials.credentials if credentials else ""))


def may_administer(request: Request) -> bool:
    """Whether the request carries administrator rights (for files with CPR numbers)."""
    header = request.headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    return admin_refusal(_settings(request), given) is None
