"""find_sections: headings by style or text, US/EP wording, sub-headings, claims without heading."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from backend.nlp.claims import parse_claims
from backend.nlp.document import DocumentText, Paragraph
from backend.nlp.sections import find_sections, heading_kind
from backend.nlp.structure import SectionKind as K

CORPUS_SAMPLE = Path(__file__).parent / "data" / "corpus-sample.jsonl.gz"


@pytest.mark.parametrize(
    "text,kind",
    [
        ("CROSS-REFERENCE TO RELATED APPLICATIONS", K.CROSS_REFERENCE),
        ("RELATED APPLICATION DATA", K.CROSS_REFERENCE),
        ("PRIORITY CLAIM", K.CROSS_REFERENCE),
        ("Cross-Reference to Related Application(s)", K.CROSS_REFERENCE),
        ("STATEMENT OF PRIORITY", K.CROSS_REFERENCE),
        ("RELATED INVENTIONS", K.CROSS_REFERENCE),
        ("STATEMENT REGARDING FEDERALLY SPONSORED RESEARCH OR DEVELOPMENT", K.GOVERNMENT_INTEREST),
        ("THE NAMES OF PARTIES TO A JOINT RESEARCH AGREEMENT", K.JOINT_RESEARCH),
        ("REFERENCE TO A SEQUENCE LISTING", K.SEQUENCE_LISTING),
        ("STATEMENT UNDER 37 C.F.R. 1.821(f)", K.SEQUENCE_LISTING),
        ("DESCRIPTION OF ATTACHED APPENDIX", K.SEQUENCE_LISTING),
        ("APPENDIX A", None),
        ("TECHNICAL FIELD", K.TECHNICAL_FIELD),
        ("FIELD", K.TECHNICAL_FIELD),
        ("FIELD OF THE INVENTION", K.TECHNICAL_FIELD),
        ("Field of the Disclosure", K.TECHNICAL_FIELD),
        ("BACKGROUND", K.BACKGROUND),
        ("BACKGROUND OF THE INVENTION", K.BACKGROUND),
        ("Description of the Related Art", K.BACKGROUND),
        ("Prior Art", K.BACKGROUND),
        ("SUMMARY", K.SUMMARY),
        ("BRIEF SUMMARY", K.SUMMARY),
        ("SUMMARY OF THE INVENTION", K.SUMMARY),
        ("Disclosure of the Invention", K.SUMMARY),
        ("Statement of Invention", K.SUMMARY),
        ("BRIEF DESCRIPTION OF THE DRAWINGS", K.DRAWINGS),
        ("BRIEF DESCRIPTION OF THE FIGURES", K.DRAWINGS),
        ("DESCRIPTION OF THE DRAWINGS", K.DRAWINGS),
        ("DETAILED DESCRIPTION", K.DETAILED_DESCRIPTION),
        ("DETAILED DESCRIPTION OF THE PREFERRED EMBODIMENTS", K.DETAILED_DESCRIPTION),
        ("DESCRIPTION OF EMBODIMENTS", K.DETAILED_DESCRIPTION),
        ("Modes for Carrying out the Invention", K.DETAILED_DESCRIPTION),
        ("DESCRIPTION", K.DETAILED_DESCRIPTION),
        ("What is claimed is:", K.CLAIMS),
        ("I claim:", K.CLAIMS),
        ("We claim:", K.CLAIMS),
        ("Claims", K.CLAIMS),
        ("CLAIMS", K.CLAIMS),
        ("The invention claimed is:", K.CLAIMS),
        ("What is claimed:", K.CLAIMS),
        ("Patent claims", K.CLAIMS),
        ("ABSTRACT", K.ABSTRACT),
        ("Abstract of the Disclosure", K.ABSTRACT),
        ("ABSTRACT OF THE INVENTION", K.ABSTRACT),
        ("Example 1", None),
        ("System Overview", None),
        ("EXAMPLES", None),
    ],
)
def test_heading_kind(text, kind):
    assert heading_kind(text) == kind


DOC = """Widget Holder With Lid
CROSS-REFERENCE TO RELATED APPLICATIONS
[0001] This application claims priority to U.S. Provisional Application No. 62/000,000.
FIELD
[0002] Holders.
BACKGROUND
[0003] Widgets are known.
SUMMARY
[0004] A holder.
BRIEF DESCRIPTION OF THE DRAWINGS
[0005] FIG. 1 shows the holder.
DETAILED DESCRIPTION
[0006] The holder 10.
System Overview
[0007] More.
EXAMPLE 1
[0008] Even more.
What is claimed is:
1. A holder comprising:
a base; and
a lid.
2. The holder of claim 1, wherein the lid is red.
ABSTRACT
A holder having a base and a lid."""


def kinds(sections):
    return [(s.kind, s.heading, s.start, s.end) for s in sections.sections]


def test_whole_document():
    doc = DocumentText.from_text(DOC)
    s = find_sections(doc)
    assert kinds(s) == [
        (K.TITLE, None, 0, 1),
        (K.CROSS_REFERENCE, 1, 2, 3),
        (K.TECHNICAL_FIELD, 3, 4, 5),
        (K.BACKGROUND, 5, 6, 7),
        (K.SUMMARY, 7, 8, 9),
        (K.DRAWINGS, 9, 10, 11),
        (K.DETAILED_DESCRIPTION, 11, 12, 17),  # "System Overview", "EXAMPLE 1" stay inside
        (K.CLAIMS, 17, 18, 22),
        (K.ABSTRACT, 22, 23, 24),
    ]
    assert s.first(K.CLAIMS).heading_text == "What is claimed is:"
    assert s.paragraphs(K.ABSTRACT) == [23]


def test_heading_styles_and_bold():
    paras = [
        Paragraph(0, "Widget", style="Title"),
        Paragraph(1, "Introduction", style="Heading 1", heading_level=1),  # unknown heading -> OTHER
        Paragraph(2, "[0001] Text."),
        Paragraph(3, "Background of the Invention", bold=True),
        Paragraph(4, "[0002] Text."),
        Paragraph(5, "Detailed Description", style="Heading 1", heading_level=1),
        Paragraph(6, "[0003] Text."),
        Paragraph(7, "Example 1", style="Heading 2", heading_level=2),
        Paragraph(8, "[0004] Text."),
        Paragraph(9, "Claims", style="Heading 1", heading_level=1),
        Paragraph(10, "1. A widget.", numbering_prefix="1. "),
    ]
    s = find_sections(DocumentText(paras))
    assert kinds(s) == [
        (K.TITLE, None, 0, 1),
        (K.OTHER, None, 1, 3),
        (K.BACKGROUND, 3, 4, 5),
        (K.DETAILED_DESCRIPTION, 5, 6, 9),
        (K.CLAIMS, 9, 10, 11),
    ]


def test_numbered_paragraph_is_not_a_heading():
    doc = DocumentText.from_text("Widget\nDETAILED DESCRIPTION\n[0001] SUMMARY\n[0002] Text.")
    s = find_sections(doc)
    assert [x.kind for x in s.sections] == [K.TITLE, K.DETAILED_DESCRIPTION]


def test_claims_without_heading():
    doc = DocumentText.from_text(
        "Widget\nDETAILED DESCRIPTION\n[0001] The widget.\n1. A widget comprising a knob.\n"
        "2. The widget of claim 1, wherein the knob is red.\nABSTRACT\nA widget."
    )
    s = find_sections(doc)
    assert kinds(s)[-3:] == [(K.DETAILED_DESCRIPTION, 1, 2, 3), (K.CLAIMS, None, 3, 5), (K.ABSTRACT, 5, 6, 7)]
    assert [c.number for c in parse_claims(doc, s)] == [1, 2]


def test_ep_wording():
    doc = DocumentText.from_text(
        "Widget\nTechnical Field\nThe invention relates to widgets.\nBackground Art\nWidgets exist.\n"
        "Disclosure of the Invention\nA widget.\nBrief Description of Drawings\nFig. 1 shows it.\n"
        "Description of Embodiments\nThe widget.\nClaims\n1. A widget comprising a knob.\n2. A widget according to claim 1, "
        "characterised by a lid.\nAbstract\nA widget."
    )
    s = find_sections(doc)
    assert [x.kind for x in s.sections] == [
        K.TITLE,
        K.TECHNICAL_FIELD,
        K.BACKGROUND,
        K.SUMMARY,
        K.DRAWINGS,
        K.DETAILED_DESCRIPTION,
        K.CLAIMS,
        K.ABSTRACT,
    ]


def test_corpus_sample_sections():
    with gzip.open(CORPUS_SAMPLE, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    ok = total = 0
    for d in docs:
        if not d["claims"] or not d["abstract"] or not d["title"]:
            continue
        text = "\n".join(
            [d["title"]]
            + [
                x["text"]
                if x["type"] == "heading"
                else (f"[{x['num']}] " if x.get("num") else "") + x["text"]
                for x in d["description"]
            ]
            + ["What is claimed is:"]
            + [f"{c['num']}. {c['text']}" for c in d["claims"]]
            + ["ABSTRACT", d["abstract"]]
        )
        doc = DocumentText.from_text(text)
        s = find_sections(doc)
        total += 1
        claims = parse_claims(doc, s)
        good = (
            s.sections[0].kind == K.TITLE
            and s.sections[-1].kind == K.ABSTRACT
            and sum(1 for x in s.sections if x.kind == K.CLAIMS) == 1
            and [c.number for c in claims] == [c["num"] for c in d["claims"]]
        )
        ok += good
    assert total > 20
    assert ok / total >= 0.95


def test_a_first_heading_is_not_the_title_when_it_names_a_section():
    """Without a title, a first heading such as "STATEMENT OF PRIORITY" opens its section (TI002 then
    reports the missing title) instead of being read as the title."""
    from tests.helpers import check_text

    text = (
        "STATEMENT OF PRIORITY\n[0001] This application claims priority to 61/000,000.\n"
        "BACKGROUND\n[0002] Holders are known.\nWhat is claimed is:\n1. A holder comprising a base.\n"
        "ABSTRACT\nA holder."
    )
    doc = DocumentText.from_text(text)
    assert [s.kind for s in find_sections(doc).sections][:2] == [K.CROSS_REFERENCE, K.BACKGROUND]
    assert [f.code for f in check_text(text, select=("TI002",)).findings] == ["TI002"]
