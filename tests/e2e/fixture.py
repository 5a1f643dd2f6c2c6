"""The application the end-to-end test opens in the stand-in Word: a small record rendered by
tests/docxgen.py (typed paragraph and claim numbers, so Word's paragraph text is exactly what the
backend reads), with defects whose findings are known."""

from __future__ import annotations

from tests.docxgen import HouseStyle, expected_paragraphs, render_docx

STYLE = HouseStyle(
    name="e2e-typed",
    description="bold capital headings, typed [0001] and claim numbers, one paragraph per claim",
    title="bold-centered",
    headings="bold-caps",
    para_numbers="typed",
    claim_numbers="typed",
    claim_elements="inline-space",
    claims_heading="CLAIMS",
    claims_intro="What is claimed is:",
    abstract_heading="ABSTRACT",
)

RECORD = {
    "id": "e2e-widget",
    "title": "Widget with a pivoting lever",
    "abstract": "A widget includes a housing and a lever attached to the housing. The lever pivots on a pin.",
    "description": [
        {"type": "heading", "text": "TECHNICAL FIELD"},
        {"type": "paragraph", "text": "The present disclosure relates to widgets, and in particular to widgets with levers."},
        {"type": "heading", "text": "BRIEF DESCRIPTION OF THE DRAWINGS"},
        {"type": "paragraph", "text": "FIG. 1 is a perspective view of a widget according to an embodiment."},
        {"type": "heading", "text": "DETAILED DESCRIPTION"},
        {"type": "paragraph", "text": "As shown in FIG. 1, the widget 100 includes a housing 102 and a lever 104 "
         "attached to the housing 102. The lever 104 pivots on a pin 106."},
        {"type": "paragraph", "text": "In some embodiments, the housing 102 is formed of aluminium. The lever 104 "
         "may include a grip 108 at its free end."},
    ],
    "claims": [
        {"num": 1, "text": "A widget comprising: a housing; and a lever attached to the housing.", "depends_on": []},
        {"num": 2, "text": "The widget of claim 1, wherein the pin is red and the pin is round.", "depends_on": [1]},
        {"num": 3, "text": "The widget of claim 1, wherein the lever is substantially straight.", "depends_on": [1]},
    ],
}
"""Claim 2's "the pin" has no antecedent basis (AB001); claim 3 uses a relative term (TM002)."""


def fixture_docx() -> bytes:
    return render_docx(RECORD, STYLE)


def word_paragraphs() -> list[str]:
    """The body's paragraph texts as Word's `paragraph.text` gives them (no list numbers here)."""
    return [p.text for p in expected_paragraphs(RECORD, STYLE)]
