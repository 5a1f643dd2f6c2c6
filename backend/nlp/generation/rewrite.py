"""Optional rephrasing of generated paragraphs by a language model, under a strict guard.

The model (any `rephrase(text) -> text` callable; the service supplies a local one) may only change
the wording. Its output replaces the template text only when the paragraph keeps exactly its claim
terms and its reference numerals: a term or numeral lost, or a new one, and the template text
stays. Boilerplate and placeholders are never sent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend.nlp.generation.grounding import claim_vocabulary, numerals_in, paragraph_terms, term_grounded
from backend.nlp.generation.model import Draft, ParagraphKind
from backend.nlp.structure import ClaimSet, SectionKind

Rephrase = Callable[[str], str]

_SAID_RE = re.compile(r"\bsaid\b", re.IGNORECASE)
_REWRITTEN_SECTIONS = (SectionKind.SUMMARY, SectionKind.DETAILED_DESCRIPTION, SectionKind.ABSTRACT)


@dataclass(slots=True)
class RewriteReport:
    paragraphs: int = 0
    accepted: int = 0
    seconds: float = 0.0
    rejected: dict[str, int] = field(default_factory=dict)
    """Why outputs were refused: "numerals", "terms", "new_terms", "said", "empty", "error"."""

    @property
    def seconds_per_paragraph(self) -> float:
        return self.seconds / self.paragraphs if self.paragraphs else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "paragraphs": self.paragraphs,
            "accepted": self.accepted,
            "seconds": round(self.seconds, 3),
            "seconds_per_paragraph": round(self.seconds_per_paragraph, 3),
            "rejected": dict(self.rejected),
        }


def _clean(candidate: str) -> str:
    text = " ".join(candidate.strip().strip('"').split())
    return re.sub(r"^(?:rewritten|paragraph|output)\s*:\s*", "", text, flags=re.IGNORECASE)


def check_rewrite(
    original: str, candidate: str, *, parser: Any, vocabulary: frozenset[str]
) -> str | None:
    """None when `candidate` may replace `original`, else why not."""
    if not candidate or len(candidate) < 0.5 * len(original) or len(candidate) > 2 * len(original) + 40:
        return "empty"
    if _SAID_RE.search(candidate) and not _SAID_RE.search(original):
        return "said"
    if sorted(set(numerals_in(original))) != sorted(set(numerals_in(candidate))):
        return "numerals"
    before_doc, after_doc = parser.parse_many([original, candidate])
    before = set(paragraph_terms(before_doc, original))
    after = set(paragraph_terms(after_doc, candidate))
    claim_terms_before = {t for t in before if term_grounded(t, vocabulary)}
    claim_terms_after = {t for t in after if term_grounded(t, vocabulary)}
    if claim_terms_before != claim_terms_after:
        return "terms"
    if any(not term_grounded(t, vocabulary) and t not in before for t in after):
        return "new_terms"
    return None


def rewrite_draft(draft: Draft, claims: ClaimSet, *, rephrase: Rephrase, parser: Any) -> RewriteReport:
    """Offer each generated paragraph of the summary, detailed description and abstract to
    `rephrase`; keep the output only where `check_rewrite` accepts it (the draft is updated)."""
    report = RewriteReport()
    vocabulary = claim_vocabulary(claims)
    for section in draft.sections:
        if section.kind not in _REWRITTEN_SECTIONS:
            continue
        for paragraph in section.paragraphs:
            if paragraph.kind != ParagraphKind.GENERATED:
                continue
            report.paragraphs += 1
            started = time.perf_counter()
            try:
                candidate = _clean(rephrase(paragraph.text))
            except Exception:  # noqa: BLE001  (a model failure keeps the template text)
                candidate, reason = "", "error"
            else:
                reason = check_rewrite(paragraph.text, candidate, parser=parser, vocabulary=vocabulary)
            report.seconds += time.perf_counter() - started
            if reason is None:
                paragraph.text = candidate
                paragraph.rewritten = True
                report.accepted += 1
            else:
                report.rejected[reason] = report.rejected.get(reason, 0) + 1
    return report
