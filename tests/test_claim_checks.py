"""Formal claim checks (backend/nlp/rules/claim_checks.py): numbering CN, dependency CD, multiple
dependency MD, form CF, fees FE.

Each case: (code, jurisdiction, claims text, expected findings of that code as (code, claim,
offending words)). The claims are parsed with `parse_claims_text`, as in the engine.
"""

from __future__ import annotations

import pytest

from backend.nlp.claims import parse_claims_text
from backend.nlp.document import DocumentText
from backend.nlp.rules import CheckContext, registered_rules
from backend.nlp.rules.claim_checks import fee_counts
from backend.nlp.structure import Section, SectionKind, Sections

RULES = registered_rules()
OUR_CATEGORIES = ("claim_numbering", "claim_dependency", "multiple_dependency", "claim_form", "fees")


def run(text: str, codes: tuple[str, ...] | None = None, jurisdiction: str = "us"):
    """(code, claim, offending words, message) of every finding of `codes` (default: all of ours)."""
    document = DocumentText.from_text(text)
    sections = Sections([Section(SectionKind.CLAIMS, None, 0, len(document.paragraphs))])
    claims = parse_claims_text(text)
    ctx = CheckContext(document=document, sections=sections, claims=claims, jurisdiction=jurisdiction)
    out = []
    for code, r in RULES.items():
        if r.category not in OUR_CATEGORIES or jurisdiction not in r.jurisdictions:
            continue
        if codes is not None and code not in codes:
            continue
        for h in r.function(ctx):
            loc = h.location
            out.append(
                (code, h.claim, document.paragraphs[loc.paragraph].text[loc.start : loc.end], h.message)
            )
    return out


CLEAN_US = """\
1. A device for holding a pen, comprising: a housing; and a lever attached to the housing.
2. The device of claim 1, wherein the lever is made of steel, e.g. stainless steel of about 1.5 mm.
3. The device of claim 2, wherein the housing has a wall thickness of approx. 2 mm (i.e. thin).
4. A method of making the device of claim 1, comprising: molding the housing; and attaching the lever.
5. The method of claim 4, wherein the housing is molded from a polymer selected from the group consisting of polyethylene and polypropylene.
6. A non-transitory computer-readable medium storing instructions that, when executed, cause a processor to perform the method of claim 4.
7. The medium of claim 6, wherein the instructions are stored per U.S. Pat. No. 5,000,000.
"""

CASES = [
    # ---- claim_numbering ----------------------------------------------------------------------
    (
        "CN001",
        "us",
        "2. A device comprising a lever.\n3. The device of claim 2, wherein the lever is red.",
        [("CN001", 2, "2")],
    ),
    (
        "CN001",
        "us",
        "1. A device comprising a lever.\n3. The device of claim 1, wherein x.\n2. The device of claim 1, wherein y.",
        [("CN001", 2, "2")],
    ),
    ("CN001", "us", "1. A device comprising a lever.\n2. The device of claim 1, wherein x.", []),
    (
        "CN002",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n2. The device of claim 1, wherein y.",
        [("CN002", 2, "2")],
    ),
    (
        "CN002",
        "us",
        "1. A device comprising a lever.\n2-4. (Canceled)\n4. The device of claim 1, wherein y.",
        [("CN002", 4, "4")],
    ),
    (
        "CN003",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n4. The device of claim 1, wherein y.",
        [("CN003", 4, "4")],
    ),
    (
        "CN003",
        "us",
        "1. A device comprising a lever.\n2-5. (Canceled)\n6. The device of claim 1, wherein y.",
        [],
    ),
    (
        "CN003",
        "us",
        "1. A device comprising a lever.\n2. (Canceled)\n3. The device of claim 1, wherein y.",
        [],
    ),
    # ---- claim_dependency ---------------------------------------------------------------------
    (
        "CD001",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 2, wherein the lever is red.",
        [("CD001", 2, "claim 2")],
    ),
    (
        "CD001",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein the lever is red.",
        [],
    ),
    (
        "CD002",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 3, wherein x.\n3. The device of claim 1, wherein y.",
        [("CD002", 2, "claim 3")],
    ),
    ("CD002", "us", "1. A device comprising a lever.\n2. The device of any preceding claim, wherein x.", []),
    (
        "CD003",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 7, wherein x.",
        [("CD003", 2, "claim 7")],
    ),
    (
        "CD004",
        "us",
        "1. (Canceled)\n2. (Original) The device of claim 1, wherein x.",
        [("CD004", 2, "claim 1")],
    ),
    (
        "CD004",
        "us",
        "1. A device comprising a lever.\n2-3. (Canceled)\n4. The device of claim 3, wherein x.",
        [("CD004", 4, "claim 3")],
    ),
    (
        "CD004",
        "us",
        "1. A device comprising a lever.\n2. (Canceled)\n3. The device of claim 1, wherein x.",
        [],
    ),
    (
        "CD005",
        "us",
        "1. A method of heating, comprising: igniting a burner.\n2. The system of claim 1, wherein the burner is a gas burner.",
        [("CD005", 2, "The system")],
    ),
    (
        "CD005",
        "us",
        "1. A system comprising a burner.\n2. The method of claim 1, further comprising igniting the burner.",
        [("CD005", 2, "The method")],
    ),
    (
        "CD005",
        "us",
        "1. In an engine having a cylinder, a method of cooling comprising: spraying water.\n2. The method of claim 1, wherein the water is cold.",
        [],
    ),
    (
        "CD005",
        "us",
        "1. A system comprising a burner.\n2. A method of using the system of claim 1, comprising igniting the burner.\n3. The method of claim 2, wherein the burner is lit twice.",
        [],
    ),
    (
        "CD005",
        "us",
        "1. A compound of formula (I).\n2. A pharmaceutical composition comprising the compound of claim 1.\n3. A method of treating pain, comprising administering the composition of claim 2.",
        [],
    ),
    # ---- multiple_dependency ------------------------------------------------------------------
    (
        "MD001",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claims 1 and 2, wherein y.",
        [("MD001", 3, "claims 1 and 2")],
    ),
    (
        "MD001",
        "ep",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claims 1 and 2, wherein y.",
        [("MD001", 3, "claims 1 and 2")],
    ),
    (
        "MD001",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claim 1 or 2, wherein y.\n4. The device of any one of claims 1 to 3, wherein z.",
        [],
    ),
    (
        "MD001",
        "us",
        "1. A composition comprising x.\n2. A material comprising the composition of claim 1.\n3. The material of claim 2, wherein the composition of claim 1 forms a coating.",
        [],
    ),
    (
        "MD002",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claim 1 or 2, wherein y.\n4. The device of claim 2 or 3, wherein z.",
        [("MD002", 4, "3")],
    ),
    (
        "MD002",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claim 1 or 2, wherein y.\n4. The device of claim 3, wherein z.\n5. The device of claim 1 or 4, wherein w.",
        [("MD002", 5, "4")],
    ),
    (
        "MD002",
        "us",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claim 1 or 2, wherein y.\n4. The device of claim 3, wherein z.",
        [],
    ),
    (
        "MD002",
        "ep",
        "1. A device comprising a lever.\n2. The device of claim 1, wherein x.\n3. The device of claim 1 or 2, wherein y.\n4. The device of claim 2 or 3, wherein z.",
        [],
    ),  # EPC: multiple on multiple is allowed (MD002 is US only)
    # ---- claim_form ---------------------------------------------------------------------------
    ("CF001", "us", "1. A device comprising a lever attached to a housing", [("CF001", 1, "housing")]),
    (
        "CF001",
        "us",
        "1. A device comprising a lever. The lever is attached to a housing.",
        [("CF001", 1, "lever.")],
    ),
    (
        "CF001",
        "us",
        "1. A device comprising a lever, e.g. a steel lever, of approx. 1.5 mm per Fig. 3 of U.S. Pat. No. 5,000,000, i.e. thin, etc. and 5 wt.% Ni.",
        [],
    ),
    (
        "CF001",
        "us",
        "1. A method comprising:\na. mixing A and B;\nb. heating E. coli cells to 37° C.\n2. The method of claim 1, wherein the cells are lysed.",
        [],
    ),
    (
        "CF002",
        "us",
        "1. A widget a housing and a lever attached to the housing.",
        [("CF002", 1, "A widget a housing")],
    ),
    ("CF002", "us", "1. A compound of formula (I) or a pharmaceutically acceptable salt thereof.", []),
    (
        "CF003",
        "us",
        "1. A bracket having a profile as shown in FIG. 3.",
        [("CF003", 1, "as shown in FIG. 3")],
    ),
    ("CF003", "us", "1. An alloy comprising the elements of Table 1.", [("CF003", 1, "Table 1")]),
    ("CF003", "us", "1. A bracket comprising a table top and a figure eight loop.", []),
    (
        "CF004",
        "ep",
        "1. A device comprising a lever 12 connected to a frame 14.",
        [("CF004", 1, "12"), ("CF004", 1, "14")],
    ),
    (
        "CF004",
        "ep",
        "1. A device comprising a lever (12) connected to a frame (14) having a length of 5 mm and 3 arms.",
        [],
    ),
    ("CF004", "us", "1. A device comprising a lever 12 connected to a frame 14.", []),  # EP only
    (
        "CF004",
        "ep",
        ("1. A reactor comprising a cathode (3) and a chamber 1 through which each of the racks 35 is led, "
        "a lever 7 so that it turns."),
        [("CF004", 1, "1"), ("CF004", 1, "35"), ("CF004", 1, "7")],
    ),
    (
        "CF004",
        "ep",
        ("1. A method comprising a cathode (3), introducing codons in the gene 20 or less codons from the "
        "start, and heating to a pH 5 to 7."),
        [],
    ),
    (
        "CF004",
        "ep",
        "1. A reactor comprising a cathode (3) and a sample 5 to about 10 times the volume of a chamber (4).",
        [],
    ),
    (
        "CF005",
        "us",
        "1. A device comprising a lever.\n2. The apparatus of claim 1, wherein the lever is red.",
        [("CF005", 2, "The apparatus")],
    ),
    (
        "CF005",
        "us",
        "1. A device comprising a lever.\n2. A device according to claim 1, wherein x.\n3. A device according to claim 2, wherein y.",
        [("CF005", 2, "A")],
    ),
    ("CF005", "ep", "1. A device comprising a lever.\n2. A device according to claim 1, wherein x.", []),
    (
        "CF005",
        "us",
        "1. A pressure-measuring device comprising a lever.\n2. The pressure-measuring device of claim 1, wherein x.\n3. The device of claim 2, wherein y.",
        [],
    ),
    (
        "CF006",
        "us",
        "1. A computer-readable medium storing instructions that cause a processor to add.",
        [("CF006", 1, "computer-readable medium")],
    ),
    (
        "CF006",
        "us",
        "1. A non-transitory computer-readable medium storing instructions that cause a processor to add.",
        [],
    ),
    (
        "CF006",
        "ep",
        "1. A computer-readable medium storing instructions that cause a processor to add.",
        [],
    ),  # US only
    ("CF006", "us", "1. A method comprising storing data on a computer-readable medium.", []),
    (
        "CF007",
        "us",
        "1. In a bicycle having a frame, the improvement comprising a titanium fork.",
        [("CF007", 1, "the improvement comprising")],
    ),
    ("CF007", "us", "1. A bicycle comprising a frame and a titanium fork.", []),
    (
        "CF008",
        "us",
        "1. A paint comprising a solvent selected from the group comprising water and ethanol.",
        [("CF008", 1, "comprising")],
    ),
    (
        "CF008",
        "us",
        "1. A paint comprising a solvent selected from the group consisting of water and ethanol.",
        [],
    ),
    (
        "CF009",
        "us",
        "1. A widget comprising a lever.\n2. A widget substantially as described herein with reference to the accompanying drawings.",
        [("CF009", 2, "substantially as described herein with reference to the accompanying drawings")],
    ),
    (
        "CF009",
        "us",
        "1. A widget as described in the specification.",
        [("CF009", 1, "as described in the specification")],
    ),
    ("CF009", "us", "1. A new and distinct variety of rose plant as shown and described.", []),
    (
        "CF009",
        "us",
        "1. A widget comprising a lever, wherein the lever is as described above in step (a).",
        [],
    ),
    (
        "CF010",
        "us",
        "1. A composition comprising x.\n2. Use of the composition of claim 1 for treating a burn.",
        [("CF010", 2, "Use of")],
    ),
    (
        "CF010",
        "ep",
        "1. A composition comprising x.\n2. Use of the composition of claim 1 for treating a burn.",
        [],
    ),
]


@pytest.mark.parametrize(
    "code, jurisdiction, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_cases(code, jurisdiction, text, expected):
    got = [(c, claim, words) for c, claim, words, _ in run(text, (code,), jurisdiction)]
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize("jurisdiction", ["us", "ep"])
def test_clean_claims_have_no_findings(jurisdiction):
    assert run(CLEAN_US, jurisdiction=jurisdiction) == []


def test_messages_quote_the_offending_words():
    text = "1. A method of heating, comprising igniting a burner\n2. The system of claim 1, wherein x.\n3. The method of claims 1 and 2, wherein y."
    found = run(text)
    assert {code for code, *_ in found} >= {"CF001", "CD005", "MD001", "FE001"}
    for code, _, words, message in found:
        if not code.startswith("FE"):  # fee findings report counts, not words
            assert '"' in message, (code, message)


def test_canceled_claims_are_not_checked():
    text = "1. A device comprising a lever.\n2. (Canceled) The apparatus of claim 1, wherein x\n3. The device of claim 1, wherein y."
    assert run(text) == []


# ---- fees ---------------------------------------------------------------------------------------


def _claims(independent: int, dependent: int, extra: str = "") -> str:
    lines, n = [], 0
    for _ in range(independent):
        n += 1
        lines.append(f"{n}. A device comprising a lever number {n}.")
        for _ in range(dependent):
            n += 1
            lines.append(f"{n}. The device of claim {n - 1}, wherein x.")
    return "\n".join(lines) + ("\n" + extra.format(n=n + 1) if extra else "")


def test_fee_counts_multiple_dependency_counts_as_referred_claims():
    text = (
        "1. A device comprising a lever.\n"
        "2. The device of claim 1, wherein x.\n"
        "3. The device of claim 1 or 2, wherein y.\n"  # counts 2
        "4. The device of claim 3, wherein z.\n"  # counts 2 (depends from a multiple dependent claim)
        "5. (Canceled)"
    )
    counts = fee_counts(parse_claims_text(text))
    assert counts == {"claims": 4, "independent": 1, "total": 6, "multiple_dependent": [3]}


def test_fe001_reports_excess_once_on_first_claim_number():
    found = run(_claims(4, 5), ("FE001",))  # 24 claims, 4 independent
    assert [(c, claim, words) for c, claim, words, _ in found] == [("FE001", 1, "1")]
    assert (
        found[0][3]
        == "4 independent claims, 24 claims for fee purposes (4 over 20); 1 excess independent claim"
    )


def test_fe001_multiple_dependent_fee_and_counting():
    text = _claims(3, 5, "{n}. The device of claim 1 or 2, wherein y.")  # 18 + 1 counted twice = 20
    (finding,) = run(text, ("FE001",))
    assert finding[3] == (
        "3 independent claims, 20 claims for fee purposes (none over 20); no excess independent claims; "
        "multiple dependent claim fee due (claim 19)"
    )


def test_fe001_silent_without_excess():
    assert run(_claims(3, 5), ("FE001",)) == []  # 18 claims, 3 independent


def test_fe002_ep_claims_fees():
    (finding,) = run(_claims(1, 52), ("FE002",), "ep")  # 53 claims
    assert finding[:3] == ("FE002", 1, "1")
    assert (
        finding[3]
        == "53 claims: claims fees for 35 claims (16th to 50th claims) and the higher fee for 3 claims (51st onwards)"
    )
    assert run(_claims(1, 14), ("FE002",), "ep") == []  # 15 claims
    assert run(_claims(1, 52), ("FE002",), "us") == []


# ---- whole engine and real claims -----------------------------------------------------------------


def test_rules_are_registered_with_documentation():
    ours = [r for r in RULES.values() if r.category in OUR_CATEGORIES]
    assert {r.code[:2] for r in ours} == {"CN", "CD", "MD", "CF", "FE"}
    for r in ours:
        for heading in ("What it does", "Why it matters", "Example"):
            assert heading in r.doc, (r.code, heading)
        if r.fix_title:
            assert "Fix" in r.doc, r.code


def test_through_the_engine():
    pytest.importorskip("backend.nlp.sections")
    pytest.importorskip("backend.wordlists")
    from tests.helpers import check_text

    text = "CLAIMS\n1. A device comprising a lever.\n2. The apparatus of claim 1, wherein the lever is red.\n3. The device of claim 3, wherein x."
    result = check_text(text, select=("claim_form", "claim_dependency"))
    got = {(f.code, f.claim, f.text) for f in result.findings}
    assert ("CF005", 2, "The apparatus") in got
    assert ("CD001", 3, "claim 3") in got


def test_sample_corpus_grants_have_few_errors():
    from tests.corpus import SAMPLE_CORPUS, claim_lines, read_corpus

    docs = errors = 0
    for record in read_corpus(SAMPLE_CORPUS):
        if record["doc_type"] != "grant" or not record.get("claims"):
            continue
        docs += 1
        findings = run("\n".join(claim_lines(record)))
        errors += sum(1 for code, *_ in findings if RULES[code].severity == "error")
    assert docs == 0 or errors / docs < 1.0
