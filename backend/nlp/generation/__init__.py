"""Drafting from the claims: claims in, draft sections out (pure: no file or network I/O).

- `generate_draft(claims, parser=, templates=, unnumbered=) -> Draft`       (generator.py)
- `Draft`, `DraftSection`, `DraftParagraph`, `Figure`, `ReferenceNumeral`    (model.py)
- `DraftTemplates(sources)`: the firm's Jinja2 phrasing and boilerplate       (templates.py)
- `ClaimText`, `term_spans`: claim text -> description text                 (phrasing.py)
- `grounding`: what a draft adds to the claims, and what it covers           (grounding.py)
"""

from backend.nlp.generation.generator import ABSTRACT_WORD_LIMIT, generate_draft
from backend.nlp.generation.model import (
    Draft,
    DraftParagraph,
    DraftSection,
    Figure,
    FigureKind,
    ParagraphKind,
    ReferenceNumeral,
)
from backend.nlp.generation.templates import TEMPLATE_NAMES, DraftTemplates, TemplateError

__all__ = [
    "ABSTRACT_WORD_LIMIT",
    "TEMPLATE_NAMES",
    "Draft",
    "DraftParagraph",
    "DraftSection",
    "DraftTemplates",
    "Figure",
    "FigureKind",
    "ParagraphKind",
    "ReferenceNumeral",
    "TemplateError",
    "generate_draft",
]
