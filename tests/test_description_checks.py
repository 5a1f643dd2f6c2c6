"""Description checks: claim support (CS), reference numerals (RN), figure references (FR)."""

from __future__ import annotations

import pytest

from backend.nlp.refnums import (
    NUMERAL_LABELS_DEFAULT,
    Vocabulary,
    figure_covered,
    figure_mentions,
    reference_mentions,
    singular,
    stem,
)
from tests.helpers import check_text

ELEMENTS = [
    ("frame", 12),
    ("lever", 14),
    ("spring", 16),
    ("wheel", 18),
    ("axle", 20),
    ("handle", 22),
    ("footplate", 24),
    ("latch", 26),
]


def document(
    *,
    extra: str = "",
    claims: str = "1. A hand truck comprising a frame, a lever pivotally mounted to the frame, and a spring biasing the lever.",
    bdd: str = "[0002] FIG. 1 is a side view of a hand truck.\n[0003] FIG. 2 is a top view of the hand truck.",
    detail: str = "[0004] Referring to FIG. 1 and FIG. 2, the hand truck 10 is shown.",
) -> str:
    """A small application that uses reference numerals systematically."""
    body = " ".join(f"The hand truck 10 has a {t} {n}. The {t} {n} is made of steel." for t, n in ELEMENTS)
    return "\n".join(
        [
            "HAND TRUCK",
            "BACKGROUND",
            "[0001] Hand trucks carry loads on wheels.",
            "BRIEF DESCRIPTION OF THE DRAWINGS",
            bdd,
            "DETAILED DESCRIPTION",
            detail,
            f"[0005] {body} The lever 14 pivots on the frame 12 and the spring 16 biases the lever 14.",
            *([extra] if extra else []),
            "What is claimed is:",
            claims,
            "ABSTRACT",
            "A hand truck with a frame, a lever and a spring.",
        ]
    )


def findings(text: str, code: str):
    return [f for f in check_text(text, select=(code,)).findings if f.code == code]


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, expected",
    [
        ("springs", "spring"),
        ("assemblies", "assembly"),
        ("boxes", "box"),
        ("glass", "glass"),
        ("teeth", "tooth"),
        ("axes", "axis"),
    ],
)
def test_singular(word, expected):
    assert singular(word) == expected


def test_stem_relates_inflections():
    assert stem("rotatable") == stem("rotation") == stem("rotating") == stem("rotates")
    assert stem("couplings") == stem("coupling")
    assert stem("fastener") == stem("fastening")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the drive shaft 12 rotates", [("12", "drive shaft", True)]),
        (
            "a first lever 14 and a second lever 16",
            [("14", "first lever", True), ("16", "second lever", True)],
        ),
        ("springs 16a and 16b", [("16a", "spring", False), ("16b", "spring", False)]),
        (
            "the waveguides 120, 130, 140",
            [("120", "waveguide", False), ("130", "waveguide", False), ("140", "waveguide", False)],
        ),
        ("the housing 24' is closed", [("24'", "housing", True)]),
        ("FIG. 3 and FIGS. 4-6", []),
        ("in step 202 and block 304 and operation 306 of S102", []),
        ("about 10 mm, 5%, 100 ms, 20 degrees", []),
        ("elements 12-18 and 12 to 18", []),
        ("Ser. No. 12/345,678, filed in 2009, claim 1, paragraph [0023]", []),
        ("SEQ ID NO: 3 and Example 4 and Table 2", []),
        ("a ratio of 1:2 and 1.5 g", []),
        # "in" after a numeral is the preposition unless a dimension follows
        (
            "the tunability of the SLM 46 in accordance with the present embodiment",
            [("46", "slm", True)],
        ),
        ("a rod 4 in. long and a tube 3 in diameter", []),
        # a sentence connective is not part of the term
        ("Although septum 26 is made of silicon, the port", [("26", "septum", True)]),
        # a possessive is not part of the term
        ("the cable\u2019s opening 116 is cut", [("116", "opening", True)]),
        # "channel/runner 46": a second name, not a mention to compare
        ("Molding channel/runner 46 is shown as a through cut", [("46", "runner", False)]),
        # a list of reference signs written numeral first: the term follows the numeral
        (
            (
                "[0068] 10 vertical food cooker 11 upper warming portion 58 drawer handle/latch mechanism"
                " 71 apertures in fire pan 72 base unit cooker"
            ),
            [
                ("10", "vertical food cooker", False),
                ("11", "upper warming portion", False),
                ("58", "drawer handle/latch mechanism", False),
                ("71", "aperture", False),
                ("72", "base unit cooker", False),
            ],
        ),
        (
            "10 connecting member; 11 first cylindrical section; 12a rib; 12b rib",
            [
                ("10", "connecting member", False),
                ("11", "first cylindrical section", False),
                ("12a", "rib", False),
                ("12b", "rib", False),
            ],
        ),
    ],
)
def test_reference_mentions(text, expected):
    got = [
        (m.numeral, m.term, m.strong) for m in reference_mentions(0, text, NUMERAL_LABELS_DEFAULT) if m.term
    ]
    assert got == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("FIG. 1 is a view", ["1"]),
        ("FIG. 1A shows", ["1A"]),
        ("Fig. 2 shows", ["2"]),
        ("FIGS. 2A-2C show", ["2A", "2B", "2C"]),
        ("FIGS. 2A-C show", ["2A", "2B", "2C"]),
        ("FIGS. 3 and 4 show", ["3", "4"]),
        ("FIGS. 5, 6 and 7 show", ["5", "6", "7"]),
        ("FIGURE 3 shows", ["3"]),
        ("Figures 1-3 show", ["1", "2", "3"]),
        ("FIG. 1(a) and FIGS. 3 to 5", ["1A", "3", "4", "5"]),
        ("In FIG. 5, 12 denotes the lever", ["5"]),
        ("the figures show", []),
    ],
)
def test_figure_mentions(text, expected):
    assert [m.figure for m in figure_mentions(0, text)] == expected


def test_reference_mention_determiner_of_long_terms():
    """The word before a term cut to three words is still its article."""
    got = list(
        reference_mentions(0, "The operation of the multiphase logic decoder 306", NUMERAL_LABELS_DEFAULT)
    )
    assert [(m.term, m.before) for m in got] == [("multiphase logic decoder", "the")]
    got = list(reference_mentions(0, "to the big gas flow channel 500", NUMERAL_LABELS_DEFAULT))
    assert [(m.term, m.before) for m in got] == [("gas flow channel", "the")]


def test_figure_coverage():
    assert figure_covered("2", {"2A", "2B"})
    assert figure_covered("2A", {"2"})
    assert not figure_covered("3", {"2", "2A"})
    assert not figure_covered("2A", {"2B"})


def test_vocabulary():
    v = Vocabulary.build(["The shafts rotate.", "A circuitry board."])
    assert v.uses_noun("shaft") and v.uses_noun("circuit") and not v.uses_noun("lever")
    assert v.related("rotation") and v.near("shaft", "rotation")
    # another form sharing the stem is a use of the term; an agent noun is a thing of its own
    v = Vocabulary.build([("The handle is connected to the frame; the strands are laterally spaced, "
                          "the processing of the data.")])
    assert v.uses_noun("connection") and v.uses_noun("spacing")
    assert not v.uses_noun("processor") and not v.uses_noun("connector")
    v = Vocabulary.build(["The liquid is heating while the box contains it."])
    assert not v.uses_noun("heater") and not v.uses_noun("container")


# ------------------------------------------------------------------------------------------
# rules (whole engine)
# ------------------------------------------------------------------------------------------

CASES = [
    # code, document, expected findings as (text of the finding, words in the message)
    ("CS001", document(), []),
    (
        "CS001",
        document(claims="1. A hand truck comprising a frame, a lever and a gearbox coupled to the lever."),
        [("gearbox", '"gearbox"')],
    ),
    (
        "CS001",
        document(
            claims="1. A hand truck comprising a frame and a storage compartment attached to the frame."
        ),
        [("storage compartment", '"storage compartment"')],
    ),
    # plural/inflection and generic nouns are not reported
    ("CS001", document(claims="1. A hand truck comprising frames, levers, springs and a flat surface."), []),
    ("RN001", document(), []),
    ("RN001", document(extra="[0006] The bracket 14 holds the load."), [("bracket 14", '"14"')]),
    # variants of one term and letter suffixes do not conflict
    ("RN001", document(extra="[0006] The lever arm 14 and the upper lever 14 and the cover 14a."), []),
    # a list of reference signs written numeral first pairs no numeral with the previous term
    ("RN001", document(extra="[0006] 10 hand truck 12 frame 14 lever 16 spring 18 wheel 20 axle"), []),
    # a second name for the element in the same sentence, with a cue, is no second element ...
    (
        "RN001",
        document(
            extra="[0006] The bracket 30 holds a pen. The bracket 30 defines an opening, such as a rectangular"
            " aperture 30. The corner of the bracket 30 is rounded."
        ),
        [],
    ),
    (
        "RN001",
        document(
            extra="[0006] The bracket 30 holds a pen. The bracket 30 is square. The corner of the bracket 30 is"
            " rounded. The rectangular aperture 30 is cut in the corner."
        ),
        [("rectangular aperture 30", '"30"')],
    ),
    # ... nor is a name with two letters swapped ("DBR" / "DRB")
    (
        "RN001",
        document(
            extra="[0006] The DBR 30 reflects the light. The DBR 30 is formed on the substrate."
            " A DRB 30 may be arranged to a predetermined height in the opening."
        ),
        [],
    ),
    # chemical locants ("methyl 30") are no reference numerals, whatever follows them
    (
        "RN001",
        document(
            extra="[0006] The residue was dissolved to give methyl 30 as an oil. The methyl 30 was"
            " dried, and the methyl 30 was weighed in the flask 30."
        ),
        [],
    ),
    # an enumeration ("category 1", "category 2", "category 3") is no reference numeral
    (
        "RN001",
        document(
            extra="[0006] The category 1 is a category of the scenes in which only the child appears. The"
            " category 1 is the most important. The category 2 is a category of scenes with the child and"
            " someone else. The category 2 is next. The category 3 is a category of other scenes. The"
            " category 3 is last. The recognition times in the window 2 fall into the category 0."
        ),
        [],
    ),
    ("RN002", document(), []),
    # a term of three words, and a term written only twice with its numeral
    (
        "RN002",
        document(
            extra="[0006] The multiphase logic decoder 36 is shown in FIG. 2. The multiphase logic decoder 36"
            " drives the core. The operation of the multiphase logic decoder 987 will now be discussed."
        ),
        [("multiphase logic decoder 987", '"987"')],
    ),
    (
        "RN002",
        document(
            extra="[0006] The processing unit communicates with the cache memory 40 using the system bus. The"
            " cache memory 40 holds recent data. The cache memory 987 typically has a faster response time"
            " than main memory."
        ),
        [("cache memory 987", '"987"')],
    ),
    # a bare generic word names different things
    (
        "RN002",
        document(
            extra="[0006] The cover fills the space 28 between the left side and the right side. The space 28"
            " is closed. The cover is as wide as the space 29 between the wheels."
        ),
        [],
    ),
    ("RN002", document(extra="[0006] Finally the lever 41 returns."), [("lever 41", '"41"')]),
    # a second element of the same kind introduced with its own numeral is fine
    ("RN002", document(extra="[0006] A second lever 41 and another lever 43 are provided."), []),
    ("RN003", document(claims="1. A hand truck comprising a frame (12) and a lever (14)."), []),
    (
        "RN003",
        document(claims="1. A hand truck comprising a frame (12) and a lever (41)."),
        [("41", '"41"')],
    ),
    (
        "RN003",
        document(claims="1. The truck of claim 1, wherein the frame holds at least 2 wheels of formula (3)."),
        [],
    ),
    # in a claim, "(41)" after "subject" is a reference numeral; after "formula" a label
    (
        "RN003",
        document(
            claims="1. A method of treating a subject (41) in need thereof, comprising administering to the"
            " subject a compound of formula (43)."
        ),
        [("41", '"41"')],
    ),
    ("FR001", document(), []),
    (
        "FR001",
        document(
            bdd="[0002] FIG. 1 is a side view.\n[0003] FIG. 2 is a top view.\n[0003] FIG. 3 is a rear view."
        ),
        [("FIG. 3", '"FIG. 3"')],
    ),
    # a range in the brief description and "FIG. 2" covering 2A/2B
    (
        "FR001",
        document(
            bdd="[0002] FIGS. 1A-1C are views.\n[0003] FIGS. 2A and 2B are top views.",
            detail="[0004] FIGS. 1A, 1B and 1C and FIG. 2 show it.",
        ),
        [],
    ),
    ("FR002", document(), []),
    (
        "FR002",
        document(detail="[0004] Referring to FIG. 1 and FIG. 2 and FIG. 7, the hand truck 10 is shown."),
        [("FIG. 1 and FIG. 2 and FIG. 7", '"FIG. 7"')],
    ),
    ("FR002", document(detail="[0004] FIG. 2A shows the hand truck 10 and FIGS. 1-2 too."), []),
]


@pytest.mark.parametrize("code, text, expected", CASES)
def test_rule(code, text, expected):
    got = findings(text, code)
    assert len(got) == len(expected), [f.message for f in got]
    for f, (snippet, words) in zip(got, expected, strict=True):
        assert f.text == snippet
        assert words in f.message


def test_claim_location_and_number():
    got = findings(document(claims="1. A hand truck comprising a frame (12) and a lever (41)."), "RN003")
    assert got[0].claim == 1 and got[0].severity == "warning"


def test_rules_are_roughly_linear():
    import time

    long = document(detail="[0004] Referring to FIG. 1 and FIG. 2, the hand truck 10 is shown. " * 2000)
    t = time.perf_counter()
    check_text(long, select=("CS", "RN", "FR"))
    assert time.perf_counter() - t < 10
