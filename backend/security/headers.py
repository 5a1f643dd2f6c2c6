"""Security headers suited to a task pane inside Office, and CORS limited to the add-in's origin.

- `Content-Security-Policy`: the pages may load only their own scripts and Office.js; `frame-
  ancestors` allows 'self' and the Office hosts (Word on the web frames the task pane; the desktop
  apps show it in a web view, unframed). No `X-Frame-Options`: its only values would forbid Office.
- `Strict-Transport-Security` on HTTPS requests, except to localhost (it would pin every local port).
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, a `Permissions-Policy` that
  turns off devices, and `Cache-Control: no-store` on API answers (they may quote documents).
- CORS: only the origins of `PATENTPANE_ADDIN_ORIGINS`; no cookies are used (credentials: off).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.settings import Settings

OFFICE_JS = "https://appsforoffice.microsoft.com"
DOCS_PATHS = ("/api/docs",)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def content_security_policy(settings: Settings, *, docs: bool = False) -> str:
    # the interactive API docs page loads Swagger UI from a CDN with an inline script
    scripts = f"'self' {OFFICE_JS}" + (" https://cdn.jsdelivr.net 'unsafe-inline'" if docs else "")
    styles = "'self'" + (" https://cdn.jsdelivr.net 'unsafe-inline'" if docs else "")
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        f"style-src {styles}",
        "img-src 'self' data: https://fastapi.tiangolo.com" if docs else "img-src 'self' data:",
        "connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors 'self' {settings.frame_ancestors}".strip(),
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.csp = content_security_policy(settings).encode()
        self.docs_csp = content_security_policy(settings, docs=True).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        add = [
            (b"content-security-policy", self.docs_csp if path.startswith(DOCS_PATHS) else self.csp),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
        ]
        if scope.get("scheme") == "https" and hostname not in LOOPBACK_HOSTS:
            add.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        if path.startswith(("/api/v1", "/.well-known")):
            add.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in add if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Security headers on every answer (errors too) and CORS for the add-in's origins."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key"],
        expose_headers=["Content-Disposition", "X-PatentPane-Findings", "WWW-Authenticate", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
