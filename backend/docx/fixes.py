"""Apply text edits (quick fixes) to a .docx as tracked changes.

`apply_edits(data, edits)` returns a new .docx (the input bytes are never modified) in which each
edit's words are a tracked deletion (`w:del`, their `w:t` turned into `w:delText`) followed by a
tracked insertion (`w:ins`) of the replacement, both by `author` ("PatentPane") with `date`, so
that the attorney accepts or rejects each fix in Word. The inserted run carries a copy of the
first deleted run's formatting. Runs are split at the edit's ends (as comments are anchored, see
`comments.py`); nothing else changes: only word/document.xml is rewritten, every other part keeps
its exact bytes and the zip order is kept. Reading the result (`read_docx`) shows the replacement.

An edit is skipped (and reported) when its words are not all in the text of runs of one parent
element: the list-numbering prefix (Word computes it; there is no text to edit), or a range that
crosses a hyperlink or field boundary.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from backend.docx.comments import run_content, split_run
from backend.docx.oxml import XML_NS, serialize, w
from backend.docx.package import open_package
from backend.docx.reader import DocxDocument, read_docx
from backend.docx.tracked import Revisions, revision_date
from backend.nlp.document import Location

__all__ = ["TextEdit", "apply_edits"]

_R, _T, _RPR, _DEL_TEXT, _INSTR, _DEL_INSTR = w("r"), w("t"), w("rPr"), w("delText"), w("instrText"), w("delInstrText")
_XML_SPACE = f"{{{XML_NS}}}space"


@dataclass(frozen=True, slots=True)
class TextEdit:
    location: Location
    replacement: str
    key: str = ""
    """The caller's name for the edit (a fix id), reported back when it is skipped."""


def _editable(doc: DocxDocument, loc: Location) -> bool:
    """Whether the words at `loc` are all run text (not the list-numbering prefix, not missing)."""
    if not 0 <= loc.paragraph < len(doc.paragraphs) or loc.end <= loc.start:
        return False
    para = doc.paragraphs[loc.paragraph]
    if loc.start < len(para.numbering_prefix):
        return False
    slices = doc.runs_for(loc)
    return bool(slices) and "".join(para.text[s.offset : s.offset + s.length] for s in slices) == para.text[
        loc.start : loc.end
    ]


def _runs_between(first: etree._Element, stop: etree._Element | None) -> list[etree._Element] | None:
    """`first` and its following sibling runs up to (not including) `stop`; None when `stop` is not
    a later sibling (the range crosses a parent) or a non-run element lies between."""
    runs = []
    el: etree._Element | None = first
    while el is not None and el is not stop:
        if el.tag != _R:
            if el.tag in (w("bookmarkStart"), w("bookmarkEnd"), w("proofErr"), w("commentRangeStart"),
                          w("commentRangeEnd"), w("permStart"), w("permEnd")):
                el = el.getnext()
                continue
            return None
        runs.append(el)
        el = el.getnext()
    if stop is not None and el is not stop:
        return None
    return runs


def apply_edits(
    data: bytes, edits: Sequence[TextEdit], *, author: str = "PatentPane", date: datetime | None = None
) -> tuple[bytes, list[str]]:
    """(the .docx with `edits` as tracked changes, keys of the edits that could not be applied)."""
    package = open_package(data)
    doc = read_docx(package)
    revisions = Revisions(doc.root, author, revision_date(date))
    skipped: list[str] = []
    # a fix is applied whole or not at all: its edits are checked first
    failing = {e.key for e in edits if not _editable(doc, e.location)}
    skipped.extend(dict.fromkeys(k for k in failing))
    edits = [e for e in edits if e.key not in failing]
    # last edit first: splitting a run keeps the text before the split in the original node, so
    # the offsets of earlier edits stay valid
    ordered = sorted(edits, key=lambda e: (e.location.paragraph, e.location.start), reverse=True)
    done: list[tuple[int, int, int]] = []
    for edit in ordered:
        loc = edit.location
        if any(p == loc.paragraph and loc.start < e and s < loc.end for p, s, e in done):
            skipped.append(edit.key)  # overlaps an edit already made
            continue
        slices = doc.runs_for(loc)
        first, last = slices[0], slices[-1]
        end_pos = split_run(last.run, last.node, last.end)
        start_pos = split_run(first.run, first.node, first.start)
        if start_pos.ref is None or start_pos.parent is not end_pos.parent:
            skipped.append(edit.key)
            continue
        runs = _runs_between(start_pos.ref, end_pos.ref)
        if not runs:
            skipped.append(edit.key)
            continue
        deletion = revisions.mark(w("del"))
        runs[0].addprevious(deletion)
        rpr = runs[0].find(_RPR)
        for run in runs:
            deletion.append(run)
            for node in run_content(run):
                if node.tag == _T:
                    node.tag = _DEL_TEXT
                    node.set(_XML_SPACE, "preserve")
                elif node.tag == _INSTR:
                    node.tag = _DEL_INSTR
        if edit.replacement:
            insertion = revisions.mark(w("ins"))
            run = etree.SubElement(insertion, _R)
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            t = etree.SubElement(run, _T)
            t.set(_XML_SPACE, "preserve")
            t.text = edit.replacement
            deletion.addnext(insertion)
        done.append((loc.paragraph, loc.start, loc.end))
    main = package.main_part
    return package.to_bytes({main: serialize(doc.root, package.parts.get(main))}), skipped
