"""MSAL on-behalf-of: the user's Entra ID token for this API -> a Microsoft Graph token for the same
user (ConfidentialClientApplication, client secret or certificate).

One MSAL application, and so one token cache, per user (kept in memory, never on disk; the least
recently used are dropped). A Graph token is reused while the user presents the same token to
this API; a new incoming token (after a step-up, say) is exchanged again. When Entra ID refuses
the exchange for want of claims (Conditional Access, MFA), or Graph answers with a claims
challenge, `ClaimsChallenge` carries the claims back to the client (401 `insufficient_claims`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from backend.auth import AuthError, Principal
from backend.auth.tokens import ca_verify, insufficient_claims
from backend.settings import Settings

logger = logging.getLogger("patentpane.auth")

MAX_CACHED_USERS = 1000
WELL_KNOWN_AUTHORITY_HOSTS = {"login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn"}


class ClaimsChallenge(AuthError):
    """The identity provider or Graph wants more claims (MFA, a Conditional Access context):
    401 `insufficient_claims`, `WWW-Authenticate` carrying them for the client to step up."""

    def __init__(self, claims: str, message: str) -> None:
        challenge = insufficient_claims(claims, message)
        super().__init__(challenge.code, challenge.message, challenge=challenge.challenge)
        self.claims = claims


def client_credential(settings: Settings) -> str | dict[str, str]:
    """The app registration's secret, or its certificate (PEM file with key and certificate)."""
    if settings.entra_client_certificate is not None:
        pem = settings.entra_client_certificate.read_bytes()
        key = serialization.load_pem_private_key(pem, password=None)
        cert = x509.load_pem_x509_certificate(pem)
        return {
            "private_key": key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode(),
            "public_certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
        }
    if settings.entra_client_secret is None:
        raise AuthError(
            "graph_not_configured",
            "Microsoft Graph needs PATENTPANE_ENTRA_CLIENT_SECRET or PATENTPANE_ENTRA_CLIENT_CERTIFICATE",
            status=503,
        )
    return settings.entra_client_secret.get_secret_value()


def _as_base64(claims: str) -> str:
    """Entra ID gives claims as JSON; WWW-Authenticate carries them base64-encoded."""
    try:
        base64.b64decode(claims, validate=True)
        return claims
    except ValueError:
        return base64.b64encode(claims.encode()).decode()


def _http_client(verify: bool | str) -> Any:
    """A requests session for MSAL that really uses `verify` (requests lets REQUESTS_CA_BUNDLE from
    the environment override a session's own CA bundle), or None for MSAL's default."""
    if not isinstance(verify, str):
        return None
    import requests

    class VerifyingSession(requests.Session):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            kwargs["verify"] = verify
            return super().request(method, url, *args, **kwargs)

    return VerifyingSession()


@dataclass(slots=True)
class _UserApp:
    app: Any
    assertion_sha256: str | None = None


class OboBroker:
    def __init__(
        self,
        *,
        client_id: str,
        credential: str | dict[str, str],
        authority: str,
        scopes: list[str],
        verify: bool | str = True,
    ) -> None:
        self.client_id = client_id
        self.credential = credential
        self.authority = authority.rstrip("/")
        self.scopes = scopes
        self.verify = verify
        self._apps: OrderedDict[str, _UserApp] = OrderedDict()
        self._http_cache: dict[Any, Any] = {}  # OpenID discovery answers (no tokens), shared
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> OboBroker:
        return cls(
            client_id=settings.entra_client_id,
            credential=client_credential(settings),
            authority=settings.entra_authority,
            scopes=settings.graph_scopes.split(),
            verify=ca_verify(settings.entra_ca_bundle),
        )

    def _user_app(self, *, user_key: str, tid: str) -> _UserApp:
        import msal

        with self._lock:
            entry = self._apps.get(user_key)
            if entry is None:
                host = urlsplit(self.authority).hostname or ""
                app = msal.ConfidentialClientApplication(
                    self.client_id,
                    client_credential=self.credential,
                    authority=f"{self.authority}/{tid}",
                    token_cache=msal.SerializableTokenCache(),
                    http_cache=self._http_cache,
                    verify=self.verify,
                    http_client=_http_client(self.verify),
                    instance_discovery=None if host in WELL_KNOWN_AUTHORITY_HOSTS else False,
                )
                entry = self._apps[user_key] = _UserApp(app=app)
                while len(self._apps) > MAX_CACHED_USERS:
                    self._apps.popitem(last=False)
            self._apps.move_to_end(user_key)
            return entry

    def graph_token(self, *, principal: Principal, assertion: str, claims_challenge: str | None = None) -> str:
        """A Graph access token for the signed-in Entra user whose (validated) token is `assertion`."""
        tid = jwt.decode(assertion, options={"verify_signature": False}).get("tid")
        if principal.auth_method != "entra" or principal.user_id is None or not isinstance(tid, str):
            raise AuthError("entra_sign_in_required", "Microsoft Graph needs a Microsoft Entra ID sign-in", status=400)
        entry = self._user_app(user_key=principal.user_id, tid=tid)
        digest = hashlib.sha256(assertion.encode()).hexdigest()
        result: dict[str, Any] | None = None
        if claims_challenge is None and entry.assertion_sha256 == digest:
            accounts = entry.app.get_accounts()
            if accounts:
                result = entry.app.acquire_token_silent(self.scopes, account=accounts[0])
        if not result or "access_token" not in result:
            result = entry.app.acquire_token_on_behalf_of(
                assertion, self.scopes, claims_challenge=claims_challenge
            )
        if "access_token" in result:
            entry.assertion_sha256 = digest
            return str(result["access_token"])
        error = str(result.get("error", "unknown"))
        logger.warning("on-behalf-of exchange refused: %s %s", error, result.get("error_codes", ""))
        if result.get("claims"):
            raise ClaimsChallenge(_as_base64(str(result["claims"])), "Microsoft Entra ID needs more: sign in again")
        raise AuthError("graph_token_refused", f"Microsoft Entra ID refused the Graph token ({error})", status=502)
