"""The claims assistant: POST /claims/complete, /claims/suggest-dependent, /claims/clone, and
POST /check/fix (quick fixes applied to a .docx as tracked changes). The work is in
`backend.assistant`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import AppSettings, AttorneyUser, DbSession
from backend.api.errors import error_responses
from backend.api.routes.check import annotated_filename, attachment
from backend.api.uploads import DOCX_MEDIA_TYPE, read_document_request, request_body_openapi
from backend.assistant import clone_claim_set, complete_claims, fix_docx, suggest_dependent
from backend.documents import DocumentInput, audited
from backend.interactive import run_check
from backend.rule_settings import load_rule_settings, request_config

router = APIRouter(tags=["claims assistant"])

MAX_TEXT = 2_000_000


class CompleteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claims: str = Field(max_length=MAX_TEXT, description="The whole claims text, one claim per line (\"1. A ...\")")
    cursor: int = Field(ge=0, description="Character offset of the cursor in `claims`")
    description: str = Field(default="", max_length=MAX_TEXT, description="The description (for terms not yet claimed)")
    limit: int = Field(default=5, ge=1, le=20)
    neural: bool = Field(default=False, description="Also ask the local language model (when the server enables it)")


class CompletionOut(BaseModel):
    text: str = Field(description="What to insert at the cursor: the rest of the word being typed, then what follows")
    score: float
    source: Literal["structure", "terms", "phrase", "neural"]


class CompleteResponse(BaseModel):
    completions: list[CompletionOut]
    prefix: str = Field(description="The word being typed at the cursor (the completions continue it)")


@router.post(
    "/claims/complete",
    response_model=CompleteResponse,
    summary="Completions at the cursor while writing claims",
    responses=error_responses(401, 403, 422),
)
async def complete(body: CompleteRequest, principal: AttorneyUser, settings: AppSettings) -> Any:
    """Ranked completions: claim numbers that may be parents, transitions and dependent preambles
    (`structure`); after "the"/"said" only terms introduced in the claim's chain, after "a"/"an"
    description terms not yet claimed (`terms`); the phrase model (`phrase`); the language model
    (`neural`, on request, within the server's time budget)."""
    result = await run_in_threadpool(
        complete_claims,
        claims=body.claims,
        cursor=min(body.cursor, len(body.claims)),
        description=body.description,
        limit=body.limit,
        neural=body.neural,
        settings=settings,
    )
    return result.to_json()


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claims: str = Field(max_length=MAX_TEXT)
    description: str = Field(max_length=MAX_TEXT, description="The description, one paragraph per line")
    per_claim: int = Field(default=10, ge=1, le=50, description="Suggestions per independent claim")


class SuggestionOut(BaseModel):
    number: int = Field(description="Its number: after the last claim, in ranked order")
    parent: int = Field(description="The claim it depends on: its independent claim, or the suggestion that "
                        "introduces the element it refines")
    root: int = Field(description="The independent claim it goes back to")
    text: str = Field(description='"The device of claim 1, wherein ..."')
    claim: str = Field(description="With its number")
    element: str = Field(description="The claimed term it refines")
    limitation: str
    paragraph: int = Field(description="Index (from 0) of the description paragraph it comes from")
    paragraph_number: str | None = Field(description='The paragraph number as written ("[0012]"), if any')
    sentence: str = Field(description="The description's sentence")
    score: float


class SuggestResponse(BaseModel):
    suggestions: list[SuggestionOut]


def _audit(session: Any, principal: Any, action: str, content: str | bytes, run: Any, counts: Any) -> Any:
    """`run()` audited like every document operation (hash and counts, never text)."""
    document = DocumentInput(docx=content) if isinstance(content, bytes) else DocumentInput(text=content)
    return audited(session, principal=principal, action=action, document=document, run=run, counts=counts)


@router.post(
    "/claims/suggest-dependent",
    response_model=SuggestResponse,
    summary="Dependent claims drawn from the description",
    responses=error_responses(401, 403, 422),
)
def suggest(body: SuggestRequest, principal: AttorneyUser, session: DbSession, settings: AppSettings) -> Any:
    """For each independent claim, dependent claims made from description sentences that further
    characterise a claimed element, each citing its paragraph, numbered after the last claim, with
    antecedent basis, ranked."""
    return _audit(
        session, principal, "claims.suggest_dependent", body.claims + "\n" + body.description,
        lambda: run_check(settings, suggest_dependent, claims=body.claims, description=body.description,
                          per_claim=body.per_claim, settings=settings),
        lambda out: {"suggestions": len(out["suggestions"])},
    )


class CloneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claims: str = Field(max_length=MAX_TEXT)
    target: Literal["method", "system", "crm"]
    source: int | None = Field(default=None, description="The independent claim to convert (default: the first convertible one)")
    start: int | None = Field(default=None, ge=1, description="First number of the clone (default: after the last claim)")


class ClonedOut(BaseModel):
    number: int
    text: str
    source: int = Field(description="The claim it was converted from")


class CloneResponse(BaseModel):
    claims: list[ClonedOut]
    text: str = Field(description="The cloned claims, one per line")
    target: str
    findings: list[dict[str, Any]] = Field(description="Antecedent-basis and dependency findings in the clone (none expected)")


@router.post(
    "/claims/clone",
    response_model=CloneResponse,
    summary="Convert a claim family between method, system and computer-readable-medium forms",
    responses=error_responses(401, 403, 422),
)
def clone(body: CloneRequest, principal: AttorneyUser, session: DbSession, settings: AppSettings) -> Any:
    return _audit(
        session, principal, "claims.clone", body.claims,
        lambda: run_check(settings, clone_claim_set, claims=body.claims, target=body.target, source=body.source,
                          start=body.start, settings=settings),
        lambda out: {"claims": len(out["claims"]), "findings": len(out["findings"])},
    )


FixIds = Annotated[
    list[str] | tuple[()], Query(description='Fix ids (from a finding\'s `fix.id`) or "CODE@paragraph:start"')
]
SafeFlag = Annotated[bool, Query(description="Apply every safe fix as well")]
SaidFlag = Annotated[bool, Query(description='"said" -> "the" in the claims')]


def fixed_filename(uploaded: str | None) -> str:
    return annotated_filename(uploaded).removesuffix("-checked.docx") + "-fixed.docx"


@router.post(
    "/check/fix",
    response_class=Response,
    summary="Apply quick fixes to a .docx as tracked changes",
    responses={
        200: {
            "description": "The .docx with the chosen fixes as tracked changes by PatentPane",
            "content": {DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        **error_responses(401, 403, 413, 415, 422),
    },
    openapi_extra=request_body_openapi(allow_text=False, options=False),
)
async def fix(
    request: Request,
    principal: AttorneyUser,
    session: DbSession,
    settings: AppSettings,
    fix: FixIds = (),
    safe: SafeFlag = False,
    said_to_the: SaidFlag = False,
) -> Response:
    """Fixes that change meaning (`safe: false`) are applied only when chosen by id."""
    document = await read_document_request(request, max_bytes=settings.max_upload_bytes, allow_text=False, options=False)
    config = request_config(load_rule_settings(session, tenant_id=principal.tenant_id), jurisdiction=None,
                            select_=(), ignore=())

    def run() -> Any:
        return run_check(settings, fix_docx, data=document.docx or b"", config=config, fixes=tuple(fix),
                         safe=safe, said_to_the=said_to_the, settings=settings)

    outcome = await run_in_threadpool(
        _audit, session, principal, "check.fix", document.content, run,
        lambda o: {"applied": len(o.applied), "skipped": len(o.skipped), "offered": o.offered},
    )
    return Response(
        outcome.docx,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": attachment(fixed_filename(document.filename)),
            "X-PatentPane-Fixes-Applied": ",".join(outcome.applied),
            "X-PatentPane-Fixes-Skipped": ",".join(outcome.skipped),
        },
    )
