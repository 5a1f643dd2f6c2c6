"""Measures of a draft against its claims (pure; the benchmark, the tests and the language-model
guard use them).

- Grounding: every noun-phrase term of the generated paragraphs (boilerplate and placeholders
  excluded) is made of claim words, or of the few words that name the document's own structure
  ("FIG.", "block", "embodiment", "computing environment").
- Coverage: every element of every independent claim and every dependent-claim feature is restated
  in the detailed description in a paragraph that carries a reference numeral; every term the
  claims introduce appears in the detailed description.
- No "said"; the abstract within 150 words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.nlp.antecedent import claim_mentions
from backend.nlp.generation.model import Draft, ParagraphKind
from backend.nlp.generation.phrasing import CLAIM_REFERENCE_RE, element_spans, term_spans
from backend.nlp.inflection import singular
from backend.nlp.structure import ClaimSet, SectionKind

DOCUMENT_WORDS = frozenset(
    {"fig", "figure", "block", "diagram", "flowchart", "embodiment", "aspect", "computing", "environment",
     "present", "disclosure", "drawing", "description", "different", "order", "provided"}
)  # fmt: skip
"""Words a template may use that are not claim words: the document's own structure."""

_WORD_RE = re.compile(r"[A-Za-z]+")
_TOKEN_RE = re.compile(r"[^\W_]+")
"""Words with digits and any script ("R202", "μm"): what a term is made of."""
_NUMERAL_RE = re.compile(r"(?<![\w.])\d{3,4}[a-z]?(?![\w])")
_SAID_RE = re.compile(r"\bsaid\b", re.IGNORECASE)
_COUNT_WORD_RE = re.compile(r"[^\s]+")
_FORMAL_WORDS = frozenset({"a", "an", "the", "said", "wherein", "whereby", "claim", "and", "or"})
"""Words the description may drop or change when it restates a claim element."""


def claim_vocabulary(claims: ClaimSet) -> frozenset[str]:
    """Every word of the claims, lower case and singular; also in the pieces the parser makes of
    them ("time-series" -> "time", "series", "sery"; "4G" -> "4", "g")."""
    out: set[str] = set()
    for claim in claims.active:
        for word in claim.text.lower().split():
            for form in (word, singular(word.strip(".,;:()[]\"'"))):
                for token in _TOKEN_RE.findall(form):
                    out.update((token, singular(token)))
                    out.update(re.findall(r"\d+|[^\W\d_]+", token))
    return frozenset(out)


def paragraph_terms(doc: Any, text: str) -> list[tuple[str, ...]]:
    """The noun-phrase terms of a parsed paragraph."""
    return [tuple(t) for m in claim_mentions(doc, text) for t in m.terms if t]


def term_grounded(term: Iterable[str], vocabulary: frozenset[str]) -> bool:
    words = [p for w in term for p in _TOKEN_RE.findall(w.lower())]
    return all(singular(w) in vocabulary or singular(w) in DOCUMENT_WORDS for w in words)


def numerals_in(text: str) -> list[str]:
    """The reference numerals written in a paragraph ("102", "204a"), in order."""
    return _NUMERAL_RE.findall(text)


def words_in(text: str) -> int:
    """Words as the abstract rule counts them (whitespace separated)."""
    return len(_COUNT_WORD_RE.findall(text))


@dataclass(slots=True)
class GroundingReport:
    terms: int = 0
    grounded: int = 0
    ungrounded: list[tuple[str, ...]] = field(default_factory=list)
    elements: int = 0
    elements_covered: int = 0
    uncovered: list[str] = field(default_factory=list)
    claim_terms: int = 0
    claim_terms_described: int = 0
    claim_terms_numbered: int = 0
    numbered_candidates: int = 0
    """Claim terms of claims shown in a block diagram or computing environment (method terms get
    numerals only when an apparatus figure shows them)."""
    said: int = 0
    abstract_words: int = 0

    @property
    def grounded_share(self) -> float:
        return self.grounded / self.terms if self.terms else 1.0

    @property
    def element_coverage(self) -> float:
        return self.elements_covered / self.elements if self.elements else 1.0


def measure_draft(draft: Draft, claims: ClaimSet, *, parser: Any) -> GroundingReport:
    """Grounding and coverage of `draft`, generated from `claims`."""
    report = GroundingReport()
    vocabulary = claim_vocabulary(claims)
    generated = [
        p for s in draft.sections for p in s.paragraphs if p.kind == ParagraphKind.GENERATED
    ]
    texts = [p.text for p in generated]
    for text, doc in zip(texts, parser.parse_many(texts), strict=True):
        for term in paragraph_terms(doc, text):
            report.terms += 1
            if term_grounded(term, vocabulary):
                report.grounded += 1
            else:
                report.ungrounded.append(term)
    report.said = sum(len(_SAID_RE.findall(p.text)) for s in draft.sections for p in s.paragraphs)
    abstract = draft.section(SectionKind.ABSTRACT)
    report.abstract_words = words_in(abstract.text) if abstract else 0

    detailed = draft.section(SectionKind.DETAILED_DESCRIPTION)
    paragraphs = detailed.paragraphs if detailed else []
    description_words = {singular(w) for p in paragraphs for w in _WORD_RE.findall(p.text.lower())}
    shown = {n for f in draft.figures if f.kind != "flowchart" for n in f.claims}
    active = [c for c in claims.active if c.text.strip()]
    docs = parser.parse_many([c.text for c in active])
    numbered_text = " ".join(p.text for p in paragraphs if p.numerals).lower()
    for claim, doc in zip(active, docs, strict=True):
        # a claim shown in a figure is restated with reference numerals; a composition without
        # (it has no figure)
        figured = any(claim.number in f.claims for f in draft.figures)
        with_numeral = [p for p in paragraphs if claim.number in p.source_claims and (p.numerals or not figured)]
        units = element_spans(claim) if claim.independent else [(claim.body_start, len(claim.text))]
        for start, end in units or [(0, len(claim.text))]:
            report.elements += 1
            element = CLAIM_REFERENCE_RE.sub("", claim.text[start:end])
            words = {singular(w) for w in _WORD_RE.findall(element.lower())} - _FORMAL_WORDS
            if any(words <= {singular(w) for w in _WORD_RE.findall(p.text.lower())} for p in with_numeral):
                report.elements_covered += 1
            else:
                report.uncovered.append(f"claim {claim.number}: {claim.text[start:end][:80]}")
        for span in term_spans(claim, doc):
            if not span.intro:
                continue
            for key in span.keys:
                report.claim_terms += 1
                if all(singular(w) in description_words for p in key for w in _WORD_RE.findall(p)):
                    report.claim_terms_described += 1
                if claim.number in shown:
                    report.numbered_candidates += 1
                    head = re.escape(key[-1])
                    if re.search(rf"\b{head}(?:e?s)?\b(?:['\u2019]s?)?\s+\d{{3}}", numbered_text):
                        report.claim_terms_numbered += 1
    return report
