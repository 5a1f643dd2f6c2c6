"""POST /claims/parse: the claim tree of claims text or a .docx."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from backend.api.deps import AppSettings, AttorneyUser, DbSession
from backend.api.errors import error_responses
from backend.api.schemas import ClaimTree
from backend.api.uploads import read_document_request, request_body_openapi
from backend.documents import parse_document_claims

router = APIRouter(tags=["claims"])


@router.post(
    "/claims/parse",
    response_model=ClaimTree,
    summary="Parse claims: numbers, dependencies, category, preamble, elements, introduced terms",
    responses=error_responses(401, 403, 413, 415, 422),
    openapi_extra=request_body_openapi(options=False),
)
async def parse_claims(
    request: Request, principal: AttorneyUser, session: DbSession, settings: AppSettings
) -> Any:
    document = await read_document_request(request, max_bytes=settings.max_upload_bytes, options=False)
    return await run_in_threadpool(
        parse_document_claims, session, principal=principal, document=document, settings=settings
    )
