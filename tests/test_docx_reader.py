"""backend.docx.reader / numbering: displayed text, numbering, run map (real .docx files).

Also holds `build_docx`, a small raw-XML .docx builder shared by the other docx test modules.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import docx
import pytest
from docx.enum.text import WD_BREAK

from backend.docx.numbering import format_number
from backend.docx.reader import read_docx
from backend.nlp.document import Location

# -- builder -----------------------------------------------------------------------------------

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:w16cid="http://schemas.microsoft.com/office/word/2016/wordml/cid" '
    'xmlns:w16cex="http://schemas.microsoft.com/office/word/2018/wordml/cex" '
    'mc:Ignorable="w14 w15 w16cid w16cex"'
)
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
OD_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


@dataclass
class Part:
    name: str
    data: bytes
    content_type: str | None = None
    rel_type: str | None = None
    rel_id: str | None = None


def xml_part(root_tag: str, inner: str) -> bytes:
    return f"{DECL}<{root_tag} {NS}>{inner}</{root_tag}>".encode()


def make_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def build_docx(
    body: str,
    *,
    styles: str | None = None,
    numbering: str | None = None,
    extra: list[Part] | tuple[Part, ...] = (),
    main_type: str = MAIN_CT,
    sect_pr: str = '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr>',
) -> bytes:
    """A .docx from raw WordprocessingML: `body` is the content of w:body (sectPr appended)."""
    parts = list(extra)
    if styles is not None:
        parts.append(Part("word/styles.xml", xml_part("w:styles", styles), WML_CT + "styles+xml", OD_REL + "styles"))
    if numbering is not None:
        parts.append(Part("word/numbering.xml", xml_part("w:numbering", numbering), WML_CT + "numbering+xml",
                          OD_REL + "numbering"))
    overrides = "".join(
        f'<Override PartName="/{p.name}" ContentType="{p.content_type}"/>' for p in parts if p.content_type
    )
    types = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>{overrides}</Types>'
    )
    root_rels = (
        f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{OD_REL}officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc_rels = "".join(
        f'<Relationship Id="{p.rel_id or f"rIdX{i}"}" Type="{p.rel_type}" Target="{p.name.removeprefix("word/")}"/>'
        for i, p in enumerate(parts) if p.rel_type
    )
    doc_rels = (f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{doc_rels}</Relationships>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("word/document.xml", xml_part("w:document", f"<w:body>{body}{sect_pr}</w:body>"))
        zf.writestr("word/_rels/document.xml.rels", doc_rels)
        for p in parts:
            zf.writestr(p.name, p.data)
    return out.getvalue()


def para(text: str = "", *, ppr: str = "", rpr: str = "") -> str:
    """A one-run paragraph."""
    run = f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f'<w:p>{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{run}</w:p>'


def numbered(text: str, num_id: int, ilvl: int = 0) -> str:
    return para(text, ppr=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def abstract(aid: int, *levels: str) -> str:
    return f'<w:abstractNum w:abstractNumId="{aid}">{"".join(levels)}</w:abstractNum>'


def num(nid: int, aid: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>'


def texts(data: bytes) -> list[str]:
    return [p.text for p in read_docx(data).paragraphs]


STYLES = (
    '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>'
    '</w:style>'
    '<w:style w:type="paragraph" w:styleId="MyHeading"><w:name w:val="My Heading"/><w:basedOn w:val="Heading1"/>'
    '</w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="ClaimBase"><w:name w:val="Claim Base"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Claim"><w:name w:val="Claim"/><w:basedOn w:val="ClaimBase"/></w:style>'
    '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/>'
    '<w:rPr><w:sz w:val="16"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="CommentText"><w:name w:val="annotation text"/></w:style>'
)

# -- numbering ---------------------------------------------------------------------------------


def test_format_number():
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27, 28, 53)] == ["a", "z", "aa", "bb", "aaa"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40, 1994)] == ["I", "IV", "IX", "XIV", "XL",
                                                                               "MCMXCIV"]
    assert format_number(7, "lowerRoman") == "vii"
    assert format_number(3, "decimalZero") == "03" and format_number(12, "decimalZero") == "12"
    assert format_number(7, "custom", "0001, 0002, 0003, ...") == "0007"
    assert format_number(2, "ordinal") == "2nd" and format_number(3, "none") == ""


def test_claims_with_word_auto_numbering():
    numbering = abstract(0, lvl(0, "decimal", "%1.")) + num(1, 0)
    body = numbered("A widget comprising a lever.", 1) + numbered("The widget of claim 1.", 1)
    assert texts(build_docx(body, numbering=numbering)) == ["1. A widget comprising a lever.",
                                                            "2. The widget of claim 1."]
    p = read_docx(build_docx(body, numbering=numbering)).paragraphs[1]
    assert p.numbering_prefix == "2. " and p.text.startswith(p.numbering_prefix)


def test_paragraph_numbers_0001_styles():
    custom = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><mc:AlternateContent><mc:Choice Requires="w14">'
        '<w:numFmt w:val="custom" w:format="0001, 0002, 0003, ..."/></mc:Choice>'
        '<mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent>'
        '<w:lvlText w:val="[%1]"/><w:suff w:val="space"/></w:lvl>'
    )
    numbering = (
        f'<w:abstractNum w:abstractNumId="0">{custom}</w:abstractNum>'
        + abstract(1, lvl(0, "decimalZero", "[%1]"))
        + abstract(2, lvl(0, "decimal", "[000%1]"))
        + num(1, 0) + num(2, 1) + num(3, 2)
    )
    body = "".join(numbered(f"Para {i}.", 1) for i in range(12))
    body += numbered("Zero.", 2) + numbered("Literal.", 3)
    got = texts(build_docx(body, numbering=numbering))
    assert got[0] == "[0001] Para 0." and got[9] == "[0010] Para 9." and got[11] == "[0012] Para 11."
    assert got[12:] == ["[01] Zero.", "[0001] Literal."]


def test_levels_restart_override_shared_counters():
    numbering = (
        abstract(0, lvl(0, "decimal", "%1."), lvl(1, "lowerLetter", "(%2)"), lvl(2, "lowerRoman", "%3)"),
                 lvl(3, "decimal", "%1.%4", extra='<w:lvlRestart w:val="0"/>'))
        + num(1, 0)
        + num(2, 0)  # same abstractNum: continues the list
        + num(3, 0, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')
        + abstract(1, lvl(0, "upperRoman", "%1.", start=4), lvl(1, "upperLetter", "%2."))
        + num(4, 1)
    )
    body = (
        numbered("one", 1) + numbered("sub a", 1, 1) + numbered("sub b", 1, 1) + numbered("deep i", 1, 2)
        + numbered("deep ii", 1, 2) + numbered("legal", 1, 3) + numbered("two", 2) + numbered("sub a again", 2, 1)
        + numbered("legal continues", 2, 3) + numbered("restarted", 3) + numbered("continues", 3)
        + numbered("roman", 4) + numbered("letter", 4, 1) + numbered("roman 5", 4) + numbered("letter restarts", 4, 1)
    )
    assert texts(build_docx(body, numbering=numbering)) == [
        "1. one", "(a) sub a", "(b) sub b", "i) deep i", "ii) deep ii", "1.1 legal", "2. two", "(a) sub a again",
        "2.2 legal continues", "1. restarted", "2. continues", "IV. roman", "A. letter", "V. roman 5",
        "A. letter restarts",
    ]


def test_bullets_none_suffix_and_num_zero():
    numbering = (
        abstract(0, lvl(0, "bullet", "\uf0b7"), lvl(1, "bullet", "o"))
        + abstract(1, lvl(0, "none", "")) + abstract(2, lvl(0, "decimal", "%1", extra='<w:suff w:val="nothing"/>'))
        + num(1, 0) + num(2, 1) + num(3, 2)
    )
    body = (numbered("bullet", 1) + numbered("circle", 1, 1) + numbered("plain", 2) + numbered("tight", 3)
            + numbered("not numbered", 0))
    doc = read_docx(build_docx(body, numbering=numbering))
    assert [p.text for p in doc.paragraphs] == ["\u2022 bullet", "o circle", "plain", "1tight", "not numbered"]
    assert doc.paragraphs[2].numbering_prefix == ""


def test_numbering_from_style_and_override_by_num_id_zero():
    numbering = abstract(0, lvl(0, "decimal", "%1.")) + num(1, 0)
    body = (para("First claim.", ppr='<w:pStyle w:val="Claim"/>') + para("Second claim.", ppr='<w:pStyle w:val="Claim"/>')
            + para("Unnumbered.", ppr='<w:pStyle w:val="Claim"/><w:numPr><w:numId w:val="0"/></w:numPr>')
            + para("Third claim.", ppr='<w:pStyle w:val="Claim"/>'))
    doc = read_docx(build_docx(body, styles=STYLES, numbering=numbering))
    assert [p.text for p in doc.paragraphs] == ["1. First claim.", "2. Second claim.", "Unnumbered.",
                                                "3. Third claim."]
    assert doc.paragraphs[0].style == "Claim"


def test_python_docx_list_number_and_headings():
    d = docx.Document()
    d.add_heading("Widget", 0)
    d.add_heading("Background", 1)
    d.add_heading("Details", 2)
    d.add_paragraph("A widget comprising a lever.", style="List Number")
    d.add_paragraph("The widget of claim 1.", style="List Number")
    body = d.add_paragraph("plain ")
    body.add_run("bold").bold = True
    d.add_paragraph().add_run("ALL BOLD").bold = True
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "cell one"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "nested cell"
    out = io.BytesIO()
    d.save(out)
    paragraphs = read_docx(out.getvalue()).paragraphs
    assert [p.text for p in paragraphs] == ["Widget", "Background", "Details", "1. A widget comprising a lever.",
                                            "2. The widget of claim 1.", "plain bold", "ALL BOLD", "cell one",
                                            "nested cell"]
    assert [p.style for p in paragraphs[:4]] == ["Title", "Heading 1", "Heading 2", "List Number"]
    assert [p.heading_level for p in paragraphs[:4]] == [None, 1, 2, None]
    assert [p.bold for p in paragraphs[5:7]] == [False, True]
    assert [p.in_table for p in paragraphs[6:]] == [False, True, True]
    assert [p.index for p in paragraphs] == list(range(len(paragraphs)))


# -- text as displayed --------------------------------------------------------------------------


def test_tracked_changes_fields_and_special_characters():
    body = (
        '<w:p><w:r><w:t xml:space="preserve">A </w:t></w:r>'
        '<w:del w:id="1" w:author="John" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>big </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="John" w:date="2024-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">small </w:t></w:r></w:ins>'
        '<w:moveFrom w:id="3" w:author="J"><w:r><w:t>gone</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="4" w:author="J"><w:r><w:t xml:space="preserve">moved </w:t></w:r></w:moveTo>'
        '<w:r><w:t>widget</w:t></w:r></w:p>'
        # complex field (nested) + simple field + hyperlink
        '<w:p><w:r><w:t xml:space="preserve">See FIG. </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> SEQ Figure </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>QUOTE x</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>nested result</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> at </w:t></w:r>'
        '<w:hyperlink r:id="rIdH"><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>'
        # special characters
        '<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/><w:t>d</w:t>'
        '<w:softHyphen/><w:t>e</w:t><w:sym w:font="Symbol" w:char="F061"/><w:sym w:font="Arial" w:char="0040"/>'
        '<w:t xml:space="preserve"> \u201cq\u201d \u2018s\u2019 FIG.\u00a03 x\u202fy</w:t></w:r></w:p>'
        # hidden and caps
        '<w:p><w:r><w:rPr><w:caps/></w:rPr><w:t xml:space="preserve">shown </w:t></w:r>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:t>end</w:t></w:r></w:p>'
    )
    assert texts(build_docx(body)) == [
        "A small moved widget",
        "See FIG. 3 and 7 at link",
        'a\tb\nc-de\u03b1@ "q" \'s\' FIG. 3 x y',
        "SHOWN end",
    ]


def test_only_body_content_is_read():
    footnotes = xml_part(
        "w:footnotes",
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>FOOTNOTE TEXT</w:t></w:r></w:p></w:footnote>',
    )
    header = xml_part("w:hdr", para("HEADER TEXT"))
    body = (
        '<w:sdt><w:sdtPr><w:alias w:val="Title"/></w:sdtPr><w:sdtContent>' + para("In a content control")
        + "</w:sdtContent></w:sdt>"
        '<w:customXml w:element="claim"><w:p><w:smartTag w:element="place"><w:r><w:t>Smart tag</w:t></w:r>'
        '</w:smartTag><w:r><w:t xml:space="preserve"> text</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r></w:p></w:customXml>'
        '<w:p><w:r><w:t xml:space="preserve">Before box </w:t></w:r><w:r><w:pict><v:shape><v:textbox>'
        "<w:txbxContent>" + para("TEXT BOX") + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        '<w:r><w:t>after</w:t></w:r></w:p>'
        + para() + para("   ")
        + '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p><w:tbl><w:tr><w:tc>' + para("nested")
        + "</w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>" + para("last")
    )
    extra = [
        Part("word/footnotes.xml", footnotes, WML_CT + "footnotes+xml", OD_REL + "footnotes"),
        Part("word/header1.xml", header, WML_CT + "header+xml", OD_REL + "header", "rIdHdr"),
    ]
    sect = '<w:sectPr><w:headerReference w:type="default" r:id="rIdHdr"/></w:sectPr>'
    doc = read_docx(build_docx(body, extra=extra, sect_pr=sect))
    assert [p.text for p in doc.paragraphs] == ["In a content control", "Smart tag text", "Before box after", "cell",
                                                "nested", "last"]
    assert [p.in_table for p in doc.paragraphs] == [False, False, False, True, True, False]


def test_styles_headings_and_bold():
    body = (
        para("Heading by style", ppr='<w:pStyle w:val="Heading1"/>')
        + para("Heading by name", ppr='<w:pStyle w:val="Heading2"/>')
        + para("Inherited", ppr='<w:pStyle w:val="MyHeading"/>')
        + para("Direct outline", ppr='<w:outlineLvl w:val="2"/>')
        + para("Title text", ppr='<w:pStyle w:val="Title"/>')
        + para("Body", ppr='<w:pStyle w:val="Normal"/>')
        + '<w:p><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t xml:space="preserve">STRONG </w:t></w:r>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t>BOLD</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r></w:p>'
        + '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Mostly </w:t></w:r><w:r><w:t>not</w:t></w:r></w:p>'
        + para("unbolded", ppr='<w:pStyle w:val="Heading1"/>', rpr='<w:b w:val="0"/>')
    )
    ps = read_docx(build_docx(body, styles=STYLES)).paragraphs
    assert [p.style for p in ps[:6]] == ["Heading 1", "Heading 2", "My Heading", "Normal", "Title", "Normal"]
    assert [p.heading_level for p in ps] == [1, 2, 1, 3, None, None, None, None, 1]
    assert [p.bold for p in ps] == [True, False, True, False, False, False, True, False, False]


# -- run map -----------------------------------------------------------------------------------


def _slice_text(doc, slices) -> str:
    return "".join(
        (s.node.text or "")[s.start:s.end] if s.node.tag.endswith("}t") else doc_char(s.node) for s in slices
    )


def doc_char(node) -> str:
    return {"tab": "\t", "br": "\n", "noBreakHyphen": "-"}[node.tag.split("}")[1]]


def test_runs_for_maps_every_character():
    numbering = abstract(0, lvl(0, "decimal", "%1.")) + num(1, 0)
    body = (
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
        '<w:r><w:t xml:space="preserve">A wid</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>get</w:t></w:r>'
        '<w:proofErr w:type="spellStart"/><w:ins w:id="1" w:author="J"><w:r><w:t xml:space="preserve"> having</w:t>'
        '<w:tab/><w:t>a</w:t></w:r></w:ins><w:del w:id="2" w:author="J"><w:r><w:delText>XX</w:delText></w:r></w:del>'
        '<w:r><w:t xml:space="preserve"> lever</w:t><w:br/><w:t>arm</w:t></w:r></w:p>'
    )
    doc = read_docx(build_docx(body, numbering=numbering))
    p = doc.paragraphs[0]
    assert p.text == "1. A widget having\ta lever\narm"
    n = len(p.text)
    for start in range(n):
        for end in range(start + 1, n + 1):
            slices = doc.runs_for(Location(0, start, end))
            expected = p.text[max(start, 3):end]
            assert _slice_text(doc, slices) == expected, (start, end)
            offsets = [s.offset for s in slices]
            assert offsets == sorted(offsets)
    assert doc.runs_for(Location(0, 0, 2)) == []
    widget = doc.runs_for(Location(0, p.text.index("widget"), p.text.index("widget") + 6))
    assert [(s.node.text, s.start, s.end) for s in widget] == [("A wid", 2, 5), ("get", 0, 3)]
    assert widget[0].run is not widget[1].run
    assert doc.first_slice(0).node.text == "A wid"


def test_large_document_reads_every_paragraph():
    # ~500 pages: 12,000 paragraphs of ~22 words in 3 runs each (~2.6 MB of text). The reading
    # speed is measured by bench/check_speed.py (a timed assertion here flakes on a loaded box).
    run = '<w:r><w:rPr><w:rFonts w:ascii="Times"/><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
    words = "the lever 12 is coupled to the frame 14 by a pivot "
    paragraph = ('<w:p w14:paraId="1A2B3C4D"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
                 '<w:spacing w:after="120"/></w:pPr>' + run.format(words) + run.format(words[:-1] + "z ")
                 + '<w:proofErr w:type="spellStart"/>' + run.format("such that the arm rotates.") + "</w:p>")
    numbering = abstract(0, lvl(0, "decimal", "[%1]")) + num(1, 0)
    data = build_docx(paragraph * 12000, numbering=numbering, styles=STYLES)
    doc = read_docx(data)
    assert len(doc.paragraphs) == 12000
    assert doc.paragraphs[0].text.startswith("[1] the lever 12")
    assert doc.paragraphs[-1].text == "[12000] " + words + words[:-1] + "z such that the arm rotates."


@pytest.mark.parametrize("brk", [WD_BREAK.LINE, WD_BREAK.PAGE])
def test_python_docx_breaks(brk):
    d = docx.Document()
    run = d.add_paragraph().add_run("comprising:")
    run.add_break(brk)
    run.add_text("a lever")
    out = io.BytesIO()
    d.save(out)
    assert texts(out.getvalue()) == ["comprising:\na lever"]
