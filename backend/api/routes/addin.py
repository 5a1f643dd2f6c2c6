"""The Word add-in, public by design: `GET /manifest.xml` (the manifest for this server),
`GET /taskpane/...` (the built task pane) and `GET /api/v1/auth/config` (how the pane signs in).

Nothing here needs credentials or reads a document: Word loads these before anyone has signed in.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from backend.addin import (
    DEFAULT_APP_ID,
    ManifestError,
    auth_config,
    render_manifest,
    served_file,
    taskpane_dir,
)
from backend.api import API_PREFIX
from backend.api.deps import AppSettings
from backend.api.errors import ApiError

config_router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])
public = APIRouter(tags=["add-in"])

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>PatentPane</title>
<body>
<h1>PatentPane is not built on this server</h1>
<p>The task pane has not been built. On the server run <code>make addin</code>
(or <code>npm ci &amp;&amp; npm run build</code> in addin/taskpane), then reopen the pane.</p>
</body></html>"""


class AuthConfig(BaseModel):
    mode: str = Field(description="`local` (password + TOTP at /api/v1/auth/login) or `entra`")
    max_upload_bytes: int = Field(description="Largest document the server accepts")
    client_id: str | None = Field(default=None, description="entra: the add-in's app registration")
    authority: str | None = Field(default=None, description="entra: https://login.microsoftonline.com/<tenant>")
    scopes: list[str] | None = Field(default=None, description="entra: the scopes to ask tokens for")
    auth_context: str | None = Field(default=None, description="entra: authentication context required (MFA)")


@config_router.get("/config", response_model=AuthConfig, response_model_exclude_none=True)
def config(settings: AppSettings) -> Any:
    """How the task pane signs in (public; no secret in it)."""
    return auth_config(settings)


@public.get("/manifest.xml", response_class=Response, include_in_schema=False)
def manifest(request: Request, settings: AppSettings) -> Response:
    """The add-in's XML manifest for this server (upload it under Integrated apps)."""
    base_url = settings.addin_base_url or str(request.base_url)
    client_id = (settings.addin_client_id or settings.entra_client_id) if settings.auth == "entra" else None
    try:
        xml = render_manifest(base_url=base_url, app_id=settings.addin_app_id or DEFAULT_APP_ID, client_id=client_id)
    except ManifestError as exc:
        message = f"{exc.message}: set PATENTPANE_ADDIN_BASE_URL to the https address Word uses"
        raise ApiError(503, "addin_not_configured", message) from None
    return Response(xml, media_type="application/xml; charset=utf-8")


@public.get("/taskpane", include_in_schema=False)
def taskpane_root() -> RedirectResponse:
    return RedirectResponse("/taskpane/", status_code=308)


@public.get("/taskpane/{path:path}", include_in_schema=False)
def taskpane(path: str, settings: AppSettings) -> Response:
    """The built task pane (HTML, scripts, styles, icons); revalidated on every load."""
    root = taskpane_dir(settings.addin_dir)
    found = served_file(root, path)
    if found is None:
        if not (root / "index.html").is_file() and (path in ("", "index.html")):
            return HTMLResponse(NOT_BUILT, status_code=503)
        raise ApiError(404, "not_found", "no such file of the task pane")
    media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    if found.suffix in (".js", ".mjs"):
        media_type = "text/javascript"
    return FileResponse(found, media_type=media_type, headers={"Cache-Control": "no-cache"})
