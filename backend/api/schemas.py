"""Pydantic models of the API's JSON (request bodies and responses, as OpenAPI documents them).

The check response mirrors `CheckResult.to_json()` field for field and in the same order (the API
answers exactly what `patentpane check --format json` prints).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SeverityName = Literal["error", "warning", "info"]


class Location(BaseModel):
    paragraph: int = Field(description="Body and table-cell paragraphs counted from 0 in document order")
    start: int = Field(description="Character offset in the paragraph text as displayed")
    end: int


class DocumentSummary(BaseModel):
    claims: int
    independent_claims: int
    words: int


class ClaimSummary(BaseModel):
    number: int
    depends_on: list[int]
    category: str
    independent: bool
    status: str | None


class FixEdit(BaseModel):
    location: Location
    text: str = Field(description="The words replaced")
    replacement: str


class QuickFix(BaseModel):
    id: str = Field(description="Stable id: pass it to POST /check/fix (`fix=`)")
    title: str
    safe: bool = Field(description="Mechanical (meaning unchanged); an unsafe fix is applied only when chosen")
    edits: list[FixEdit]


class Finding(BaseModel):
    code: str
    category: str
    severity: SeverityName
    message: str
    claim: int | None
    text: str = Field(description="The document's words the finding is about")
    location: Location
    suggestion: str | None
    fix: QuickFix | None = Field(default=None, description="The exact edit, where a mechanical fix exists")


class CheckResponse(BaseModel):
    document: DocumentSummary
    claims: list[ClaimSummary]
    findings: list[Finding]


class IntroducedTerm(BaseModel):
    term: str = Field(description='Normalised term: lower case, head noun singular ("first lever")')
    text: str = Field(description='The phrase as written ("a first lever")')
    start: int = Field(description="Offset in the claim text")
    end: int
    location: Location | None


class ClaimNode(BaseModel):
    number: int
    number_end: int | None = Field(description='Last number of a range such as "2-5. (Canceled)"')
    status: str | None
    canceled: bool
    independent: bool
    depends_on: list[int]
    dependency_form: Literal["none", "single", "alternative", "cumulative"]
    dependents: list[int] = Field(description="Claims that depend on this one")
    category: str
    text: str
    preamble: str
    transition: str | None
    elements: list[str]
    introduces: list[IntroducedTerm] = Field(description="Terms the claim introduces (antecedents)")


class ClaimTree(BaseModel):
    claims: list[ClaimNode]
    independent_claims: list[int]


class Authority(BaseModel):
    citation: str
    url: str


class TenantRuleState(BaseModel):
    enabled: bool = Field(description="Whether the tenant's settings run the rule (in some jurisdiction)")
    severity: SeverityName = Field(description="Severity after the tenant's overrides")


class Rule(BaseModel):
    code: str
    name: str
    category: str
    severity: SeverityName = Field(description="Default severity")
    jurisdictions: list[str]
    summary: str
    authority: Authority
    fix_title: str | None
    tenant: TenantRuleState


class RuleDetail(Rule):
    doc: str = Field(description="What it does / Why it matters / Example / Fix")


class RuleSettings(BaseModel):
    """A tenant's rule settings. Selectors are codes ("AB001"), prefixes ("CF00"), categories
    ("claim_form") or rule names; `select` empty means every rule."""

    model_config = ConfigDict(extra="forbid")
    jurisdiction: str = Field(default="us", description="Default rule profile: `us` or `ep`")
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, SeverityName] = Field(
        default_factory=dict, description="Severity overrides by selector"
    )


class AuditEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: str | None
    action: str
    document_sha256: str | None
    document_size: int | None
    outcome: str = Field(description='"ok" or the error code of a refused input')
    counts: dict[str, int] | None
    detail: dict[str, Any] | None = Field(
        default=None, description="Identity events: method, key prefix, roles before and after (never a secret)"
    )
    address: str | None = Field(default=None, description="Client address of sign-ins and their failures")
    occurred_at: datetime
