"""Render corpus patent records into realistic Word documents in several law-firm house styles.

Used by the round-trip fidelity tests, accuracy runs and the speed benchmark::

    from tests.docxgen import render_docx, expected_paragraphs, HOUSE_STYLES
    data = render_docx(record, "firm-word-numbering", seed=0)      # .docx bytes
    want = expected_text(record, "firm-word-numbering", seed=0)    # paragraph texts a reader must produce

A record is one line of ``../shared/corpus/us-patents.jsonl.gz`` (title, abstract, description = list
of {"type": "heading"|"paragraph", "text"}, claims = list of {"num", "text", "depends_on"[, "num_end"]}).

Document order: title, description (headings + paragraphs, with the optional image/table extras),
claims heading (and/or "What is claimed is:" intro), claims, abstract heading, abstract. The claims
and abstract headings start a new page (page-break-before, which adds no text).

Style axes (see `HouseStyle`):

* headings: Word "Heading 1"/"Heading 2" styles, bold ALL-CAPS Normal paragraphs (the capitals are
  typed, i.e. in the text), or centered bold underlined Normal paragraphs; optionally the EP
  headings ("Technical Field", "Background Art", ...) instead of the record's own;
* description paragraph numbers: typed "[0001] ", none, or Word list numbering, either on the
  paragraphs directly (w:numPr in the paragraph) or through a linked paragraph style
  ("Patent Paragraph" whose pPr carries the w:numPr: the paragraph itself has no numPr);
* claims: typed "1. " or Word automatic numbering ("%1." decimal, its own abstractNum); claim
  elements joined by spaces, by line breaks (w:br) or each in its own indented paragraph;
* split runs: text cut into runs at arbitrary places (also mid-word), italic words, bold
  mid-word fragments, rsids, proofErr marks and a _GoBack bookmark -- all deterministic from seed;
* extras: a comment by "Jane Reviewer" on a description word; a tracked deletion (an extra word)
  followed by a tracked insertion (a word of the corpus text) by "John Attorney", so the displayed
  text equals the corpus text; header and footer ("Page {PAGE} of {NUMPAGES}" complex fields);
  a small PNG (generated with zlib/struct) in its own paragraph in the brief description of the
  drawings; a 2x2 table after a detailed-description paragraph; non-breaking spaces in "FIG. 3".

How "[0001]" list numbering is built
------------------------------------
The abstractNum's level 0 is written exactly as Word 2010+ writes it when the user picks the
"0001, 0002, 0003, ..." number format from "Define New Number Format"::

    <w:lvl w:ilvl="0">
      <w:start w:val="1"/>
      <mc:AlternateContent>
        <mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="0001, 0002, 0003, ..."/></mc:Choice>
        <mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback>
      </mc:AlternateContent>
      <w:lvlText w:val="[%1]"/>
      ...

Word (and LibreOffice -- 7.4 checked by tests/test_docxgen.py) displays [0001], [0002], ...
[0099], [0100], ... [9999] -- the number zero-padded to the width of the format sample, as firms
want. The alternative "decimalZero + lvlText [00%1]" trick only pads to two digits ("01") and
therefore displays "[00100]" for paragraph 100; it is available as ``para_numbers="word-zero"`` to
test readers on that construction (the expected text then shows what Word displays, "[00100]").
A consumer that does not understand w14 takes the Fallback and shows "[1]": a docx reader must
process mc:AlternateContent by picking the Choice for w14 (`numFmt custom` + `format`).

Expected text
-------------
`expected_paragraphs` describes every body paragraph (and table-cell paragraph) as the attorney
sees it, mirroring `backend.nlp.document.Paragraph`: list-number prefix + " " included, tracked
deletions removed, insertions present, smart quotes -> ASCII quotes, nbsp -> space, w:br -> "\\n",
w:tab -> "\\t". `expected_text` gives the texts only; `expected_document` a `DocumentText`.
"""

from __future__ import annotations

import copy
import itertools
import random
import re
import struct
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Literal

__all__ = [
    "HOUSE_STYLES",
    "ExpectedParagraph",
    "HouseStyle",
    "expected_document",
    "expected_paragraphs",
    "expected_text",
    "get_style",
    "long_record",
    "make_png",
    "normalise",
    "render_docx",
]

COMMENT_AUTHOR = "Jane Reviewer"
COMMENT_INITIALS = "JR"
COMMENT_TEXT = "Is this term defined consistently with the claims?"
REVISION_AUTHOR = "John Attorney"
REVISION_DATE = "2024-03-05T14:21:00Z"
COMMENT_DATE = "2024-03-04T09:30:00Z"
PARA_NUM_FORMAT = "0001, 0002, 0003, ..."
PARA_STYLE_NAME = "Patent Paragraph"

Headings = Literal["word-styles", "bold-caps", "centered-bold-underlined"]
ParaNumbers = Literal["typed", "word-list", "word-style", "word-zero", "none"]
ClaimNumbers = Literal["typed", "word-list"]
ClaimElements = Literal["inline-space", "inline-break", "paragraphs"]


@dataclass(frozen=True, slots=True)
class HouseStyle:
    """One law firm's way of laying out an application (every axis independent)."""

    name: str
    description: str = ""
    title: Literal["title-style", "bold-centered"] = "title-style"
    headings: Headings = "word-styles"
    ep_headings: bool = False
    """Replace the record's main section headings by the EP ones ("Technical Field", ...)."""
    para_numbers: ParaNumbers = "typed"
    claim_numbers: ClaimNumbers = "typed"
    claim_elements: ClaimElements = "inline-space"
    claims_heading: str | None = "CLAIMS"
    """Heading paragraph before the claims (rendered the style's heading way); None: no heading."""
    claims_intro: str | None = "What is claimed is:"
    """Plain Normal paragraph before the first claim; None: none."""
    abstract_heading: str = "ABSTRACT"
    split_runs: bool = False
    comment: bool = False
    tracked_changes: bool = False
    header_footer: bool = False
    image: bool = False
    table: bool = False
    nbsp_figures: bool = False
    """Type "FIG.\\u00a03" (non-breaking space) in the description, as many firms' macros do."""
    font: str = "Times New Roman"
    font_size_pt: float = 12.0


HOUSE_STYLES: dict[str, HouseStyle] = {
    s.name: s
    for s in (
        HouseStyle(
            name="uspto-typed",
            description="Everything typed: bold capital headings, '[0001]' typed, claims '1. ' typed "
            "with elements on line breaks; header/footer with page number field.",
            title="bold-centered",
            headings="bold-caps",
            para_numbers="typed",
            claim_numbers="typed",
            claim_elements="inline-break",
            claims_heading="CLAIMS",
            claims_intro="What is claimed is:",
            abstract_heading="ABSTRACT",
            header_footer=True,
        ),
        HouseStyle(
            name="firm-word-numbering",
            description="Heading 1/2 styles, '[0001]' by Word list numbering through a linked paragraph "
            "style, claims by Word automatic numbering with each element in its own indented "
            "paragraph; header/footer, an image in the brief description and a table.",
            title="title-style",
            headings="word-styles",
            para_numbers="word-style",
            claim_numbers="word-list",
            claim_elements="paragraphs",
            claims_heading=None,
            claims_intro="What is claimed is:",
            abstract_heading="ABSTRACT OF THE DISCLOSURE",
            header_footer=True,
            image=True,
            table=True,
            font="Arial",
            font_size_pt=11.0,
        ),
        HouseStyle(
            name="bold-caps-elements",
            description="Bold capital headings, no paragraph numbers, typed claims with each element in "
            "its own indented paragraph after the preamble paragraph.",
            title="bold-centered",
            headings="bold-caps",
            para_numbers="none",
            claim_numbers="typed",
            claim_elements="paragraphs",
            claims_heading=None,
            claims_intro="What is claimed is:",
            abstract_heading="ABSTRACT OF THE DISCLOSURE",
        ),
        HouseStyle(
            name="messy-runs-tracked",
            description="Centered bold underlined headings, typed '[0001]', Word-numbered claims on one "
            "line each; text split into many runs (mid-word, italic/bold fragments), a reviewer "
            "comment, a tracked deletion + insertion, nbsp in figure references, header/footer.",
            title="bold-centered",
            headings="centered-bold-underlined",
            para_numbers="typed",
            claim_numbers="word-list",
            claim_elements="inline-space",
            claims_heading="CLAIMS",
            claims_intro="I claim:",
            abstract_heading="ABSTRACT",
            split_runs=True,
            comment=True,
            tracked_changes=True,
            header_footer=True,
            nbsp_figures=True,
        ),
        HouseStyle(
            name="ep-style",
            description="EP headings (Technical Field, Background Art, ...) in Heading styles, '[0001]' by "
            "direct Word list numbering, typed claims, 'Claims' and 'Abstract' headings.",
            title="title-style",
            headings="word-styles",
            ep_headings=True,
            para_numbers="word-list",
            claim_numbers="typed",
            claim_elements="inline-break",
            claims_heading="Claims",
            claims_intro=None,
            abstract_heading="Abstract",
            table=True,
        ),
        HouseStyle(
            name="kitchen-sink",
            description="Every extra at once: direct Word list numbering for paragraphs and claims, "
            "elements in paragraphs, split runs, comment, tracked changes, header/footer, image, "
            "table, nbsp.",
            title="title-style",
            headings="word-styles",
            para_numbers="word-list",
            claim_numbers="word-list",
            claim_elements="paragraphs",
            claims_heading="CLAIMS",
            claims_intro="What is claimed is:",
            abstract_heading="ABSTRACT",
            split_runs=True,
            comment=True,
            tracked_changes=True,
            header_footer=True,
            image=True,
            table=True,
            nbsp_figures=True,
        ),
    )
}


def get_style(style: HouseStyle | str) -> HouseStyle:
    if isinstance(style, HouseStyle):
        return style
    try:
        return HOUSE_STYLES[style]
    except KeyError:
        raise KeyError(f"unknown house style {style!r}; known: {', '.join(HOUSE_STYLES)}") from None


# --------------------------------------------------------------------------------------------------
# The plan: one list of paragraph specifications, used both to render and to compute expected text.

Role = Literal[
    "title",
    "heading",
    "paragraph",
    "claims-heading",
    "claims-intro",
    "claim",
    "claim-element",
    "abstract-heading",
    "abstract",
    "image",
    "table-cell",
]


@dataclass(slots=True)
class _Mark:
    kind: Literal["comment", "tracked"]
    start: int  # offsets into _P.text (typed text, without any list-number prefix)
    end: int
    deleted: str = ""  # tracked: the deleted word (with its trailing space), placed before start


@dataclass(slots=True)
class _P:
    role: Role
    text: str  # the typed text (what the runs contain, before nbsp substitution is applied)
    level: int | None = None  # heading level
    numbering: Literal["para", "claims"] | None = None
    display_number: str = ""  # what list numbering displays ("[0001]", "3.")
    num_start: int | None = None  # claims: start a new w:num instance at this number
    mark: _Mark | None = None
    cells: list[list[str]] | None = None  # role "table-cell": the whole table, emitted once
    indent: bool = False


@dataclass(frozen=True, slots=True)
class ExpectedParagraph:
    """A paragraph as the attorney sees it (mirrors backend.nlp.document.Paragraph)."""

    text: str
    role: str
    style: str = "Normal"
    heading_level: int | None = None
    bold: bool = False
    in_table: bool = False
    numbering_prefix: str = ""


_EP_HEADINGS = (
    (re.compile(r"\bfield\b|technical field", re.IGNORECASE), "Technical Field"),
    (re.compile(r"background|prior art|related art", re.IGNORECASE), "Background Art"),
    (
        re.compile(r"brief description of (the )?(drawings?|figures?|several views)", re.IGNORECASE),
        "Brief Description of Drawings",
    ),
    (
        re.compile(r"summary|disclosure of (the )?invention|objects? of", re.IGNORECASE),
        "Summary of Invention",
    ),
    (
        re.compile(
            r"detailed description|description of (the )?(preferred |illustrative |example )?"
            r"(embodiments?|invention)|best mode|modes? for carrying",
            re.IGNORECASE,
        ),
        "Description of Embodiments",
    ),
)
_BRIEF_RE = re.compile(r"brief description|description of (the )?(drawings|figures)", re.IGNORECASE)
_DETAIL_RE = re.compile(r"detailed description|description of .*embodiment", re.IGNORECASE)
_TOP_HEADING_RE = re.compile(
    r"^\s*(technical field|field|background|summary|brief (description|summary)|detailed description"
    r"|description|cross[- ]reference|related applications?|statement|government|incorporation"
    r"|sequence listing|prior art|objects?|disclosure|industrial applicability|best mode|definitions"
    r"|examples?\s*$)",
    re.IGNORECASE,
)


def _ep_heading(text: str) -> str | None:
    for pattern, ep in _EP_HEADINGS:
        if pattern.search(text):
            return ep
    return None


def _claim_body(claim: dict, elements: ClaimElements) -> list[str]:
    """Paragraph texts of one claim without its number (one per paragraph)."""
    parts = [p.strip() for p in claim["text"].split("\n") if p.strip()] or [claim["text"].strip()]
    if elements == "paragraphs":
        return parts
    return [(" " if elements == "inline-space" else "\n").join(parts)]


def _word_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{4,}", text) if m.start() >= start]


_DELETABLE = ("substantially ", "generally ", "preferably ", "essentially ", "typically ")


def _plan(record: dict, st: HouseStyle, seed: int) -> list[_P]:
    rng = random.Random(f"plan:{seed}:{record.get('id', '')}:{st.name}")
    plan: list[_P] = [_P("title", record.get("title") or "Untitled")]
    caps = st.headings == "bold-caps"

    def heading_text(text: str) -> str:
        return text.upper() if caps else text

    # ---- description
    desc_idx: list[int] = []  # plan indices of description paragraphs
    section_of: dict[int, str] = {}  # plan index -> current top heading
    current = ""
    n = 0
    for item in record.get("description", []):
        text = item.get("text", "")
        if item.get("type") == "heading":
            if not text.strip():
                continue
            level = 1 if _TOP_HEADING_RE.search(text) else 2
            if st.ep_headings and level == 1 and (ep := _ep_heading(text)):
                text, level = ep, 1
            current = text if level == 1 else current
            plan.append(_P("heading", heading_text(text), level=level))
            continue
        if not text.strip():
            continue
        n += 1
        if st.nbsp_figures:
            text = re.sub(r"\b(FIGS?\.) (?=\d)", "\\1\u00a0", text)
        p = _P("paragraph", text)
        if st.para_numbers == "typed":
            p.text = f"[{n:04d}] {text}"
        elif st.para_numbers in ("word-list", "word-style"):
            p.numbering, p.display_number = "para", f"[{n:04d}]"
        elif st.para_numbers == "word-zero":
            p.numbering, p.display_number = "para", f"[00{n:02d}]"
        section_of[len(plan)] = current
        desc_idx.append(len(plan))
        plan.append(p)

    # ---- extras inside the description
    def pick(candidates: list[int], min_words: int = 8) -> int | None:
        good = [i for i in candidates if len(plan[i].text.split()) >= min_words and plan[i].mark is None]
        return rng.choice(good) if good else None

    def prefix_len(p: _P) -> int:
        return len(p.text) - len(p.text.lstrip("[0123456789] ")) if st.para_numbers == "typed" else 0

    if st.tracked_changes and (i := pick(desc_idx[1:] or desc_idx)) is not None:
        p = plan[i]
        spans = _word_spans(p.text, prefix_len(p))[1:] or _word_spans(p.text, prefix_len(p))
        if spans:
            s, e = rng.choice(spans[: max(1, len(spans) // 2)])
            deleted = next((w for w in _DELETABLE if w.strip() not in p.text.lower()), _DELETABLE[0])
            p.mark = _Mark("tracked", s, e, deleted)
    if st.comment and (i := pick(desc_idx[2:] or desc_idx)) is not None:
        p = plan[i]
        spans = _word_spans(p.text, prefix_len(p))
        if spans:
            s, e = rng.choice(spans)
            p.mark = _Mark("comment", s, e)

    inserts: list[tuple[int, _P]] = []  # (insert after plan index, new item)
    if st.image and desc_idx:
        brief = [i for i in desc_idx if _BRIEF_RE.search(section_of[i])]
        figs = [i for i in desc_idx if "FIG" in plan[i].text]
        inserts.append(((brief or figs or desc_idx)[0], _P("image", "")))
    if st.table and desc_idx:
        detail = [i for i in desc_idx if _DETAIL_RE.search(section_of[i])]
        after = (detail or desc_idx)[min(1, len(detail or desc_idx) - 1)]
        inserts.append((after, _P("table-cell", "", cells=_table_cells(record))))
    for after, item in sorted(inserts, key=lambda t: -t[0]):
        plan.insert(after + 1, item)

    # ---- claims
    first = True
    if st.claims_heading:
        plan.append(_P("claims-heading", heading_text(st.claims_heading), level=1))
    if st.claims_intro:
        plan.append(_P("claims-intro", st.claims_intro))
    listed = 0  # last number Word's claim list displayed (typed canceled ranges do not count)
    for claim in record.get("claims", []):
        num = int(claim["num"])
        body = _claim_body(claim, st.claim_elements)
        if claim.get("num_end"):  # canceled range: text already reads "2-5. (canceled)"; always typed
            body = [claim["text"].strip()] if st.claim_elements != "paragraphs" else body
            plan.extend(
                _P("claim" if k == 0 else "claim-element", t, indent=k > 0) for k, t in enumerate(body)
            )
            continue
        head = _P("claim", body[0])
        if st.claim_numbers == "typed":
            head.text = f"{num}. {body[0]}"
        else:
            head.numbering, head.display_number = "claims", f"{num}."
            if first or num != listed + 1:
                head.num_start = num
            first = False
            listed = num
        plan.append(head)
        plan.extend(_P("claim-element", t, indent=True) for t in body[1:])

    # ---- abstract
    plan.append(_P("abstract-heading", heading_text(st.abstract_heading), level=1))
    if (record.get("abstract") or "").strip():
        plan.append(_P("abstract", record["abstract"].strip()))
    return plan


def _table_cells(record: dict) -> list[list[str]]:
    text = " ".join(p.get("text", "") for p in record.get("description", []) if p.get("type") == "paragraph")
    m = re.search(r"\b([a-z]{4,}) (\d{2,4})\b", text)
    if m:
        return [["Element", "Reference numeral"], [m.group(1), m.group(2)]]
    return [["Parameter", "Value"], ["Width", "12 mm"]]


# --------------------------------------------------------------------------------------------------
# Expected text

_NORMALISE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
    }
)


def normalise(text: str) -> str:
    """What the docx reader does to displayed text: smart quotes -> ASCII, nbsp -> space."""
    return text.translate(_NORMALISE)


def _style_name(p: _P, st: HouseStyle) -> str:
    if p.role == "title":
        return "Title" if st.title == "title-style" else "Normal"
    if p.role in ("heading", "claims-heading", "abstract-heading") and st.headings == "word-styles":
        return f"Heading {p.level or 1}"
    if p.role == "paragraph" and st.para_numbers == "word-style":
        return PARA_STYLE_NAME
    return "Normal"


def expected_paragraphs(record: dict, style: HouseStyle | str, *, seed: int = 0) -> list[ExpectedParagraph]:
    """Every body paragraph (table-cell paragraphs included, row by row) as the attorney sees it.

    The image paragraph has text "" (role "image"). Line breaks are "\\n", tabs "\\t".
    """
    st = get_style(style)
    out: list[ExpectedParagraph] = []
    for p in _plan(record, st, seed):
        if p.role == "table-cell":
            for row in p.cells or []:
                out.extend(
                    ExpectedParagraph(normalise(c), "table-cell", style="Normal", in_table=True, bold=False)
                    for c in row
                )
            continue
        prefix = p.display_number + " " if p.numbering else ""
        name = _style_name(p, st)
        is_heading = p.role in ("heading", "claims-heading", "abstract-heading")
        out.append(
            ExpectedParagraph(
                text=normalise(prefix + p.text),
                role=p.role,
                style=name,
                heading_level=(p.level or 1) if (is_heading and st.headings == "word-styles") else None,
                # Heading 1/2 of python-docx's template are bold styles; Title is not
                bold=is_heading or (p.role == "title" and st.title == "bold-centered"),
                numbering_prefix=prefix,
            )
        )
    return out


def expected_text(
    record: dict,
    style: HouseStyle | str,
    *,
    seed: int = 0,
    include_empty: bool = False,
    include_tables: bool = True,
) -> list[str]:
    """The paragraph texts a correct reader produces, in document order."""
    return [
        p.text
        for p in expected_paragraphs(record, style, seed=seed)
        if (include_empty or p.text.strip()) and (include_tables or not p.in_table)
    ]


def expected_document(record: dict, style: HouseStyle | str, *, seed: int = 0):
    """`expected_paragraphs` as a DocumentText (empty paragraphs dropped, indices consecutive)."""
    from backend.nlp.document import DocumentText, Paragraph

    paras = [p for p in expected_paragraphs(record, style, seed=seed) if p.text.strip()]
    return DocumentText(
        [
            Paragraph(
                index=i,
                text=p.text,
                style=p.style,
                heading_level=p.heading_level,
                bold=p.bold,
                in_table=p.in_table,
                numbering_prefix=p.numbering_prefix,
            )
            for i, p in enumerate(paras)
        ]
    )


# --------------------------------------------------------------------------------------------------
# Rendering

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def make_png(width: int = 48, height: int = 32) -> bytes:
    """A small RGB PNG (a framed diagonal 'drawing'), built with zlib/struct only."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            edge = x in (0, width - 1) or y in (0, height - 1)
            diag = abs(x * height - y * width) < width
            v = 0 if (edge or diag) else 255
            row += bytes((v, v, 255 if v else 0))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


class _Renderer:
    def __init__(self, record: dict, st: HouseStyle, seed: int) -> None:
        import docx
        from docx.shared import Pt

        self.record, self.st, self.seed = record, st, seed
        self.rng = random.Random(f"runs:{seed}:{record.get('id', '')}:{st.name}")
        self.doc = docx.Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = st.font
        normal.font.size = Pt(st.font_size_pt)
        self.rsids = [f"00{self.rng.randrange(0x100000, 0xFFFFFF):06X}" for _ in range(6)]
        self.next_id = 9001  # w:ins/w:del ids
        self.num_ids: dict[str, int] = {}
        self.claims_abstract: int | None = None
        self.body_paragraph = None

    # ---- numbering.xml
    def _numbering(self):
        return self.doc.part.numbering_part.element

    def _add_abstract_num(self, abstract_id: int, lvl_xml: str) -> None:
        from lxml import etree

        root = self._numbering()
        elm = etree.fromstring(
            f'<w:abstractNum xmlns:w="{W_NS}" xmlns:mc="{MC_NS}" w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="singleLevel"/>{lvl_xml}</w:abstractNum>'
        )
        first_num = root.find(f"{{{W_NS}}}num")
        if first_num is not None:
            first_num.addprevious(elm)
        else:
            root.append(elm)

    def _add_num(self, abstract_id: int, start: int | None = None) -> int:
        from lxml import etree

        root = self._numbering()
        used = {int(n.get(f"{{{W_NS}}}numId")) for n in root.findall(f"{{{W_NS}}}num")}
        num_id = max(used | {0}) + 1
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            if start is not None
            else ""
        )
        root.append(
            etree.fromstring(
                f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                f"{override}</w:num>"
            )
        )
        return num_id

    def setup_numbering(self) -> None:
        st = self.st
        if st.para_numbers in ("word-list", "word-style", "word-zero"):
            if st.para_numbers == "word-zero":
                fmt, text = '<w:numFmt w:val="decimalZero"/>', "[00%1]"
            else:
                fmt = (
                    f'<mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" '
                    f'w:format="{PARA_NUM_FORMAT}"/></mc:Choice><mc:Fallback><w:numFmt w:val="decimal"/>'
                    f"</mc:Fallback></mc:AlternateContent>"
                )
                text = "[%1]"
            pstyle = '<w:pStyle w:val="PatentParagraph"/>' if st.para_numbers == "word-style" else ""
            self._add_abstract_num(
                40,
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/>{fmt}{pstyle}<w:lvlText w:val="{text}"/>'
                f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>',
            )
            self.num_ids["para"] = self._add_num(40)
            if st.para_numbers == "word-style":
                self._add_para_style(self.num_ids["para"])
        if st.claim_numbers == "word-list":
            self._add_abstract_num(
                41,
                '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
                '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="720"/></w:pPr></w:lvl>',
            )
            self.claims_abstract = 41

    def _add_para_style(self, num_id: int) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        s = self.doc.styles.add_style(PARA_STYLE_NAME, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = self.doc.styles["Normal"]
        s.element.set(qn("w:styleId"), "PatentParagraph")
        ppr = s.element.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        num_id_el = OxmlElement("w:numId")
        num_id_el.set(qn("w:val"), str(num_id))
        num_pr.append(num_id_el)
        ppr.insert(0, num_pr)

    # ---- runs
    def _add_run(self, paragraph, text: str, *, bold=False, italic=False, underline=False):
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if underline:
            run.underline = True
        if self.st.split_runs and self.rng.random() < 0.5:
            from docx.oxml.ns import qn

            run._r.set(qn("w:rsidR"), self.rng.choice(self.rsids))
        return run

    def _write(self, paragraph, p: _P, *, bold=False, underline=False, italic=False):
        """Write p.text into `paragraph` as runs (split/formatted per the style), handling p.mark."""
        text = p.text
        cuts = {0, len(text)}
        italic_spans: list[tuple[int, int]] = []
        bold_spans: list[tuple[int, int]] = []
        protected = (p.mark.start, p.mark.end) if p.mark else None
        if self.st.split_runs and text:
            rng = self.rng
            for _ in range(rng.randint(1, max(1, len(text) // 45))):
                cuts.add(rng.randrange(len(text)))
            words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{3,}", text)]
            if words and rng.random() < 0.35:
                italic_spans.append(rng.choice(words))
            long_words = [w for w in words if w[1] - w[0] >= 6]
            if long_words and rng.random() < 0.35:
                s, e = rng.choice(long_words)
                a = rng.randint(s + 1, e - 3)
                bold_spans.append((a, rng.randint(a + 1, e - 1)))
            for s, e in italic_spans + bold_spans:
                cuts.update((s, e))
        if protected:
            cuts = {c for c in cuts if not protected[0] < c < protected[1]} | set(protected)
        points = sorted(cuts)
        marked_runs = []
        for a, b in itertools.pairwise(points):
            piece = text[a:b]
            in_mark = protected is not None and protected[0] <= a and b <= protected[1]
            if in_mark and p.mark.kind == "tracked" and not marked_runs:
                self._tracked_delete(paragraph, p.mark.deleted)
            run = self._add_run(
                paragraph,
                piece,
                bold=bold or _covers(bold_spans, a, b),
                italic=italic or _covers(italic_spans, a, b),
                underline=underline,
            )
            if in_mark:
                marked_runs.append(run)
            elif self.st.split_runs and self.rng.random() < 0.04:
                self._noise(paragraph)
        if p.mark and marked_runs:
            if p.mark.kind == "tracked":
                self._tracked_insert(marked_runs)
            else:
                c = self.doc.add_comment(
                    marked_runs, text=COMMENT_TEXT, author=COMMENT_AUTHOR, initials=COMMENT_INITIALS
                )
                from docx.oxml.ns import qn

                c._comment_elm.set(qn("w:date"), COMMENT_DATE)

    def _noise(self, paragraph) -> None:
        """Markup that carries no text: proofing marks and Word's _GoBack bookmark."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        if self.rng.random() < 0.5:
            for kind in ("spellStart", "spellEnd"):
                e = OxmlElement("w:proofErr")
                e.set(qn("w:type"), kind)
                paragraph._p.append(e)
        else:
            bid = str(self.rng.randrange(1000, 9000))
            s = OxmlElement("w:bookmarkStart")
            s.set(qn("w:id"), bid)
            s.set(qn("w:name"), f"_Hlk{self.rng.randrange(10**8, 10**9)}")
            e = OxmlElement("w:bookmarkEnd")
            e.set(qn("w:id"), bid)
            paragraph._p.append(s)
            paragraph._p.append(e)

    def _revision(self, tag: str):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        e = OxmlElement(tag)
        e.set(qn("w:id"), str(self.next_id))
        e.set(qn("w:author"), REVISION_AUTHOR)
        e.set(qn("w:date"), REVISION_DATE)
        self.next_id += 1
        return e

    def _tracked_delete(self, paragraph, word: str) -> None:
        from docx.oxml import OxmlElement

        d = self._revision("w:del")
        r = OxmlElement("w:r")
        t = OxmlElement("w:delText")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = word
        r.append(t)
        d.append(r)
        paragraph._p.append(d)

    def _tracked_insert(self, runs) -> None:
        ins = self._revision("w:ins")
        runs[0]._r.addprevious(ins)
        for run in runs:
            ins.append(run._r)

    # ---- paragraphs
    def _num_pr(self, paragraph, num_id: int) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        ppr = paragraph._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        for tag, val in (("w:ilvl", 0), ("w:numId", num_id)):
            e = OxmlElement(tag)
            e.set(qn("w:val"), str(val))
            num_pr.append(e)
        ppr.insert_element_before(num_pr, *_PPR_AFTER_NUMPR)

    def render(self) -> bytes:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Inches

        st, doc = self.st, self.doc
        self.setup_numbering()
        page_break_done = {"claims": False, "abstract": False}
        claims_num: int | None = None
        for p in _plan(self.record, st, self.seed):
            if p.role == "table-cell":
                self._table(p.cells or [])
                continue
            if p.role == "image":
                para = doc.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                para.add_run().add_picture(BytesIO(make_png()), width=Inches(1.5))
                continue
            para = doc.add_paragraph()
            name = _style_name(p, st)
            if name != "Normal":
                para.style = doc.styles[name]
            is_heading = p.role in ("heading", "claims-heading", "abstract-heading")
            bold = underline = False
            if p.role == "title":
                if st.title == "bold-centered":
                    para.alignment, bold = WD_ALIGN_PARAGRAPH.CENTER, True
            elif is_heading and st.headings != "word-styles":
                bold = True
                para.paragraph_format.keep_with_next = True
                if st.headings == "centered-bold-underlined":
                    para.alignment, underline = WD_ALIGN_PARAGRAPH.CENTER, True
            group = (
                "abstract"
                if p.role == "abstract-heading"
                else ("claims" if p.role in ("claims-heading", "claims-intro", "claim") else None)
            )
            if group and not page_break_done[group]:
                para.paragraph_format.page_break_before = True
                page_break_done[group] = True
            if p.indent:
                para.paragraph_format.left_indent = Inches(1.0 if st.claim_numbers == "typed" else 0.5)
            if p.role == "paragraph" and p.numbering is None and st.para_numbers == "typed":
                para.paragraph_format.first_line_indent = Inches(0.5)
            if p.numbering == "para" and st.para_numbers in ("word-list", "word-zero"):
                self._num_pr(para, self.num_ids["para"])
            elif p.numbering == "claims":
                if p.num_start is not None or claims_num is None:
                    claims_num = self._add_num(self.claims_abstract or 41, p.num_start)
                self._num_pr(para, claims_num)
            self._write(para, p, bold=bold, underline=underline)
        if st.header_footer:
            self._header_footer()
        out = BytesIO()
        doc.save(out)
        return out.getvalue()

    def _table(self, cells: list[list[str]]) -> None:
        table = self.doc.add_table(rows=len(cells), cols=len(cells[0]))
        table.style = self.doc.styles["Table Grid"]
        for r, row in enumerate(cells):
            for c, text in enumerate(row):
                cell_p = table.cell(r, c).paragraphs[0]
                cell_p.add_run(text).bold = r == 0

    def _header_footer(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.doc.sections[0]
        hp = section.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        docket = f"{zlib.crc32(str(self.record.get('id', '')).encode()) % 10000:04d}"
        hp.add_run(f"Attorney Docket No. PP-{docket}-US")
        fp = section.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fp.add_run("Page ")
        _field(fp, "PAGE", "1")
        fp.add_run(" of ")
        _field(fp, "NUMPAGES", "1")


def _covers(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)


_PPR_AFTER_NUMPR = (
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _field(paragraph, instr: str, shown: str) -> None:
    """A complex field: fldChar begin, instrText, fldChar separate, the result run, fldChar end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str):
        r = paragraph.add_run()
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), kind)
        r._r.append(e)

    fld("begin")
    r = paragraph.add_run()
    t = OxmlElement("w:instrText")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = f" {instr} \\* MERGEFORMAT "
    r._r.append(t)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


def render_docx(record: dict, style: HouseStyle | str, *, seed: int = 0) -> bytes:
    """The record as a .docx (bytes) laid out in `style`; deterministic for a given seed."""
    return _Renderer(record, get_style(style), seed).render()


def long_record(records: list[dict], *, words: int) -> dict:
    """One synthetic application whose description concatenates records' descriptions (cycling)
    until it has at least `words` words; title, claims and abstract come from the first record."""
    if not records:
        raise ValueError("no records")
    description: list[dict] = []
    count = 0
    i = 0
    while count < words:
        rec = records[i % len(records)]
        i += 1
        for item in rec.get("description", []):
            description.append(copy.copy(item))
            count += len(item.get("text", "").split())
        if i > 100000:  # records without text
            break
    first = records[0]
    return {**first, "id": f"{first.get('id', 'long')}-x{i}", "description": description}
