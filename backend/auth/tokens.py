"""THE access-token validator: RS256 JWTs of Microsoft Entra ID (v2.0 and v1.0) and of the server's
own local accounts go through `validate_access_token`, with a `TokenPolicy` saying what to require.

A token is accepted only when all of these hold, checked in this order (each failure has a stable
`AuthError` code):

1. it is a JWT signed with RS256 by a key its issuer publishes (`kid` looked up in the JWKS; an
   unknown `kid` makes the issuer refetch its keys once; `invalid_token`);
2. `exp`/`nbf` with a small leeway (`token_expired`, `token_not_yet_valid`);
3. `aud` is one of the policy's audiences (`invalid_audience`);
4. `iss` equals the issuer's metadata `issuer` with `{tenantid}` replaced by the token's `tid`
   (multi-tenant Entra ID; `invalid_issuer`);
5. `tid` is in the allow-list of firms (403 `tenant_not_allowed`);
6. `scp` contains the API's scope (403 `insufficient_scope`);
7. the second factor: the authentication context in `acrs` (v2.0; 401 `insufficient_claims` with a
   claims challenge so that the client can step up), `amr` containing `mfa` (v1.0; `mfa_required`),
   or the `amr` values the policy names (local tokens: `pwd` and `otp`).
"""

from __future__ import annotations

import base64
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt

from backend.auth import AuthError

logger = logging.getLogger("patentpane.auth")

ALGORITHMS = ["RS256"]
TENANT_PLACEHOLDER = "{tenantid}"
MIN_REFRESH_SECONDS = 30.0
"""An unknown `kid` refetches the JWKS at most this often (tokens with made-up kids cannot make the
server hammer the identity provider)."""
METADATA_TTL_SECONDS = 24 * 3600.0
HTTP_TIMEOUT_SECONDS = 10.0


class TrustedIssuer(Protocol):
    """Who signs tokens: its issuer (with `{tenantid}` for multi-tenant issuers) and its keys."""

    def issuer_template(self) -> str: ...

    def signing_key(self, kid: str) -> Any | None:
        """The public key for `kid`, or None when the issuer has none by that id."""
        ...


def invalid_token(message: str, code: str = "invalid_token") -> AuthError:
    return AuthError(code, message, challenge=f'Bearer error="invalid_token", error_description="{message}"')


class OpenIdProvider:
    """OpenID Connect metadata (`issuer`, `jwks_uri`) and signing keys of one authority, fetched on
    first use and cached; a token naming an unknown `kid` refetches the keys once (key rotation)."""

    def __init__(
        self,
        metadata_url: str,
        *,
        verify: bool | str = True,
        min_refresh_seconds: float = MIN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metadata_url = metadata_url
        self._verify = verify
        self._min_refresh = min_refresh_seconds
        self._clock = clock
        self._lock = threading.RLock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: dict[str, Any] = {}
        self._keys_at: float | None = None
        self.fetches = 0
        """How many times the JWKS was fetched (tests watch the cache with it)."""

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(
                url, timeout=HTTP_TIMEOUT_SECONDS, verify=httpx_verify(self._verify), follow_redirects=False
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.error("identity provider unreachable: %s from %s", type(exc).__name__, url)
            raise AuthError(
                "identity_provider_unavailable", "the identity provider cannot be reached", status=503
            ) from None
        if not isinstance(body, dict):
            raise AuthError("identity_provider_unavailable", "the identity provider answered nonsense", status=503)
        return body

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            now = self._clock()
            if self._metadata is None or now - self._metadata_at > METADATA_TTL_SECONDS:
                metadata = self._get(self.metadata_url)
                if not isinstance(metadata.get("issuer"), str) or not isinstance(metadata.get("jwks_uri"), str):
                    raise AuthError(
                        "identity_provider_unavailable", "the OpenID metadata lacks issuer or jwks_uri", status=503
                    )
                self._metadata, self._metadata_at = metadata, now
            return self._metadata

    def issuer_template(self) -> str:
        return str(self.metadata()["issuer"])

    def _fetch_keys(self) -> None:
        jwks = self._get(str(self.metadata()["jwks_uri"]))
        keys: dict[str, Any] = {}
        for entry in jwks.get("keys", []):
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
                continue
            try:
                keys[str(entry["kid"])] = jwt.PyJWK(entry, algorithm="RS256").key
            except (KeyError, jwt.PyJWKError):
                continue
        self._keys, self._keys_at = keys, self._clock()
        self.fetches += 1

    def signing_key(self, kid: str) -> Any | None:
        self.metadata()
        with self._lock:
            if self._keys_at is None:
                self._fetch_keys()
            key = self._keys.get(kid)
            if key is None and self._keys_at is not None and self._clock() - self._keys_at >= self._min_refresh:
                self._fetch_keys()  # rotated keys: fetch once more
                key = self._keys.get(kid)
            return key


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    audiences: tuple[str, ...]
    scope: str | None
    """The delegated scope `scp` must contain (None: no scope check)."""
    allowed_tenants: frozenset[str] | None
    """Lower-case tenant ids allowed to sign in (None: any tenant the issuer signs for)."""
    required_auth_context: str | None = None
    """An authentication context id (e.g. "c1") v2.0 tokens must carry in `acrs`."""
    required_amr: frozenset[str] = frozenset()
    """Methods every token must carry in `amr` (local tokens: pwd and otp)."""
    v1_requires_mfa: bool = True
    leeway_seconds: int = 60
    challenge_params: Mapping[str, str] = field(default_factory=dict)
    """Extra parameters of the claims challenge (`authorization_uri`, `client_id`)."""


def claims_challenge(auth_context: str) -> str:
    """The `claims` value asking for `auth_context` (base64 of the access_token claims request)."""
    request = {"access_token": {"acrs": {"essential": True, "value": auth_context}}}
    return base64.b64encode(json.dumps(request, separators=(",", ":")).encode()).decode()


def insufficient_claims(claims: str, message: str, params: Mapping[str, str] | None = None) -> AuthError:
    """401 `insufficient_claims` whose `WWW-Authenticate` carries the claims the client must obtain."""
    parts = ['Bearer realm=""', *(f'{k}="{v}"' for k, v in (params or {}).items())]
    parts += ['error="insufficient_claims"', f'claims="{claims}"']
    return AuthError("insufficient_claims", message, challenge=", ".join(parts))


def _decode(token: str, key: Any, policy: TokenPolicy) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=list(policy.audiences),
            leeway=policy.leeway_seconds,
            options={"require": ["exp", "iss", "aud"], "verify_iss": False},
        )
    except jwt.ExpiredSignatureError:
        raise invalid_token("the token has expired", "token_expired") from None
    except jwt.ImmatureSignatureError:
        raise invalid_token("the token is not valid yet", "token_not_yet_valid") from None
    except jwt.InvalidAudienceError:
        raise invalid_token("the token is not for this API", "invalid_audience") from None
    except jwt.InvalidTokenError:
        raise invalid_token("the token's signature or claims are not valid") from None


def validate_access_token(
    token: str, *, policy: TokenPolicy, issuers: Mapping[str, TrustedIssuer]
) -> dict[str, Any]:
    """The verified claims of `token`; AuthError otherwise. `issuers` maps the token version
    (`ver`: "2.0", "1.0") to whom it must come from."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise invalid_token("the token is not a well-formed JWT") from None
    if header.get("alg") not in ALGORITHMS:
        raise invalid_token("the token must be signed with RS256")
    kid = header.get("kid")
    version = str(unverified.get("ver", "2.0"))
    issuer = issuers.get(version)
    if not isinstance(kid, str) or issuer is None:
        raise invalid_token("the token has no key id or an unsupported version")
    key = issuer.signing_key(kid)
    if key is None:
        raise invalid_token("the token is signed with an unknown key")
    claims = _decode(token, key, policy)

    tid = claims.get("tid")
    if not isinstance(tid, str) or not tid:
        raise invalid_token("the token has no tenant id")
    if claims.get("iss") != issuer.issuer_template().replace(TENANT_PLACEHOLDER, tid):
        raise invalid_token("the token comes from another issuer", "invalid_issuer")
    if policy.allowed_tenants is not None and tid.lower() not in policy.allowed_tenants:
        raise AuthError("tenant_not_allowed", "this organisation may not use this server", status=403)
    if policy.scope is not None and policy.scope not in str(claims.get("scp", "")).split():
        raise AuthError(
            "insufficient_scope",
            f"the token lacks the scope {policy.scope}",
            status=403,
            challenge=f'Bearer error="insufficient_scope", scope="{policy.scope}"',
        )
    amr = claims.get("amr") or []
    amr = set(amr) if isinstance(amr, list) else set()
    if not policy.required_amr <= amr:
        raise invalid_token("the token was not issued after a second factor", "mfa_required")
    if version == "1.0" and policy.v1_requires_mfa and "mfa" not in amr:
        raise invalid_token("v1.0 tokens must show multi-factor authentication (amr: mfa)", "mfa_required")
    context = policy.required_auth_context
    if version != "1.0" and context and context not in (claims.get("acrs") or []):
        raise insufficient_claims(
            claims_challenge(context), "multi-factor authentication is required", policy.challenge_params
        )
    return claims


def ca_verify(bundle: Path | None) -> bool | str:
    """`verify` (requests, MSAL) for an optional CA bundle: its path, or True (the system's CAs)."""
    return str(bundle) if bundle else True


@lru_cache(maxsize=8)
def httpx_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """The same for httpx, which wants an SSL context for a CA bundle (made once per bundle)."""
    return ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
