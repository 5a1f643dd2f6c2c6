"""The claim tree of a document or of claims text, as JSON: numbers, dependencies, category,
preamble, transition, elements, and the terms each claim introduces (from the antecedent-basis
analysis, `backend.nlp.antecedent.claim_mentions`)."""

from __future__ import annotations

from typing import Any

from backend.nlp.antecedent import claim_mentions
from backend.nlp.document import DocumentText
from backend.nlp.engine import analyse
from backend.nlp.structure import Claim, ClaimSet


def introduced_terms(claim: Claim, doc: Any) -> list[dict[str, Any]]:
    """The noun phrases `claim` introduces ("a lever", "a plurality of arms"), one entry per term
    (distributed coordinations give several: "first and second levers"), with claim-text offsets
    and, where it maps, the paragraph location. (Which references are inherent attributes does not
    change what is introduced, so no word lists are needed.)"""
    out = []
    dep_start, dep_end = claim.dependency_span or (-1, -1)
    for m in claim_mentions(doc, claim.text):
        if m.kind != "intro" or (m.start < dep_end and m.end > dep_start):
            continue  # "claim" of "according to claim 1" introduces nothing
        loc = claim.locate(m.start, m.end)
        for term in m.terms:
            out.append(
                {
                    "term": " ".join(term),
                    "text": claim.text[m.start : m.end],
                    "start": m.start,
                    "end": m.end,
                    "location": (
                        {"paragraph": loc.paragraph, "start": loc.start, "end": loc.end}
                        if loc is not None
                        else None
                    ),
                }
            )
    return out


def claim_tree_json(claims: ClaimSet, *, parser: Any) -> dict[str, Any]:
    """The claim tree; `parser` is a `backend.nlp.parsing.ClaimParser`."""
    parsed = [c for c in claims.active if c.text.strip()]
    docs = dict(zip((id(c) for c in parsed), parser.parse_many([c.text for c in parsed]), strict=True))
    dependents: dict[int, list[int]] = {}
    for c in claims:
        for parent in c.depends_on:
            dependents.setdefault(parent, []).append(c.number)
    return {
        "claims": [
            {
                "number": c.number,
                "number_end": c.number_end,
                "status": c.status,
                "canceled": c.canceled,
                "independent": c.independent,
                "depends_on": list(c.depends_on),
                "dependency_form": str(c.dependency_form),
                "dependents": dependents.get(c.number, []),
                "category": str(c.category),
                "text": c.text,
                "preamble": c.preamble,
                "transition": c.transition,
                "elements": list(c.elements),
                "introduces": introduced_terms(c, docs[id(c)]) if id(c) in docs else [],
            }
            for c in claims
        ],
        "independent_claims": [c.number for c in claims.active if c.independent],
    }


def document_claims(document: DocumentText) -> ClaimSet:
    """The claims of a whole application or of bare claims text."""
    _sections, claims = analyse(document)
    return claims
