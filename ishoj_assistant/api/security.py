"""Who may do what: reading (search, ask, documents, files) vs administering.

Tokens come from the settings and are sent as ``Authorization: Bearer``.
Without any token the service is meant for one machine only, which is why
:func:`check_bind` refuses a non-loopback host in that case.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


def _same(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def _settings(request: Request) -> Settings:
    return request.app.state.context.settings


def require_reader(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    """Reading is open when no reader token is set; otherwise the reader or admin token."""
    settings = _settings(request)
    if settings.reader_token is None:
        return
    given = credentials.credentials if credentials else ""
    if not (_same(given, settings.reader_token) or _same(given, settings.admin_token)):
        raise HTTPException(401, "Manglende eller forkert token", headers={"WWW-Authenticate": "Bearer"})


def admin_refusal(settings: Settings, given: str) -> tuple[int, str] | None:
    """None when ``given`` may administer, else (HTTP status, Danish reason); shared by API and UI.

    Administration is open only in the token-less, local-only mode.
    """
    if settings.reader_token is None and settings.admin_token is None:
        return None
    if settings.admin_token is None:
        return 403, "Administration er slået fra: sæt ISHOJ_ADMIN_TOKEN"
    if _same(given, settings.admin_token):
        return None
    if _same(given, settings.reader_token):
        return 403, "Kræver administratortoken"
    return 401, "Manglende eller forkert administratortoken"


def require_admin(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    refusal = admin_refusal(_settings(request), credentials.credentials if credentials else "")
    if refusal:
        raise HTTPException(refusal[0], refusal[1], headers={"WWW-Authenticate": "Bearer"})
