"""Quick fixes: findings carry the exact edit (backend/nlp/suggestions/fixes.py); POST /check/fix
applies the chosen ones to a .docx as tracked changes (backend/docx/fixes.py), read back here."""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree

from backend.checking import check_docx
from backend.docx.fixes import TextEdit, apply_edits
from backend.docx.oxml import w
from backend.docx.reader import read_docx
from backend.nlp.config import CheckConfig
from backend.nlp.document import Location
from backend.nlp.suggestions.fixes import introduction
from tests.apiharness import DOCX_TYPE, assert_error
from tests.helpers import check_text

FIX = "/api/v1/check/fix"
APPLICATION = [
    ("Heading 1", "WIDGET WITH LEVER"),
    ("Heading 1", "DETAILED DESCRIPTION"),
    (None, "[0001] The widget 10 comprises a housing 12, a lever 14 on a pin 16, and a spring 18."),
    ("Heading 1", "CLAIMS"),
    (None, "1. A widget comprising: a housing; and a lever attached to the housing, wherein said lever pivots."),
    (None, "2. The widget of claim 1, wherein the lever pivots on the pin and the pin is steel."),
    (None, "4. The widget of claim 2, wherein the spring biases the lever."),
    (None, "5. The widget of claim 2 or 4, wherein the spring is steel."),
    ("Heading 1", "ABSTRACT"),
    (None, "A widget has a housing and a lever attached to the housing."),
]


def make_docx(paragraphs=APPLICATION) -> bytes:
    d = docx.Document()
    for style, text in paragraphs:
        p = d.add_paragraph(style=style) if style else d.add_paragraph()
        # split into several runs with formatting, as Word does
        words = text.split(" ")
        half = len(words) // 2
        p.add_run(" ".join(words[:half]) + " ")
        p.add_run(" ".join(words[half:])).italic = bool(style is None and text.startswith("2."))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in read_docx(data).text.paragraphs]


def revisions(data: bytes) -> list[tuple[str, str, str]]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out = []
    for el in root.iter(w("ins"), w("del")):
        text = "".join(t.text or "" for t in el.iter(w("t"), w("delText")))
        out.append((etree.QName(el).localname, el.get(w("author")), text))
    return out


def test_findings_carry_their_exact_edit():
    result = check_text("1. A device comprising a housing, wherein the lever is attached to the housing.\n"
                        "3. The device of claim 1, wherein said housing is steel.\n"
                        "4. The device of claim 3, wherein the levers are steel.\n",
                        select=("AB001", "CN"))
    by_code = {}
    for f in result.findings:
        by_code.setdefault(f.code, []).append(f)
    lever = by_code["AB001"][0]
    assert lever.fix is not None and lever.fix.safe
    assert [(e.original, e.replacement, e.location) for e in lever.fix.edits] == [("the lever", "a lever",
                                                                                 lever.location)]
    renumber = by_code["CN003"][0].fix
    assert renumber is not None and renumber.safe and renumber.id.startswith("cn-")
    assert [(e.location.paragraph, e.original, e.replacement) for e in renumber.edits] == [
        (1, "3", "2"), (2, "4", "3"), (2, "3", "2")]
    assert lever.to_json()["fix"]["edits"][0]["replacement"] == "a lever"
    assert introduction("said levers") == "levers" and introduction("the at least one arm") == "at least one arm"
    assert introduction("the arm") == "an arm" and introduction("The plurality of arms") == "A plurality of arms"


def test_a_fix_that_would_introduce_a_term_twice_is_not_safe():
    # claim 3 depends on 1 or 2; "the arm" lacks a basis only through claim 1
    result = check_text("1. A device comprising a housing.\n2. A device comprising an arm.\n"
                        "3. The device of claim 1 or 2, wherein the arm is steel.\n", select=("AB001",))
    fix = result.findings[0].fix
    assert fix is not None and not fix.safe


def test_apply_edits_as_tracked_changes_everything_else_identical():
    data = make_docx()
    text = paragraphs(data)
    claim = next(i for i, t in enumerate(text) if t.startswith("2."))
    start = text[claim].index("the pin")
    out, skipped = apply_edits(data, [TextEdit(Location(claim, start, start + 7), "a pin", key="x")])
    assert skipped == []
    assert paragraphs(out)[claim] == text[claim].replace("the pin", "a pin", 1)
    assert [(k, a, t) for k, a, t in revisions(out)] == [("del", "PatentPane", "the pin"), ("ins", "PatentPane", "a pin")]
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(out))
    assert before.namelist() == after.namelist()
    for name in before.namelist():
        if name != "word/document.xml":
            assert before.read(name) == after.read(name), name
    # the deleted run keeps its formatting; the inserted one copies it
    root = etree.fromstring(after.read("word/document.xml"))
    ins = next(root.iter(w("ins")))
    assert ins.find(f"{w('r')}/{w('rPr')}/{w('i')}") is not None
    assert paragraphs(out)[:claim] == text[:claim] and paragraphs(out)[claim + 1 :] == text[claim + 1 :]


def test_fix_api_applies_safe_fixes_only(api):
    caller = api.caller()
    data = make_docx()
    checked = check_docx(data, config=CheckConfig.build(), settings=api.settings).result
    offered = {f.fix.id: f for f in checked.findings if f.fix is not None}
    assert any(not f.fix.safe for f in offered.values()) and any(f.fix.safe for f in offered.values())
    response = api.client.post(FIX, headers=caller.headers, params={"safe": "true"},
                               files={"file": ("app.docx", data, DOCX_TYPE)})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_TYPE
    applied = response.headers["x-patentpane-fixes-applied"].split(",")
    assert set(applied) == {fid for fid, f in offered.items() if f.fix.safe}
    text = paragraphs(response.content)
    claims = [t for t in text if t[:2] in ("1.", "2.", "3.", "4.")]
    assert claims[1] == "2. The widget of claim 1, wherein the lever pivots on a pin and the pin is steel."
    assert claims[2] == "3. The widget of claim 2, wherein a spring biases the lever."  # renumbered, fixed
    # "the spring" lacks a basis only through claim 2: introducing it is offered, not applied
    assert claims[3] == "4. The widget of claim 2 or 3, wherein the spring is steel."
    assert all(author == "PatentPane" for _k, author, _t in revisions(response.content))

    # an unsafe fix is applied when chosen; "said" -> "the" on request
    unsafe = next(fid for fid, f in offered.items() if not f.fix.safe)
    response = api.client.post(FIX, headers=caller.headers, params={"fix": [unsafe, "nope"], "said_to_the": "true"},
                               files={"file": ("app.docx", data, DOCX_TYPE)})
    assert response.status_code == 200, response.text
    assert response.headers["x-patentpane-fixes-skipped"] == "nope"
    text = paragraphs(response.content)
    assert any("wherein a spring is steel" in t for t in text)
    assert any("wherein the lever pivots." in t for t in text)  # "said lever" -> "the lever"
    assert response.headers["content-disposition"].startswith('attachment; filename="app-fixed.docx"')


def test_fix_api_refuses(api):
    caller = api.caller()
    assert_error(api.client.post(FIX, headers=caller.headers, json={"text": "1. A widget."}), 415,
                 "unsupported_media_type")
    assert_error(api.client.post(FIX, files={"file": ("a.docx", b"x", DOCX_TYPE)}), 401, "unauthenticated")
    assert_error(api.client.post(FIX, headers=caller.headers, files={"file": ("a.docx", b"not a docx", DOCX_TYPE)}),
                 415, "not_a_docx")
