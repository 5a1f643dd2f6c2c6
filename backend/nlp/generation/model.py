"""What the generator produces: a draft of the application's sections, paragraph by paragraph,
each paragraph with the claims it restates and the reference numerals it uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backend.nlp.structure import SectionKind


class ParagraphKind(StrEnum):
    GENERATED = "generated"
    """Restates claim text (the claims' own words, in description phrasing)."""
    BOILERPLATE = "boilerplate"
    """The firm's standard text (definitions, alternatives and equivalents)."""
    PLACEHOLDER = "placeholder"
    """What only the attorney knows: "[Describe ...]", never invented."""


class FigureKind(StrEnum):
    BLOCK_DIAGRAM = "block_diagram"
    FLOWCHART = "flowchart"
    COMPUTING_ENVIRONMENT = "computing_environment"


@dataclass(frozen=True, slots=True)
class ReferenceNumeral:
    numeral: int
    term: str
    """The term as the description writes it ("footplate", "candidate routes")."""
    figure: int
    """The figure whose series the numeral belongs to (102 -> FIG. 1)."""
    claims: tuple[int, ...]
    """Claims the term or step comes from."""
    kind: str = "element"
    """"element" (a claim term), "subject" (what a figure shows) or "step" (a flowchart block)."""


@dataclass(slots=True)
class Figure:
    number: int
    kind: FigureKind
    claims: list[int]
    """The independent claim the figure illustrates, then the claims depending on it."""
    subject: str
    """What the figure shows, in the claims' words ("wheeled hand truck")."""
    numeral: int
    """The subject's numeral (100 for FIG. 1)."""


@dataclass(slots=True)
class DraftParagraph:
    text: str
    kind: ParagraphKind = ParagraphKind.GENERATED
    source_claims: list[int] = field(default_factory=list)
    numerals: list[int] = field(default_factory=list)
    """Reference numerals written in this paragraph, in order of first use."""
    rewritten: bool = False
    """True when the language model's rephrasing was accepted for this paragraph."""

    def to_json(self, numerals: dict[int, ReferenceNumeral]) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": str(self.kind),
            "source_claims": list(self.source_claims),
            "numerals": [
                {"numeral": n, "term": numerals[n].term} if n in numerals else {"numeral": n, "term": ""}
                for n in self.numerals
            ],
            "rewritten": self.rewritten,
        }


@dataclass(slots=True)
class DraftSection:
    kind: SectionKind
    heading: str
    paragraphs: list[DraftParagraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(slots=True)
class Draft:
    sections: list[DraftSection] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    numerals: list[ReferenceNumeral] = field(default_factory=list)

    def section(self, kind: SectionKind) -> DraftSection | None:
        return next((s for s in self.sections if s.kind == kind), None)

    @property
    def title(self) -> str:
        section = self.section(SectionKind.TITLE)
        return section.paragraphs[0].text if section and section.paragraphs else ""

    def numeral_map(self) -> dict[int, ReferenceNumeral]:
        return {n.numeral: n for n in self.numerals}

    def to_json(self) -> dict[str, Any]:
        numerals = self.numeral_map()
        return {
            "title": self.title,
            "sections": [
                {
                    "section": str(s.kind),
                    "heading": s.heading,
                    "paragraphs": [p.to_json(numerals) for p in s.paragraphs],
                }
                for s in self.sections
            ],
            "figures": [
                {
                    "figure": f.number,
                    "kind": str(f.kind),
                    "claims": list(f.claims),
                    "subject": f.subject,
                    "numeral": f.numeral,
                }
                for f in self.figures
            ],
            "numerals": [
                {"numeral": n.numeral, "term": n.term, "figure": n.figure, "claims": list(n.claims), "kind": n.kind}
                for n in self.numerals
            ],
        }

    def to_text(self) -> str:
        out: list[str] = []
        for s in self.sections:
            if s.kind != SectionKind.TITLE:
                out.append(s.heading)
            out.extend(p.text for p in s.paragraphs)
            out.append("")
        return "\n".join(out).rstrip() + "\n"
