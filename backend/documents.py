"""Document operations on behalf of a signed-in user: the tenant's rule settings applied, every
operation audited (by the document's SHA-256 and the result's counts, never its text).

The API routes call these keyword-only functions from a worker thread; the checks themselves run in
the interactive process pool (`backend.interactive`), the database work here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from backend.audit import record_audit_event
from backend.auth import Principal
from backend.checking import (
    DocxCheck,
    InputError,
    check_docx,
    check_text,
    no_claims_error,
    read_docx_text,
    read_plain_text,
)
from backend.claims_service import claim_tree_json, document_claims
from backend.interactive import run_check
from backend.nlp.config import CheckConfig, ConfigError
from backend.nlp.engine import CheckResult
from backend.nlp.parsing import shared_parser
from backend.rule_settings import load_rule_settings, request_config
from backend.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """One uploaded .docx or one piece of text, with the request's check options."""

    docx: bytes | None = None
    text: str | None = None
    filename: str | None = None
    jurisdiction: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @property
    def content(self) -> bytes:
        """What the audit trail hashes."""
        return self.docx if self.docx is not None else (self.text or "").encode("utf-8")


def audited(
    session: Session,
    *,
    principal: Principal,
    action: str,
    document: DocumentInput,
    run: Callable[[], T],
    counts: Callable[[T], dict[str, int]],
) -> T:
    try:
        out = run()
    except (InputError, ConfigError) as exc:
        session.rollback()
        record_audit_event(
            session, principal=principal, action=action, document=document.content, outcome=exc.code
        )
        raise
    record_audit_event(
        session, principal=principal, action=action, document=document.content, counts=counts(out)
    )
    return out


def _result_counts(result: CheckResult) -> dict[str, int]:
    return {"claims": len(result.claims.active), **result.counts()}


def _config(session: Session, *, principal: Principal, document: DocumentInput) -> CheckConfig:
    tenant = load_rule_settings(session, tenant_id=principal.tenant_id)
    return request_config(
        tenant, jurisdiction=document.jurisdiction, select_=document.select, ignore=document.ignore
    )


def check_document(
    session: Session, *, principal: Principal, document: DocumentInput, settings: Settings
) -> CheckResult:
    """Check a .docx or text with the tenant's settings narrowed by the request's options."""

    def run() -> CheckResult:
        config = _config(session, principal=principal, document=document)
        if document.docx is not None:
            return run_check(settings, check_docx, data=document.docx, config=config, settings=settings).result
        return run_check(settings, check_text, text=document.text or "", config=config, settings=settings)

    return audited(
        session, principal=principal, action="check", document=document, run=run, counts=_result_counts
    )


def annotate_document(
    session: Session, *, principal: Principal, document: DocumentInput, settings: Settings
) -> DocxCheck:
    """Check a .docx and return the copy carrying one Word comment per finding."""
    if document.docx is None:
        raise InputError("not_a_docx", "annotation needs a .docx upload")

    def run() -> DocxCheck:
        config = _config(session, principal=principal, document=document)
        return run_check(settings, check_docx, data=document.docx or b"", config=config, annotate=True,
                         settings=settings)

    return audited(
        session,
        principal=principal,
        action="check.annotate",
        document=document,
        run=run,
        counts=lambda checked: _result_counts(checked.result),
    )


def claim_tree(*, docx: bytes | None, text: str | None, settings: Settings) -> dict[str, Any]:
    """The claim tree of a .docx or of text (runs in the interactive pool, `backend.interactive`)."""
    document = read_docx_text(docx) if docx is not None else read_plain_text(text or "")
    claims = document_claims(document)
    if not claims.claims:
        raise no_claims_error()
    return claim_tree_json(claims, parser=shared_parser(settings.spacy_model))


def parse_document_claims(
    session: Session, *, principal: Principal, document: DocumentInput, settings: Settings
) -> dict[str, Any]:
    """The claim tree of a .docx or of claims text (see `backend.claims_service`)."""

    def run() -> dict[str, Any]:
        return run_check(settings, claim_tree, docx=document.docx, text=document.text, settings=settings)

    return audited(
        session,
        principal=principal,
        action="claims.parse",
        document=document,
        run=run,
        counts=lambda tree: {"claims": sum(1 for c in tree["claims"] if not c["canceled"])},
    )
