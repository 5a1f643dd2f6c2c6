"""POST /draft (the generated sections as JSON) and POST /draft/docx (the .docx with them inserted
as tracked changes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from backend.api.deps import AppSettings, AttorneyUser, DbSession
from backend.api.errors import error_responses
from backend.api.routes.check import attachment
from backend.api.uploads import DOCX_MEDIA_TYPE, read_document_request, request_body_openapi
from backend.drafting import draft_document

router = APIRouter(tags=["draft"])


class NumeralUse(BaseModel):
    numeral: int
    term: str


class DraftParagraphOut(BaseModel):
    text: str
    kind: str = Field(description="`generated` (restates claims), `boilerplate` or `placeholder` ([Describe ...])")
    source_claims: list[int] = Field(description="The claims the paragraph restates")
    numerals: list[NumeralUse] = Field(description="Reference numerals written in the paragraph")
    rewritten: bool = Field(description="Rephrased by the language model (and checked lossless)")


class DraftSectionOut(BaseModel):
    section: str = Field(description="title, technical_field, background, summary, "
                         "brief_description_of_drawings, detailed_description, abstract")
    heading: str
    paragraphs: list[DraftParagraphOut]


class FigureOut(BaseModel):
    figure: int
    kind: str = Field(description="block_diagram, flowchart or computing_environment")
    claims: list[int]
    subject: str
    numeral: int


class NumeralOut(BaseModel):
    numeral: int
    term: str
    figure: int
    claims: list[int]
    kind: str = Field(description="`subject` of a figure, claim `element`, or flowchart `step`")


class DraftResponse(BaseModel):
    title: str
    sections: list[DraftSectionOut]
    figures: list[FigureOut]
    numerals: list[NumeralOut]
    claims: int
    seconds: float
    rewrite: dict[str, Any] | None = Field(description="The language model's rephrasing: paragraphs, accepted, time")


@router.post(
    "/draft",
    response_model=DraftResponse,
    summary="Draft the description, summary, figure list and abstract from the claims",
    responses=error_responses(401, 403, 413, 415, 422),
    openapi_extra=request_body_openapi(options=False),
)
async def draft(request: Request, principal: AttorneyUser, session: DbSession, settings: AppSettings) -> Any:
    """Claims text (`{"text"}`, one claim per line) or a .docx whose claims are read. Every generated
    paragraph says which claims it restates and which reference numerals it uses."""
    document = await read_document_request(request, max_bytes=settings.max_upload_bytes, options=False)
    result = await run_in_threadpool(draft_document, session, principal=principal, document=document, settings=settings)
    return result.to_json()


def drafted_filename(uploaded: str | None) -> str:
    stem = (uploaded or "claims.docx").replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[:-5] if stem.lower().endswith(".docx") else stem
    return f"{stem or 'claims'}-draft.docx"


@router.post(
    "/draft/docx",
    response_class=Response,
    summary="Draft from the claims and get the .docx with the draft inserted as tracked changes",
    responses={
        200: {
            "description": "The .docx with the generated sections as tracked insertions by PatentPane "
            "(a new document holding the claims when text was sent)",
            "content": {DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        **error_responses(401, 403, 413, 415, 422),
    },
    openapi_extra=request_body_openapi(options=False),
)
async def draft_docx(
    request: Request, principal: AttorneyUser, session: DbSession, settings: AppSettings
) -> Response:
    document = await read_document_request(request, max_bytes=settings.max_upload_bytes, options=False)
    result = await run_in_threadpool(
        draft_document, session, principal=principal, document=document, settings=settings, insert=True
    )
    return Response(
        result.docx,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": attachment(drafted_filename(document.filename)),
            "X-PatentPane-Paragraphs": str(sum(len(s.paragraphs) for s in result.draft.sections)),
        },
    )
