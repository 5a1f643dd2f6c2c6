"""POST /check (JSON findings) and POST /check/annotate (the .docx with findings as Word comments)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from backend.api.deps import AppSettings, AttorneyUser, DbSession
from backend.api.errors import error_responses
from backend.api.schemas import CheckResponse
from backend.api.uploads import DOCX_MEDIA_TYPE, read_document_request, request_body_openapi
from backend.documents import annotate_document, check_document

router = APIRouter(tags=["check"])


@router.post(
    "/check",
    response_model=CheckResponse,
    summary="Check an application (.docx upload or text)",
    responses=error_responses(401, 403, 413, 415, 422),
    openapi_extra=request_body_openapi(),
)
async def check(request: Request, principal: AttorneyUser, session: DbSession, settings: AppSettings) -> Any:
    """The findings, exactly as `patentpane check --format json` prints them. The tenant's rule
    settings apply; `select`/`ignore` narrow them for this request."""
    document = await read_document_request(request, max_bytes=settings.max_upload_bytes)
    result = await run_in_threadpool(
        check_document, session, principal=principal, document=document, settings=settings
    )
    return result.to_json()


def annotated_filename(uploaded: str | None) -> str:
    stem = (uploaded or "document.docx").replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[:-5] if stem.lower().endswith(".docx") else stem
    return f"{stem or 'document'}-checked.docx"


def attachment(filename: str) -> str:
    """Content-Disposition for `filename` (RFC 6266: an ASCII fallback plus the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.post(
    "/check/annotate",
    response_class=Response,
    summary="Check a .docx and get a copy with one Word comment per finding",
    responses={
        200: {
            "description": "The annotated copy (the upload itself is never modified)",
            "content": {DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        **error_responses(401, 403, 413, 415, 422),
    },
    openapi_extra=request_body_openapi(allow_text=False),
)
async def annotate(
    request: Request, principal: AttorneyUser, session: DbSession, settings: AppSettings
) -> Response:
    document = await read_document_request(request, max_bytes=settings.max_upload_bytes, allow_text=False)
    checked = await run_in_threadpool(
        annotate_document, session, principal=principal, document=document, settings=settings
    )
    return Response(
        checked.annotated,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": attachment(annotated_filename(document.filename)),
            "X-PatentPane-Findings": str(len(checked.result.findings)),
        },
    )
