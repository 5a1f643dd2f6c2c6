"""Rule metadata, findings and the context rules read.

A rule is a function decorated with `@rule(...)`: it takes a `CheckContext` and yields `Hit`s;
the engine turns hits into `Finding`s carrying the rule's code, category and (possibly
configured) severity. The function's docstring is the rule's documentation and must have the
headings "What it does", "Why it matters" and "Example" (and "Fix" where a fix is suggested).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backend.nlp.document import DocumentText, Location
from backend.nlp.structure import ClaimSet, Sections

CATEGORIES = (
    "antecedent_basis",
    "claim_numbering",
    "claim_dependency",
    "multiple_dependency",
    "claim_form",
    "claim_support",
    "reference_numeral",
    "figure_reference",
    "abstract",
    "title",
    "fees",
    "terminology",
    "sections",
)

JURISDICTIONS = ("us", "ep")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Authority:
    """The legal source a rule rests on: e.g. Authority("MPEP 2173.05(e)", "https://...")."""

    citation: str
    url: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the document's words at `location` (`original`) by `replacement`."""

    location: Location
    original: str
    replacement: str

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        return {
            "location": {"paragraph": loc.paragraph, "start": loc.start, "end": loc.end},
            "text": self.original,
            "replacement": self.replacement,
        }


@dataclass(frozen=True, slots=True)
class Fix:
    """The exact edits that resolve a finding (`backend/nlp/suggestions/fixes.py` attaches them).
    `safe`: mechanical, the claims mean the same afterwards; an unsafe fix is offered, never applied
    unless chosen."""

    id: str
    title: str
    edits: tuple[Edit, ...]
    safe: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "safe": self.safe, "edits": [e.to_json() for e in self.edits]}


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule function yields: one problem at one place."""

    message: str
    """Names the offending words, e.g. 'No antecedent basis for "the lever" in claim 3'."""
    location: Location
    claim: int | None = None
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    category: str
    severity: Severity
    message: str
    location: Location
    text: str
    """The paragraph text at `location`."""
    claim: int | None = None
    suggestion: str | None = None
    fix: Fix | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "category": self.category,
            "severity": str(self.severity),
            "message": self.message,
            "claim": self.claim,
            "text": self.text,
            "location": {
                "paragraph": self.location.paragraph,
                "start": self.location.start,
                "end": self.location.end,
            },
            "suggestion": self.suggestion,
            "fix": self.fix.to_json() if self.fix is not None else None,
        }


@dataclass(frozen=True, slots=True)
class WordLists:
    """Firm-extendable word lists (data files, see `backend/nlp/wordlists/`)."""

    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, name: str) -> tuple[str, ...]:
        return self.lists.get(name, ())


@dataclass(slots=True)
class CheckContext:
    document: DocumentText
    sections: Sections
    claims: ClaimSet
    jurisdiction: str = "us"
    wordlists: WordLists = field(default_factory=WordLists)
    nlp: Any = None
    """A `backend.nlp.parsing.ClaimParser` (spaCy, cached by text), or None when the caller runs
    only rules that do not need a parse."""
    cache: dict[str, Any] = field(default_factory=dict)
    """Shared per-check scratch space, so that rules of one category compute an analysis once
    (e.g. cache["antecedent"])."""

    def paragraph_text(self, index: int) -> str:
        return self.document.paragraphs[index].text

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


RuleFunction = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    authority: Authority
    function: RuleFunction
    jurisdictions: frozenset[str] = frozenset(JURISDICTIONS)
    fix_title: str | None = None
    needs_parse: bool = False

    @property
    def doc(self) -> str:
        import inspect

        return inspect.getdoc(self.function) or ""


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    category: str,
    severity: Severity,
    summary: str,
    authority: Authority,
    jurisdictions: Iterable[str] = JURISDICTIONS,
    fix_title: str | None = None,
    needs_parse: bool = False,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function. Codes are stable: never reuse or renumber one."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")

    def register(fn: RuleFunction) -> RuleFunction:
        if code in _REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        _REGISTRY[code] = Rule(
            code=code,
            name=name,
            category=category,
            severity=severity,
            summary=summary,
            authority=authority,
            function=fn,
            jurisdictions=frozenset(jurisdictions),
            fix_title=fix_title,
            needs_parse=needs_parse,
        )
        return fn

    return register


def registered_rules() -> dict[str, Rule]:
    """Every registered rule by code (import `backend.nlp.rules` first so all are registered)."""
    return dict(sorted(_REGISTRY.items()))
