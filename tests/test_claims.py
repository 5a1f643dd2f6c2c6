"""Claims parser: numbers, status, dependencies, form, category, transition, elements, locations."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from backend.nlp.claims import parse_claims, parse_claims_text
from backend.nlp.document import DocumentText, Location, Paragraph
from backend.nlp.sections import find_sections
from backend.nlp.structure import Category, DependencyForm, Section, SectionKind, Sections

CORPUS_SAMPLE = (
    Path(__file__).parent / "data" / "corpus-sample.jsonl.gz"
)  # (tests.helpers imports the engine)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

M, A, C, R = Category.METHOD, Category.APPARATUS, Category.COMPOSITION, Category.CRM
S, ALT, CUM, NONE = (
    DependencyForm.SINGLE,
    DependencyForm.ALTERNATIVE,
    DependencyForm.CUMULATIVE,
    DependencyForm.NONE,
)

PARENTS = (
    "1. A method of heating water, comprising: providing a tank; and heating the tank.\n"
    "2. A device comprising a tank.\n"
    "3. A composition comprising water.\n"
    "4. A device comprising a lid.\n"
    "5. A method comprising stirring.\n"
)

# (line, number, status, depends_on, form, category, transition, elements)
CASES = [
    (
        "6. The method of claim 1, wherein the tank is steel.",
        6,
        None,
        [1],
        S,
        M,
        "wherein",
        ["the tank is steel"],
    ),
    (
        "6. The device of claim 2 or 4, further comprising a valve.",
        6,
        None,
        [2, 4],
        ALT,
        A,
        "further comprising",
        ["a valve"],
    ),
    ("6. The device of any one of claims 2 to 4, wherein x.", 6, None, [2, 3, 4], ALT, A, "wherein", ["x"]),
    ("6. The device of any of claims 2-4, wherein x.", 6, None, [2, 3, 4], ALT, A, "wherein", ["x"]),
    ("6. The device according to claims 2 and 4, wherein x.", 6, None, [2, 4], CUM, A, "wherein", ["x"]),
    (
        "6. A device according to any preceding claim, wherein x.",
        6,
        None,
        [1, 2, 3, 4, 5],
        ALT,
        A,
        "wherein",
        ["x"],
    ),
    (
        "6. A device according to any one of the preceding claims, wherein x.",
        6,
        None,
        [1, 2, 3, 4, 5],
        ALT,
        A,
        "wherein",
        ["x"],
    ),
    (
        "6. A device as claimed in any of the previous claims, wherein x.",
        6,
        None,
        [1, 2, 3, 4, 5],
        ALT,
        A,
        "wherein",
        ["x"],
    ),
    ("6. The device of claim 2 or claim 4, wherein x.", 6, None, [2, 4], ALT, A, "wherein", ["x"]),
    ("6. The device of claims 2, 3 or 4, wherein x.", 6, None, [2, 3, 4], ALT, A, "wherein", ["x"]),
    ("6. The device as claimed in claim 2, wherein x.", 6, None, [2], S, A, "wherein", ["x"]),
    ("6. The method of claim1, wherein x.", 6, None, [1], S, M, "wherein", ["x"]),
    ("6. The method of claim l, wherein x.", 6, None, [1], S, M, "wherein", ["x"]),
    ("6. The method of cl. 5, wherein x.", 6, None, [5], S, M, "wherein", ["x"]),
    ("6. The method according to Claim 5, wherein x.", 6, None, [5], S, M, "wherein", ["x"]),
    (
        "6. A kit comprising the composition of claim 3 and instructions.",
        6,
        None,
        [3],
        S,
        A,
        "comprising",
        ["the composition of claim 3 and instructions"],
    ),
    (
        "6. A product made by the device of claim 2 and the method of claim 5.",
        6,
        None,
        [2, 5],
        CUM,
        A,
        None,
        [],
    ),
    (
        "6. (Currently Amended) The method of claim 1, wherein x.",
        6,
        "currently amended",
        [1],
        S,
        M,
        "wherein",
        ["x"],
    ),
    (
        "6. (Withdrawn - Currently Amended) The method of claim 1, wherein x.",
        6,
        "withdrawn - currently amended",
        [1],
        S,
        M,
        "wherein",
        ["x"],
    ),
    ("6) The device of claim 2, wherein x.", 6, None, [2], S, A, "wherein", ["x"]),
    ("6 . The device of claim 2, wherein x.", 6, None, [2], S, A, "wherein", ["x"]),
    ("6. (Canceled)", 6, "canceled", [], NONE, Category.UNKNOWN, None, []),
    (
        "6. A non-transitory computer-readable medium storing instructions that cause a processor to perform steps comprising: reading; and writing.",
        6,
        None,
        [],
        NONE,
        R,
        "comprising",
        ["reading", "writing"],
    ),
    ("6. A computer program product comprising code.", 6, None, [], NONE, R, "comprising", ["code"]),
    (
        "6. A pharmaceutical formulation consisting essentially of water and salt.",
        6,
        None,
        [],
        NONE,
        C,
        "consisting essentially of",
        ["water and salt"],
    ),
    (
        "6. An alloy consisting of iron; and carbon.",
        6,
        None,
        [],
        NONE,
        C,
        "consisting of",
        ["iron", "carbon"],
    ),
    (
        "6. A process for making steel, including melting iron.",
        6,
        None,
        [],
        NONE,
        M,
        "including",
        ["melting iron"],
    ),
    (
        "6. A system comprising: a processor; and a memory storing instructions.",
        6,
        None,
        [],
        NONE,
        A,
        "comprising",
        ["a processor", "a memory storing instructions"],
    ),
    (
        "6. In a bicycle having a frame, the improvement comprising: a bell.",
        6,
        None,
        [],
        NONE,
        A,
        "the improvement comprising",
        ["a bell"],
    ),
    (
        "6. A lamp characterized in that it glows.",
        6,
        None,
        [],
        NONE,
        A,
        "characterized in that",
        ["it glows"],
    ),
    (
        "6. The composition of claim 3, wherein the water (pH 7; distilled) is cold.",
        6,
        None,
        [3],
        S,
        C,
        "wherein",
        ["the water (pH 7; distilled) is cold"],
    ),
]


@pytest.mark.parametrize("line,number,status,depends,form,category,transition,elements", CASES)
def test_claim_cases(line, number, status, depends, form, category, transition, elements):
    claims = parse_claims_text(PARENTS + line)
    claim = claims.get(number)
    assert claim is not None
    assert claim.status == status
    assert claim.depends_on == depends
    assert claim.dependency_form == form
    assert claim.category == category
    assert claim.transition == transition
    assert claim.elements == elements
    if claim.dependency_span:
        s, e = claim.dependency_span
        assert claim.text[s:e] == claim.dependency_text


def test_dependency_text_and_span():
    claim = parse_claims_text(
        PARENTS + "6. The device according to any one of claims 2 to 4, wherein x."
    ).get(6)
    assert claim.dependency_text == "according to any one of claims 2 to 4"
    assert claim.text.startswith("The device according")


def test_dependency_words_split_over_lines():
    claim = parse_claims_text(PARENTS + "6. The method of\nclaim 1, wherein x.").get(6)
    assert claim.depends_on == [1]
    assert claim.text == "The method of\nclaim 1, wherein x."


def test_canceled_ranges():
    for line in ("2-5. (Canceled)", "2.-5. (Cancelled)", "2 - 5. (canceled)", "2\u20135. Canceled"):
        claims = parse_claims_text(
            "1. A device comprising a lid.\n" + line + "\n6. The device of claim 1, wherein x."
        )
        c = claims.get(2)
        assert (c.number, c.number_end, c.canceled) == (2, 5, True), line
        assert [x.number for x in claims.active] == [1, 6]


def test_status_identifiers():
    for raw, expected in [
        ("(Original)", "original"),
        ("(New)", "new"),
        ("(Previously Presented)", "previously presented"),
        ("(Withdrawn)", "withdrawn"),
        ("(Not Entered)", "not entered"),
        ("(Cancelled)", "cancelled"),
    ]:
        c = parse_claims_text(f"1. {raw} A device comprising a lid.").get(1)
        assert c.status == expected
        if not c.canceled and expected != "not entered":
            assert c.text == "A device comprising a lid."


def test_multi_paragraph_claim_segments_and_locate():
    text = "1. A device comprising:\na base; and\na lid.\n2. The device of claim 1, wherein the lid is red."
    doc = DocumentText.from_text(text)
    claims = parse_claims_text(text)
    c1 = claims.get(1)
    assert c1.text == "A device comprising:\na base; and\na lid."
    assert c1.elements == ["a base", "a lid"]
    # every claim-text offset maps back to the paragraph text
    for i, ch in enumerate(c1.text):
        loc = c1.locate(i, i + 1)
        if ch == "\n":
            continue
        assert doc.paragraphs[loc.paragraph].text[loc.start : loc.end] == ch
    s = c1.text.index("lid")
    assert c1.locate(s, s + 3) == Location(2, 2, 5)
    assert c1.number_location == Location(0, 0, 1)


def test_list_numbering_prefix():
    paras = [
        Paragraph(0, "What is claimed is:"),
        Paragraph(1, "1.\tA device comprising:", numbering_prefix="1.\t"),
        Paragraph(2, "a base; and"),
        Paragraph(3, "2.\tThe device of claim 1, wherein the base is flat.", numbering_prefix="2.\t"),
    ]
    doc = DocumentText(paras)
    claims = parse_claims(doc, Sections([Section(SectionKind.CLAIMS, 0, 1, 4)]))
    assert [c.number for c in claims] == [1, 2]
    c2 = claims.get(2)
    assert c2.depends_on == [1]
    assert c2.text == "The device of claim 1, wherein the base is flat."
    s = c2.text.index("base")
    loc = c2.locate(s, s + 4)
    assert paras[3].text[loc.start : loc.end] == "base"
    assert claims.get(1).number_location == Location(1, 0, 1)


def test_numbered_sub_items_do_not_start_claims():
    claims = parse_claims_text(
        "1. A method comprising:\n1) heating a tank;\n2) cooling the tank.\n2. The method of claim 1, wherein x."
    )
    assert [c.number for c in claims] == [1, 2]
    assert claims.get(1).elements == ["1) heating a tank", "2) cooling the tank"]


def test_quantities_are_not_claim_numbers():
    c = parse_claims_text(
        PARENTS + "6. A rubber composition of claims 1 and 2 to 3 and 90-0% by weight of rubber."
    ).get(6)
    assert c.depends_on == [1, 2, 3]


def test_whole_document_claims_parsed_via_sections():
    text = "Widget\nDETAILED DESCRIPTION\n[0001] A widget.\nWe claim:\n1. A widget comprising a knob.\n2. The widget of claim 1, wherein x.\nABSTRACT\nA widget."
    doc = DocumentText.from_text(text)
    claims = parse_claims(doc, find_sections(doc))
    assert [(c.number, c.depends_on) for c in claims] == [(1, []), (2, [1])]


def test_speed_200_claims():
    lines = ["1. A device comprising: a base; a lid; and a hinge connecting the base and the lid."]
    lines += [
        f"{n}. The device of claim {n - 1}, wherein the lid (e.g. of steel) is red." for n in range(2, 201)
    ]
    text = "\n".join(lines)
    parse_claims_text(text)
    t0 = time.perf_counter()
    claims = parse_claims_text(text)
    assert len(claims) == 200
    assert time.perf_counter() - t0 < 0.5  # ~10 ms on an idle machine


def test_corpus_sample_dependency_match():
    import io

    from claim_dependencies import evaluate

    result = evaluate(CORPUS_SAMPLE, out=io.StringIO())
    assert result["total"] > 100
    assert result["equivalent"] / result["total"] >= 0.995
    assert result["exact"] / result["total"] >= 0.99


def test_a_parent_written_without_the_word_claim():
    """"The port of 8, wherein ..." depends on claim 8; "A polymer having an index of 2, wherein ..."
    and "An aqueous composition having a pH of 3, wherein ..." are independent claims."""
    claims = parse_claims_text(
        "1. A port comprising a retention member.\n2. The port of claim 1, wherein the member is red.\n"
        "3. The port of 2, wherein the member is blue.\n"
        "4. A polymer having a polydispersity index of 2, wherein the polymer is red.\n"
        "5. An aqueous composition having a pH of 3, wherein the composition is buffered.\n"
        "6. The kit comprising a number of 2, wherein the kit is red."
    )
    assert [(c.number, c.depends_on) for c in claims.active] == [(1, []), (2, [1]), (3, [2]), (4, []), (5, []), (6, [])]
