"""backend.docx.comments: Word comments anchored on findings, with a faithful copy of everything else."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import docx
import pytest

from backend.docx.comments import annotate, comment_text, read_comments
from backend.docx.package import open_package
from backend.docx.reader import read_docx
from backend.nlp.document import Location
from backend.nlp.rules.base import Finding, Severity
from tests.test_docx_reader import (
    OD_REL,
    STYLES,
    WML_CT,
    Part,
    abstract,
    build_docx,
    lvl,
    make_png,
    num,
    para,
    xml_part,
)

DATE = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
COMMENT_PARTS = {
    "word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels", "[Content_Types].xml",
    "word/commentsExtended.xml", "word/commentsIds.xml", "word/commentsExtensible.xml",
}

IMAGE = (
    '<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="457200" cy="304800"/>'
    '<wp:docPr id="1" name="Picture 1"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="457200" cy="304800"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    "</wp:inline></w:drawing></w:r></w:p>"
)


def claim(body: str) -> str:
    return f'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>{body}</w:p>'


def rich_docx() -> bytes:
    """Header/footer with fields, an image, a table, numbered claims, tracked changes, split runs and a
    comment by a person (with commentsExtended/Ids/Extensible entries)."""
    body = (
        para("BACKGROUND", ppr='<w:pStyle w:val="Heading1"/>')
        + '<w:p><w:r><w:t xml:space="preserve">The </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>lev</w:t></w:r>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">er 12 is </w:t></w:r>'
        '<w:commentRangeStart w:id="0"/><w:r><w:t>coupled</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r>'
        '<w:r><w:t xml:space="preserve"> to the frame.</w:t></w:r></w:p>'
        + IMAGE
        + '<w:tbl><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/></w:tcPr>'
        + para("Table cell text") + "</w:tc></w:tr></w:tbl>"
        + claim('<w:r><w:t xml:space="preserve">A widget comprising a </w:t></w:r>'
                '<w:del w:id="11" w:author="John Attorney" w:date="2024-03-05T14:21:00Z"><w:r><w:delText xml:space="preserve">big </w:delText></w:r></w:del>'
                '<w:ins w:id="12" w:author="John Attorney" w:date="2024-03-05T14:21:00Z"><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
                '<w:t xml:space="preserve">pivoting lever</w:t></w:r></w:ins><w:r><w:t>.</w:t></w:r>')
        + claim('<w:r><w:t xml:space="preserve">The widget of claim 1, wherein the lever is long.</w:t></w:r>')
    )
    comments = xml_part(
        "w:comments",
        '<w:comment w:id="0" w:author="Jane Reviewer" w:date="2024-03-04T09:30:00Z" w:initials="JR">'
        '<w:p w14:paraId="11111111"><w:r><w:annotationRef/></w:r><w:r><w:t>Is this defined?</w:t></w:r></w:p></w:comment>',
    )
    extended = xml_part("w15:commentsEx", '<w15:commentEx w15:paraId="11111111" w15:done="0"/>')
    ids = xml_part("w16cid:commentsIds", '<w16cid:commentId w16cid:paraId="11111111" w16cid:durableId="2A2A2A2A"/>')
    extensible = xml_part("w16cex:commentsExtensible",
                          '<w16cex:commentExtensible w16cex:durableId="2A2A2A2A" w16cex:dateUtc="2024-03-04T09:30:00Z"/>')
    field = ('<w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    extra = [
        Part("word/comments.xml", comments, WML_CT + "comments+xml", OD_REL + "comments"),
        Part("word/commentsExtended.xml", extended, WML_CT + "commentsExtended+xml",
             "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"),
        Part("word/commentsIds.xml", ids, WML_CT + "commentsIds+xml",
             "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"),
        Part("word/commentsExtensible.xml", extensible, WML_CT + "commentsExtensible+xml",
             "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible"),
        Part("word/header1.xml", xml_part("w:hdr", para("Docket 123")), WML_CT + "header+xml", OD_REL + "header", "rIdHdr"),
        Part("word/footer1.xml", xml_part("w:ftr", f"<w:p>{field}</w:p>"), WML_CT + "footer+xml", OD_REL + "footer",
             "rIdFtr"),
        Part("word/media/image1.png", make_png(), None, OD_REL + "image", "rIdImg"),
    ]
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdHdr"/>'
            '<w:footerReference w:type="default" r:id="rIdFtr"/><w:pgSz w:w="12240" w:h="15840"/></w:sectPr>')
    numbering = abstract(0, lvl(0, "decimal", "%1.")) + num(1, 0)
    return build_docx(body, styles=STYLES, numbering=numbering, extra=extra, sect_pr=sect)


def finding(doc, paragraph: int, words: str, *, code: str = "AB001", message: str | None = None,
            suggestion: str | None = None, occurrence: int = 0) -> Finding:
    text = doc.paragraphs[paragraph].text
    start = [m.start() for m in re.finditer(re.escape(words), text)][occurrence]
    return Finding(code, "antecedent_basis", Severity.WARNING, message or f'Problem with "{words}"',
                   Location(paragraph, start, start + len(words)), text, suggestion=suggestion)


def parts_of(data: bytes) -> tuple[list[str], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist(), {name: zf.read(name) for name in zf.namelist()}


def own(comments):
    return [c for c in comments if c.author == "PatentPane"]


def test_comment_text():
    doc = read_docx(rich_docx())
    assert comment_text(finding(doc, 1, "lever", suggestion="Use a lever.")) == \
        '[AB001] Problem with "lever". Suggestion: Use a lever.'
    assert comment_text(finding(doc, 1, "lever", message="Ends with a period.", suggestion="x")) == \
        "[AB001] Ends with a period. Suggestion: x"
    assert comment_text(finding(doc, 1, "lever", message="No suggestion")) == "[AB001] No suggestion"


def test_annotate_anchors_exactly_and_keeps_everything_else():
    data = rich_docx()
    original = bytes(data)
    doc = read_docx(data)
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["BACKGROUND", "The lever 12 is coupled to the frame.", "Table cell text",
                     "1. A widget comprising a pivoting lever.", "2. The widget of claim 1, wherein the lever is long."]
    findings = [
        finding(doc, 1, "lever 12", suggestion="Say which lever."),  # spans 2 split runs, mid-run ends
        finding(doc, 1, "coupled to", code="CF002"),                 # overlaps the person's comment
        finding(doc, 2, "cell"),                                     # table cell
        finding(doc, 3, "pivoting"),                                 # inside a tracked insertion
        finding(doc, 3, "1. A", code="CN001"),                       # starts in the numbering prefix
        finding(doc, 4, "2.", code="CN002"),                         # only the numbering prefix
        finding(doc, 4, "the lever", occurrence=0),
        finding(doc, 4, "lever is"),                                 # overlaps the previous one
    ]
    out = annotate(data, findings, date=DATE)
    assert data == original  # bytes in, bytes out

    comments = read_comments(out)
    assert [(c.author, c.text, c.anchored_text) for c in comments] == [
        ("Jane Reviewer", "Is this defined?", "coupled"),
        ("PatentPane", '[AB001] Problem with "lever 12". Suggestion: Say which lever.', "lever 12"),
        ("PatentPane", '[CF002] Problem with "coupled to"', "coupled to"),
        ("PatentPane", '[AB001] Problem with "cell"', "cell"),
        ("PatentPane", '[AB001] Problem with "pivoting"', "pivoting"),
        ("PatentPane", '[CN001] Problem with "1. A"', "A"),
        ("PatentPane", '[CN002] Problem with "2."', "The"),
        ("PatentPane", '[AB001] Problem with "the lever"', "the lever"),
        ("PatentPane", '[AB001] Problem with "lever is"', "lever is"),
    ]
    assert all(c.date == "2025-01-02T03:04:05Z" and c.initials == "PP" for c in own(comments))
    assert len({c.id for c in comments}) == len(comments)

    # The document reads the same; every part but the comment-related ones is byte-identical.
    assert [p.text for p in read_docx(out).paragraphs] == texts
    names_in, parts_in = parts_of(data)
    names_out, parts_out = parts_of(out)
    assert names_out == names_in
    for name in names_in:
        if name not in COMMENT_PARTS:
            assert parts_out[name] == parts_in[name], name
    assert parts_out["word/document.xml"].startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n')
    # No comment was removed: the extended comment parts are untouched.
    for name in ("word/commentsExtended.xml", "word/commentsIds.xml", "word/commentsExtensible.xml"):
        assert parts_out[name] == parts_in[name]

    # Tracked changes keep their authors and dates; formatting of split runs is kept.
    document = parts_out["word/document.xml"].decode()
    assert document.count('w:author="John Attorney" w:date="2024-03-05T14:21:00Z"') == 2
    assert "<w:delText xml:space=\"preserve\">big </w:delText>" in document
    assert re.search(r'<w:ins [^>]*>.*?<w:commentRangeStart w:id="\d+"/><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
                     r'<w:t xml:space="preserve">pivoting</w:t></w:r><w:commentRangeEnd', document)
    assert re.search(r'<w:r><w:rPr><w:i/></w:rPr><w:t>lev</w:t></w:r>', document)
    assert re.search(r'<w:rPr><w:b/></w:rPr><w:t xml:space="preserve">er 12</w:t></w:r><w:commentRangeEnd', document)
    assert 'w:rStyle w:val="CommentReference"' in parts_out["word/comments.xml"].decode()

    # python-docx opens the result and sees the comments.
    reopened = docx.Document(io.BytesIO(out))
    assert [(c.author, c.text) for c in reopened.comments] == [(c.author, c.text) for c in comments]
    assert len(reopened.sections[0].header.paragraphs) == 1
    assert reopened.inline_shapes[0].width == 457200


def test_annotate_again_replaces_only_patentpane_comments():
    data = rich_docx()
    doc = read_docx(data)
    first = annotate(data, [finding(doc, 1, "lever"), finding(doc, 3, "widget"), finding(doc, 1, "frame")], date=DATE)
    # PatentPane adds no entries to the extended parts (Word does not need them).
    assert parts_of(first)[1]["word/commentsExtended.xml"] == parts_of(data)[1]["word/commentsExtended.xml"]

    doc1 = read_docx(first)
    second = annotate(first, [finding(doc1, 4, "wherein")], date=DATE)
    comments = read_comments(second)
    assert [(c.author, c.anchored_text) for c in comments] == [("Jane Reviewer", "coupled"), ("PatentPane", "wherein")]
    document = parts_of(second)[1]["word/document.xml"].decode()
    assert document.count("<w:commentRangeStart") == 2 and document.count("<w:commentReference") == 2
    assert [p.text for p in read_docx(second).paragraphs] == [p.text for p in doc.paragraphs]
    # Jane's entries in the extended parts are kept.
    assert b'w15:paraId="11111111"' in parts_of(second)[1]["word/commentsExtended.xml"]

    # Re-checking with no findings removes PatentPane's comments and keeps Jane's.
    clean = annotate(second, [])
    assert [(c.author, c.anchored_text) for c in read_comments(clean)] == [("Jane Reviewer", "coupled")]


def test_removed_patentpane_comments_leave_extended_parts_consistent():
    data = rich_docx()
    doc = read_docx(data)
    first = annotate(data, [finding(doc, 1, "lever")], date=DATE)
    names, parts = parts_of(first)
    # Simulate Word having registered PatentPane's comment in the extended parts, with a reply by Jane.
    comments_xml = parts["word/comments.xml"].decode()
    pp_id = re.search(r'<w:comment w:id="(\d+)" w:author="PatentPane"', comments_xml).group(1)
    comments_xml = re.sub(rf'(<w:comment w:id="{pp_id}"[^>]*>)<w:p>', r'\1<w:p w14:paraId="22222222">', comments_xml)
    parts["word/comments.xml"] = comments_xml.encode()
    parts["word/commentsExtended.xml"] = parts["word/commentsExtended.xml"].replace(
        b"</w15:commentsEx>",
        b'<w15:commentEx w15:paraId="22222222" w15:done="0"/>'
        b'<w15:commentEx w15:paraId="33333333" w15:paraIdParent="22222222" w15:done="0"/></w15:commentsEx>')
    parts["word/commentsIds.xml"] = parts["word/commentsIds.xml"].replace(
        b"</w16cid:commentsIds>", b'<w16cid:commentId w16cid:paraId="22222222" w16cid:durableId="3B3B3B3B"/></w16cid:commentsIds>')
    parts["word/commentsExtensible.xml"] = parts["word/commentsExtensible.xml"].replace(
        b"</w16cex:commentsExtensible>",
        b'<w16cex:commentExtensible w16cex:durableId="3B3B3B3B"/></w16cex:commentsExtensible>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            zf.writestr(name, parts[name])
    second = annotate(out.getvalue(), [], date=DATE)
    after = parts_of(second)[1]
    assert b"22222222" not in after["word/commentsExtended.xml"]
    assert b'w15:paraId="33333333"' in after["word/commentsExtended.xml"]  # the reply stays, unparented
    assert b'w15:paraId="11111111"' in after["word/commentsExtended.xml"]
    assert b"22222222" not in after["word/commentsIds.xml"] and b"11111111" in after["word/commentsIds.xml"]
    assert b"3B3B3B3B" not in after["word/commentsExtensible.xml"]
    assert b"2A2A2A2A" in after["word/commentsExtensible.xml"]


def python_docx_file() -> bytes:
    d = docx.Document()
    d.add_heading("Claims", 1)
    p = d.add_paragraph("A widget comprising a ")
    p.add_run("lever").italic = True
    p.add_run(" and a frame.")
    d.add_paragraph("The widget of claim 1.", style="List Number")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_comments_part_created_when_missing():
    data = python_docx_file()
    assert open_package(data).related_part("word/document.xml", "http://schemas.openxmlformats.org/"
                                           "officeDocument/2006/relationships/comments") is None
    doc = read_docx(data)
    out = annotate(data, [finding(doc, 1, "a lever and"), finding(doc, 2, "claim 1", suggestion="Check.")],
                   author="PatentPane", date=DATE)
    assert [(c.author, c.anchored_text) for c in read_comments(out)] == [("PatentPane", "a lever and"),
                                                                         ("PatentPane", "claim 1")]
    reopened = docx.Document(io.BytesIO(out))
    assert [c.text for c in reopened.comments] == ['[AB001] Problem with "a lever and"',
                                                   '[AB001] Problem with "claim 1". Suggestion: Check.']
    names_in, parts_in = parts_of(data)
    names_out, parts_out = parts_of(out)
    assert names_out[: len(names_in)] == names_in and names_out[len(names_in):] == ["word/comments.xml"]
    assert b'PartName="/word/comments.xml"' in parts_out["[Content_Types].xml"]
    assert b'Target="comments.xml"' in parts_out["word/_rels/document.xml.rels"]
    for name in names_in:
        if name not in COMMENT_PARTS:
            assert parts_out[name] == parts_in[name]
    # Runs were split at the range ends; the text reads the same.
    assert [p.text for p in read_docx(out).paragraphs] == [p.text for p in doc.paragraphs]


def test_findings_outside_the_document_are_skipped():
    data = python_docx_file()
    doc = read_docx(data)
    bad = Finding("AB001", "antecedent_basis", Severity.WARNING, "x", Location(99, 0, 1), "")
    out = annotate(data, [bad, finding(doc, 1, "frame")], date=DATE)
    assert [c.anchored_text for c in read_comments(out)] == ["frame"]


@pytest.mark.libreoffice
def test_libreoffice_opens_annotated_copy(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    data = rich_docx()
    doc = read_docx(data)
    path = tmp_path / "annotated.docx"
    path.write_bytes(annotate(data, [finding(doc, 1, "lever 12"), finding(doc, 3, "pivoting")], date=DATE))
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "odt",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    odt = tmp_path / "annotated.odt"
    assert odt.exists() and odt.stat().st_size > 0
    with zipfile.ZipFile(odt) as zf:
        content = zf.read("content.xml").decode()
    assert content.count("<office:annotation ") >= 3  # Jane's + PatentPane's two
    assert "Problem with" in content


def test_random_ranges_anchor_exactly():
    """Overlapping random ranges over split runs, tabs, breaks, fields, hyperlinks and symbols."""
    import random

    body = ('<w:p><w:r><w:t>a</w:t><w:tab/><w:t>bc</w:t><w:br/><w:t>d</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>12</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:hyperlink r:id="x"><w:r><w:t>link text</w:t></w:r>'
            '</w:hyperlink><w:fldSimple w:instr="PAGE"><w:r><w:t>77</w:t></w:r></w:fldSimple>'
            '<w:r><w:sym w:font="Symbol" w:char="F061"/><w:t>z</w:t></w:r></w:p>')
    rng = random.Random(7)
    for data in (rich_docx(), build_docx(body)):
        doc = read_docx(data)
        for _ in range(8):
            findings = []
            for i in range(rng.randint(1, 10)):
                index = rng.randrange(len(doc.paragraphs))
                text, prefix = doc.paragraphs[index].text, len(doc.paragraphs[index].numbering_prefix)
                start = rng.randrange(prefix, len(text))
                end = rng.randint(start + 1, len(text))
                findings.append(Finding("AB001", "antecedent_basis", Severity.INFO, f"m{i}",
                                        Location(index, start, end), text))
            out = annotate(data, findings, date=DATE)
            assert [p.text for p in read_docx(out).paragraphs] == [p.text for p in doc.paragraphs]
            anchored = {c.text: c.anchored_text for c in own(read_comments(out))}
            for f in findings:
                paragraph_text = doc.paragraphs[f.location.paragraph].text
                assert anchored[f"[AB001] {f.message}"] == paragraph_text[f.location.start:f.location.end]


def test_paragraph_with_only_a_list_number_gets_a_point_comment():
    numbering = abstract(0, lvl(0, "decimal", "%1.")) + num(1, 0)
    data = build_docx('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p>',
                      numbering=numbering)
    doc = read_docx(data)
    assert [p.text for p in doc.paragraphs] == ["1. "]
    out = annotate(data, [Finding("CN001", "claim_numbering", Severity.ERROR, "Empty claim", Location(0, 0, 2),
                                  "1. ")], date=DATE)
    assert [(c.text, c.anchored_text) for c in read_comments(out)] == [("[CN001] Empty claim", "")]
    assert docx.Document(io.BytesIO(out)).comments is not None
