"""The server's own keys, kept in the data directory (`DATA_DIR/keys/`, files readable by the owner
only): the RSA key that signs local access tokens (public half published at
`/.well-known/jwks.json`) and the key that encrypts TOTP secrets at rest. Made on first use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LOCAL_ISSUER = "urn:patentpane:local"
LOCAL_AUDIENCE = "patentpane"
LOCAL_SCOPE = "access_as_user"
RSA_BITS = 2048
SIGNING_KEY_FILE = "token-signing.pem"
TOTP_KEY_FILE = "totp-secrets.key"


def write_private_file(path: Path, data: bytes) -> bool:
    """Create `path` (mode 0600) with `data` unless it exists; True when this call created it (two
    processes starting at once keep the first one's file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        os.link(tmp, path)  # fails when another process made it first
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The JWK of an RSA public key, its `kid` the RFC 7638 thumbprint."""
    numbers = public_key.public_numbers()
    jwk = {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class LocalSigningKeys:
    """Signs the access tokens of local accounts and is their `TrustedIssuer` (tokens.py)."""

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = key_dir
        self._lock = threading.Lock()
        self._private: rsa.RSAPrivateKey | None = None
        self._jwk: dict[str, str] | None = None

    def _load(self) -> tuple[rsa.RSAPrivateKey, dict[str, str]]:
        with self._lock:
            if self._private is None:
                path = self.key_dir / SIGNING_KEY_FILE
                if not path.exists():
                    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
                    pem = key.private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                    write_private_file(path, pem)
                loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
                if not isinstance(loaded, rsa.RSAPrivateKey):
                    raise ValueError(f"{path} is not an RSA private key")
                self._private, self._jwk = loaded, public_jwk(loaded.public_key())
            assert self._jwk is not None
            return self._private, self._jwk

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._load()[1]]}

    def issuer_template(self) -> str:
        return LOCAL_ISSUER

    def signing_key(self, kid: str) -> Any | None:
        private, jwk = self._load()
        return private.public_key() if kid == jwk["kid"] else None

    def issue(
        self,
        *,
        user_id: str,
        tenant_id: str,
        session_id: str,
        email: str,
        lifetime: timedelta,
        now: datetime,
    ) -> str:
        """A signed access token (RS256, `amr` pwd + otp) for a local account's session."""
        private, jwk = self._load()
        issued = int(now.timestamp())
        claims = {
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": user_id,
            "oid": user_id,
            "tid": tenant_id,
            "sid": session_id,
            "scp": LOCAL_SCOPE,
            "amr": ["pwd", "otp"],
            "ver": "2.0",
            "preferred_username": email,
            "iat": issued,
            "nbf": issued,
            "exp": issued + int(lifetime.total_seconds()),
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(claims, private, algorithm="RS256", headers={"kid": jwk["kid"], "typ": "at+jwt"})


class SecretBox:
    """AES-256-GCM with a key file of the data directory: TOTP secrets are stored encrypted, so a
    copy of the database alone does not give anybody's second factor."""

    VERSION = "v1"

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = key_dir
        self._aead: AESGCM | None = None

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            path = self.key_dir / TOTP_KEY_FILE
            if not path.exists():
                write_private_file(path, secrets.token_bytes(32))
            self._aead = AESGCM(path.read_bytes())
        return self._aead

    def seal(self, plaintext: str, *, context: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._cipher().encrypt(nonce, plaintext.encode(), context.encode())
        return f"{self.VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, *, context: str) -> str:
        version, _, payload = sealed.partition(":")
        if version != self.VERSION:
            raise ValueError("unknown sealed-secret version")
        raw = base64.urlsafe_b64decode(payload)
        return self._cipher().decrypt(raw[:12], raw[12:], context.encode()).decode()
