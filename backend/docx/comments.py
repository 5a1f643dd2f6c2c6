"""Word comments: anchor one comment per finding on exactly the offending characters.

`annotate(data, findings)` returns a new .docx (the input bytes are never modified):

- runs are split (each piece keeps a copy of the run's w:rPr) at the start and the end of every
  finding's range, so that w:commentRangeStart / w:commentRangeEnd sit on run boundaries,
  followed by a run holding w:commentReference (rStyle CommentReference when the document has
  that style). Marks go next to the runs, inside whatever holds them (w:ins, w:hyperlink, ...);
- a range that starts in the list-numbering prefix (which no run holds) starts at the
  paragraph's first run; a range entirely inside the prefix anchors on the first word after it;
  a paragraph without any run text gets a point comment at its end;
- comment text: "[CODE] message. Suggestion: ..." (the suggestion part only when present; no
  doubled period);
- word/comments.xml (relationship + content-type override) is created when missing, otherwise the
  new comments are appended after people's;
- earlier comments by `author` (PatentPane's, from a previous check) are removed first: their
  w:comment, range marks and reference runs; nothing else is touched (split runs are not merged
  back). Entries for removed comments are dropped from commentsExtended.xml/commentsIds.xml/
  commentsExtensible.xml (replies by people to a removed comment lose their parent link);
- every other part keeps its exact bytes, the zip entry order is kept, and the displayed text of
  the document (as `read_docx` reads it) does not change.

`read_comments(data)` lists the comments of a document with the text each is anchored on.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from lxml import etree

from backend.docx.oxml import (
    CT_NS,
    PKG_REL_NS,
    R_NS,
    W14_NS,
    W15_NS,
    W16CEX_NS,
    W16CID_NS,
    W_NS,
    XML_NS,
    serialize,
    w,
)
from backend.docx.package import (
    CT_COMMENTS,
    RT_COMMENTS,
    RT_COMMENTS_EXTENDED,
    RT_COMMENTS_EXTENSIBLE,
    RT_COMMENTS_IDS,
    DocxPackage,
    open_package,
    rels_name,
)
from backend.docx.reader import DocxDocument, RunSlice, read_docx
from backend.docx.tracked import revision_date
from backend.nlp.document import Location

if TYPE_CHECKING:  # only for annotations: importing backend.nlp.rules loads every rule module
    from backend.nlp.rules.base import Finding

_R, _T, _RPR, _P = w("r"), w("t"), w("rPr"), w("p")
_COMMENT, _RANGE_START, _RANGE_END, _REFERENCE = w("comment"), w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")
_ID, _VAL = w("id"), w("val")
_XML_SPACE = f"{{{XML_NS}}}space"
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def comment_text(finding: Finding) -> str:
    """ "[CODE] message. Suggestion: ..." (suggestion part only when there is one)."""
    message = " ".join(finding.message.split())
    text = f"[{finding.code}] {message}"
    if finding.suggestion:
        if not text.endswith((".", "!", "?", ":")):
            text += "."
        text += f" Suggestion: {finding.suggestion.strip()}"
    return text


# -- positions ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Position:
    """Insert before `ref` inside `parent` (append when `ref` is None)."""

    parent: etree._Element
    ref: etree._Element | None

    def insert(self, element: etree._Element) -> None:
        if self.ref is None:
            self.parent.append(element)
        else:
            self.ref.addprevious(element)


def run_content(run: etree._Element) -> list[etree._Element]:
    return [child for child in run if child.tag != _RPR]


def _node_length(node: etree._Element) -> int:
    return len(node.text or "") if node.tag == _T else 1


def _new_run_after(run: etree._Element) -> etree._Element:
    """An empty run with the same attributes and a copy of the run's rPr, placed right after it."""
    new = run.makeelement(run.tag, dict(run.attrib))
    rpr = run.find(_RPR)
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    run.addnext(new)
    return new


def split_run(run: etree._Element, node: etree._Element, offset: int) -> _Position:
    """Make (node, offset) a run boundary; return the position at that boundary."""
    content = run_content(run)
    index = content.index(node)
    length = _node_length(node)
    if offset <= 0:
        if index == 0:
            return _Position(run.getparent(), run)
        moved = content[index:]
    elif offset >= length:
        if index == len(content) - 1:
            return _Position(run.getparent(), run.getnext())
        moved = content[index + 1:]
    else:  # inside a w:t
        text = node.text or ""
        tail_t = node.makeelement(_T, dict(node.attrib))
        tail_t.text = text[offset:]
        node.text = text[:offset]
        node.set(_XML_SPACE, "preserve")
        tail_t.set(_XML_SPACE, "preserve")
        new = _new_run_after(run)
        new.append(tail_t)
        for child in content[index + 1:]:
            new.append(child)
        return _Position(run.getparent(), new)
    new = _new_run_after(run)
    for child in moved:
        new.append(child)
    return _Position(run.getparent(), new)


@dataclass(slots=True)
class _Anchor:
    finding: Finding
    paragraph: int
    start: tuple[etree._Element, etree._Element, int] | None  # (run, node, offset)
    end: tuple[etree._Element, etree._Element, int] | None
    start_pos: _Position | None = None
    end_pos: _Position | None = None


def _anchor_slices(doc: DocxDocument, location: Location) -> list[RunSlice]:
    para = doc.paragraphs[location.paragraph]
    length = len(para.text)
    start = max(0, min(location.start, length))
    end = max(0, min(location.end, length))
    if end <= start:
        end = min(start + 1, length)
    prefix = len(para.numbering_prefix)
    if start < prefix:
        start = prefix
        if end <= prefix:
            # Entirely in the list number: anchor on the first word after it.
            rest = para.text[prefix:]
            match = re.search(r"\S+", rest)
            if match is None:
                return []
            start, end = prefix + match.start(), prefix + match.end()
    slices = doc.runs_for(Location(location.paragraph, start, end))
    if not slices and start >= prefix:
        first = doc.first_slice(location.paragraph)
        return [first] if first is not None else []
    return slices


# -- removing earlier comments -----------------------------------------------------------------


def _remove_own_comments(doc_root: etree._Element, comments_root: etree._Element, author: str) -> tuple[set[str], set[str]]:
    """Remove `author`'s comments everywhere; returns (removed ids, removed paraIds)."""
    ids: set[str] = set()
    para_ids: set[str] = set()
    for comment in list(comments_root.iterchildren(_COMMENT)):
        if comment.get(w("author")) != author:
            continue
        ids.add(comment.get(_ID, ""))
        for p in comment.iter(_P):
            para_id = p.get(f"{{{W14_NS}}}paraId")
            if para_id:
                para_ids.add(para_id.upper())
        comments_root.remove(comment)
    if not ids:
        return ids, para_ids
    for mark in list(doc_root.iter(_RANGE_START, _RANGE_END, _REFERENCE)):
        if mark.get(_ID) not in ids:
            continue
        parent = mark.getparent()
        _remove_keeping_tail(mark)
        if mark.tag == _REFERENCE and parent is not None and parent.tag == _R and not run_content(parent):
            _remove_keeping_tail(parent)
    return ids, para_ids


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _prune_extended_parts(package: DocxPackage, main: str, para_ids: set[str], updated: dict[str, etree._Element]) -> None:
    if not para_ids:
        return
    part = package.related_part(main, RT_COMMENTS_EXTENDED)
    if part is not None:
        root = package.xml(part)
        changed = False
        for entry in list(root.iterchildren(f"{{{W15_NS}}}commentEx")):
            if (entry.get(f"{{{W15_NS}}}paraId") or "").upper() in para_ids:
                root.remove(entry)
                changed = True
            elif (entry.get(f"{{{W15_NS}}}paraIdParent") or "").upper() in para_ids:
                del entry.attrib[f"{{{W15_NS}}}paraIdParent"]
                changed = True
        if changed:
            updated[part] = root
    durable_ids: set[str] = set()
    part = package.related_part(main, RT_COMMENTS_IDS)
    if part is not None:
        root = package.xml(part)
        changed = False
        for entry in list(root.iterchildren(f"{{{W16CID_NS}}}commentId")):
            if (entry.get(f"{{{W16CID_NS}}}paraId") or "").upper() in para_ids:
                durable_ids.add((entry.get(f"{{{W16CID_NS}}}durableId") or "").upper())
                root.remove(entry)
                changed = True
        if changed:
            updated[part] = root
    part = package.related_part(main, RT_COMMENTS_EXTENSIBLE)
    if part is not None and durable_ids:
        root = package.xml(part)
        changed = False
        for entry in list(root.iterchildren(f"{{{W16CEX_NS}}}commentExtensible")):
            if (entry.get(f"{{{W16CEX_NS}}}durableId") or "").upper() in durable_ids:
                root.remove(entry)
                changed = True
        if changed:
            updated[part] = root


# -- the comments part -------------------------------------------------------------------------


def _ensure_comments_part(package: DocxPackage, main: str, updated: dict[str, etree._Element]) -> tuple[str, etree._Element]:
    part = package.related_part(main, RT_COMMENTS)
    if part is not None:
        return part, package.xml(part)
    directory = main.rsplit("/", 1)[0] + "/" if "/" in main else ""
    name, n = f"{directory}comments.xml", 1
    while name in package.parts:
        name, n = f"{directory}comments{n}.xml", n + 1
    root = etree.Element(w("comments"), nsmap={"w": W_NS, "r": R_NS})
    # Relationship from the main part.
    rels_part = rels_name(main)
    if rels_part in package.parts:
        rels = package.xml(rels_part)
    else:
        rels = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    existing = {rel.get("Id") for rel in rels}
    number = len(existing) + 1
    while f"rId{number}" in existing:
        number += 1
    rel = etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship")
    rel.set("Id", f"rId{number}")
    rel.set("Type", RT_COMMENTS)
    rel.set("Target", name[len(directory):])
    updated[rels_part] = rels
    # Content type.
    types = package.xml("[Content_Types].xml")
    if package.content_type(rels_part) is None:
        default = etree.Element(f"{{{CT_NS}}}Default")
        default.set("Extension", "rels")
        default.set("ContentType", "application/vnd.openxmlformats-package.relationships+xml")
        types.insert(0, default)
    override = etree.SubElement(types, f"{{{CT_NS}}}Override")
    override.set("PartName", "/" + name)
    override.set("ContentType", CT_COMMENTS)
    updated["[Content_Types].xml"] = types
    updated[name] = root
    return name, root


def _make_comment(
    comment_id: int, text: str, *, author: str, initials: str, date: str, text_style: str | None,
    ref_style: str | None,
) -> etree._Element:
    comment = etree.Element(_COMMENT)
    comment.set(_ID, str(comment_id))
    comment.set(w("author"), author)
    comment.set(w("date"), date)
    if initials:
        comment.set(w("initials"), initials)
    p = etree.SubElement(comment, _P)
    if text_style:
        ppr = etree.SubElement(p, w("pPr"))
        etree.SubElement(ppr, w("pStyle")).set(_VAL, text_style)
    ref_run = etree.SubElement(p, _R)
    if ref_style:
        etree.SubElement(etree.SubElement(ref_run, _RPR), w("rStyle")).set(_VAL, ref_style)
    etree.SubElement(ref_run, w("annotationRef"))
    run = etree.SubElement(p, _R)
    text = _INVALID_XML_CHARS.sub("", text).replace("\t", " ")
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(run, w("br"))
        t = etree.SubElement(run, _T)
        t.set(_XML_SPACE, "preserve")
        t.text = line
    return comment


def _reference_run(comment_id: int, ref_style: str | None) -> etree._Element:
    run = etree.Element(_R)
    if ref_style:
        etree.SubElement(etree.SubElement(run, _RPR), w("rStyle")).set(_VAL, ref_style)
    etree.SubElement(run, _REFERENCE).set(_ID, str(comment_id))
    return run


def _mark(tag: str, comment_id: int) -> etree._Element:
    element = etree.Element(tag)
    element.set(_ID, str(comment_id))
    return element


def _max_id(*roots: etree._Element) -> int:
    best = -1
    for root in roots:
        for el in root.iter(_COMMENT, _RANGE_START, _RANGE_END, _REFERENCE):
            try:
                best = max(best, int(el.get(_ID, "-1")))
            except ValueError:
                continue
    return best


# -- public API --------------------------------------------------------------------------------


def annotate(
    data: bytes,
    findings: Sequence[Finding],
    *,
    author: str = "PatentPane",
    initials: str = "PP",
    date: datetime | None = None,
) -> bytes:
    """A copy of the .docx `data` with one Word comment per finding (see the module docstring).

    Findings whose paragraph does not exist in the document are skipped. Raises DocxError for
    bad input (see `backend.docx.package`).
    """
    package = open_package(data)
    doc = read_docx(package)
    main = package.main_part
    updated: dict[str, etree._Element] = {main: doc.root}

    existing_part = package.related_part(main, RT_COMMENTS)
    if existing_part is not None:
        removed, para_ids = _remove_own_comments(doc.root, package.xml(existing_part), author)
        if removed:
            updated[existing_part] = package.xml(existing_part)
            _prune_extended_parts(package, main, para_ids, updated)

    anchors: list[_Anchor] = []
    for finding in findings:
        index = finding.location.paragraph
        if not 0 <= index < len(doc.paragraphs):
            continue
        slices = _anchor_slices(doc, finding.location)
        if slices:
            first, last = slices[0], slices[-1]
            anchors.append(_Anchor(finding, index, (first.run, first.node, first.start), (last.run, last.node, last.end)))
        else:
            anchors.append(_Anchor(finding, index, None, None))

    if anchors:
        _place(doc, anchors)
        comments_part, comments_root = _ensure_comments_part(package, main, updated)
        updated[comments_part] = comments_root
        text_style = doc.styles.id_for("annotation text")
        ref_style = doc.styles.id_for("annotation reference")
        stamp = revision_date(date)
        next_id = _max_id(comments_root, doc.root) + 1
        for anchor in anchors:
            comment_id, next_id = next_id, next_id + 1
            if anchor.start_pos is None or anchor.end_pos is None:
                p = doc.paragraph_element(anchor.paragraph)
                anchor.start_pos = anchor.end_pos = _Position(p, None)
            anchor.start_pos.insert(_mark(_RANGE_START, comment_id))
            anchor.end_pos.insert(_mark(_RANGE_END, comment_id))
            anchor.end_pos.insert(_reference_run(comment_id, ref_style))
            comments_root.append(
                _make_comment(comment_id, comment_text(anchor.finding), author=author, initials=initials,
                              date=stamp, text_style=text_style, ref_style=ref_style)
            )

    replace = {
        name: serialize(root, package.parts.get(name)) for name, root in updated.items()
    }
    return package.to_bytes(replace)


def _place(doc: DocxDocument, anchors: list[_Anchor]) -> None:
    """Split runs at every anchor boundary and record where each mark goes."""
    # Boundaries grouped by run, split from the last to the first so that earlier (node, offset)
    # pairs stay valid: a split keeps the head in the original run element.
    by_run: dict[etree._Element, list[tuple[int, int, int, _Anchor, str]]] = {}
    for anchor in anchors:
        for which, point in (("start", anchor.start), ("end", anchor.end)):
            if point is None:
                continue
            run, node, offset = point
            index = run_content(run).index(node)
            by_run.setdefault(run, []).append((index, offset, 0 if which == "end" else 1, anchor, which))
    for run, points in by_run.items():
        points.sort(key=lambda item: (item[0], item[1]), reverse=True)
        content = run_content(run)
        done: dict[tuple[int, int], _Position] = {}
        for index, offset, _order, anchor, which in points:
            position = done.get((index, offset))
            if position is None:
                position = done[(index, offset)] = split_run(run, content[index], offset)
            if which == "start":
                anchor.start_pos = position
            else:
                anchor.end_pos = position


@dataclass(frozen=True, slots=True)
class CommentInfo:
    id: str
    author: str
    initials: str
    date: str
    text: str
    anchored_text: str
    """The displayed text between the comment's range marks ("\\n" between paragraphs)."""


def read_comments(data: bytes | DocxPackage) -> list[CommentInfo]:
    """The comments of a document, in comments.xml order, with the text each is anchored on."""
    package = data if isinstance(data, DocxPackage) else open_package(data)
    part = package.related_part(package.main_part, RT_COMMENTS)
    if part is None:
        return []
    doc = read_docx(package)
    node_text: dict[etree._Element, tuple[int, str]] = {}
    for index, (para, pmap) in enumerate(zip(doc.paragraphs, doc.maps)):
        for start, length, node in zip(pmap.starts, pmap.lengths, pmap.nodes):
            node_text[node] = (index, para.text[start:start + length])
    open_ranges: dict[str, list] = {}
    anchored: dict[str, str] = {}
    for el in doc.root.iter():
        tag = el.tag
        if tag == _RANGE_START:
            open_ranges[el.get(_ID, "")] = [None, []]
        elif tag == _RANGE_END:
            state = open_ranges.pop(el.get(_ID, ""), None)
            if state is not None:
                anchored[el.get(_ID, "")] = "".join(state[1])
        elif open_ranges:
            hit = node_text.get(el)
            if hit is not None:
                para_index, text = hit
                for state in open_ranges.values():
                    if state[0] is not None and state[0] != para_index:
                        state[1].append("\n")
                    state[0] = para_index
                    state[1].append(text)
    out = []
    for comment in package.xml(part).iterchildren(_COMMENT):
        cid = comment.get(_ID, "")
        text = "\n".join(
            "".join(t.text or "" for t in p.iter(_T)) for p in comment.iter(_P)
        )
        out.append(
            CommentInfo(
                id=cid,
                author=comment.get(w("author"), ""),
                initials=comment.get(w("initials"), ""),
                date=comment.get(w("date"), ""),
                text=text,
                anchored_text=anchored.get(cid, ""),
            )
        )
    return out


__all__ = ["CommentInfo", "annotate", "comment_text", "read_comments"]
