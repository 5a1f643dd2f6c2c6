"""Drafting from the claims (backend.nlp.generation): sections, figure plan, reference numerals,
articles and claim phrasing turned into description phrasing, grounding on real claims, and the
round trip through the project's own checks."""

from __future__ import annotations

import re

import pytest

from backend.drafting import document_claims, draft_claims, load_templates
from backend.nlp.claims import parse_claims_text
from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.engine import check
from backend.nlp.generation import (
    ABSTRACT_WORD_LIMIT,
    Draft,
    DraftTemplates,
    ParagraphKind,
    TemplateError,
    generate_draft,
)
from backend.nlp.generation.grounding import measure_draft, numerals_in, words_in
from backend.nlp.generation.phrasing import indefinite_article, pluralize
from backend.nlp.parsing import shared_parser
from backend.nlp.sections import heading_kind
from backend.nlp.structure import SectionKind
from backend.settings import Settings
from backend.wordlists import load_wordlists
from tests.corpus import claim_lines
from tests.helpers import sample_corpus

CLAIMS = """\
1. A widget comprising: a housing; and a lever attached to said housing, wherein the lever is red.
2. The widget of claim 1, wherein the lever comprises a grip.
3. The widget of claim 1, further comprising a spring biasing the lever.
4. A method comprising: receiving, by a processor, a request; determining a route based on the request; and transmitting the route.
5. The method of claim 4, further comprising displaying the route.
6. A non-transitory computer-readable medium storing instructions that, when executed by a processor, cause the processor to perform operations comprising: receiving a request; and sending a reply to the request.
"""


def _draft(text: str = CLAIMS, templates: DraftTemplates | None = None) -> Draft:
    return generate_draft(
        parse_claims_text(text),
        parser=shared_parser(),
        templates=templates or load_templates(),
        unnumbered=load_wordlists().get("property_nouns"),
    )


@pytest.fixture(scope="module")
def draft() -> Draft:
    return _draft()


def _texts(draft: Draft, kind: SectionKind) -> list[str]:
    section = draft.section(kind)
    assert section is not None, kind
    return [p.text for p in section.paragraphs]


def test_sections_in_filing_order_with_headings_the_checker_recognises(draft):
    kinds = [s.kind for s in draft.sections]
    assert kinds == [
        SectionKind.TITLE,
        SectionKind.TECHNICAL_FIELD,
        SectionKind.BACKGROUND,
        SectionKind.SUMMARY,
        SectionKind.DRAWINGS,
        SectionKind.DETAILED_DESCRIPTION,
        SectionKind.ABSTRACT,
    ]
    for section in draft.sections[1:]:
        assert heading_kind(section.heading) == section.kind
    assert draft.title == "Widgets, Methods, and Non-transitory Computer-readable Media"


def test_figure_plan_block_diagram_flowchart_computing_environment(draft):
    assert [(f.number, str(f.kind), f.claims, f.numeral) for f in draft.figures] == [
        (1, "block_diagram", [1, 2, 3], 100),
        (2, "flowchart", [4, 5], 200),
        (3, "computing_environment", [6], 300),
    ]
    brief = _texts(draft, SectionKind.DRAWINGS)
    assert brief[1:] == [
        "FIG. 1 is a block diagram of a widget, according to some embodiments.",
        "FIG. 2 is a flowchart of a method, according to some embodiments.",
        ("FIG. 3 is a block diagram of a computing environment including a non-transitory computer-readable "
        "medium, according to some embodiments."),
    ]


def test_detailed_description_walks_every_element_with_numerals_by_figure(draft):
    text = "\n".join(_texts(draft, SectionKind.DETAILED_DESCRIPTION))
    assert "FIG. 1 is a block diagram of a widget 100, according to some embodiments." in text
    assert "The widget 100 includes a housing 102." in text
    # first mention "a", then "the"; the "wherein" clause becomes a sentence of its own
    assert "The widget 100 also includes a lever 104 attached to the housing 102. The lever 104 is red." in text
    # dependent features as alternative embodiments; "wherein the X comprises Y" -> "the X comprises Y"
    assert "In some embodiments, the lever 104 comprises a grip 106." in text
    assert "In some embodiments, the widget 100 further includes a spring 108 biasing the lever 104." in text
    # method steps as blocks of FIG. 2, an added step as a further block
    # a term keeps the numeral of the figure that shows it (the processor and request of FIG. 3)
    assert "At block 202, the method 200 includes receiving, by a processor 306, a request 310." in text
    assert "At block 204, the method 200 includes determining a route based on the request 310." in text
    assert "In some embodiments, at block 208, the method 200 further includes displaying the route." in text
    assert "FIG. 3 is a block diagram of a computing environment 300" in text
    assert "a non-transitory computer-readable medium 302 storing instructions 304" in text


def test_numerals_recorded_per_paragraph_and_in_the_catalogue(draft):
    catalogue = draft.numeral_map()
    for section in draft.sections:
        for p in section.paragraphs:
            if p.kind != ParagraphKind.GENERATED:
                assert not p.source_claims and not p.numerals
                continue
            assert p.source_claims, p.text
            assert {int(n) for n in numerals_in(p.text)} == set(p.numerals), p.text
            assert all(n in catalogue for n in p.numerals)
    assert catalogue[102].term == "housing" and catalogue[102].figure == 1 and catalogue[102].claims == (1,)
    assert catalogue[104].claims == (1, 2, 3)
    assert catalogue[202].kind == "step" and catalogue[100].kind == "subject"


def test_summary_restates_each_independent_claim_and_each_dependent_feature(draft):
    summary = _texts(draft, SectionKind.SUMMARY)
    assert "In one aspect, a widget includes a housing and a lever attached to the housing. The lever is red." in summary
    assert "In some embodiments, the lever comprises a grip." in summary
    assert "In some embodiments, the widget further includes a spring biasing the lever." in summary
    assert (
        "In another aspect, a method includes receiving, by a processor, a request; determining a route based "
        "on the request; and transmitting the route." in summary
    )
    assert any(t.startswith("In another aspect, there is provided a non-transitory") for t in summary)
    sources = [p.source_claims for p in draft.section(SectionKind.SUMMARY).paragraphs if p.source_claims]
    assert sources == [[1], [2], [3], [4], [5], [6]]


def test_placeholders_for_what_only_the_attorney_knows_and_no_said(draft):
    placeholders = [p.text for s in draft.sections for p in s.paragraphs if p.kind == ParagraphKind.PLACEHOLDER]
    assert len(placeholders) == 3 and all(t.startswith("[Describe") and t.endswith("]") for t in placeholders)
    assert draft.section(SectionKind.BACKGROUND).paragraphs[0].kind == ParagraphKind.PLACEHOLDER
    assert not re.search(r"\bsaid\b", draft.to_text(), re.IGNORECASE)


def test_abstract_from_the_first_independent_claim_within_150_words():
    elements = "; ".join(f"a {w} member coupled to the frame" for w in ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty-first"])
    draft = _draft(f"1. A machine comprising: a frame; {elements}.\n")
    abstract = draft.section(SectionKind.ABSTRACT).paragraphs[0]
    assert words_in(abstract.text) <= ABSTRACT_WORD_LIMIT
    assert abstract.text.startswith("A machine includes a frame, a first member coupled to the frame")
    assert abstract.text.endswith(".") and abstract.source_claims == [1]


def test_articles_plurals_and_claim_phrasing():
    draft = _draft(
        "1. An assembly comprising: a plurality of rollers; one or more sensors; and a frame (12).\n"
        "2. The assembly of claim 1, wherein said rollers are mounted on the frame.\n"
        "3. The assembly of claim 1, wherein the pin is steel.\n"
    )
    text = "\n".join(_texts(draft, SectionKind.DETAILED_DESCRIPTION))
    assert "The assembly 100 also includes a plurality of rollers" in text or "includes a plurality of rollers 102" in text
    assert "In some embodiments, the rollers 102 are mounted on the frame 12." in text  # the claim's sign kept
    assert "In some embodiments, a pin 106 is steel." in text  # first mention of an unintroduced term: "a"
    assert indefinite_article("LED") == "an" and indefinite_article("user") == "a" and indefinite_article("arm") == "an"
    assert pluralize("assembly") == "assemblies" and pluralize("truck") == "trucks" and pluralize("medium") == "media"


def test_a_firm_edits_the_phrasing(tmp_path):
    from backend.drafting import DEFAULT_TEMPLATES_DIR

    phrases = (DEFAULT_TEMPLATES_DIR / "phrases.j2").read_text(encoding="utf-8")
    (tmp_path / "phrases.j2").write_text(phrases.replace("also \" if index", "further \" if index"), encoding="utf-8")
    templates = load_templates(tmp_path)
    text = "\n".join(_texts(_draft(templates=templates), SectionKind.DETAILED_DESCRIPTION))
    assert "The widget 100 further includes a lever 104" in text
    assert load_templates(tmp_path) is templates  # compiled once while the files stay as they are
    # an edit takes effect at the next draft, without a restart
    (tmp_path / "phrases.j2").write_text(phrases.replace("also \" if index", "moreover \" if index"), encoding="utf-8")
    edited = load_templates(tmp_path)
    assert edited is not templates
    assert "The widget 100 moreover includes a lever 104" in "\n".join(
        _texts(_draft(templates=edited), SectionKind.DETAILED_DESCRIPTION)
    )
    broken = DraftTemplates({"phrases.j2": "{% macro title(", "boilerplate.j2": ""})
    with pytest.raises(TemplateError):
        _draft(templates=broken)
    with pytest.raises(FileNotFoundError):
        load_templates(tmp_path / "missing")


def test_a_self_standing_claim_that_refers_to_another_gets_its_own_figure():
    draft = _draft(
        "1. A solid-state imaging device comprising a substrate and a pixel on the substrate.\n"
        "2. A camera including the solid-state imaging device according to claim 1.\n"
    )
    assert [(f.number, f.subject, f.claims) for f in draft.figures] == [
        (1, "solid-state imaging device", [1]),
        (2, "camera", [2]),
    ]
    assert "FIG. 2 is a block diagram of a camera 200 including the solid-state imaging device 100" in "\n".join(
        _texts(draft, SectionKind.DETAILED_DESCRIPTION)
    )


def test_service_drafts_a_whole_application_as_text():
    document = DocumentText.from_text("TITLE\nBACKGROUND\nOld text.\nWhat is claimed is:\n" + CLAIMS)
    result = draft_claims(document_claims(document), settings=Settings())
    assert len(result.claims.active) == 6 and result.rewrite is None
    assert result.to_json()["sections"][0]["section"] == "title"


RECORDS = list(sample_corpus())[:5]


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_grounded_covering_and_clean_round_trip_on_real_claims(record):
    lines = claim_lines(record)
    claims = parse_claims_text("\n".join(lines))
    draft = draft_claims(claims, settings=Settings()).draft
    report = measure_draft(draft, claims, parser=shared_parser())
    assert report.grounded_share == 1.0, report.ungrounded
    assert report.element_coverage >= 0.9, report.uncovered
    assert report.said == 0 and report.abstract_words <= ABSTRACT_WORD_LIMIT
    from bench.draft_grounding import ROUND_TRIP, application_text

    result = check(
        DocumentText.from_text(application_text(draft, lines)),
        config=CheckConfig.build(select=ROUND_TRIP),
        wordlists=load_wordlists(),
    )
    assert not result.findings, [f.message for f in result.findings]
