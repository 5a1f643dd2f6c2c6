"""Run the enabled rules over one document: text in, findings out (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.nlp.claims import parse_claims
from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.rules import CheckContext, Finding, WordLists, registered_rules
from backend.nlp.sections import find_sections
from backend.nlp.structure import ClaimSet, Sections


@dataclass(slots=True)
class CheckResult:
    document: DocumentText
    sections: Sections
    claims: ClaimSet
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        active = self.claims.active
        return {
            "document": {
                "claims": len(active),
                "independent_claims": sum(1 for c in active if c.independent),
                "words": self.document.words,
            },
            "claims": [
                {
                    "number": c.number,
                    "depends_on": list(c.depends_on),
                    "category": str(c.category),
                    "independent": c.independent,
                    "status": c.status,
                }
                for c in self.claims
            ],
            "findings": [f.to_json() for f in self.findings],
        }

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[str(f.severity)] += 1
        return out


def analyse(document: DocumentText) -> tuple[Sections, ClaimSet]:
    sections = find_sections(document)
    return sections, parse_claims(document, sections)


def check(
    document: DocumentText,
    *,
    config: CheckConfig | None = None,
    wordlists: WordLists | None = None,
    parser: Any = None,
) -> CheckResult:
    """Check `document`. `parser` is a `backend.nlp.parsing.ClaimParser`; rules that need a parse
    are skipped only when it is None *and* cannot be created (callers normally pass the shared one)."""
    config = config or CheckConfig()
    rules = config.enabled(registered_rules())
    sections, claims = analyse(document)
    if parser is None and any(r.needs_parse for r in rules):
        from backend.nlp.parsing import shared_parser

        parser = shared_parser()
    ctx = CheckContext(
        document=document,
        sections=sections,
        claims=claims,
        jurisdiction=config.jurisdiction,
        wordlists=wordlists or WordLists(),
        nlp=parser,
    )
    findings: list[Finding] = []
    for r in rules:
        severity = config.severity_of(r)
        for hit in r.function(ctx):
            loc = hit.location
            text = document.paragraphs[loc.paragraph].text[loc.start : loc.end]
            findings.append(
                Finding(
                    code=r.code,
                    category=r.category,
                    severity=severity,
                    message=hit.message,
                    location=loc,
                    text=text,
                    claim=hit.claim,
                    suggestion=hit.suggestion,
                )
            )
    findings.sort(key=lambda f: (f.location.paragraph, f.location.start, f.code))
    from backend.nlp.suggestions.fixes import attach_fixes

    findings = attach_fixes(findings, ctx)
    return CheckResult(document=document, sections=sections, claims=claims, findings=findings)
