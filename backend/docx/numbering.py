"""numbering.xml: the list numbers Word displays ("1. ", "[0001] ", "(a) ", "iv. ").

`Numbering.from_xml(root)` reads the abstract definitions (`w:abstractNum/w:lvl`) and the
instances (`w:num`, with `w:lvlOverride`/`w:startOverride`). A `ListCounter` (one per pass through
a document, in document order) turns each numbered paragraph's (numId, ilvl) into its displayed
prefix.

Rules implemented (ECMA-376 Part 1, 17.9):
- counters live per abstractNum, so every w:num pointing at the same abstractNum continues one
  list; the first paragraph of a w:num with a `w:startOverride` restarts the overridden levels,
  and the override's start value (and any `w:lvl` given in the override) applies to that w:num;
- a level restarts when a shallower level advances, unless `w:lvlRestart` says otherwise
  (`w:val` is 1-based: restart after a level with ilvl < val is used; 0 = never restart);
- `w:lvlText` placeholders %1..%9 are replaced by the counters of levels 0..8, each formatted with
  its own level's `w:numFmt` (all decimal when `w:isLgl`); an unused level shows its start value;
- `w:numFmt`: decimal, decimalZero, upper/lowerLetter (a..z, aa, bb, ... as Word repeats),
  upper/lowerRoman, ordinal, decimalEnclosedParen/Fullstop/Circle, custom "0001, 0002, ..."
  (Word 2010 `mc:AlternateContent` choice: zero-padded), bullet (the lvlText character, Symbol/
  Wingdings private-use characters mapped to Unicode), none ("" for the number); anything else is
  shown as decimal;
- `w:abstractNum/w:numStyleLink` is followed to the numbering of the linked style;
- the suffix (`w:suff`): "nothing" gives no separator; "space" and "tab" (the default) both give
  ONE SPACE, so a claim numbered by Word reads "1. A widget" (a tab's width is layout, not text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from lxml import etree

from backend.docx.oxml import MC_NS, W_NS, attr_int, is_on, w

MAX_LEVELS = 9

_PUA_BULLETS = {
    "\uf0b7": "\u2022",  # Symbol bullet
    "\uf0a7": "\u25aa",  # Wingdings small square
    "\uf0a8": "\u25aa",
    "\uf0d8": "\u27a2",  # Wingdings arrowhead
    "\uf076": "\u2756",  # Wingdings diamond
    "\uf0fc": "\u2713",  # Wingdings check
    "\uf06e": "\u25a0",  # Wingdings black square
    "\uf0a1": "\u25cb",
    "\uf0e8": "\u2794",
    "\uf02d": "-",
    "\uf0be": "\u2014",
}


@dataclass(frozen=True, slots=True)
class Level:
    ilvl: int
    start: int = 0
    num_fmt: str = "decimal"
    custom_format: str | None = None
    lvl_text: str | None = None
    restart: int | None = None
    """w:lvlRestart/@w:val (1-based), None when absent."""
    suffix: str = "tab"
    is_legal: bool = False
    p_style: str | None = None


@dataclass(slots=True)
class AbstractNum:
    id: int
    levels: dict[int, Level] = field(default_factory=dict)
    num_style_link: str | None = None
    style_link: str | None = None


@dataclass(slots=True)
class NumInstance:
    id: int
    abstract_id: int
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


def _parse_level(lvl: etree._Element) -> Level:
    ilvl = attr_int(lvl, "ilvl", 0) or 0
    num_fmt_el = lvl.find(w("numFmt"))
    custom_format = None
    # Word 2010+ writes custom formats ("0001, 0002, ...") inside mc:AlternateContent.
    alternate = lvl.find(f"{{{MC_NS}}}AlternateContent")
    if alternate is not None:
        choice = alternate.find(f"{{{MC_NS}}}Choice")
        fallback = alternate.find(f"{{{MC_NS}}}Fallback")
        chosen = choice.find(w("numFmt")) if choice is not None else None
        if chosen is None and fallback is not None:
            chosen = fallback.find(w("numFmt"))
        if chosen is not None:
            num_fmt_el = chosen
    num_fmt = "decimal"
    if num_fmt_el is not None:
        num_fmt = num_fmt_el.get(w("val"), "decimal")
        custom_format = num_fmt_el.get(w("format"))
    lvl_text_el = lvl.find(w("lvlText"))
    lvl_text = lvl_text_el.get(w("val"), "") if lvl_text_el is not None else None
    suff_el = lvl.find(w("suff"))
    p_style_el = lvl.find(w("pStyle"))
    return Level(
        ilvl=ilvl,
        start=attr_int(lvl.find(w("start")), default=0) or 0,
        num_fmt=num_fmt,
        custom_format=custom_format,
        lvl_text=lvl_text,
        restart=attr_int(lvl.find(w("lvlRestart"))),
        suffix=suff_el.get(w("val"), "tab") if suff_el is not None else "tab",
        is_legal=bool(is_on(lvl.find(w("isLgl")))),
        p_style=p_style_el.get(w("val")) if p_style_el is not None else None,
    )


# -- number formats ---------------------------------------------------------------------------

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_number(value: int, num_fmt: str, custom_format: str | None = None) -> str:
    """One counter value in a w:numFmt (see the module docstring for the supported formats)."""
    if num_fmt == "decimalZero":
        return f"{value:02d}" if 0 <= value < 10 else str(value)
    if num_fmt == "upperLetter":
        return _letters(value).upper()
    if num_fmt == "lowerLetter":
        return _letters(value)
    if num_fmt == "upperRoman":
        return _roman(value).upper()
    if num_fmt == "lowerRoman":
        return _roman(value)
    if num_fmt == "ordinal":
        return _ordinal(value)
    if num_fmt == "decimalEnclosedParen":
        return f"({value})"
    if num_fmt == "decimalEnclosedFullstop":
        return f"{value}."
    if num_fmt == "decimalEnclosedCircle":
        return chr(0x2460 + value - 1) if 1 <= value <= 20 else str(value)
    if num_fmt in ("none", "bullet"):
        return ""
    if num_fmt == "custom" and custom_format:
        first = custom_format.split(",")[0].strip()
        if first.isdigit():
            return str(value).zfill(len(first))
        return str(value)
    return str(value)


_PLACEHOLDER = re.compile(r"%([1-9])")


class Numbering:
    """The numbering definitions of one document (empty when it has no numbering part)."""

    def __init__(
        self,
        abstracts: Mapping[int, AbstractNum] | None = None,
        nums: Mapping[int, NumInstance] | None = None,
        *,
        style_num_ids: Mapping[str, int] | None = None,
    ) -> None:
        self.abstracts: dict[int, AbstractNum] = dict(abstracts or {})
        self.nums: dict[int, NumInstance] = dict(nums or {})
        self.style_num_ids: dict[str, int] = dict(style_num_ids or {})
        self._level_cache: dict[tuple[int, int], Level | None] = {}
        self._levels_cache: dict[int, list[Level | None]] = {}

    @classmethod
    def from_xml(cls, root: etree._Element | None, *, style_num_ids: Mapping[str, int] | None = None) -> Numbering:
        """Read a `w:numbering` root. `style_num_ids` maps style ids to the numId in their pPr/numPr
        (needed to follow `w:numStyleLink`)."""
        abstracts: dict[int, AbstractNum] = {}
        nums: dict[int, NumInstance] = {}
        if root is not None:
            for el in root.iterchildren(w("abstractNum")):
                aid = attr_int(el, "abstractNumId")
                if aid is None:
                    continue
                abstract = AbstractNum(id=aid)
                for lvl in el.iterchildren(w("lvl")):
                    level = _parse_level(lvl)
                    abstract.levels[level.ilvl] = level
                link = el.find(w("numStyleLink"))
                if link is not None:
                    abstract.num_style_link = link.get(w("val"))
                link = el.find(w("styleLink"))
                if link is not None:
                    abstract.style_link = link.get(w("val"))
                abstracts.setdefault(aid, abstract)
            for el in root.iterchildren(w("num")):
                nid = attr_int(el, "numId")
                aid = attr_int(el.find(w("abstractNumId")))
                if nid is None or aid is None:
                    continue
                num = NumInstance(id=nid, abstract_id=aid)
                for override in el.iterchildren(w("lvlOverride")):
                    ilvl = attr_int(override, "ilvl", 0) or 0
                    start = attr_int(override.find(w("startOverride")))
                    if start is not None:
                        num.start_overrides[ilvl] = start
                    lvl = override.find(w("lvl"))
                    if lvl is not None:
                        num.level_overrides[ilvl] = replace(_parse_level(lvl), ilvl=ilvl)
                nums.setdefault(nid, num)
        return cls(abstracts, nums, style_num_ids=style_num_ids)

    def abstract_for(self, num_id: int) -> AbstractNum | None:
        """The abstract definition behind a w:num, following numStyleLink (at most a few hops)."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        abstract = self.abstracts.get(num.abstract_id)
        for _ in range(5):
            if abstract is None or abstract.num_style_link is None or abstract.levels:
                break
            linked_num = self.nums.get(self.style_num_ids.get(abstract.num_style_link, -1))
            if linked_num is None:
                break
            abstract = self.abstracts.get(linked_num.abstract_id)
        return abstract

    def level(self, num_id: int, ilvl: int) -> Level | None:
        """The effective level definition of (numId, ilvl), overrides applied (cached)."""
        key = (num_id, ilvl)
        if key in self._level_cache:
            return self._level_cache[key]
        level = self._compute_level(num_id, ilvl)
        self._level_cache[key] = level
        return level

    def _compute_level(self, num_id: int, ilvl: int) -> Level | None:
        num = self.nums.get(num_id)
        abstract = self.abstract_for(num_id)
        if num is None or abstract is None:
            return None
        level = num.level_overrides.get(ilvl) or abstract.levels.get(ilvl)
        if level is None:
            return None
        if ilvl in num.start_overrides:
            level = replace(level, start=num.start_overrides[ilvl])
        return level

    def levels(self, num_id: int) -> list[Level | None]:
        """The nine effective levels of a w:num (cached)."""
        cached = self._levels_cache.get(num_id)
        if cached is None:
            cached = self._levels_cache[num_id] = [self.level(num_id, i) for i in range(MAX_LEVELS)]
        return cached

    def style_level(self, num_id: int, style_id: str) -> int | None:
        """The ilvl whose w:pStyle links it to `style_id` (for numbering inherited from a style)."""
        abstract = self.abstract_for(num_id)
        if abstract is None:
            return None
        for ilvl, level in sorted(abstract.levels.items()):
            if level.p_style == style_id:
                return ilvl
        return None

    def counter(self) -> ListCounter:
        """A fresh counter state; feed it the numbered paragraphs in document order."""
        return ListCounter(self)


class ListCounter:
    """Counter state for one pass through a document (counters per abstractNum)."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self._counters: dict[int, list[int | None]] = {}
        self._started_nums: set[int] = set()

    def next(self, num_id: int, ilvl: int) -> str:
        """Advance the list for a paragraph with (numId, ilvl); return its displayed prefix
        (number text plus suffix, e.g. "1. "), or "" when the paragraph shows no number."""
        if num_id == 0:
            return ""
        numbering = self.numbering
        num = numbering.nums.get(num_id)
        abstract = numbering.abstract_for(num_id)
        if num is None or abstract is None:
            return ""
        ilvl = max(0, min(MAX_LEVELS - 1, ilvl))
        levels = numbering.levels(num_id)
        level = levels[ilvl]
        if level is None:
            return ""
        state = self._counters.setdefault(abstract.id, [None] * MAX_LEVELS)
        if num_id not in self._started_nums:
            self._started_nums.add(num_id)
            for overridden in num.start_overrides:
                if 0 <= overridden < MAX_LEVELS:
                    state[overridden] = None
        current = state[ilvl]
        state[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            if state[deeper] is None:
                continue
            deeper_level = levels[deeper]
            restart = deeper_level.restart if deeper_level is not None else None
            if restart is None or (restart != 0 and ilvl < restart):
                state[deeper] = None
        return self._render(num_id, level, state)

    def _render(self, num_id: int, level: Level, state: list[int | None]) -> str:
        if level.num_fmt == "bullet":
            text = "".join(_PUA_BULLETS.get(ch, "\u2022" if "\uf000" <= ch <= "\uf0ff" else ch)
                           for ch in (level.lvl_text or ""))
        else:
            numbering = self.numbering

            def substitute(match: re.Match[str]) -> str:
                ref = int(match.group(1)) - 1
                ref_level = numbering.level(num_id, ref)
                if ref_level is None:
                    return ""
                value = state[ref] if state[ref] is not None else ref_level.start
                if level.is_legal and ref_level.num_fmt not in ("none", "bullet"):
                    return str(value)
                return format_number(value, ref_level.num_fmt, ref_level.custom_format)

            text = _PLACEHOLDER.sub(substitute, level.lvl_text or "")
        if not text:
            return ""
        if level.suffix == "nothing":
            return text
        return text + " "


__all__ = ["W_NS", "AbstractNum", "Level", "ListCounter", "NumInstance", "Numbering", "format_number"]
