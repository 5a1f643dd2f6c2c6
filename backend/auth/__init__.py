"""Who is calling: the `Principal` every protected route receives, however the caller signed in.

Three ways in resolve to the same `Principal` (in `backend.api.deps.current_user`): an API key
(`apikeys.py`), a Microsoft Entra ID access token (`entra.py`) or a token of the server's own local
accounts (`local.py`); both kinds of bearer token go through one validator (`tokens.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN, ATTORNEY, VIEWER = "admin", "attorney", "viewer"
ROLE_RANK = {VIEWER: 0, ATTORNEY: 1, ADMIN: 2}
"""admin (users, rule settings, API keys) > attorney (check, draft, batch) > viewer (read only)."""


class AuthError(Exception):
    """Credentials that do not identify anybody, or not well enough, or an identity operation that
    cannot be done; `code` is stable (`invalid_api_key`, `invalid_token`, `token_expired`, ...).
    `status` is the HTTP status (mostly 401 or 403); `challenge` the `WWW-Authenticate` value a
    client needs to recover (RFC 6750), if any; `retry_after` seconds for 429."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 401,
        challenge: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.challenge = challenge
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        headers = {"WWW-Authenticate": self.challenge} if self.challenge else {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str | None
    """None for a service API key (a key of the tenant, not of a person)."""
    tenant_id: str
    role: str
    """"admin", "attorney" or "viewer"."""
    auth_method: str
    """"api_key", "entra" or "local"."""
    api_key_prefix: str | None = None
    session_id: str | None = None
    """The local sign-in session (refresh-token family) a local access token belongs to."""

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def can_write(self) -> bool:
        """Attorneys and admins check, draft and run batches; viewers only read."""
        return ROLE_RANK.get(self.role, -1) >= ROLE_RANK[ATTORNEY]


def lower_role(a: str, b: str) -> str:
    return a if ROLE_RANK.get(a, -1) <= ROLE_RANK.get(b, -1) else b


__all__ = ["ADMIN", "ATTORNEY", "ROLE_RANK", "VIEWER", "AuthError", "Principal", "lower_role"]
