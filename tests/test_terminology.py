"""Terminology checks (TM): patent profanity, relative terms, means-plus-function, exemplary words."""

from __future__ import annotations

import pytest

from tests.helpers import check_text

DESCRIPTION = """FASTENER
DETAILED DESCRIPTION
[0001] A lid 10 is fastened to a box 12 by a latch 14. The latch 14 fastens the lid 10 when closed.
What is claimed is:
"""


def doc(claims: str) -> str:
    return DESCRIPTION + claims + "\nABSTRACT\nA box with a lid."


def findings(claims: str, code: str, jurisdiction: str = "us"):
    return [
        f
        for f in check_text(doc(claims), select=(code,), jurisdiction=jurisdiction).findings
        if f.code == code
    ]


CASES = [
    # code, claims, expected finding texts, words the first message names
    ("TM001", "1. A box comprising a lid and a latch.", [], None),
    ("TM001", "1. A box comprising a lid, wherein the latch is essential.", ["essential"], '"essential"'),
    (
        "TM001",
        "1. A box according to the present invention, wherein the lid must close.",
        ["the present invention", "must"],
        '"the present invention"',
    ),
    ("TM001", "1. A box consisting essentially of a lid and a latch.", [], None),
    ("TM002", "1. A box comprising a lid and a latch.", [], None),
    (
        "TM002",
        "1. A box comprising a substantially flat lid and a thin latch.",
        ["substantially", "thin"],
        '"substantially"',
    ),
    ("TM002", "1. A box comprising a lid about 5 mm thick.", ["about"], '"about"'),
    # "about" not before a number, and the transition "consisting essentially of"
    ("TM002", "1. A box comprising a lid rotatable about an axis.", [], None),
    ("TM002", "1. A composition consisting essentially of water.", [], None),
    ("TM003", "1. A box comprising a lid and a latch that fastens the lid.", [], None),
    (
        "TM003",
        "1. A box comprising a lid and means for fastening the lid.",
        ["means for fastening"],
        "112(f)",
    ),
    (
        "TM003",
        "1. A box comprising a lid and a mechanism for securing the lid.",
        ["mechanism for securing"],
        "112(f)",
    ),
    (
        "TM003",
        "1. A box comprising a lid and a control module configured to open the lid.",
        ["control module configured to open"],
        "112(f)",
    ),
    # preamble, "by means of" and structure before the nonce word are not reported
    ("TM003", "1. A device for fastening a lid, comprising a latch attached by means of a screw.", [], None),
    ("TM003", "1. A box comprising a lid and a processor unit configured to open the lid.", [], None),
    ("TM004", "1. A box comprising a lid and a fastener, such as a screw.", ["such as"], '"such as"'),
    ("TM004", "1. A box comprising a lid and a fastener.", [], None),
]


@pytest.mark.parametrize("code, claims, expected, words", CASES)
def test_rule(code, claims, expected, words):
    got = findings(claims, code)
    assert [f.text for f in got] == expected, [f.message for f in got]
    if expected:
        assert words in got[0].message
        assert got[0].claim == 1


def test_mpf_says_when_function_is_not_described():
    got = findings("1. A box comprising a lid and means for levitating the lid.", "TM003")
    assert len(got) == 1 and 'never mentions "levitating"' in got[0].message
    got = findings("1. A box comprising a lid and means for fastening the lid.", "TM003")
    assert "never mentions" not in got[0].message


def test_mpf_reported_once_per_phrase():
    got = findings(
        "1. A box comprising means for fastening the lid.\n2. The box of claim 1, wherein the means for fastening is a latch.",
        "TM003",
    )
    assert len(got) == 1


def test_jurisdictions():
    assert findings("1. A box comprising means for fastening the lid.", "TM003", "ep") == []
    ep = check_text(
        doc("1. A box comprising a substantially flat lid."), select=("TM002",), jurisdiction="ep"
    ).findings
    assert [f.text for f in ep] == ["substantially"]


def test_firm_word_list(tmp_path):
    from backend.nlp.config import CheckConfig
    from backend.nlp.document import DocumentText
    from backend.nlp.engine import check
    from backend.wordlists import load_wordlists

    (tmp_path / "relative_terms.txt").write_text("-substantially\nroughly\n", encoding="utf-8")
    result = check(
        DocumentText.from_text(doc("1. A box comprising a substantially flat lid roughly square.")),
        config=CheckConfig.build(select=["TM002"]),
        wordlists=load_wordlists(tmp_path),
    )
    assert [f.text for f in result.findings] == ["roughly"]
