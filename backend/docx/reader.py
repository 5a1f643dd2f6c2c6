"""Read a .docx into the neutral text model, keeping a map from every character back to its run.

`read_docx(data)` returns a `DocxDocument`: `.text` is a `DocumentText` whose paragraphs are the
body and table-cell paragraphs in document order (nested tables and the content of content
controls, customXml and smartTag wrappers included; headers, footers, footnotes, comments and
text boxes excluded), with the text as Word displays it:

- list numbering computed (`Paragraph.numbering_prefix`, also at the start of `Paragraph.text`);
- tracked insertions (w:ins, w:moveTo) present, deletions (w:del, w:delText, w:moveFrom) absent;
- complex fields show only their result (between `separate` and `end`), `w:fldSimple` its runs;
- w:tab/w:ptab -> "\\t"; w:br and w:cr (line, page and column breaks) -> "\\n" (`LINE_BREAK`: a
  soft line break inside a paragraph, e.g. between claim elements typed with Shift+Enter, stays
  visible to the checks, which treat it as whitespace; it is one character, so offsets stay 1:1);
  w:noBreakHyphen -> "-"; w:softHyphen -> nothing;
  w:sym -> its character (Symbol-font Greek/maths mapped to Unicode);
- smart quotes and primes -> ' and ", U+00A0/U+202F/U+2007 -> " ", U+2011 -> "-" (one character for one,
  so offsets stay 1:1 with the runs); text formatted `w:caps` is upper-cased (char by char) and
  hidden text (`w:vanish`) is left out;
- footnote/endnote reference marks, drawings, text boxes and equations contribute nothing;
- paragraphs with no visible character (empty or whitespace only, no list number) are skipped;
  `Paragraph.index` counts only the paragraphs kept.

Every kept character maps back to (w:r, text node, offset in that node) through
`DocxDocument.runs_for(location)`; characters of the numbering prefix map to no run.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from backend.docx.numbering import ListCounter, Numbering
from backend.docx.oxml import attr_int, is_on, w
from backend.docx.package import RT_NUMBERING, RT_STYLES, DocxError, DocxPackage, open_package
from backend.nlp.document import DocumentText, Location, Paragraph

# Element names (Clark notation) used on the hot path.
_P, _R, _T, _TBL, _TR, _TC = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML, _SMART_TAG = w("sdt"), w("sdtContent"), w("customXml"), w("smartTag")
_INS, _DEL, _MOVE_TO, _MOVE_FROM = w("ins"), w("del"), w("moveTo"), w("moveFrom")
_HYPERLINK, _FLD_SIMPLE, _DIR, _BDO = w("hyperlink"), w("fldSimple"), w("dir"), w("bdo")
_PPR, _RPR, _TAB, _PTAB, _BR, _CR = w("pPr"), w("rPr"), w("tab"), w("ptab"), w("br"), w("cr")
_NB_HYPHEN, _SOFT_HYPHEN, _SYM, _FLD_CHAR = w("noBreakHyphen"), w("softHyphen"), w("sym"), w("fldChar")
_VAL = w("val")
_B, _CAPS, _VANISH, _RSTYLE = w("b"), w("caps"), w("vanish"), w("rStyle")
_PSTYLE, _OUTLINE, _NUMPR, _NUMID, _ILVL = w("pStyle"), w("outlineLvl"), w("numPr"), w("numId"), w("ilvl")
_RUN_PROPS = {_B: 0, _CAPS: 1, _VANISH: 2}

_BLOCK_CONTAINERS = frozenset({_TBL, _TR, _TC, _CUSTOM_XML})
_INLINE_CONTAINERS = frozenset({_INS, _MOVE_TO, _HYPERLINK, _FLD_SIMPLE, _SMART_TAG, _CUSTOM_XML, _DIR, _BDO})

LINE_BREAK = "\n"
"""What w:br (line, page or column break) and w:cr contribute: one character, so offsets stay 1:1."""

_ONE_CHAR = {_TAB: "\t", _PTAB: "\t", _BR: LINE_BREAK, _CR: LINE_BREAK, _NB_HYPHEN: "-"}

NORMALISE = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2011": "-",
})
"""One-for-one character normalisation applied to displayed text (offsets stay 1:1)."""

_SYMBOL_FONT = dict(zip(
    "abgdezhqiklmnxoprstufcyw" "ABGDEZHQIKLMNXOPRSTUFCYW",
    "αβγδεζηθικλμνξοπρστυφχψω" "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
))
_SYMBOL_FONT.update({"j": "φ", "J": "ϑ", "V": "ς", "\xb0": "°", "\xb1": "±", "\xb4": "×", "\xb8": "÷",
                     "\xa3": "≤", "\xb3": "≥", "\xb9": "≠", "\xbb": "≈", "\xa5": "∞", "\xae": "→",
                     "\xac": "←", "\xd6": "√", "\xe5": "∑", "\xd5": "∏", "\xf2": "∫", "\xb6": "∂",
                     "\xd1": "∇", "\xa2": "′", "\xb2": "″", "\xb7": "•", "\xbe": "—", "-": "−"})

_BUILTIN_UI_NAMES = {
    "caption": "Caption", "footer": "Footer", "header": "Header", "title": "Title", "subtitle": "Subtitle",
    "normal": "Normal", "body text": "Body Text", "list paragraph": "List Paragraph",
    "footnote text": "Footnote Text", "annotation text": "Comment Text",
    "annotation reference": "Comment Reference", "toc heading": "TOC Heading",
}
_HEADING_NAME = re.compile(r"^heading\s+([1-9])$", re.IGNORECASE)


def ui_style_name(name: str) -> str:
    """The style name as Word's UI shows it ("heading 1" in styles.xml is "Heading 1")."""
    lowered = name.lower()
    match = _HEADING_NAME.match(name)
    if match:
        return f"Heading {match.group(1)}"
    if lowered.startswith("toc "):
        return "TOC " + name[4:]
    return _BUILTIN_UI_NAMES.get(lowered, name)


# -- styles ------------------------------------------------------------------------------------


@dataclass(slots=True)
class StyleDef:
    id: str
    name: str
    type: str
    based_on: str | None = None
    ppr: etree._Element | None = None
    rpr: etree._Element | None = None
    is_default: bool = False


class Styles:
    """styles.xml: style definitions with basedOn inheritance, and docDefaults."""

    def __init__(self, root: etree._Element | None) -> None:
        self.by_id: dict[str, StyleDef] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None
        self.default_rpr: etree._Element | None = None
        if root is None:
            return
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.default_rpr = defaults.find(f"{w('rPrDefault')}/{_RPR}")
        for el in root.iterchildren(w("style")):
            sid = el.get(w("styleId"))
            if sid is None:
                continue
            name_el = el.find(w("name"))
            based = el.find(w("basedOn"))
            style = StyleDef(
                id=sid,
                name=ui_style_name(name_el.get(_VAL, sid) if name_el is not None else sid),
                type=el.get(w("type"), "paragraph"),
                based_on=based.get(_VAL) if based is not None else None,
                ppr=el.find(_PPR),
                rpr=el.find(_RPR),
                is_default=el.get(w("default")) in ("1", "true", "on"),
            )
            self.by_id.setdefault(sid, style)
            if style.is_default and style.type == "paragraph" and self.default_paragraph is None:
                self.default_paragraph = sid
            if style.is_default and style.type == "character" and self.default_character is None:
                self.default_character = sid

    def chain(self, style_id: str | None) -> list[StyleDef]:
        """The style and its basedOn ancestors, nearest first (cycles cut)."""
        out: list[StyleDef] = []
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                break
            out.append(style)
            style_id = style.based_on
        return out

    def id_for(self, name_or_id: str) -> str | None:
        """Style id of a style given by id or (UI or XML) name."""
        if name_or_id in self.by_id:
            return name_or_id
        wanted = ui_style_name(name_or_id)
        for style in self.by_id.values():
            if style.name == wanted:
                return style.id
        return None

    def num_ids(self) -> dict[str, int]:
        """style id -> numId of its own pPr/numPr (for w:numStyleLink)."""
        out = {}
        for style in self.by_id.values():
            if style.ppr is not None:
                num_id = attr_int(style.ppr.find(f"{w('numPr')}/{w('numId')}"))
                if num_id is not None:
                    out[style.id] = num_id
        return out


# -- the result --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunSlice:
    """A piece of one run covering part of a Location.

    `node` is the run child holding the characters: a w:t (then `start`/`end` index its text) or
    a one-character element such as w:tab, w:br, w:noBreakHyphen or w:sym (then 0..1).
    """

    run: etree._Element
    node: etree._Element
    start: int
    end: int
    offset: int
    """Offset in `Paragraph.text` of the slice's first character."""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class ParagraphMap:
    """Where the characters of one analysed paragraph come from."""

    element: etree._Element
    prefix_len: int
    starts: list[int] = field(default_factory=list)
    """Offset in Paragraph.text of each segment (sorted)."""
    lengths: list[int] = field(default_factory=list)
    runs: list[etree._Element] = field(default_factory=list)
    nodes: list[etree._Element] = field(default_factory=list)


@dataclass(slots=True)
class DocxDocument:
    package: DocxPackage
    text: DocumentText
    root: etree._Element
    """The live w:document tree (edit it, then serialise it with the package)."""
    styles: Styles
    numbering: Numbering
    maps: list[ParagraphMap]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return self.text.paragraphs

    def paragraph_element(self, index: int) -> etree._Element:
        return self.maps[index].element

    def runs_for(self, location: Location) -> list[RunSlice]:
        """The run pieces covering `location`, in order. Characters of the numbering prefix map to
        no run, so a location entirely inside the prefix gives []."""
        pmap = self.maps[location.paragraph]
        start = max(location.start, pmap.prefix_len)
        end = location.end
        if end <= start:
            return []
        out = []
        i = max(0, bisect.bisect_right(pmap.starts, start) - 1)
        n = len(pmap.starts)
        while i < n:
            seg_start = pmap.starts[i]
            if seg_start >= end:
                break
            seg_end = seg_start + pmap.lengths[i]
            lo, hi = max(start, seg_start), min(end, seg_end)
            if lo < hi:
                out.append(RunSlice(pmap.runs[i], pmap.nodes[i], lo - seg_start, hi - seg_start, lo))
            i += 1
        return out

    def first_slice(self, paragraph: int) -> RunSlice | None:
        """The first mapped piece of a paragraph (where a finding on the list number anchors)."""
        pmap = self.maps[paragraph]
        if not pmap.starts:
            return None
        return RunSlice(pmap.runs[0], pmap.nodes[0], 0, pmap.lengths[0], pmap.starts[0])

    def visible_nodes(self) -> set[etree._Element]:
        """Every text node that contributes displayed text."""
        return {node for pmap in self.maps for node in pmap.nodes}


# -- reading -----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, package: DocxPackage) -> None:
        self.package = package
        main = package.main_part
        self.root = package.xml(main)
        styles_part = package.related_part(main, RT_STYLES)
        self.styles = Styles(package.xml(styles_part) if styles_part else None)
        numbering_part = package.related_part(main, RT_NUMBERING)
        self.numbering = Numbering.from_xml(
            package.xml(numbering_part) if numbering_part else None, style_num_ids=self.styles.num_ids()
        )
        self.counter: ListCounter = self.numbering.counter()
        self.paragraphs: list[Paragraph] = []
        self.maps: list[ParagraphMap] = []
        self._run_props: dict[tuple[str | None, str | None], tuple[bool, bool, bool]] = {}
        self._para_style_info: dict[str | None, tuple[str, int | None, int | None, int | None]] = {}
        # Complex-field stack: True once the field reached its result ("separate").
        self.fields: list[bool] = []

    # style-derived paragraph facts -------------------------------------------------------------
    def para_style_info(self, style_id: str | None) -> tuple[str, int | None, int | None, int | None]:
        """(UI name, outline level, numId, ilvl) for a paragraph style id, inherited via basedOn."""
        info = self._para_style_info.get(style_id)
        if info is not None:
            return info
        chain = self.styles.chain(style_id)
        name = chain[0].name if chain else ""
        outline = num_id = ilvl = None
        for style in chain:
            if style.ppr is None:
                continue
            if outline is None:
                outline = attr_int(style.ppr.find(w("outlineLvl")))
            num_pr = style.ppr.find(w("numPr"))
            if num_pr is not None:
                if num_id is None:
                    num_id = attr_int(num_pr.find(w("numId")))
                if ilvl is None:
                    ilvl = attr_int(num_pr.find(w("ilvl")))
        info = (name, outline, num_id, ilvl)
        self._para_style_info[style_id] = info
        return info

    def run_props(self, p_style: str | None, rpr: etree._Element | None) -> tuple[bool, bool, bool]:
        """(bold, caps, hidden) of a run with properties `rpr`: direct formatting, then the character
        style, the paragraph style (each with its basedOn chain), then docDefaults."""
        r_style = None
        direct: list[bool | None] | None = None
        if rpr is not None:
            for child in rpr:
                tag = child.tag
                if tag == _RSTYLE:
                    r_style = child.get(_VAL)
                elif tag in _RUN_PROPS:
                    if direct is None:
                        direct = [None, None, None]
                    direct[_RUN_PROPS[tag]] = is_on(child)
        key = (p_style, r_style)
        inherited = self._run_props.get(key)
        if inherited is None:
            values: list[bool | None] = [None, None, None]
            sources = [s.rpr for s in self.styles.chain(r_style)] + [s.rpr for s in self.styles.chain(p_style)]
            sources.append(self.styles.default_rpr)
            for source in sources:
                if source is None:
                    continue
                for tag, i in _RUN_PROPS.items():
                    if values[i] is None:
                        values[i] = is_on(source.find(tag))
            inherited = (bool(values[0]), bool(values[1]), bool(values[2]))
            self._run_props[key] = inherited
        if direct is None:
            return inherited
        return (
            inherited[0] if direct[0] is None else bool(direct[0]),
            inherited[1] if direct[1] is None else bool(direct[1]),
            inherited[2] if direct[2] is None else bool(direct[2]),
        )

    # walking -----------------------------------------------------------------------------------
    def read(self) -> DocxDocument:
        body = self.root.find(w("body"))
        if body is None:
            raise DocxError("corrupt", "word/document.xml has no w:body.")
        self.walk_blocks(body, False)
        return DocxDocument(
            package=self.package,
            text=DocumentText(self.paragraphs),
            root=self.root,
            styles=self.styles,
            numbering=self.numbering,
            maps=self.maps,
        )

    def walk_blocks(self, parent: etree._Element, in_table: bool) -> None:
        for child in parent:
            tag = child.tag
            if tag == _P:
                self.paragraph(child, in_table)
            elif tag == _TBL:
                self.walk_blocks(child, True)
            elif tag in _BLOCK_CONTAINERS:
                self.walk_blocks(child, in_table)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.walk_blocks(content, in_table)

    def paragraph(self, p: etree._Element, in_table: bool) -> None:
        ppr = p.find(_PPR)
        p_style = None
        direct_outline = direct_num = direct_ilvl = None
        mark_deleted = False
        if ppr is not None:
            ps = ppr.find(_PSTYLE)
            p_style = ps.get(_VAL) if ps is not None else None
            outline_el = ppr.find(_OUTLINE)
            if outline_el is not None:
                direct_outline = attr_int(outline_el)
            num_pr = ppr.find(_NUMPR)
            if num_pr is not None:
                direct_num = attr_int(num_pr.find(_NUMID))
                direct_ilvl = attr_int(num_pr.find(_ILVL))
            mark_rpr = ppr.find(_RPR)
            mark_deleted = mark_rpr is not None and mark_rpr.find(_DEL) is not None
        if p_style is None or p_style not in self.styles.by_id:
            p_style = self.styles.default_paragraph  # Word falls back to the default style
        style_name, style_outline, style_num, style_ilvl = self.para_style_info(p_style)

        # Text and run map.
        chars: list[str] = []
        pmap = ParagraphMap(element=p, prefix_len=0)
        starts, lengths, runs, nodes = pmap.starts, pmap.lengths, pmap.runs, pmap.nodes
        any_bold_state = True  # every visible non-space char so far is bold
        seen_text = False
        pos = 0
        fields = self.fields
        plain_props = self.run_props(p_style, None)
        for run in self.iter_runs(p):
            bold, caps, hidden = plain_props
            for child in run:
                tag = child.tag
                if tag == _T:
                    text = child.text
                    if not text:
                        continue
                    if not text.isascii():
                        text = text.translate(NORMALISE)
                    if caps:
                        text = "".join(c.upper() if len(c.upper()) == 1 else c for c in text)
                elif tag == _RPR:
                    bold, caps, hidden = self.run_props(p_style, child)
                    continue
                elif tag == _FLD_CHAR:
                    self.field_char(child)
                    continue
                elif tag in _ONE_CHAR:
                    text = _ONE_CHAR[tag]
                elif tag == _SYM:
                    text = _sym_char(child)
                    if not text:
                        continue
                else:
                    continue
                if hidden or (fields and not all(fields)):
                    continue
                starts.append(pos)
                lengths.append(len(text))
                runs.append(run)
                nodes.append(child)
                chars.append(text)
                pos += len(text)
                if not bold and any_bold_state and not text.isspace():
                    any_bold_state = False
                if not seen_text and not text.isspace():
                    seen_text = True
        # Complex fields whose instruction is still open at the paragraph end are malformed:
        # drop them so that they cannot hide the rest of the document.
        while self.fields and not self.fields[-1]:
            self.fields.pop()

        body_text = "".join(chars)
        if mark_deleted and not body_text.strip():
            return  # a deleted empty paragraph is not displayed (and gets no number)

        # Numbering.
        prefix = ""
        num_id = direct_num if direct_num is not None else style_num
        if num_id:
            ilvl = direct_ilvl
            if ilvl is None and direct_num is None:
                ilvl = style_ilvl
                if ilvl is None and p_style is not None:
                    ilvl = self.numbering.style_level(num_id, p_style)
            if ilvl is None:
                ilvl = style_ilvl if style_ilvl is not None else 0
            prefix = self.counter.next(num_id, ilvl).translate(NORMALISE)

        if not prefix.strip() and not body_text.strip():
            return
        if prefix:
            pmap.prefix_len = len(prefix)
            pmap.starts[:] = [s + len(prefix) for s in starts]

        # Heading level.
        outline = direct_outline if direct_outline is not None else style_outline
        heading_level = None
        if outline is not None and 0 <= outline <= 8:
            heading_level = outline + 1
        elif outline is None:
            match = _HEADING_NAME.match(style_name)
            if match:
                heading_level = int(match.group(1))
            # "Title" has no outline level in Word: it stays None; sections.py knows the style name.

        self.paragraphs.append(
            Paragraph(
                index=len(self.paragraphs),
                text=prefix + body_text,
                style=style_name,
                heading_level=heading_level,
                bold=any_bold_state and seen_text,
                in_table=in_table,
                numbering_prefix=prefix,
            )
        )
        self.maps.append(pmap)

    def field_char(self, el: etree._Element) -> None:
        kind = el.get(w("fldCharType"))
        if kind == "begin":
            self.fields.append(False)
        elif kind == "separate":
            if self.fields:
                self.fields[-1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def iter_runs(self, parent: etree._Element) -> Iterator[etree._Element]:
        """The displayed w:r elements of a paragraph (or inline container), in order."""
        for child in parent:
            tag = child.tag
            if tag == _R:
                yield child
            elif tag in _INLINE_CONTAINERS:
                yield from self.iter_runs(child)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    yield from self.iter_runs(content)


def _sym_char(el: etree._Element) -> str:
    code = el.get(w("char"), "")
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000
    if value < 0x20:
        return ""
    ch = chr(value)
    font = (el.get(w("font")) or "").lower()
    if font == "symbol":
        return _SYMBOL_FONT.get(ch, ch)
    if font.startswith("wingdings"):
        return "\u2022"
    return ch.translate(NORMALISE)


def read_docx(data: bytes | DocxPackage) -> DocxDocument:
    """Read a .docx (bytes, validated by `open_package`, or an already opened package)."""
    package = data if isinstance(data, DocxPackage) else open_package(data)
    return _Reader(package).read()


__all__ = [
    "NORMALISE",
    "DocxDocument",
    "ParagraphMap",
    "RunSlice",
    "StyleDef",
    "Styles",
    "read_docx",
    "ui_style_name",
]
