"""Abstract (AS), title (TI) and sections (SC) rules: table of (code, document, expected findings)."""

from __future__ import annotations

import pytest

from tests.helpers import check_text

CLAIMS = (
    "What is claimed is:\n1. A holder comprising a base.\n2. The holder of claim 1, wherein the base is flat."
)
GOOD = f"""Widget Holder
BACKGROUND
[0001] Widgets are known.
SUMMARY
[0002] A holder.
BRIEF DESCRIPTION OF THE DRAWINGS
[0003] FIG. 1 shows the holder.
DETAILED DESCRIPTION
[0004] The holder 10 of FIG. 1.
{CLAIMS}
ABSTRACT
A holder has a base and a lid."""

LONG_ABSTRACT = " ".join(f"w{i}" for i in range(1, 161))
LONG_TITLE = "Holder " * 80  # 560 characters

# (select, jurisdiction, document, [(paragraph, highlighted text, words in the message)])
CASES = [
    ("AS", "us", GOOD, []),
    ("SC", "us", GOOD, []),
    ("TI", "us", GOOD, []),
    (
        "AS001",
        "us",
        GOOD.replace("A holder has a base and a lid.", LONG_ABSTRACT),
        [(13, " ".join(f"w{i}" for i in range(151, 161)), "160 words")],
    ),
    (
        "AS001",
        "ep",
        GOOD.replace("A holder has a base and a lid.", LONG_ABSTRACT),
        [(13, " ".join(f"w{i}" for i in range(151, 161)), "160 words")],
    ),
    (
        "AS002",
        "us",
        GOOD.replace(
            "A holder has a base and a lid.", "A holder has a base, said base having fastening means."
        ),
        [(13, "said", '"said"'), (13, "means", '"means"')],
    ),
    ("AS002", "ep", GOOD.replace("A holder has a base and a lid.", "A holder has a base, said base."), []),
    (
        "AS003",
        "us",
        GOOD.replace("ABSTRACT\nA holder has a base and a lid.", ""),
        [(0, "Widget Holder", "No abstract")],
    ),
    ("AS003", "ep", GOOD.replace("\nA holder has a base and a lid.", ""), [(12, "ABSTRACT", '"ABSTRACT"')]),
    (
        "AS004",
        "us",
        GOOD.replace("A holder has", "The present invention relates to a holder with"),
        [(13, "The present invention relates to", "Implied")],
    ),
    (
        "TI001",
        "us",
        GOOD.replace("Widget Holder", LONG_TITLE.strip()),
        [(0, LONG_TITLE.strip()[500:], "559 characters")],
    ),
    ("TI002", "us", GOOD.replace("Widget Holder\n", ""), [(0, "BACKGROUND", "No title")]),
    ("SC001", "us", GOOD.replace(CLAIMS, ""), [(0, "Widget Holder", "No claims")]),
    (
        "SC001",
        "us",
        GOOD.replace(
            "\n1. A holder comprising a base.\n2. The holder of claim 1, wherein the base is flat.", ""
        ),
        [(9, "What is claimed is:", "No numbered claims")],
    ),
    (
        "SC002",
        "us",
        GOOD.replace("SUMMARY\n[0002] A holder.\n", "").replace(
            "[0004] The holder 10 of FIG. 1.", "[0004] The holder 10 of FIG. 1.\nSUMMARY\n[0002] A holder."
        ),
        [(7, "SUMMARY", '"SUMMARY" comes after "DETAILED DESCRIPTION"')],
    ),
    (
        "SC003",
        "us",
        GOOD.replace("[0003]", "[0005]"),
        [(6, "[0005]", "skips [0003]-[0004]"), (8, "[0004]", "goes back")],
    ),
    (
        "SC003",
        "us",
        GOOD.replace("[0003]", "[0002]"),
        [(6, "[0002]", "repeated"), (8, "[0004]", "skips [0003]")],
    ),
    (
        "SC004",
        "us",
        GOOD.replace("BRIEF DESCRIPTION OF THE DRAWINGS\n[0003] FIG. 1 shows the holder.\n", "").replace(
            "[0004]", "[0003]"
        ),
        [(6, "FIG. 1", '"FIG. 1"')],
    ),
    (
        # the detailed description opens paragraphs with "FIG. 1 shows ...": still no brief description
        "SC004",
        "us",
        GOOD.replace("BRIEF DESCRIPTION OF THE DRAWINGS\n[0003] FIG. 1 shows the holder.\n", "").replace(
            "[0004] The holder 10 of FIG. 1.",
            "[0003] FIG. 1 shows the holder 10 according to an embodiment. The holder 10 has a base 12 that "
            "rests on a table.\n[0004] FIG. 2 shows the base 12. The base 12 is flat.",
        ),
        [(6, "FIG. 1", '"FIG. 1"')],
    ),
    (
        # the views listed without a heading, in one paragraph: described
        "SC004",
        "us",
        GOOD.replace(
            "BRIEF DESCRIPTION OF THE DRAWINGS\n[0003] FIG. 1 shows the holder.\n",
            "[0003] FIG. 1 is a perspective view of the holder. FIG. 2 is a side view of the holder.\n",
        ),
        [],
    ),
    (
        # one figure, its one-line description without a heading: described
        "SC004",
        "us",
        GOOD.replace("BRIEF DESCRIPTION OF THE DRAWINGS\n[0003] FIG. 1 shows the holder.\n",
                     "[0003] FIG. 1 is a perspective view of the holder.\n"),
        [],
    ),
    (
        # entries ending in an abbreviation ("the CPU.") still split
        "SC004",
        "us",
        GOOD.replace("BRIEF DESCRIPTION OF THE DRAWINGS\n[0003] FIG. 1 shows the holder.\n",
                     "[0003] FIG. 1 is a block diagram of the CPU. FIG. 2 is a flow chart of the method.\n"),
        [],
    ),
    (
        "SC005",
        "us",
        GOOD.replace("SUMMARY\n[0002] A holder.\n", "")
        .replace("[0003]", "[0002]")
        .replace("[0004]", "[0003]"),
        [(0, "Widget Holder", '"SUMMARY"')],
    ),
]


@pytest.mark.parametrize("select,jurisdiction,text,expected", CASES)
def test_document_rules(select, jurisdiction, text, expected):
    result = check_text(text, select=(select,), jurisdiction=jurisdiction)
    got = [(f.location.paragraph, f.text, f.message) for f in result.findings]
    assert len(got) == len(expected), got
    for (para, highlighted, message), (e_para, e_text, e_words) in zip(got, expected):
        assert para == e_para, got
        assert highlighted == e_text, got
        assert e_words in message, got


def test_docstrings_and_authorities():
    from backend.nlp.rules import registered_rules

    rules = {c: r for c, r in registered_rules().items() if r.category in ("abstract", "title", "sections")}
    assert {"AS001", "AS002", "AS003", "TI001", "TI002", "SC001", "SC002", "SC003"} <= set(rules)
    for r in rules.values():
        for heading in ("What it does", "Why it matters", "Example"):
            assert heading in r.doc, (r.code, heading)
        assert r.authority.url.startswith("https://")
