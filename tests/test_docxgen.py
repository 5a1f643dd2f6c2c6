"""tests/docxgen.py: corpus records rendered as Word documents in several house styles.

The documents are checked three ways: structure (python-docx + the raw parts), an independent
minimal OOXML text extraction compared with `expected_text`, and (when LibreOffice is installed)
LibreOffice's own rendering of the text, list numbers included.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import docx
import pytest
from lxml import etree

from tests.docxgen import (
    COMMENT_AUTHOR,
    HOUSE_STYLES,
    REVISION_AUTHOR,
    expected_paragraphs,
    expected_text,
    long_record,
    make_png,
    normalise,
    render_docx,
)

SAMPLE = Path(__file__).parent / "data" / "corpus-sample.jsonl.gz"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W, "mc": MC}
RECORD_INDICES = (0, 2, 26)  # a 2014 grant, a 2003 grant with 5-digit source numbers, a Pap2Pat application


@lru_cache(maxsize=1)
def _records() -> tuple[dict, ...]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def records() -> list[dict]:
    recs = _records()
    return [recs[i] for i in RECORD_INDICES if i < len(recs)]


@lru_cache(maxsize=64)
def rendered(style: str, index: int, seed: int = 0) -> bytes:
    return render_docx(_records()[index], style, seed=seed)


CASES = [(s, i) for s in HOUSE_STYLES for i in RECORD_INDICES]


# ---------------------------------------------------------------- a minimal independent reader


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


class _Numbering:
    """Displayed list numbers for the constructions docxgen writes (level 0 only)."""

    def __init__(self, package: zipfile.ZipFile) -> None:
        num_root = etree.fromstring(package.read("word/numbering.xml"))
        styles = etree.fromstring(package.read("word/styles.xml"))
        self.abstract = {a.get(_w("abstractNumId")): a for a in num_root.findall("w:abstractNum", NS)}
        self.nums = {n.get(_w("numId")): n for n in num_root.findall("w:num", NS)}
        self.style_num = {}
        for s in styles.findall("w:style", NS):
            nid = s.find("w:pPr/w:numPr/w:numId", NS)
            if nid is not None:
                self.style_num[s.get(_w("styleId"))] = nid.get(_w("val"))
        self.counters: dict[str, int] = {}  # per abstractNum
        self.started: set[str] = set()  # numIds seen

    def label(self, p) -> str:
        nid = p.find("w:pPr/w:numPr/w:numId", NS)
        num_id = nid.get(_w("val")) if nid is not None else None
        if num_id is None:
            style = p.find("w:pPr/w:pStyle", NS)
            num_id = self.style_num.get(style.get(_w("val"))) if style is not None else None
        if num_id is None or num_id == "0":
            return ""
        num = self.nums[num_id]
        abstract_id = num.find("w:abstractNumId", NS).get(_w("val"))
        lvl = self.abstract[abstract_id].find("w:lvl[@w:ilvl='0']", NS)
        override = num.find("w:lvlOverride/w:startOverride", NS)
        if override is not None and num_id not in self.started:
            value = int(override.get(_w("val")))
        else:
            value = self.counters.get(abstract_id, int(lvl.find("w:start", NS).get(_w("val"))) - 1) + 1
        self.started.add(num_id)
        self.counters[abstract_id] = value
        fmt = lvl.find("mc:AlternateContent/mc:Choice/w:numFmt", NS)
        if fmt is None:
            fmt = lvl.find("w:numFmt", NS)
        kind = fmt.get(_w("val"))
        if kind == "custom":
            width = len(fmt.get(_w("format")).split(",")[0])
            shown = f"{value:0{width}d}"
        elif kind == "decimalZero":
            shown = f"{value:02d}"
        else:
            assert kind == "decimal", kind
            shown = str(value)
        return lvl.find("w:lvlText", NS).get(_w("val")).replace("%1", shown)


def _paragraph_text(p) -> str:
    out = []
    for e in p.iter(_w("t"), _w("br"), _w("tab"), _w("delText")):
        if e.tag == _w("delText") or any(a.tag == _w("del") for a in e.iterancestors()):
            continue
        out.append({_w("br"): "\n", _w("tab"): "\t"}.get(e.tag, e.text or ""))
    return "".join(out)


def read_paragraphs(data: bytes) -> list[str]:
    """Body paragraph texts (table cells included) as displayed: number prefix + runs."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        numbering = _Numbering(package)
        body = etree.fromstring(package.read("word/document.xml")).find("w:body", NS)
        texts = []
        for p in body.iter(_w("p")):
            label = numbering.label(p)
            texts.append(normalise((label + " " if label else "") + _paragraph_text(p)))
        return texts


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize(("style", "index"), CASES)
def test_displayed_text_matches_expected(style: str, index: int) -> None:
    got = read_paragraphs(rendered(style, index))
    want = expected_text(_records()[index], style, include_empty=True)
    assert got == want


@pytest.mark.parametrize(("style", "index"), CASES)
def test_structure(style: str, index: int) -> None:
    st = HOUSE_STYLES[style]
    record = _records()[index]
    data = rendered(style, index)
    document = docx.Document(io.BytesIO(data))
    expected = expected_paragraphs(record, style)
    body = [p for p in expected if not p.in_table]
    assert len(document.paragraphs) == len(body)
    assert [p.style.name for p in document.paragraphs] == [p.style for p in body]
    assert document.paragraphs[0].text == record["title"]
    assert len(document.tables) == (1 if st.table else 0)

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        xml = package.read("word/document.xml").decode()
        numbering = package.read("word/numbering.xml").decode()
        assert package.testzip() is None

    # headings
    heading_styles = {p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert bool(heading_styles) == (st.headings == "word-styles")
    if st.ep_headings:
        assert "Claims" in [p.text for p in document.paragraphs]
    # paragraph numbering
    has_para_numbering = "0001, 0002, 0003, ..." in numbering
    assert has_para_numbering == (st.para_numbers in ("word-list", "word-style"))
    typed = [p.text for p in document.paragraphs if re.match(r"\[\d{4}\] ", p.text)]
    assert bool(typed) == (st.para_numbers == "typed")
    if st.para_numbers == "word-style":
        assert 'w:styleId="PatentParagraph"' in package_styles(data)
    # claims numbering
    assert ('w:abstractNumId="41"' in numbering) == (st.claim_numbers == "word-list")
    claim_paras = [p for p in expected if p.role in ("claim", "claim-element")]
    if st.claim_elements == "paragraphs":
        assert any(p.role == "claim-element" for p in claim_paras)
    else:
        assert all(p.role == "claim" for p in claim_paras)
    # extras
    assert ("word/comments.xml" in names) == st.comment
    if st.comment:
        comments = document.comments
        assert [c.author for c in comments] == [COMMENT_AUTHOR]
        assert "w:commentRangeStart" in xml and "w:commentReference" in xml
    assert ("<w:ins " in xml and "<w:del " in xml) == st.tracked_changes
    if st.tracked_changes:
        assert xml.count(f'w:author="{REVISION_AUTHOR}"') == 2
    section = document.sections[0]
    if st.header_footer:
        assert section.header.paragraphs[0].text.startswith("Attorney Docket No.")
        footer_xml = section.footer._element.xml
        assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml
    else:
        assert not any(n.startswith("word/header") for n in names)
    assert any(n.startswith("word/media/") for n in names) == st.image
    if st.split_runs:
        runs = sum(len(p.runs) for p in document.paragraphs)
        assert runs > 1.5 * len(document.paragraphs)
        assert "<w:i/>" in xml or "<w:b/>" in xml


def package_styles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/styles.xml").decode()


def test_numbering_styles_show_the_same_text() -> None:
    """Typed and Word-numbered paragraph/claim numbers look the same to the attorney."""
    record = _records()[0]
    typed = replace(HOUSE_STYLES["uspto-typed"], name="t")
    listed = replace(typed, para_numbers="word-list", claim_numbers="word-list")
    assert expected_text(record, typed) == expected_text(record, listed)
    assert read_paragraphs(render_docx(record, listed)) == expected_text(record, typed, include_empty=True)
    assert any(t.startswith("[0001] ") for t in expected_text(record, listed))
    assert any(t.startswith("1. ") for t in expected_text(record, listed))


def test_decimal_zero_variant_shows_what_word_shows() -> None:
    record = _records()[3]  # 150 paragraphs
    st = replace(HOUSE_STYLES["ep-style"], name="zero", para_numbers="word-zero")
    texts = expected_text(record, st)
    assert any(t.startswith("[0099] ") for t in texts) and any(t.startswith("[00100] ") for t in texts)
    assert read_paragraphs(render_docx(record, st)) == expected_text(record, st, include_empty=True)


def test_tracked_change_keeps_corpus_text() -> None:
    record = _records()[0]
    data = rendered("messy-runs-tracked", 0)
    corpus = {normalise(p["text"]) for p in record["description"] if p["type"] == "paragraph"}
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ins = document.find(".//w:ins", NS)
    p = next(ins.iterancestors(_w("p")))
    shown = re.sub(r"^\[\d{4}\] ", "", normalise(_paragraph_text(p)))
    assert shown in corpus
    deleted = "".join(t.text for t in p.iter(_w("delText")))
    assert deleted.strip() and deleted not in shown


def test_deterministic_and_seeded() -> None:
    record = {**_records()[0], "description": _records()[0]["description"][:12]}

    def body(data: bytes) -> bytes:
        return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")

    a = render_docx(record, "kitchen-sink", seed=1)
    assert body(a) == body(render_docx(record, "kitchen-sink", seed=1))
    assert body(a) != body(render_docx(record, "kitchen-sink", seed=2))
    assert expected_text(record, "kitchen-sink", seed=2, include_empty=True) == read_paragraphs(
        render_docx(record, "kitchen-sink", seed=2)
    )


def test_unknown_style() -> None:
    with pytest.raises(KeyError, match="unknown house style"):
        render_docx(_records()[0], "no-such-style")


def test_png_is_valid() -> None:
    png = make_png(20, 10)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    from docx.image.image import Image

    image = Image.from_blob(png)
    assert (image.px_width, image.px_height) == (20, 10)


def test_canceled_range_claims() -> None:
    record = {**_records()[0], "description": _records()[0]["description"][:8]}
    record["claims"] = [
        {"num": 1, "text": "A widget comprising:\na base; and\na lid.", "depends_on": []},
        {"num": 2, "num_end": 5, "text": "2-5. (canceled)", "depends_on": None},
        {"num": 6, "text": "The widget of claim 1, wherein the lid is red.", "depends_on": [1]},
    ]
    for style in HOUSE_STYLES:
        texts = expected_text(record, style)
        claims = texts[texts.index("2-5. (canceled)") - 3 :]
        assert "2-5. (canceled)" in claims
        assert any(t.startswith("6. The widget of claim 1") for t in claims), style
        assert read_paragraphs(render_docx(record, style)) == expected_text(record, style, include_empty=True)


def test_long_record() -> None:
    recs = list(_records()[:3])
    long = long_record(recs, words=30_000)
    words = sum(len(p["text"].split()) for p in long["description"])
    assert words >= 30_000
    assert long["claims"] == recs[0]["claims"]


# ---------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_opens_every_style(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    files = {}
    for style in HOUSE_STYLES:
        path = tmp_path / f"{style}.docx"
        path.write_bytes(rendered(style, 0))
        files[style] = path
    # PDF and text conversions run side by side (one LibreOffice profile each)
    procs = [
        subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path}/lo-{n}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                *map(str, files.values()),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, target in enumerate(("pdf", "txt:Text"))
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    record = _records()[0]
    for style, path in files.items():
        pdf = path.with_suffix(".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), style
        # LibreOffice's text export shows list numbers as it renders them ("[0001]", "1.");
        # it keeps tracked deletions, so those are dropped before comparing.
        got = [
            normalise(line.strip().replace("\t", " "))
            for line in path.with_suffix(".txt").read_text(encoding="utf-8-sig").split("\n")
        ]
        want = [
            normalise(x.strip().replace("\t", " "))
            for t in expected_text(record, style)
            for x in t.split("\n")
        ]
        got, want = [g for g in got if g], [w for w in want if w]
        if HOUSE_STYLES[style].tracked_changes:
            got = [
                re.sub(r"\b(substantially|generally|preferably|essentially|typically) ", "", g)
                if g not in want
                else g
                for g in got
            ]
        assert got == want, style


def test_expected_document_mirrors_the_text_model() -> None:
    from tests.docxgen import expected_document

    record = _records()[0]
    document = expected_document(record, "firm-word-numbering")
    assert [p.index for p in document.paragraphs] == list(range(len(document.paragraphs)))
    assert [p.text for p in document.paragraphs] == expected_text(record, "firm-word-numbering")
    numbered = [p for p in document.paragraphs if p.numbering_prefix]
    assert numbered[0].numbering_prefix == "[0001] " and numbered[0].style == "Patent Paragraph"
    assert any(p.heading_level == 1 and p.style == "Heading 1" for p in document.paragraphs)
