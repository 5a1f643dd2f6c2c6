"""Data model of a patent application's structure: sections and claims.

Parsing lives in `sections.py` (find_sections) and `claims.py` (parse_claims); this module only
holds the shapes, so that rules, the docx layer and the API agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from backend.nlp.document import Location


class SectionKind(StrEnum):
    TITLE = "title"
    CROSS_REFERENCE = "cross_reference"
    GOVERNMENT_INTEREST = "government_interest"
    JOINT_RESEARCH = "joint_research_agreement"
    SEQUENCE_LISTING = "sequence_listing"
    TECHNICAL_FIELD = "technical_field"
    BACKGROUND = "background"
    SUMMARY = "summary"
    DRAWINGS = "brief_description_of_drawings"
    DETAILED_DESCRIPTION = "detailed_description"
    CLAIMS = "claims"
    ABSTRACT = "abstract"
    OTHER = "other"


@dataclass(slots=True)
class Section:
    kind: SectionKind
    heading: int | None
    """Index of the heading paragraph, None for a section without one (e.g. a title paragraph)."""
    start: int
    """First content paragraph (after the heading)."""
    end: int
    """One past the last content paragraph."""
    heading_text: str = ""


@dataclass(slots=True)
class Sections:
    sections: list[Section] = field(default_factory=list)

    def first(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def paragraphs(self, kind: SectionKind) -> list[int]:
        """Indices of the content paragraphs of every section of this kind, in order."""
        return [i for s in self.sections if s.kind == kind for i in range(s.start, s.end)]


class Category(StrEnum):
    METHOD = "method"
    APPARATUS = "apparatus"
    COMPOSITION = "composition"
    CRM = "computer_readable_medium"
    UNKNOWN = "unknown"


class DependencyForm(StrEnum):
    NONE = "none"  # independent
    SINGLE = "single"  # "claim 1"
    ALTERNATIVE = "alternative"  # "claim 1 or 2", "any one of claims 1-3", "any preceding claim"
    CUMULATIVE = "cumulative"  # "claims 1 and 2" (improper multiple dependency)


@dataclass(frozen=True, slots=True)
class Segment:
    """Claim text [claim_start, claim_start+length) is paragraph text [para_start, para_start+length)."""

    claim_start: int
    paragraph: int
    para_start: int
    length: int


@dataclass(slots=True)
class Claim:
    number: int
    text: str
    """Claim text without the leading "N." and without the status identifier; element paragraphs
    joined by "\n"."""
    segments: list[Segment]
    status: str | None = None
    """Status identifier in lower case without parentheses: "original", "currently amended",
    "canceled", "withdrawn", "new", "previously presented", ... or None."""
    number_end: int | None = None
    """For a range such as "2-5. (Canceled)": 5; else None."""
    preamble: str = ""
    transition: str | None = None
    """"comprising", "consisting of", "consisting essentially of", "including", "wherein",
    "characterized in that", ... as written, or None when none was found."""
    body_start: int = 0
    """Offset in `text` where the body (after the transition) starts."""
    elements: list[str] = field(default_factory=list)
    category: Category = Category.UNKNOWN
    depends_on: list[int] = field(default_factory=list)
    """Parent claim numbers as written; ranges and "any preceding claim" are expanded."""
    dependency_form: DependencyForm = DependencyForm.NONE
    dependency_text: str = ""
    """The words that state the dependency ("according to any one of claims 1 to 3"), "" if none."""
    dependency_span: tuple[int, int] | None = None
    """Offsets of `dependency_text` in `text`."""
    number_location: Location | None = None
    """Where the claim number (typed or produced by list numbering) sits."""
    references: list[int] = field(default_factory=list)
    """Claim numbers as written in the claim's references, in order, not expanded (range endpoints:
    "claims 1 to 3" -> [1, 3]; "any preceding claim" adds none)."""

    @property
    def independent(self) -> bool:
        return not self.depends_on

    @property
    def canceled(self) -> bool:
        return (self.status or "").startswith(("cancel", "delet"))

    @property
    def multiple_dependent(self) -> bool:
        return len(self.depends_on) > 1

    def locate(self, start: int, end: int) -> Location | None:
        """Map claim-text offsets to a paragraph location (clipped to the paragraph of `start`)."""
        for seg in self.segments:
            if seg.claim_start <= start < seg.claim_start + seg.length or (
                start == end == seg.claim_start + seg.length
            ):
                offset = start - seg.claim_start
                length = min(end - start, seg.length - offset)
                return Location(seg.paragraph, seg.para_start + offset, seg.para_start + offset + length)
        return None


@dataclass(slots=True)
class ClaimSet:
    claims: list[Claim] = field(default_factory=list)

    def __iter__(self):
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)

    def get(self, number: int) -> Claim | None:
        return next((c for c in self.claims if c.number == number), None)

    @property
    def active(self) -> list[Claim]:
        """Claims that are not canceled."""
        return [c for c in self.claims if not c.canceled]
