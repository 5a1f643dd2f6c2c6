"""The neutral text model every check works on.

`backend/docx` turns a Word file into a `DocumentText`; plain text can be turned into one with
`DocumentText.from_text`. Nothing here knows about OOXML: offsets are character offsets into
`Paragraph.text`, and the docx layer maps them back to runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body paragraph or table-cell paragraph, with its text as the attorney sees it."""

    index: int
    """Position among the analysed paragraphs, in document order (0-based)."""
    text: str
    """Displayed text: list-numbering prefix (e.g. "1. " or "[0001] ") included, tracked
    deletions removed, tracked insertions present, smart quotes/nbsp normalised."""
    style: str = ""
    """Paragraph style name as shown in Word ("Heading 1", "Normal"), "" when unknown."""
    heading_level: int | None = None
    """Outline level (1 = top) when the style or paragraph properties make it a heading."""
    bold: bool = False
    """True when every visible character is bold (headings typed as bold capitals)."""
    in_table: bool = False
    numbering_prefix: str = ""
    """The part of `text` produced by Word list numbering (not present in any run), "" when none.
    When not empty, `text` starts with it."""


@dataclass(frozen=True, slots=True)
class Location:
    """A character range inside one paragraph."""

    paragraph: int
    start: int
    end: int


@dataclass(slots=True)
class DocumentText:
    paragraphs: list[Paragraph] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str) -> DocumentText:
        """One paragraph per non-empty line (blank lines are dropped; indices stay consecutive)."""
        lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        return cls([Paragraph(index=i, text=line) for i, line in enumerate(l for l in lines if l)])

    @property
    def words(self) -> int:
        return sum(len(p.text.split()) for p in self.paragraphs)
