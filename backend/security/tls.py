"""A self-signed certificate for https://localhost (Office loads add-ins only over HTTPS), made on
first use in `DATA_DIR/tls/` and renewed when it is about to expire. Production runs behind the
firm's own TLS (`PATENTPANE_TLS_CERT` / `PATENTPANE_TLS_KEY`).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.auth.localkeys import RSA_BITS, write_private_file

CERT_FILE = "localhost.crt"
KEY_FILE = "localhost.key"
CA_FILE = "ca.crt"
VALID_DAYS = 397  # browsers refuse server certificates valid for longer
RENEW_BEFORE = timedelta(days=30)
NAMES = ("localhost",)
ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True, slots=True)
class LocalCertificate:
    cert: Path
    key: Path
    ca: Path
    """The certificate to trust (a one-off CA whose private key was never stored)."""
    created: bool
    """True when this call made them (the server then prints how to trust the CA)."""


def _builder(subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey, now: datetime) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        key_encipherment=not ca,
        key_cert_sign=ca,
        crl_sign=ca,
        content_commitment=False,
        data_encipherment=False,
        key_agreement=False,
        encipher_only=False,
        decipher_only=False,
    )


def _make(directory: Path, *, now: datetime) -> None:
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"PatentPane local CA {now:%Y-%m-%d %H:%M}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PatentPane (this machine only)"),
        ]
    )
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in NAMES]
    alt_names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ADDRESSES]
    cert = (
        _builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]), ca_name, key.public_key(), now)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    # the CA's private key is dropped here: nobody can sign anything else with the trusted CA
    for name in (CERT_FILE, KEY_FILE, CA_FILE):
        (directory / name).unlink(missing_ok=True)
    write_private_file(
        directory / KEY_FILE,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    pem = serialization.Encoding.PEM
    _write_whole(directory / CERT_FILE, cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    _write_whole(directory / CA_FILE, ca_cert.public_bytes(pem))


def _write_whole(path: Path, data: bytes) -> None:
    """Write `path` so that a reader sees no file or the whole file, never a part (the CA file is
    read by people and scripts as soon as it appears)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def ensure_localhost_certificate(data_dir: Path, *, now: datetime | None = None) -> LocalCertificate:
    """The certificate (chain) and key for localhost in `data_dir/tls/`, made (or renewed, with a
    new CA to trust) when needed."""
    now = now or datetime.now(UTC)
    directory = data_dir / "tls"
    found = LocalCertificate(
        cert=directory / CERT_FILE, key=directory / KEY_FILE, ca=directory / CA_FILE, created=False
    )
    if all(p.exists() for p in (found.cert, found.key, found.ca)):
        cert = x509.load_pem_x509_certificate(found.cert.read_bytes())
        if cert.not_valid_after_utc - now > RENEW_BEFORE:
            return found
    directory.mkdir(parents=True, exist_ok=True)
    _make(directory, now=now)
    return LocalCertificate(cert=found.cert, key=found.key, ca=found.ca, created=True)


def trust_instructions(ca: Path) -> str:
    """How to make this machine's browsers and Office trust the certificate."""
    path = ca.resolve()
    return "\n".join(
        [
            f"A certificate for https://localhost was created; its one-off CA is {path}",
            "Office loads the add-in only once this machine trusts that CA (its key was never stored):",
            f'  Windows: certutil -user -addstore Root "{path}"',
            f'  macOS:   security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "{path}"',
            (f'  Linux:   sudo cp "{path}" /usr/local/share/ca-certificates/patentpane-localhost.crt '
            "&& sudo update-ca-certificates"),
        ]
    )
