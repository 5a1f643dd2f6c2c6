"""Who is calling: the `Principal` every protected route receives, however the caller signed in.

API keys (`apikeys.py`) are the first way in; Microsoft Entra ID and local accounts come later and
produce the same `Principal`.
"""

from __future__ import annotations

from dataclasses import dataclass


class AuthError(Exception):
    """Credentials that do not identify anybody; `code` is stable (`invalid_api_key`, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    tenant_id: str
    role: str
    """"admin" or "member"."""
    auth_method: str
    """"api_key" (later also "entra", "local")."""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


__all__ = ["AuthError", "Principal"]
