"""Stand-ins for Microsoft Entra ID and Microsoft Graph, served over HTTPS on loopback: their own
RSA keys (2048 bits, made once per test process), OpenID metadata, JWKS, a token endpoint that
implements the on-behalf-of grant, and drive items to download. Nothing is mocked inside the
server: it validates what it receives with the same libraries a real client would use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.auth.localkeys import public_jwk
from backend.security.tls import ensure_localhost_certificate

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "test-client-secret-" + "x" * 20
GRAPH_AUDIENCE = "https://graph.microsoft.com"
GRAPH_SCOPE = "https://graph.microsoft.com/Files.Read.All"
TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a"
TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b"
TENANT_OTHER = "cccccccc-0000-4000-8000-00000000000c"
OBO_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """A 2048-bit key per name, made once per test process."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@lru_cache(maxsize=1)
def loopback_tls() -> tuple[Path, Path, Path]:
    """(certificate chain, key, CA) for localhost/127.0.0.1, made once per test process by the
    server's own certificate code."""
    made = ensure_localhost_certificate(Path(tempfile.mkdtemp(prefix="pp-tls-")))
    return made.cert, made.key, made.ca


def client_certificate() -> tuple[bytes, x509.Certificate]:
    """PEM (key + self-signed certificate) of an app registration's certificate credential."""
    key = rsa_key("client-certificate")
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "patentpane-test-app")])
    now = time.time()
    from datetime import UTC, datetime, timedelta

    start = datetime.fromtimestamp(now, UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(minutes=5))
        .not_valid_after(start + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) + cert.public_bytes(serialization.Encoding.PEM)
    return pem, cert


def entra_settings(issuer: FakeEntra, **overrides: Any) -> dict[str, Any]:
    """Settings of an app that signs users in with the stand-in issuer (two firms allowed, MFA
    through the authentication context c1)."""
    values: dict[str, Any] = {
        "auth": "entra",
        "entra_client_id": CLIENT_ID,
        "entra_client_secret": CLIENT_SECRET,
        "entra_allowed_tenants": f"{TENANT_A}, {TENANT_B}",
        "entra_authority": issuer.base,
        "entra_scope": f"api://{CLIENT_ID}/access_as_user",
        "entra_required_auth_context": "c1",
        "entra_ca_bundle": loopback_tls()[2],
    }
    values.update(overrides)
    return values


class _Server(ThreadingHTTPServer):
    daemon_threads = True


def _serve(handler: type[BaseHTTPRequestHandler], owner: Any) -> _Server:
    cert, key, _ca = loopback_tls()
    server = _Server(("127.0.0.1", 0), handler)
    server.owner = owner  # type: ignore[attr-defined]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:  # quiet
        pass

    def reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if not isinstance(body, bytes):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}


class _IssuerHandler(_Handler):
    def do_GET(self) -> None:
        issuer: FakeEntra = self.server.owner  # type: ignore[attr-defined]
        parts = urlsplit(self.path).path.strip("/").split("/")
        issuer.requests.append(("GET", self.path))
        if parts[-2:] == [".well-known", "openid-configuration"]:
            tenant = parts[0]
            v2 = len(parts) == 4 and parts[1] == "v2.0"
            self.reply(200, issuer.metadata(tenant, v2=v2))
        elif parts == ["discovery", "v2.0", "keys"]:
            issuer.jwks_fetches += 1
            self.reply(200, {"keys": [public_jwk(rsa_key(name).public_key()) | {"kid": kid} for kid, name in issuer.keys.items()]})
        else:
            self.reply(404, {"error": "not_found"})

    def do_POST(self) -> None:
        issuer: FakeEntra = self.server.owner  # type: ignore[attr-defined]
        parts = urlsplit(self.path).path.strip("/").split("/")
        if parts[1:] != ["oauth2", "v2.0", "token"]:
            self.reply(404, {"error": "not_found"})
            return
        form = self.form()
        issuer.token_requests.append(form)
        status, body = issuer.token_response(parts[0], form)
        self.reply(status, body)


class _LoopbackService:
    """Served over HTTPS on 127.0.0.1 (a free port) by a thread, with the server's own certificate."""

    handler: ClassVar[type[BaseHTTPRequestHandler]]
    server: _Server | None = None

    def start(self) -> Any:
        self.server = _serve(self.handler, self)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"https://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def running(service: Any) -> Iterator[Any]:
    service.start()
    try:
        yield service
    finally:
        service.stop()


@dataclass
class FakeEntra(_LoopbackService):
    """An OpenID issuer like Entra ID: `{base}/{tenant}/v2.0/.well-known/openid-configuration`,
    `{base}/{tenant}/.well-known/openid-configuration` (v1.0), JWKS, and a token endpoint with the
    on-behalf-of grant for `CLIENT_ID`."""

    keys: dict[str, str] = field(default_factory=lambda: {"kid-1": "entra-1"})
    """kid -> rsa_key name published in the JWKS (tests rotate by replacing it)."""
    jwks_fetches: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    obo_requires_acrs: str | None = None
    """When set, OBO of an assertion without this auth context answers interaction_required."""
    client_certificate: x509.Certificate | None = None
    handler: ClassVar[type[BaseHTTPRequestHandler]] = _IssuerHandler


    def v2_issuer(self, tid: str) -> str:
        return f"{self.base}/{tid}/v2.0"

    @staticmethod
    def v1_issuer(tid: str) -> str:
        return f"https://sts.windows.example/{tid}/"

    def metadata(self, tenant: str, *, v2: bool) -> dict[str, Any]:
        multi = tenant in ("common", "organizations")
        placeholder = "{tenantid}" if multi else tenant
        return {
            "issuer": self.v2_issuer(placeholder) if v2 else self.v1_issuer(placeholder),
            "jwks_uri": f"{self.base}/discovery/v2.0/keys",
            "token_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/token",
            "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/devicecode",
        }

    def token(
        self,
        *,
        tid: str = TENANT_A,
        oid: str | None = None,
        key: str | None = None,
        kid: str | None = None,
        lifetime: int = 3600,
        not_before: int = 0,
        algorithm: str = "RS256",
        **claims: Any,
    ) -> str:
        """An access token for this API (v2.0, acrs c1, scp access_as_user); keyword claims
        override (None removes)."""
        now = int(time.time())
        kid = kid or next(iter(self.keys))
        body: dict[str, Any] = {
            "iss": self.v2_issuer(tid),
            "aud": CLIENT_ID,
            "tid": tid,
            "oid": oid if oid is not None else str(uuid.uuid5(uuid.NAMESPACE_URL, f"user-{tid}")),
            "scp": "access_as_user",
            "ver": "2.0",
            "acrs": ["c1"],
            "name": "Ann Attorney",
            "preferred_username": "ann@firm.example",
            "iat": now,
            "nbf": now + not_before,
            "exp": now + lifetime,
            "uti": secrets.token_urlsafe(8),
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        if algorithm == "HS256":
            return jwt.encode(body, "a-shared-secret-nobody-should-accept-32b", algorithm="HS256", headers={"kid": kid})
        signer = rsa_key(key or self.keys[kid])
        return jwt.encode(body, signer, algorithm=algorithm, headers={"kid": kid, "typ": "JWT"})

    def _verify_client(self, form: dict[str, str]) -> bool:
        if form.get("client_id") != CLIENT_ID:
            return False
        if "client_secret" in form:
            return secrets.compare_digest(form["client_secret"], CLIENT_SECRET)
        assertion = form.get("client_assertion")
        if assertion and self.client_certificate is not None:
            header = jwt.get_unverified_header(assertion)
            thumb = base64.urlsafe_b64encode(self.client_certificate.fingerprint(hashes.SHA256())).rstrip(b"=")
            if header.get("x5t#S256", "").rstrip("=").encode() != thumb:
                return False
            try:
                jwt.decode(
                    assertion,
                    self.client_certificate.public_key(),
                    algorithms=["PS256", "RS256"],
                    options={"verify_aud": False},
                )
            except jwt.InvalidTokenError:
                return False
            return True
        return False

    def token_response(self, tenant: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not self._verify_client(form):
            return 401, {"error": "invalid_client", "error_description": "AADSTS7000215: bad client credentials"}
        if form.get("grant_type") != OBO_GRANT or form.get("requested_token_use") != "on_behalf_of":
            return 400, {"error": "unsupported_grant_type"}
        try:
            user = jwt.decode(
                form.get("assertion", ""),
                rsa_key(self.keys[jwt.get_unverified_header(form.get("assertion", "")).get("kid", "")]).public_key(),
                algorithms=["RS256"],
                audience=CLIENT_ID,
            )
        except (jwt.InvalidTokenError, KeyError):
            return 400, {"error": "invalid_grant", "error_description": "AADSTS50013: assertion is not valid"}
        if user.get("tid") != tenant:
            return 400, {"error": "invalid_grant", "error_description": "AADSTS50013: wrong tenant"}
        if GRAPH_SCOPE not in form.get("scope", "").split():
            return 400, {"error": "invalid_scope"}
        if self.obo_requires_acrs and self.obo_requires_acrs not in user.get("acrs", []) and "claims" not in form:
            claims = json.dumps({"access_token": {"acrs": {"essential": True, "value": self.obo_requires_acrs}}})
            return 400, {
                "error": "interaction_required",
                "error_description": "AADSTS50076: multi-factor authentication is required",
                "suberror": "basic_action",
                "claims": claims,
            }
        now = int(time.time())
        kid = next(iter(self.keys))
        graph_token = jwt.encode(
            {
                "iss": self.v2_issuer(user["tid"]),
                "aud": GRAPH_AUDIENCE,
                "tid": user["tid"],
                "oid": user["oid"],
                "scp": "Files.Read.All",
                "acrs": user.get("acrs", []),
                "iat": now,
                "exp": now + 3600,
            },
            rsa_key(self.keys[kid]),
            algorithm="RS256",
            headers={"kid": kid},
        )
        client_info = base64.urlsafe_b64encode(
            json.dumps({"uid": user["oid"], "utid": user["tid"]}).encode()
        ).decode().rstrip("=")
        id_token = jwt.encode(
            {
                "iss": self.v2_issuer(user["tid"]),
                "aud": CLIENT_ID,
                "tid": user["tid"],
                "oid": user["oid"],
                "sub": user["oid"],
                "preferred_username": user.get("preferred_username", ""),
                "iat": now,
                "exp": now + 3600,
            },
            rsa_key(self.keys[kid]),
            algorithm="RS256",
            headers={"kid": kid},
        )
        return 200, {
            "token_type": "Bearer",
            "scope": GRAPH_SCOPE,
            "expires_in": 3600,
            "ext_expires_in": 3600,
            "access_token": graph_token,
            "refresh_token": "rt-" + secrets.token_urlsafe(16),
            "id_token": id_token,
            "client_info": client_info,
        }


@dataclass
class DriveEntry:
    name: str
    data: bytes | None = None
    """None: a folder."""
    children: list[str] = field(default_factory=list)


class _GraphHandler(_Handler):
    def do_GET(self) -> None:
        graph: FakeGraph = self.server.owner  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[0] == "download":
            graph.download_authorizations.append(self.headers.get("Authorization"))
            entry = graph.items.get(graph.download_links.get(parts[1], ""))
            if entry is None or entry.data is None:
                self.reply(404, {"error": {"code": "itemNotFound"}})
                return
            self.reply(200, entry.data, {"Content-Type": "application/octet-stream"})
            return
        problem = graph.authorize(self.headers.get("Authorization", ""))
        if problem is not None:
            self.reply(401, {"error": {"code": "InvalidAuthenticationToken"}}, {"WWW-Authenticate": problem})
            return
        # v1.0/me/drive/items/{id}[/content|/children] or v1.0/drives/{d}/items/{id}[...]
        rest = parts[3:]  # ["items", id, ...] after v1.0/me/drive or v1.0/drives/{d}
        item_id, tail = rest[1], rest[2:]
        entry = graph.items.get(item_id)
        if entry is None:
            self.reply(404, {"error": {"code": "itemNotFound"}})
            return
        if tail == ["content"]:
            link = secrets.token_urlsafe(8)
            graph.download_links[link] = item_id
            self.reply(302, b"", {"Location": f"{graph.base}/download/{link}"})
        elif tail == ["children"]:
            page = int(parse_qs(url.query).get("page", ["0"])[0])
            ids = entry.children[page * graph.page_size : (page + 1) * graph.page_size]
            body: dict[str, Any] = {"value": [graph.describe(i) for i in ids]}
            if (page + 1) * graph.page_size < len(entry.children):
                body["@odata.nextLink"] = f"{graph.base}{url.path}?page={page + 1}"
            self.reply(200, body)
        else:
            self.reply(200, graph.describe(item_id))


@dataclass
class FakeGraph(_LoopbackService):
    """Microsoft Graph's drive items: metadata, `/content` (302 to a pre-authenticated download
    link, which must be fetched without the token), `/children` (paged). Tokens are checked like
    Graph does: issuer's signature, audience; `require_acrs` answers a claims challenge."""

    issuer: FakeEntra
    items: dict[str, DriveEntry] = field(default_factory=dict)
    require_acrs: str | None = None
    page_size: int = 2
    download_links: dict[str, str] = field(default_factory=dict)
    download_authorizations: list[str | None] = field(default_factory=list)
    handler: ClassVar[type[BaseHTTPRequestHandler]] = _GraphHandler


    def describe(self, item_id: str) -> dict[str, Any]:
        entry = self.items[item_id]
        meta: dict[str, Any] = {"id": item_id, "name": entry.name, "parentReference": {"driveId": "drive-1"}}
        if entry.data is not None:
            meta["file"] = {"mimeType": "application/octet-stream"}
            meta["size"] = len(entry.data)
        else:
            meta["folder"] = {"childCount": len(entry.children)}
        return meta

    def authorize(self, header: str) -> str | None:
        """None when the bearer token is a valid Graph token, else the WWW-Authenticate value."""
        token = header.removeprefix("Bearer ")
        try:
            kid = jwt.get_unverified_header(token).get("kid", "")
            claims = jwt.decode(
                token, rsa_key(self.issuer.keys[kid]).public_key(), algorithms=["RS256"], audience=GRAPH_AUDIENCE
            )
        except (jwt.InvalidTokenError, KeyError):
            return 'Bearer error="invalid_token"'
        if self.require_acrs and self.require_acrs not in claims.get("acrs", []):
            wanted = json.dumps({"access_token": {"acrs": {"essential": True, "value": self.require_acrs}}})
            encoded = base64.b64encode(wanted.encode()).decode()
            return (
                'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
                f'client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{encoded}"'
            )
        return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module", name="entra")
def entra_fixture() -> Iterator[FakeEntra]:
    """`entra`: the issuer stand-in, one per test module (import `entra_fixture` into the module)."""
    with running(FakeEntra()) as issuer:
        yield issuer


def challenge_claims(response: Any) -> dict[str, Any]:
    """The claims request a 401 `insufficient_claims` carries in WWW-Authenticate (decoded)."""
    encoded = response.headers["WWW-Authenticate"].split('claims="', 1)[1].split('"', 1)[0]
    return json.loads(base64.b64decode(encoded))
