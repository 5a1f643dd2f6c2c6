"""Transport: security headers fit for a task pane inside Office, CORS limited to the add-in's
origin, the self-signed localhost certificate, and `patentpane serve --self-signed` answering
HTTPS for real (and creating the first administrator on first start)."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.security.tls import ensure_localhost_certificate
from tests.apiharness import make_settings

OFFICE_HOSTS = ("https://*.officeapps.live.com", "https://*.office.com", "https://*.microsoft.com")


@pytest.fixture(scope="module")
def client(sqlite_url, tmp_path_factory):
    settings = make_settings(
        database_url=sqlite_url, data_dir=tmp_path_factory.mktemp("transport"), addin_origins="https://localhost:3000"
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_security_headers_on_every_answer(client):
    for response in (client.get("/health"), client.get("/api/v1/me"), client.get("/nowhere")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        ancestors = next(d for d in csp.split("; ") if d.startswith("frame-ancestors"))
        assert "'self'" in ancestors and all(host in ancestors for host in OFFICE_HOSTS)
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "https://appsforoffice.microsoft.com" in csp  # Office.js
        assert "X-Frame-Options" not in headers  # it would keep Office from framing the task pane
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
    docs = client.get("/api/docs").headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in docs and "frame-ancestors 'self'" in docs


def test_hsts_only_over_https_and_not_for_localhost(sqlite_url, tmp_path):
    app = create_app(make_settings(database_url=sqlite_url, data_dir=tmp_path))
    with TestClient(app, base_url="https://patentpane.firm.example") as remote:
        assert remote.get("/health").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with TestClient(app, base_url="https://localhost:3000") as local:
        assert "Strict-Transport-Security" not in local.get("/health").headers


def test_cors_allows_only_the_addin_origin(client):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = client.options("/api/v1/check", headers={"Origin": "https://localhost:3000", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://localhost:3000"
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    refused = client.options("/api/v1/check", headers={"Origin": "https://evil.example", **preflight})
    assert "Access-Control-Allow-Origin" not in refused.headers
    simple = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in simple.headers
    exposed = client.get("/api/v1/me", headers={"Origin": "https://localhost:3000"})
    assert "www-authenticate" in exposed.headers["Access-Control-Expose-Headers"].lower()


def test_the_localhost_certificate(tmp_path):
    made = ensure_localhost_certificate(tmp_path)
    assert made.created and made.key.stat().st_mode & 0o777 == 0o600
    chain = x509.load_pem_x509_certificates(made.cert.read_bytes())
    leaf, ca = chain
    assert x509.load_pem_x509_certificate(made.ca.read_bytes()) == ca
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert {str(a) for a in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ExtendedKeyUsageOID.SERVER_AUTH in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    leaf.verify_directly_issued_by(ca)
    assert leaf.public_key().key_size == 2048
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days <= 398
    assert "PRIVATE KEY" not in made.ca.read_text() and "PRIVATE KEY" not in made.cert.read_text()
    # kept while valid, renewed (with a new CA) when about to expire
    assert ensure_localhost_certificate(tmp_path).created is False
    later = ensure_localhost_certificate(tmp_path, now=datetime.now(UTC) + timedelta(days=380))
    assert later.created and x509.load_pem_x509_certificate(made.ca.read_bytes()) != ca


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_self_signed_answers_https_and_creates_the_first_admin(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PATENTPANE_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'patentpane.db'}",
        "PATENTPANE_ARGON2_TIME_COST": "1",
        "PATENTPANE_ARGON2_MEMORY_KIB": "8192",
    }
    cli = [sys.executable, "-m", "backend.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--self-signed"],
            env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        ca = tmp_path / "data" / "tls" / "ca.crt"
        deadline = time.monotonic() + 60
        response = None
        while time.monotonic() < deadline and response is None:
            try:
                if ca.exists():
                    response = httpx.get(
                        f"https://localhost:{port}/health", verify=ssl.create_default_context(cafile=str(ca))
                    )
            except (httpx.TransportError, ssl.SSLError):  # not listening yet, or the CA file being replaced
                time.sleep(0.2)
            if server.poll() is not None:
                break
        assert response is not None, log.read_text()
        assert response.status_code == 200 and "frame-ancestors" in response.headers["Content-Security-Policy"]
        with pytest.raises(httpx.TransportError):  # without the CA the certificate is not trusted
            httpx.get(f"https://localhost:{port}/health", verify=ssl.create_default_context(cafile=None, capath=None))
    finally:
        server.terminate()
        server.wait(timeout=20)
    printed = log.read_text()
    assert "certutil -user -addstore Root" in printed and str(ca.resolve()) in printed
    assert "First administrator: admin@localhost" in printed and "users enrol-totp admin@localhost" in printed
    password_line = next(
        line for line in (tmp_path / "data" / "initial-admin.txt").read_text().splitlines() if "password" in line
    )
    assert password_line.split(": ", 1)[1] not in printed  # the password is in the file, never printed
