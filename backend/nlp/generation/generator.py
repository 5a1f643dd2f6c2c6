"""Draft the rest of an application from its claims: title, technical field, summary, figure plan
(brief description of the drawings), detailed description with reference numerals, abstract.

Grounding: every generated paragraph restates claim text (`phrasing.ClaimText.render`) inside the
firm's phrasing templates; what only the attorney knows (background, advantages, examples) is a
visible "[Describe ...]" placeholder. Each paragraph records the claims it restates and the
numerals it writes.

The figure plan: one figure per independent claim, in claim order - a block diagram for an
apparatus or system, a flowchart for a method, a computing environment for a computer-readable
medium (composition claims get none). Numerals are numbered by figure (100s for FIG. 1, even
numbers: 102, 104, ...); a term keeps the numeral of the first figure that shows it, in every
later figure and in the method steps that use it. Method steps become flowchart blocks ("At block
202, ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.nlp.generation.model import (
    Draft,
    DraftParagraph,
    DraftSection,
    Figure,
    FigureKind,
    ParagraphKind,
    ReferenceNumeral,
)
from backend.nlp.generation.phrasing import (
    AMBIGUOUS,
    ClaimText,
    Key,
    Rendered,
    TermSpan,
    clean_text,
    element_spans,
    join_list,
    numeral_marker,
    pluralize,
    resolve_in_chain,
    strip_end,
    term_spans,
    trim_span,
)
from backend.nlp.generation.templates import DraftTemplates
from backend.nlp.structure import Category, Claim, ClaimSet, SectionKind

ABSTRACT_WORD_LIMIT = 150
TITLE_WORD_LIMIT = 12
_ENVIRONMENT: Key = ("computing", "environment")

_ADDITION_RE = re.compile(
    r"^(?:further\s+)?(?:comprising|comprises|comprise|including|includes|include|having|has|containing|contains"
    r"|consisting\s+(?:essentially\s+)?of)\b",
    re.IGNORECASE,
)
_CLAUSE_LEAD_RE = re.compile(
    r"^(?:(?:and\s+)?(?:wherein|whereby|where|in\s+which|such\s+that|so\s+that|characteri[sz]ed\s+(?:in\s+that|by)"
    r"|further\s+characteri[sz]ed\s+(?:in\s+that|by))\b[\s,]*)+",
    re.IGNORECASE,
)
_INNER_WHEREIN_RE = re.compile(r"([,;]\s*(?:and\s+)?)wherein\s+", re.IGNORECASE)
_AGENT_RE = re.compile(
    r"\b(?:cause|causes|causing|instruct|instructs|direct|directs|enable|enables|program|programs)\s+"
    r"(?P<agent>(?:the|said)\s+(?:[\w-]+\s+){0,6}?[\w-]+?)\s+to\b"
    r"|(?P<agent2>\b(?:the|said|an?)\s+(?:[\w-]+\s+){0,6}?[\w-]+?)\s*,?\s+(?:is\s+|are\s+|being\s+)?"
    r"(?:configured|operable|programmed|adapted|arranged|operative)\s+to\b",
    re.IGNORECASE,
)
_OPERATION_OWNERS = ("operations", "steps", "acts", "functions")
_HEADER_END_RE = re.compile(
    r"\s*\b(?:includes?|comprises?|comprising|including|has|have|having|contains?|containing"
    r"|consists\s+of|consisting\s+of)\s*:?\s*$",
    re.IGNORECASE,
)
_TRAILING_RESTATEMENT_RE = re.compile(r",\s*(?:the|said)\s+(?P<words>[\w\s-]{1,60})$", re.IGNORECASE)
_TITLE_CUT_RE = re.compile(
    r",|\s(?:that|which|wherein|whereby|configured|comprising|including|having|the\s+method|the\s+system)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\b[\w'-]+\b")


@dataclass(slots=True)
class _ClaimInfo:
    claim: Claim
    text: ClaimText
    doc: Any
    root: int
    """The independent claim (or self-standing claim) this claim's chain starts at."""
    subject_span: TermSpan | None
    preamble_end: int
    chain: list[Key] = field(default_factory=list)
    """Terms introduced by this claim and every claim it depends on."""

    def render(self, start: int, end: int, introduced: set[Key], numbers: dict[Key, int] | None = None) -> Rendered:
        return self.text.render(start, end, introduced=introduced, numbers=numbers, chain=self.chain)


@dataclass(slots=True)
class _FigurePlan:
    figure: Figure
    subject_key: Key
    claim: int
    dependents: list[int] = field(default_factory=list)
    next_numeral: int = 0
    reserved: set[int] = field(default_factory=set)
    """Numerals already taken (the claims' own reference signs)."""

    def take(self) -> int:
        """The next free numeral of this figure's series: even numbers first (102..198), then odd."""
        base = self.figure.number * 100
        while True:
            n = self.next_numeral
            if n >= base + 100 and n % 2 == 0:
                n = base + 1 if n == base + 100 else n + 1
            self.next_numeral = n + 2
            if n not in self.reserved:
                self.reserved.add(n)
                return n


@dataclass(slots=True)
class _Context:
    claims: dict[int, _ClaimInfo]
    plans: list[_FigurePlan]
    numbers: dict[Key, int]
    terms: dict[int, ReferenceNumeral]
    templates: DraftTemplates
    unnumbered: frozenset[str]

    def plan_of(self, claim_number: int) -> _FigurePlan | None:
        root = self.claims[claim_number].root
        return next((p for p in self.plans if p.claim == root), None)


def generate_draft(
    claims: ClaimSet,
    *,
    parser: Any,
    templates: DraftTemplates,
    unnumbered: Iterable[str] = (),
) -> Draft:
    """The draft sections for `claims` (`parser`: a `backend.nlp.parsing.ClaimParser`).
    `unnumbered`: head nouns that get no reference numeral (measurable properties: "length")."""
    active = [c for c in claims.active if c.text.strip()]
    docs = parser.parse_many([c.text for c in active]) if active else []
    infos: dict[int, _ClaimInfo] = {}
    for claim, doc in zip(active, docs, strict=True):
        if claim.number in infos:
            continue  # a duplicated number: the first claim wins (claim_numbering reports it)
        infos[claim.number] = _claim_info(claim, doc, infos)
    ctx = _Context(
        claims=infos,
        plans=[],
        numbers={},
        terms={},
        templates=templates,
        unnumbered=frozenset(w.lower() for w in unnumbered),
    )
    _plan_figures(ctx)
    _assign_numerals(ctx)
    sections = [
        _title(ctx),
        _technical_field(ctx),
        _background(ctx),
        _summary(ctx),
        _drawings(ctx),
        _detailed_description(ctx),
        _abstract(ctx),
    ]
    return Draft(
        sections=[s for s in sections if s is not None],
        figures=[p.figure for p in ctx.plans],
        numerals=sorted(ctx.terms.values(), key=lambda n: n.numeral),
    )


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def _claim_info(claim: Claim, doc: Any, earlier: dict[int, _ClaimInfo]) -> _ClaimInfo:
    spans = term_spans(claim, doc)
    own_subject = _self_standing(claim, spans, earlier)
    parents = [earlier[n] for n in claim.depends_on if n in earlier and n != claim.number]
    root = claim.number if own_subject or not parents else parents[0].root
    preamble_end = _preamble_end(claim)
    subject = None
    if own_subject or not parents:
        subject = next((s for s in spans if s.start < max(preamble_end, 1) and s.intro), None)
        if subject is None:
            subject = next((s for s in spans if s.start < max(preamble_end, 1)), None)
    chain = [k for span in spans if span.intro for k in span.keys]
    for parent in parents:
        chain.extend(k for k in parent.chain if k not in chain)
    return _ClaimInfo(claim, ClaimText(claim, spans), doc, root, subject, preamble_end, chain)


def _self_standing(claim: Claim, spans: list[TermSpan], earlier: dict[int, _ClaimInfo]) -> bool:
    """An independent claim, or one that names a new subject while referring to another claim ("A
    camera including the imaging device of claim 1", "A method of using the device of claim 1")."""
    if not claim.depends_on:
        return True
    if not re.match(r"\s*(?:an?|one)\s", claim.text, re.IGNORECASE) or not spans or not spans[0].intro:
        return False
    parent = next((earlier[n] for n in claim.depends_on if n in earlier), None)
    if parent is None:
        return True
    root = earlier[parent.root]
    return (
        root.claim.category != claim.category
        or root.subject_span is None
        or root.subject_span.keys[0][-1] != spans[0].keys[0][-1]
    )


def _preamble_end(claim: Claim) -> int:
    """End of the preamble in the claim text, without a restated subject (", the method")."""
    end = len(claim.preamble) if claim.transition else len(claim.text.rstrip(" ."))
    if claim.dependency_span and not claim.independent:
        end = min(end, claim.dependency_span[0]) if claim.dependency_span[0] > 0 else end
    pre = claim.text[:end]
    m = _TRAILING_RESTATEMENT_RE.search(pre)
    if m and m.start() > 0:
        end = m.start()
    return trim_span(claim.text, 0, end)[1]


def _subject_key(info: _ClaimInfo) -> Key:
    if info.subject_span is not None:
        return info.subject_span.keys[0]
    words = info.claim.text[: info.preamble_end].lower().split()
    return tuple(words[1:] or words) or ("subject",)


def _subject_words(info: _ClaimInfo) -> str:
    """The subject as written, without its article ("wheeled hand truck")."""
    if info.subject_span is not None:
        return clean_text(info.claim.text[info.subject_span.det_end : info.subject_span.end])
    return clean_text(re.sub(r"^\s*(?:an?|the|one)\s+", "", info.claim.text[: info.preamble_end], flags=re.IGNORECASE))


# ---------------------------------------------------------------------------------------------
# Figure plan and numerals
# ---------------------------------------------------------------------------------------------

_FIGURE_KIND = {
    Category.METHOD: FigureKind.FLOWCHART,
    Category.CRM: FigureKind.COMPUTING_ENVIRONMENT,
    Category.APPARATUS: FigureKind.BLOCK_DIAGRAM,
    Category.UNKNOWN: FigureKind.BLOCK_DIAGRAM,
}


def _plan_figures(ctx: _Context) -> None:
    number = 0
    for info in ctx.claims.values():
        if info.root != info.claim.number:
            continue
        kind = _FIGURE_KIND.get(info.claim.category)
        if kind is None:
            continue  # compositions: described without a figure
        number += 1
        figure = Figure(
            number=number,
            kind=kind,
            claims=[info.claim.number],
            subject=_subject_words(info),
            numeral=number * 100,
        )
        ctx.plans.append(_FigurePlan(figure, _subject_key(info), info.claim.number, next_numeral=number * 100 + 2))
    for info in ctx.claims.values():
        if info.root != info.claim.number:
            plan = ctx.plan_of(info.claim.number)
            if plan is not None:
                plan.dependents.append(info.claim.number)
                plan.figure.claims.append(info.claim.number)


def _numbered(ctx: _Context, key: Key, numeral: int, figure: int, claim: int, term: str, kind: str) -> None:
    ctx.numbers[key] = numeral
    ctx.terms[numeral] = ReferenceNumeral(numeral, term, figure, (claim,), kind)


def _note_claim(ctx: _Context, numeral: int, claim: int) -> None:
    ref = ctx.terms.get(numeral)
    if ref is not None and claim not in ref.claims:
        ctx.terms[numeral] = ReferenceNumeral(
            ref.numeral, ref.term, ref.figure, (*ref.claims, claim), ref.kind
        )


def _assign_numerals(ctx: _Context) -> None:
    """Numerals for every figure's subject and, in block diagrams, every term of its claims. Terms
    the claims give a reference sign keep it."""
    for info in ctx.claims.values():
        for span in info.text.spans:
            if span.sign is not None and span.sign not in ctx.terms and span.keys[0] not in ctx.numbers:
                term = clean_text(info.claim.text[span.det_end : span.end])
                _numbered(ctx, span.keys[0], span.sign, span.sign // 100, info.claim.number, term, "element")
    for plan in ctx.plans:
        plan.reserved.update(ctx.terms)
    for plan in ctx.plans:
        info = ctx.claims[plan.claim]
        fig = plan.figure
        if fig.kind == FigureKind.COMPUTING_ENVIRONMENT:
            ctx.terms[fig.numeral] = ReferenceNumeral(fig.numeral, "computing environment", fig.number, (plan.claim,), "subject")
            if plan.subject_key not in ctx.numbers:
                _numbered(ctx, plan.subject_key, plan.take(), fig.number, plan.claim, fig.subject, "element")
        elif plan.subject_key in ctx.numbers:
            fig.numeral = ctx.numbers[plan.subject_key]
        else:
            _numbered(ctx, plan.subject_key, fig.numeral, fig.number, plan.claim, fig.subject, "subject")
        if fig.kind == FigureKind.FLOWCHART:
            continue
        for number in [plan.claim, *plan.dependents]:
            claim_info = ctx.claims[number]
            skip_preamble = number == plan.claim and fig.kind == FigureKind.BLOCK_DIAGRAM
            for span in claim_info.text.spans:
                if span is claim_info.subject_span or (skip_preamble and span.start < info.preamble_end):
                    continue  # the subject has its numeral; the rest of a preamble is intended use
                if len(span.keys) == 1 and not span.intro:
                    key = resolve_in_chain(span, claim_info.chain, ctx.numbers)
                    if key in ctx.numbers:
                        continue
                    keys = [key]
                else:
                    keys = span.keys
                for key in keys:
                    if key in ctx.numbers or not span.nominal or span.predicate or not _numberable(key, ctx.unnumbered):
                        continue
                    term = clean_text(claim_info.claim.text[span.det_end : span.end]) if len(keys) == 1 else " ".join(key)
                    _numbered(ctx, key, plan.take(), fig.number, number, term, "element")


# nouns in -ing that name parts (other -ing heads name an action: "leftward pivoting")
_PART_GERUNDS = frozenset(
    {"housing", "bearing", "opening", "coating", "fitting", "casing", "bushing", "mounting", "lining", "tubing",
     "wiring", "ring", "spring", "string", "building", "ceiling", "railing", "coupling", "packaging", "sling",
     "sheathing", "shielding", "flooring", "siding", "wing", "grating", "padding", "molding", "moulding",
     "fastening", "winding", "plating", "filling", "seating", "facing", "backing", "cladding", "piping",
     "covering", "recording", "drawing", "painting", "thing", "clothing", "bedding", "ducting", "decking"}
)  # fmt: skip


def _numberable(key: Key, unnumbered: frozenset[str]) -> bool:
    head = key[-1]
    if key[0] == AMBIGUOUS or not head.isalpha() or len(head) < 3 or head in unnumbered:
        return False
    return not head.endswith("ing") or head in _PART_GERUNDS


# ---------------------------------------------------------------------------------------------
# Elements
# ---------------------------------------------------------------------------------------------

_STEP, _OPERATION, _CLAUSE, _COMPONENT = "step", "operation", "clause", "component"


def _element_kind(info: _ClaimInfo, start: int, end: int) -> str:
    text = info.claim.text[start:end]
    if _CLAUSE_LEAD_RE.match(text):
        return _CLAUSE
    tokens = [t for t in info.doc if start <= t.idx < end and not t.is_space and not t.is_punct]
    if not tokens:
        return _COMPONENT
    first = tokens[0]
    if first.tag_ == "IN" and any(
        t.tag_ == "VBG" and info.claim.text[start : t.idx].rstrip().endswith(",") for t in tokens[1:]
    ):
        return _STEP  # "upon interaction of the user with the display, executing the rules ..."
    if first.tag_ == "VBG" or (first.lower_.endswith("ing") and first.tag_.startswith(("NN", "VB")) and first.dep_ != "amod"):
        return _STEP
    if first.tag_ in ("VB", "VBP") and first.lower_ not in ("a", "an"):
        return _OPERATION
    if len(tokens) > 1 and first.tag_ not in ("DT", "CD", "PRP$") and _agent_span(info, start) is not None:
        following = info.doc[first.i + 1]
        if following.text == "," or following.tag_ in ("DT", "PRP$") or first.tag_.startswith("VB"):
            return _OPERATION  # "...cause the processor to: receive ...; determine, based on ..."
    if first.lower_ in ("the", "said", "each") and any(t.tag_ in ("VBZ", "VBP", "MD", "VBD") for t in tokens[1:]):
        return _CLAUSE
    return _COMPONENT


def _clause_text(text: str) -> str:
    text = _CLAUSE_LEAD_RE.sub("", text.strip())
    return _INNER_WHEREIN_RE.sub(r"\1", text)


def _agent_span(info: _ClaimInfo, start: int) -> tuple[int, int] | None:
    """Who performs an operation element: "cause the processor to: receive ..." -> "the processor"."""
    found = None
    for m in _AGENT_RE.finditer(info.claim.text, 0, start + 1):
        group = "agent" if m.group("agent") else "agent2"
        found = (m.start(group), m.end(group))
    return found


def _operation_owner(info: _ClaimInfo) -> str | None:
    lower = info.claim.text.lower()
    return next((w for w in _OPERATION_OWNERS if re.search(rf"\b{w}\b", lower)), None)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


def _independents(ctx: _Context) -> list[_ClaimInfo]:
    return [i for i in ctx.claims.values() if i.root == i.claim.number]


def _dependents_of(ctx: _Context, root: int) -> list[_ClaimInfo]:
    return [i for i in ctx.claims.values() if i.root == root and i.claim.number != root]


def _generated(text: str, claims: Iterable[int], numerals: Iterable[int] = ()) -> DraftParagraph:
    return DraftParagraph(text=text, kind=ParagraphKind.GENERATED, source_claims=sorted(set(claims)), numerals=list(numerals))


def _boilerplate(texts: Iterable[str]) -> list[DraftParagraph]:
    out = []
    for text in texts:
        kind = ParagraphKind.PLACEHOLDER if text.startswith("[") and text.endswith("]") else ParagraphKind.BOILERPLATE
        out.append(DraftParagraph(text=text, kind=kind))
    return out


def _section(ctx: _Context, kind: SectionKind) -> DraftSection:
    return DraftSection(kind=kind, heading=ctx.templates.heading(str(kind)))


def _subject_phrase(info: _ClaimInfo, introduced: set[Key], numbers: dict[Key, int] | None) -> Rendered:
    """The preamble in description language ("a wheeled hand truck 100 for ...")."""
    rendered = info.render(0, info.preamble_end, introduced, numbers)
    return Rendered(_lower_article(rendered.text), rendered.numerals, rendered.keys)


def _lower_article(text: str) -> str:
    """"A system ..." inside a sentence: "a system ..."."""
    return text[0].lower() + text[1:] if re.match(r"(?:An?|The|One)\s", text) else text


def _title_words(info: _ClaimInfo) -> str:
    preamble = clean_text(info.claim.text[: info.preamble_end])
    preamble = re.sub(r"^\s*(?:an?|the|one)\s+", "", preamble, flags=re.IGNORECASE)
    cut = _TITLE_CUT_RE.search(preamble)
    if cut and cut.start() > 0:
        preamble = preamble[: cut.start()]
    words = preamble.split()
    if len(words) > TITLE_WORD_LIMIT:
        words = _subject_words(info).split()[:TITLE_WORD_LIMIT]
    return strip_end(" ".join(words))


def _subjects(ctx: _Context, *, plural: bool) -> str:
    """The independent claims' subjects, joined ("systems and methods for routing vehicles")."""
    seen: list[str] = []
    rest = ""
    for index, info in enumerate(_independents(ctx)[:3]):
        words = _title_words(info)
        subject = _subject_words(info)
        tail = words[len(subject):] if words.lower().startswith(subject.lower()) else ""
        name = subject if tail or not words else words
        if plural:
            head, _, last = name.rpartition(" ")
            name = f"{head} {pluralize(last)}".strip()
        if name.lower() not in (s.lower() for s in seen):
            seen.append(name)
        if index == 0 and tail:
            rest = tail  # the first claim's purpose ("for routing vehicles") names the field
    return (join_list(seen) + rest).strip()


def _title(ctx: _Context) -> DraftSection | None:
    independents = _independents(ctx)
    if not independents:
        return None
    section = _section(ctx, SectionKind.TITLE)
    section.heading = ""
    text = ctx.templates.phrase("title", subject=_subjects(ctx, plural=len(independents) > 1 and _mixed(ctx)))
    section.paragraphs.append(_generated(text, [i.claim.number for i in independents]))
    return section


def _mixed(ctx: _Context) -> bool:
    return len({_subject_words(i).lower() for i in _independents(ctx)}) > 1


def _technical_field(ctx: _Context) -> DraftSection | None:
    independents = _independents(ctx)
    if not independents:
        return None
    section = _section(ctx, SectionKind.TECHNICAL_FIELD)
    text = ctx.templates.phrase("technical_field", subjects=_subjects(ctx, plural=True))
    section.paragraphs.append(_generated(text, [i.claim.number for i in independents]))
    return section


def _background(ctx: _Context) -> DraftSection:
    section = _section(ctx, SectionKind.BACKGROUND)
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("background")))
    return section


@dataclass(slots=True)
class _Restated:
    """An independent claim restated without numerals: its element list and its clauses."""

    preamble: str
    elements: list[str]
    clauses: list[str]
    plural: bool
    listing: bool
    """The preamble ends with what the elements list ("... perform operations comprising:")."""

    def values(self) -> dict[str, Any]:
        return {
            "preamble": self.preamble,
            "elements": self.elements,
            "clauses": self.clauses,
            "plural": self.plural,
            "listing": self.listing,
        }


def _restate(info: _ClaimInfo, introduced: set[Key]) -> _Restated:
    preamble = _subject_phrase(info, introduced, None).text
    elements: list[str] = []
    clauses: list[str] = []
    group: tuple[str, str, list[str]] | None = None  # a header element and its parts

    def close() -> None:
        if group is None:
            return
        kind, header, parts = group
        text = f"{header} {_join_parts(parts)}" if parts else _HEADER_END_RE.sub("", header)
        if kind == _COMPONENT:
            elements.append(text)
        elif parts:
            clauses.append(_clause_text(text))

    for start, end in element_spans(info.claim):
        rendered = strip_end(info.render(start, end, introduced).text)
        kind = _element_kind(info, start, end)
        if kind in (_CLAUSE, _COMPONENT) and (header := _HEADER_END_RE.search(rendered)) and header.start() > 0:
            close()
            group = (kind, rendered.rstrip(" :"), [])
        elif group is not None and kind == _COMPONENT:
            group[2].append(rendered)
        elif kind == _CLAUSE:
            close()
            group = None
            clauses.append(_clause_text(rendered))
        else:
            element, _, clause = rendered.partition(", wherein ")
            elements.append(element)
            if clause:
                clauses.append(_clause_text(clause))
    close()
    plural = bool(info.subject_span and info.subject_span.plural)
    listing = bool(re.search(rf"\b(?:{'|'.join(_OPERATION_OWNERS)}|method|process)\s*$", preamble, re.IGNORECASE))
    listing = listing and info.subject_span is not None and info.subject_span.end < info.preamble_end - 12
    return _Restated(preamble, elements, clauses, plural, listing)


def _join_parts(parts: list[str]) -> str:
    separator = "; " if len(parts) > 2 and any("," in p for p in parts) else ", "
    return join_list(parts, separator=separator)


def _dependent_feature(info: _ClaimInfo, introduced: set[Key], numbers: dict[Key, int] | None) -> tuple[str, str, Rendered]:
    """("addition" | "clause", the feature text, the rendering) of a dependent claim."""
    claim = info.claim
    body_start = claim.body_start
    if claim.transition is None and claim.dependency_span:
        body_start = claim.dependency_span[1]
    rendered = info.render(body_start, len(claim.text), introduced, numbers)
    transition = (claim.transition or "").lower()
    form = "addition" if _ADDITION_RE.match(transition) else "clause"
    text = strip_end(rendered.text)
    if form == "clause":
        text = _clause_text(text)
    return form, text, rendered


def _summary(ctx: _Context) -> DraftSection:
    section = _section(ctx, SectionKind.SUMMARY)
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("summary_intro")))
    for index, info in enumerate(_independents(ctx)):
        introduced: set[Key] = set()
        restated = _restate(info, introduced)
        text = ctx.templates.phrase("summary_independent", index=index, **restated.values())
        section.paragraphs.append(_generated(text, [info.claim.number]))
        subject = "the " + _subject_words(info)
        for dep in _dependents_of(ctx, info.claim.number):
            form, feature, _ = _dependent_feature(dep, introduced, None)
            if not _has_words(feature):
                continue
            text = ctx.templates.phrase("summary_dependent", subject=subject, feature=feature, form=form)
            section.paragraphs.append(_generated(text, [dep.claim.number]))
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("advantages")))
    return section


def _drawings(ctx: _Context) -> DraftSection | None:
    if not ctx.plans:
        return None
    section = _section(ctx, SectionKind.DRAWINGS)
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("drawings_intro")))
    for plan in ctx.plans:
        info = ctx.claims[plan.claim]
        if plan.figure.kind == FigureKind.COMPUTING_ENVIRONMENT and info.subject_span is not None:
            span = info.subject_span
            subject = _lower_article(info.render(span.start, span.end, set()).text)
        else:
            subject = _subject_phrase(info, set(), None).text
        text = ctx.templates.phrase(
            "figure_brief", number=plan.figure.number, kind=str(plan.figure.kind), subject=subject
        )
        section.paragraphs.append(_generated(text, plan.figure.claims))
    return section


def _detailed_description(ctx: _Context) -> DraftSection:
    section = _section(ctx, SectionKind.DETAILED_DESCRIPTION)
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("detailed_intro")))
    introduced: set[Key] = set()
    for plan in ctx.plans:
        section.paragraphs.extend(_walk_figure(ctx, plan, introduced))
    # claims without a figure (compositions): their elements and features, without numerals
    for info in _independents(ctx):
        if ctx.plan_of(info.claim.number) is None:
            section.paragraphs.extend(_walk_unfigured(ctx, info, introduced))
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("examples")))
    section.paragraphs.extend(_boilerplate(ctx.templates.boilerplate("equivalents")))
    return section


def _walk_figure(ctx: _Context, plan: _FigurePlan, introduced: set[Key]) -> list[DraftParagraph]:
    t = ctx.templates
    fig = plan.figure
    info = ctx.claims[plan.claim]
    number = info.claim.number
    out: list[DraftParagraph] = []
    numbers = ctx.numbers
    opening = _subject_phrase(info, introduced, numbers)
    text = t.phrase(
        "figure_intro",
        number=fig.number,
        kind=str(fig.kind),
        subject=opening.text,
        numeral=fig.numeral,
        noun=plan.subject_key[-1],
    )
    environment = [fig.numeral] if fig.kind == FigureKind.COMPUTING_ENVIRONMENT else []
    out.append(_generated(text, [number], [*environment, *opening.numerals]))
    subject = _ref_phrase(ctx, plan, introduced)
    owner = subject
    for n in opening.numerals:
        _note_claim(ctx, n, number)
    components = 0
    for start, end in element_spans(info.claim):
        kind = _element_kind(info, start, end)
        rendered = info.render(start, end, introduced, numbers)
        element = strip_end(rendered.text)
        used = list(rendered.numerals)
        header = _HEADER_END_RE.search(element)
        if header and header.start() > 0 and kind in (_CLAUSE, _COMPONENT):
            # "said first unit pixel includes:" / "a controller comprising:": what follows are
            # the parts of this element, until the next such header
            part_of = _clause_text(element[: header.start()].rstrip(" ,"))
            if kind == _COMPONENT:
                text = t.phrase("component", subject=owner.text if owner is not subject else subject.text,
                                element=part_of, index=components, plural=False)
                components += 1
                out.append(_generated(text, [number], list(dict.fromkeys([*subject.numerals, *used]))))
                part_of = re.sub(r"^(?:an?|one)\s+", "the ", part_of, flags=re.IGNORECASE)
            owner = Rendered(part_of, used, [])
            components = 0
            continue
        if kind == _STEP and fig.kind == FigureKind.FLOWCHART:
            block = plan.take()
            ctx.terms[block] = ReferenceNumeral(block, _step_name(element), fig.number, (number,), "step")
            text = t.phrase("step", block=block, subject=subject.text, action=element)
            used = [block, *subject.numerals, *used]
        elif kind == _STEP:
            operations = _operation_owner(info)
            performer = f"the {operations}" if operations else subject.text
            text = t.phrase("operation_step", owner=performer, action=element)
            used = [*([] if operations else subject.numerals), *used]
        elif kind == _OPERATION:
            agent_span = _agent_span(info, start)
            if agent_span is not None:
                agent = info.render(*agent_span, introduced, numbers)
            else:
                agent = subject
            text = t.phrase("operation", agent=agent.text, action=element)
            used = [*agent.numerals, *used]
        elif kind == _CLAUSE:
            clause = _clause_text(element)
            if not rendered.numerals:
                text = t.phrase("embodiment_clause", feature=clause, subject=subject.text)
                used = [*subject.numerals, *used]
            else:
                text = t.phrase("clause", text=clause)
        else:
            plural = bool(info.subject_span and info.subject_span.plural) if owner is subject else False
            element, _, clause = element.partition(", wherein ")
            text = t.phrase("component", subject=owner.text, element=element, index=components, plural=plural)
            if clause:
                text += " " + t.phrase("clause", text=_clause_text(clause))
            components += 1
            used = [*owner.numerals, *used]
        used = list(dict.fromkeys(used))
        for n in used:
            _note_claim(ctx, n, number)
        out.append(_generated(text, [number], used))
    for dep in _dependents_of(ctx, number):
        paragraph = _embodiment(ctx, dep, subject, introduced, plan)
        if paragraph is not None:
            out.append(paragraph)
    return out


def _ref_phrase(ctx: _Context, plan: _FigurePlan, introduced: set[Key]) -> Rendered:
    """The figure's subject referred back to ("the wheeled hand truck 100"; for a medium claim
    the medium itself)."""
    info = ctx.claims[plan.claim]
    numeral = ctx.numbers.get(plan.subject_key)
    words = clean_text(info.claim.text[info.subject_span.det_end : info.subject_span.end]) if info.subject_span else _subject_words(info)
    if numeral is None:
        return Rendered(f"the {words}", [], [plan.subject_key])
    introduced.update((plan.subject_key, numeral_marker(numeral)))
    return Rendered(f"the {words} {numeral}", [numeral], [plan.subject_key])


def _step_name(action: str) -> str:
    words = action.split()
    return " ".join(words[:6])


def _embodiment(
    ctx: _Context, dep: _ClaimInfo, subject: Rendered, introduced: set[Key], plan: _FigurePlan
) -> DraftParagraph | None:
    t = ctx.templates
    fig = plan.figure
    number = dep.claim.number
    form, feature, rendered = _dependent_feature(dep, introduced, ctx.numbers)
    if not _has_words(feature):
        return None
    used = list(rendered.numerals)
    body_kind = _element_kind(dep, dep.claim.body_start, len(dep.claim.text)) if dep.claim.transition else _CLAUSE
    if form == "addition":
        block = None
        if fig.kind == FigureKind.FLOWCHART and body_kind == _STEP:
            block = plan.take()
            ctx.terms[block] = ReferenceNumeral(block, _step_name(feature), fig.number, (number,), "step")
        text = t.phrase("embodiment_addition", subject=subject.text, feature=feature, block=block)
        used = [*([block] if block else []), *subject.numerals, *used]
    elif rendered.numerals:
        text = t.phrase("embodiment_clause", feature=feature, subject="")
    else:
        text = t.phrase("embodiment_clause", feature=feature, subject=subject.text)
        used = [*subject.numerals, *used]
    used = list(dict.fromkeys(used))
    for n in used:
        _note_claim(ctx, n, number)
    return _generated(text, [number], used)


def _walk_unfigured(ctx: _Context, info: _ClaimInfo, introduced: set[Key]) -> list[DraftParagraph]:
    restated = _restate(info, introduced)
    text = ctx.templates.phrase("summary_independent", index=1, **restated.values())
    out = [_generated(text, [info.claim.number])]
    subject = Rendered("the " + _subject_words(info), [], [])
    for dep in _dependents_of(ctx, info.claim.number):
        form, feature, _ = _dependent_feature(dep, introduced, None)
        if _has_words(feature):
            if form == "addition":
                text = ctx.templates.phrase("embodiment_addition", subject=subject.text, feature=feature, block=None)
            else:
                text = ctx.templates.phrase("embodiment_clause", feature=feature, subject="")
            out.append(_generated(text, [dep.claim.number]))
    return out


def _abstract(ctx: _Context) -> DraftSection | None:
    independents = _independents(ctx)
    if not independents:
        return None
    info = independents[0]
    section = _section(ctx, SectionKind.ABSTRACT)
    restated = _restate(info, set())
    elements, clauses = list(restated.elements), list(restated.clauses)

    def render() -> str:
        values = restated.values() | {"elements": elements, "clauses": clauses}
        return ctx.templates.phrase("abstract", **values)

    text = render()
    while _words(text) > ABSTRACT_WORD_LIMIT and clauses:
        clauses.pop()
        text = render()
    while _words(text) > ABSTRACT_WORD_LIMIT and len(elements) > 1:
        elements.pop()
        text = render()
    if _words(text) > ABSTRACT_WORD_LIMIT:
        text = _cut_words(text, ABSTRACT_WORD_LIMIT)
    section.paragraphs.append(_generated(text, [info.claim.number]))
    return section


def _has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", text))


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def _cut_words(text: str, limit: int) -> str:
    """The first `limit` words, ended at the last comma or word boundary before them, with a period."""
    matches = list(_WORD_RE.finditer(text))
    if len(matches) <= limit:
        return text
    cut = text[: matches[limit - 1].end()]
    comma = cut.rfind(",")
    if comma > len(cut) // 2:
        cut = cut[:comma]
    return strip_end(cut) + "."
