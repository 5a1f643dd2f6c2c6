"""Insert generated sections into a .docx as tracked changes (revisions the attorney accepts or
rejects in Word, one paragraph at a time).

`insert_sections(data, sections)` returns a new .docx (the input bytes are never modified):

- every inserted paragraph is a revision: its paragraph mark carries `w:rPr/w:ins` and its run sits
  in a `w:ins`, both by `author` ("PatentPane") with `date`; rejecting it removes the paragraph;
- a section whose heading the document already has goes right under that heading (before what the
  section already holds, which stays as it is); a section the document lacks gets a new heading
  (the document's "heading 1" style, else bold) placed in the order of 37 CFR 1.77(b): before the
  first existing section that comes after it (the abstract after the claims, starting a new page);
  a title is added only when the document has none; claims typed without a heading get one;
- nothing existing is altered or moved: only word/document.xml changes, and only by added
  paragraphs; every other part keeps its exact bytes and the zip order is kept;
- reading the result (`read_docx`) shows the inserted text, since tracked insertions count as
  present.

`new_document(paragraphs)` makes a plain .docx from text paragraphs (claims typed as text), so that
a draft can be inserted into it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from lxml import etree

from backend.docx.oxml import XML_NS, serialize, w
from backend.docx.package import open_package
from backend.docx.reader import DocxDocument, read_docx
from backend.nlp.sections import find_sections
from backend.nlp.structure import SectionKind

SECTION_ORDER = (
    SectionKind.TITLE,
    SectionKind.CROSS_REFERENCE,
    SectionKind.GOVERNMENT_INTEREST,
    SectionKind.JOINT_RESEARCH,
    SectionKind.SEQUENCE_LISTING,
    SectionKind.TECHNICAL_FIELD,
    SectionKind.BACKGROUND,
    SectionKind.SUMMARY,
    SectionKind.DRAWINGS,
    SectionKind.DETAILED_DESCRIPTION,
    SectionKind.CLAIMS,
    SectionKind.ABSTRACT,
)
"""37 CFR 1.77(b): the order of the sections of a US application (the field of the invention is
part of the background there; firms that give it a heading put it first)."""

GeneratedSection = tuple[str, str, Sequence[str]]
"""(section kind, heading text, paragraph texts); the title's heading is ignored."""

_BODY, _P, _PPR, _RPR, _R, _T = w("body"), w("p"), w("pPr"), w("rPr"), w("r"), w("t")
_INS, _ID, _VAL = w("ins"), w("id"), w("val")
_XML_SPACE = f"{{{XML_NS}}}space"


class Revisions:
    """Revision marks by one author at one date, with ids unique in the document."""

    def __init__(self, root: etree._Element, author: str, date: str) -> None:
        self.author = author
        self.date = date
        self.next_id = 1 + max(
            (int(v) for el in root.iter() if (v := el.get(_ID)) is not None and v.lstrip("-").isdigit()),
            default=0,
        )

    def mark(self, tag: str) -> etree._Element:
        element = etree.Element(tag)
        element.set(_ID, str(self.next_id))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        self.next_id += 1
        return element


def _paragraph(
    text: str, revisions: Revisions, *, style: str | None = None, bold: bool = False, page_break: bool = False
) -> etree._Element:
    p = etree.Element(_P)
    ppr = etree.SubElement(p, _PPR)
    if style:
        etree.SubElement(ppr, w("pStyle")).set(_VAL, style)
    if page_break:
        etree.SubElement(ppr, w("pageBreakBefore"))
    etree.SubElement(ppr, _RPR).append(revisions.mark(_INS))
    ins = revisions.mark(_INS)
    p.append(ins)
    run = etree.SubElement(ins, _R)
    if bold:
        etree.SubElement(etree.SubElement(run, _RPR), w("b"))
    t = etree.SubElement(run, _T)
    t.set(_XML_SPACE, "preserve")
    t.text = "".join(c for c in text if c in "\t\n" or ord(c) >= 0x20).replace("\n", " ")
    return p


def _top_level(element: etree._Element, body: etree._Element) -> etree._Element:
    """The child of w:body that holds `element` (a paragraph in a table: the table)."""
    while element.getparent() is not None and element.getparent() is not body:
        element = element.getparent()
    return element


def revision_date(date: datetime | None) -> str:
    """`w:date` of a revision or comment: UTC ("2026-11-29T01:02:03Z"); now when None, a naive
    datetime taken as UTC."""
    date = date or datetime.now(UTC)
    if date.tzinfo is not None:
        date = date.astimezone(UTC)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Inserter:
    def __init__(self, doc: DocxDocument, revisions: Revisions) -> None:
        self.doc = doc
        self.revisions = revisions
        self.body = doc.root.find(_BODY)
        self.heading_style = doc.styles.id_for("heading 1")
        self.title_style = doc.styles.id_for("Title")
        self.sections = find_sections(doc.text).sections
        self.new_claims_heading: etree._Element | None = None

    def element(self, paragraph: int) -> etree._Element:
        return _top_level(self.doc.paragraph_element(paragraph), self.body)

    def heading(self, text: str, *, page_break: bool = False) -> etree._Element:
        return _paragraph(
            text, self.revisions, style=self.heading_style, bold=self.heading_style is None, page_break=page_break
        )

    def body_paragraphs(self, texts: Sequence[str]) -> list[etree._Element]:
        return [_paragraph(t, self.revisions) for t in texts if t.strip()]

    def append(self, elements: list[etree._Element]) -> None:
        """At the end of the body (before its final section properties)."""
        last = self.body[-1] if len(self.body) else None
        for element in elements:
            if last is not None and last.tag == w("sectPr"):
                last.addprevious(element)
            else:
                self.body.append(element)

    def before(self, anchor: etree._Element, elements: list[etree._Element]) -> None:
        for element in elements:
            anchor.addprevious(element)

    def after(self, anchor: etree._Element, elements: list[etree._Element]) -> None:
        for element in reversed(elements):
            anchor.addnext(element)

    def anchor_after(self, kind: SectionKind) -> etree._Element | None:
        """The first paragraph of the first existing section that 37 CFR 1.77(b) puts after `kind`."""
        rank = SECTION_ORDER.index(kind)
        for section in self.sections:
            if section.kind in SECTION_ORDER and SECTION_ORDER.index(section.kind) > rank:
                if section.kind == SectionKind.CLAIMS and self.new_claims_heading is not None:
                    return self.new_claims_heading
                first = section.heading if section.heading is not None else section.start
                if first < len(self.doc.paragraphs):
                    return self.element(first)
        return None

    def insert(self, kind: SectionKind, heading: str, texts: Sequence[str]) -> None:
        if kind == SectionKind.TITLE:
            if any(s.kind == SectionKind.TITLE for s in self.sections) or not texts:
                return  # the document has a title: it stays the attorney's
            title = _paragraph(
                texts[0], self.revisions, style=self.title_style, bold=self.title_style is None
            )
            first = self.body[0] if len(self.body) else None
            if first is not None and first.tag != w("sectPr"):
                first.addprevious(title)
            else:
                self.append([title])
            return
        existing = next((s for s in self.sections if s.kind == kind and s.heading is not None), None)
        paragraphs = self.body_paragraphs(texts)
        if existing is not None:
            self.after(self.element(existing.heading), paragraphs)
            return
        elements = [self.heading(heading, page_break=kind == SectionKind.ABSTRACT), *paragraphs]
        anchor = self.anchor_after(kind)
        if anchor is None:
            self.append(elements)
        else:
            self.before(anchor, elements)

    def claims_heading(self, text: str) -> None:
        claims = next((s for s in self.sections if s.kind == SectionKind.CLAIMS), None)
        if claims is not None and claims.heading is None and claims.start < len(self.doc.paragraphs):
            self.new_claims_heading = self.heading(text)
            self.before(self.element(claims.start), [self.new_claims_heading])


def insert_sections(
    data: bytes,
    sections: Sequence[GeneratedSection],
    *,
    claims_heading: str | None = "What is claimed is:",
    author: str = "PatentPane",
    date: datetime | None = None,
) -> bytes:
    """A copy of the .docx `data` with `sections` inserted as tracked changes (see the module
    docstring). Raises DocxError for bad input."""
    package = open_package(data)
    doc = read_docx(package)
    inserter = _Inserter(doc, Revisions(doc.root, author, revision_date(date)))
    if inserter.body is None:  # pragma: no cover - read_docx refuses a document without a body
        return data
    if claims_heading:
        inserter.claims_heading(claims_heading)
    wanted = {SectionKind(kind): (heading, texts) for kind, heading, texts in sections}
    for kind in SECTION_ORDER:
        if kind in wanted:
            heading, texts = wanted[kind]
            inserter.insert(kind, heading, texts)
    main = package.main_part
    return package.to_bytes({main: serialize(doc.root, package.parts.get(main))})


def new_document(paragraphs: Sequence[str]) -> bytes:
    """A plain .docx holding `paragraphs` (Word's default template: Normal, Title, Heading 1 ...)."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def tracked_insertions(data: bytes) -> list[tuple[str, str, str]]:
    """(author, date, text) of every inserted run of the main document, in order (for tests and the
    add-in: what a draft added)."""
    package = open_package(data)
    root = package.xml(package.main_part)
    out = []
    for ins in root.iter(_INS):
        if ins.getparent() is not None and ins.getparent().tag == _RPR:
            continue  # a paragraph-mark revision carries no text
        text = "".join(t.text or "" for t in ins.iter(_T))
        out.append((ins.get(w("author"), ""), ins.get(w("date"), ""), text))
    return out


__all__ = ["SECTION_ORDER", "GeneratedSection", "insert_sections", "new_document", "tracked_insertions"]
