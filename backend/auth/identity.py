"""`Identity`: one per app (`app.state.identity`), built without I/O; keys, OpenID metadata and
MSAL apps are made on first use. `authenticate_bearer` turns a bearer token into a `Principal`:
Entra ID tokens when `PATENTPANE_AUTH=entra`, the server's own tokens when `local`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from backend.auth import AuthError, Principal
from backend.auth.local import LocalAuth, local_principal
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.auth.entra import EntraVerifier
    from backend.auth.obo import OboBroker


class Identity:
    def __init__(self, settings: Settings) -> None:
        if settings.auth == "entra" and not (settings.entra_client_id and settings.allowed_tenants):
            raise ValueError(
                "PATENTPANE_AUTH=entra needs PATENTPANE_ENTRA_CLIENT_ID and PATENTPANE_ENTRA_ALLOWED_TENANTS"
            )
        self.settings = settings
        self.local = LocalAuth.from_settings(settings)
        self._lock = threading.Lock()
        self._entra: EntraVerifier | None = None
        self._obo: OboBroker | None = None

    @property
    def entra(self) -> EntraVerifier:
        with self._lock:
            if self._entra is None:
                from backend.auth.entra import EntraVerifier

                self._entra = EntraVerifier(self.settings)
            return self._entra

    @property
    def obo(self) -> OboBroker:
        """MSAL on-behalf-of exchange for Microsoft Graph (Entra ID only)."""
        with self._lock:
            if self._obo is None:
                from backend.auth.obo import OboBroker

                self._obo = OboBroker.from_settings(self.settings)
            return self._obo

    def authenticate_bearer(self, session: Session, *, token: str, address: str | None = None) -> Principal:
        if self.settings.auth == "entra":
            from backend.auth.entra import entra_principal

            claims = self.entra.validate(token)
            return entra_principal(session, claims=claims, settings=self.settings, address=address)
        return local_principal(session, self.local, token=token)

    def require_local(self) -> LocalAuth:
        if self.settings.auth != "local":
            raise AuthError(
                "local_auth_disabled", "this server signs users in with Microsoft Entra ID", status=404
            )
        return self.local
