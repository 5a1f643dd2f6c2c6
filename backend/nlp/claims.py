"""Claims parser: the claims section (or plain claims text) -> `ClaimSet`.

Regex-based, no spaCy: a 200-claim set parses in a few milliseconds.

What it recognises
- claim numbers typed ("1.", "1)", "1 .", "Claim 1.") or produced by Word list numbering
  (`Paragraph.numbering_prefix`), and canceled ranges ("2-5. (Canceled)", "2.-5. (Cancelled)");
- status identifiers "(Currently Amended)", "(Original)", "(Canceled)", "(Withdrawn - Currently
  Amended)", "(Not Entered)", ...;
- one paragraph per claim, or a preamble paragraph followed by one paragraph per element
  (paragraphs without a claim number continue the previous claim; they are joined with "\\n");
- preamble / transition / body / elements, statutory category (dependent claims inherit);
- dependencies in every common form ("claim 1", "claims 1 or 2", "any one of claims 1 to 3",
  "any preceding claim", "claim l" (OCR), "cl. 1", "of claim1", ...), plus further claim
  references in the body ("a kit comprising the composition of claim 3"), as the USPTO
  claim-reference markup counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.nlp.document import DocumentText, Location, Paragraph
from backend.nlp.structure import (
    Category,
    Claim,
    ClaimSet,
    DependencyForm,
    Section,
    SectionKind,
    Sections,
    Segment,
)

__all__ = ["CLAIM_NUMBER_RE", "STATUS_WORDS", "claim_paragraphs", "parse_claims", "parse_claims_text"]

# --------------------------------------------------------------------------------------------
# Claim number and status
# --------------------------------------------------------------------------------------------

_DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
CLAIM_NUMBER_RE = re.compile(
    rf"""^(?P<lead>\s*(?:claim\s+)?)
        (?P<num>\d{{1,4}})
        (?:\s*\.?\s*(?:{_DASH}|to|through|thru)\s*(?P<end>\d{{1,4}}))?
        \s*(?P<punct>[.):]|(?=\s*\())
        (?=\s|$|\()""",
    re.IGNORECASE | re.VERBOSE,
)
"""A paragraph that starts a claim: "1.", "1)", "1 .", "2-5.", "2.-5.", "Claim 3.", "4 (Canceled)"."""

STATUS_WORDS = (
    "currently amended",
    "original",
    "originally presented",
    "canceled",
    "cancelled",
    "withdrawn",
    "new",
    "previously presented",
    "previously amended",
    "withdrawn - currently amended",
    "withdrawn - previously presented",
    "not entered",
    "amended",
    "deleted",
    "rejected",
    "allowed",
)
_STATUS_RE = re.compile(
    r"""\(\s*(?P<status>(?:currently|previously|originally|withdrawn|original|canceled|cancelled|new|
        not\s+entered|amended|deleted|rejected|allowed|presented)
        (?:[\s,\-\u2013\u2014/]*(?:currently|previously|originally|withdrawn|original|canceled|cancelled|
        new|not|entered|amended|deleted|rejected|allowed|presented|and))*)\s*\)\s*[.:]?\s*""",
    re.IGNORECASE | re.VERBOSE,
)
_BARE_STATUS_RE = re.compile(r"(?P<status>canceled|cancelled|deleted)\s*\.?\s*$", re.IGNORECASE)


def _normalise_status(raw: str) -> str:
    s = re.sub(r"\s*[-\u2013\u2014/]\s*", " - ", raw.strip().lower())
    return re.sub(r"\s+", " ", s)


@dataclass(slots=True)
class _Start:
    number: int
    number_end: int | None
    number_span: tuple[int, int]
    content_start: int
    status: str | None
    punct: str = "."
    lower: bool = False
    """The text after the number starts with a lower-case word (usually a numbered claim element)."""


def _claim_start(p: Paragraph) -> _Start | None:
    """Does paragraph `p` start a claim? Returns the number and where the claim text starts."""
    text = p.text
    m = CLAIM_NUMBER_RE.match(text)
    if not m:
        return None
    pos = m.end()
    if m.group("punct") == "" and not _STATUS_RE.match(
        text, pos + (len(text[pos:]) - len(text[pos:].lstrip()))
    ):
        return None  # "4 (Canceled)" form needs a status
    while pos < len(text) and text[pos].isspace():
        pos += 1
    status = None
    sm = _STATUS_RE.match(text, pos)
    if sm:
        status = _normalise_status(sm.group("status"))
        pos = sm.end()
    else:
        bm = _BARE_STATUS_RE.match(text, pos)
        if bm:
            status = _normalise_status(bm.group("status"))
    rest = text[pos:]
    # Numbered sub-items inside a claim ("1) a first step ...") start with a lower-case word.
    lower = status is None and rest[:1].islower() and not p.numbering_prefix
    number = int(m.group("num"))
    end = int(m.group("end")) if m.group("end") else None
    span_end = m.end("end") if m.group("end") else m.end("num")
    return _Start(number, end, (m.start("num"), span_end), pos, status, m.group("punct") or "", lower)


# --------------------------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------------------------

_NUM = r"(?:\d{1,4}|[lI](?![\w]))"  # "claim l" / "claim I": OCR for 1
# a number in a list must not be a quantity ("... and 90-0% by weight", "1.5 mm")
_NOT_QTY = rf"(?!\d|\s*%|\s*{_DASH}\s*\d+\s*%|\.\d|\s*(?:mm|cm|nm|µm|wt|parts|°)\b)"
_SEP = rf"(?:\s*(?:,\s*(?:and/or|or|and)?|and/or|or|and|to|through|thru|{_DASH})\s*(?:(?:any\s+(?:one\s+)?of\s+)?(?:claims?|cl\.|clms?\.?)\s*)?)"
_CLAIM_WORD = r"(?:claims?|clms?\.?|cl\.)"
_REF_RE = re.compile(
    rf"""(?P<word>\b{_CLAIM_WORD})\s*(?:no\.?\s*|nos\.?\s*|number\s+)?
        (?P<list>{_NUM}{_NOT_QTY}(?:{_SEP}{_NUM}{_NOT_QTY})*)""",
    re.IGNORECASE | re.VERBOSE,
)
_PRECEDING_RE = re.compile(
    r"\b(?:preceding|previous|foregoing|above|prior|aforementioned|aforesaid)\s+claims?\b", re.IGNORECASE
)
_PRECEDING_Q_RE = re.compile(
    r"(?:(?:any|each|all|either)\s+(?:one\s+)?(?:or\s+more\s+)?(?:of\s+)?(?:the\s+)?|one\s+of\s+the\s+|the\s+)$",
    re.IGNORECASE,
)
_LEAD_RE = re.compile(
    r"""(?:(?:as\s+)?(?:claimed|defined|recited|set\s+forth|described|specified|stated|presented|disclosed)\s+in
        |according\s+to|in\s+accordance\s+with|as\s+in|of|in|by|per|under|to|from|with|using|pursuant\s+to)\s+
        (?:(?:any|each|either|all)\s+(?:one\s+)?(?:or\s+more\s+)?(?:of\s+)?(?:the\s+)?|one\s+of\s+(?:the\s+)?)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_QUANT_RE = re.compile(
    r"(?:(?:any|each|either|all)\s+(?:one\s+)?(?:or\s+more\s+)?(?:of\s+)?(?:the\s+)?|one\s+of\s+(?:the\s+)?)$",
    re.IGNORECASE,
)


def _to_int(tok: str) -> int:
    return 1 if tok in ("l", "I") else int(tok)


@dataclass(slots=True)
class _Ref:
    start: int
    end: int
    numbers: list[int]  # expanded
    written: list[int]  # as written (range endpoints)
    alternative: bool
    cumulative: bool
    preceding: bool = False


def _parse_ref_list(s: str) -> tuple[list[int], list[int], bool, bool]:
    """ "1, 2 or 5" / "1 to 3" / "1 and 13-17" -> (expanded, written, has_or, has_and)."""
    tokens = re.findall(
        rf"\d{{1,4}}|(?<![a-z])[lI](?![a-z])|and/or|\bor\b|\band\b|\bto\b|through|thru|{_DASH}",
        s,
        re.IGNORECASE,
    )
    expanded: list[int] = []
    written: list[int] = []
    has_or = has_and = False
    range_next = False
    for tok in tokens:
        low = tok.lower()
        if low in ("or", "and/or"):
            has_or = True
        elif low == "and":
            has_and = True
        elif low in ("to", "through", "thru") or re.fullmatch(_DASH, tok):
            range_next = True
        else:
            n = _to_int(tok)
            written.append(n)
            if range_next and expanded and expanded[-1] < n <= expanded[-1] + 500:
                expanded.extend(range(expanded[-1] + 1, n + 1))
            else:
                expanded.append(n)
            range_next = False
    return expanded, written, has_or, has_and


_HAS_REF = re.compile(r"\bcl|preceding|previous|foregoing|above|prior|afore", re.IGNORECASE)


def _iter_refs(text: str):
    """`_REF_RE.finditer`, but only tried where "cl" occurs (much faster than scanning with re)."""
    lower = text.lower()
    pos = lower.find("cl")
    while pos != -1:
        m = _REF_RE.match(text, pos)
        if m:
            yield m
            pos = lower.find("cl", m.end())
        else:
            pos = lower.find("cl", pos + 2)


# "The port of 8, wherein ...": the word "claim" left out at the start of a dependent claim
_BARE_REF_RE = re.compile(
    # "The" + at most four words of subject, none a transition or a verb ("A polymer having a
    # polydispersity index of 2, wherein ..." is an independent claim)
    r"^\s*The\s+(?:(?!(?:having|comprising|including|with|containing|of|at|in|wherein)\b)[A-Za-z][\w-]*\s+){0,3}"
    r"[A-Za-z][\w-]*\s+(?P<lead>of|according\s+to|as\s+in)\s+(?P<n>\d{1,4})\s*"
    r"(?=[,;:]|\s+(?:wherein|further|comprising|in\s+which|characteri[sz]ed|where)\b)"
)


def _bare_ref(text: str, own_number: int) -> list[_Ref]:
    m = _BARE_REF_RE.match(text)
    if m is None or not 0 < int(m.group("n")) < own_number:
        return []
    n = int(m.group("n"))
    return [_Ref(m.start("lead"), m.end("n"), [n], [n], alternative=False, cumulative=False)]


def _find_refs(text: str, own_number: int) -> list[_Ref]:
    return _find_claim_refs(text, own_number) or _bare_ref(text, own_number)


def _find_claim_refs(text: str, own_number: int) -> list[_Ref]:
    refs: list[_Ref] = []
    if not _HAS_REF.search(text):
        return refs
    for m in _iter_refs(text):
        lst = m.group("list")
        # "claim I" is only OCR for 1 when lower-case l or the claim word is directly before it
        if lst in ("I",) and not m.group("word").lower().startswith("claim"):
            continue
        expanded, written, has_or, has_and = _parse_ref_list(lst)
        if not expanded:
            continue
        start = m.start()
        window = max(0, start - 80)
        before = text[window:start]
        lead = _LEAD_RE.search(before)
        quant = _QUANT_RE.search(before)
        if lead:
            start = window + lead.start()
        elif quant:
            start = window + quant.start()
        q = bool(quant) or bool(
            lead and re.search(r"\b(any|each|either|one\s+of)\b", lead.group(), re.IGNORECASE)
        )
        refs.append(
            _Ref(
                start=start,
                end=m.end(),
                numbers=expanded,
                written=written,
                alternative=has_or or (q and len(expanded) > 1),
                cumulative=has_and and not (has_or or q) or (len(expanded) > 1 and not (has_or or q)),
            )
        )
    lower = text.lower()
    if not any(w in lower for w in ("preceding", "previous", "foregoing", "above", "prior", "afore")):
        return _dedupe(refs)
    for m in _PRECEDING_RE.finditer(text):
        plural = m.group().lower().endswith("claims")
        window = max(0, m.start() - 40)
        qm = _PRECEDING_Q_RE.search(text[window : m.start()])
        q = qm.group().strip().lower() if qm else ""
        if not plural and q in ("the", ""):
            nums = [own_number - 1] if own_number > 1 else []
            alt = False
        else:
            nums = list(range(1, own_number))
            alt = True
        if not nums:
            continue
        start = window + qm.start() if qm else m.start()
        window = max(0, start - 80)
        lead = _LEAD_RE.search(text[window:start])
        if lead:
            start = window + lead.start()
        refs.append(
            _Ref(
                start, m.end(), nums, [], alternative=alt and len(nums) > 1, cumulative=False, preceding=True
            )
        )
    return _dedupe(refs)


def _dedupe(refs: list[_Ref]) -> list[_Ref]:
    refs.sort(key=lambda r: r.start)
    # drop overlaps (keep the first)
    out: list[_Ref] = []
    for r in refs:
        if out and r.start < out[-1].end:
            continue
        out.append(r)
    return out


# --------------------------------------------------------------------------------------------
# Transition, elements, category
# --------------------------------------------------------------------------------------------

_STRONG = re.compile(
    r"""\b(?:(?:wherein\s+)?the\s+improvement\s+(?:comprising|comprises|which\s+comprises)
        |characteri[sz]ed\s+(?:in\s+that|by)
        |consisting\s+essentially\s+of|consisting\s+of|consists\s+essentially\s+of|consists\s+of
        |comprising|comprises|comprised\s+of|which\s+comprises|that\s+comprises)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_WEAK = re.compile(
    r"\b(?:including|includes|having|has|wherein|whereby|in\s+which|containing|contains)\b", re.IGNORECASE
)
_DEP_TRANSITION = re.compile(
    r"""\b(?:(?:wherein\s+)?the\s+improvement\s+(?:comprising|comprises)
        |characteri[sz]ed\s+(?:in\s+that|by)|further\s+(?:comprising|including|having|consisting\s+of)
        |wherein|in\s+which|whereby|comprising|comprises|including|includes|consisting\s+(?:essentially\s+)?of
        |having|further\s+characteri[sz]ed\s+(?:in\s+that|by))\b""",
    re.IGNORECASE | re.VERBOSE,
)


_BRACKETS = re.compile(r"[()\[\]{}]")


def _top_level(text: str, pos: int) -> bool:
    depth = 0
    for m in _BRACKETS.finditer(text, 0, pos):
        if m.group() in "([{":
            depth += 1
        elif depth:
            depth -= 1
    return depth == 0


def _find_transition(text: str, dependent: bool, after: int) -> re.Match | None:
    if dependent:
        for m in _DEP_TRANSITION.finditer(text, after):
            if _top_level(text, m.start()):
                return m
        return None
    colon = [
        m
        for m in _STRONG.finditer(text)
        if re.match(r"\s*:", text[m.end() :]) and _top_level(text, m.start())
    ]
    if colon:
        return colon[0]
    for pattern in (_STRONG, _WEAK):
        for m in pattern.finditer(text):
            if _top_level(text, m.start()):
                return m
    return None


_SPLITTERS = re.compile(r"[()\[\]{};\n]")


def _split_elements(body: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    last = 0
    for m in _SPLITTERS.finditer(body):
        ch = m.group()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth:
                depth -= 1
        elif depth == 0:
            parts.append(body[last : m.start()])
            last = m.end()
    parts.append(body[last:])
    out = []
    for part in parts:
        s = part.strip().rstrip(".,;:").strip()
        s = re.sub(r"^(?:and|or)\b\s*", "", s, flags=re.IGNORECASE)
        s = re.sub(r"[,;]?\s+(?:and|or)$", "", s, flags=re.IGNORECASE).strip()
        if s:
            out.append(s)
    return out


_CRM = re.compile(
    r"""\b(?:(?:non-?\s?transitory|tangible)\b|(?:computer|machine|processor|computer-|machine-)\s*-?\s*(?:readable|usable|accessible)
        |(?:storage|recording|memory|program|data)\s+(?:medium|media|device|devices)\b|\bmedium\b|\bmedia\b
        |(?:computer\s+)?program\s+product|memory\s+(?:storing|having\s+stored|comprising\s+instructions|that\s+stores)
        |software\s+product)""",
    re.IGNORECASE | re.VERBOSE,
)
_METHOD = re.compile(
    r"""\b(?:method|process)\b(?!\s*(?:chamber|unit|module|tool|cartridge|vessel|gas|liquid|fluid|apparatus|device|
        system|station|controller|circuit|line|kit|engine|equipment|sheet|cup|container|water|-))|\buse\s+of\b""",
    re.IGNORECASE | re.VERBOSE,
)
_COMPOSITION = re.compile(
    r"""\b(?:composition|compound|formulation|alloy|pharmaceutical|mixture|emulsion|polymer|copolymer|resin|
        salt|antibody|antibodies|polypeptide|peptide|protein|nucleic\s+acid|oligonucleotide|vaccine|medicament|
        solution|suspension|dispersion|blend|slurry|ink|paint|adhesive\s+composition|cell\s+line|strain|
        crystalline\s+form|crystal|powder|granule|tablet|capsule|preparation|food|feed|fertilizer|catalyst)s?\b""",
    re.IGNORECASE | re.VERBOSE,
)
_APPARATUS = re.compile(
    r"""\b(?:system|device|apparatus|machine|article|assembly|circuit|equipment|arrangement|structure|unit|
        module|tool|instrument|vehicle|kit|network|server|computer|terminal|mechanism|sensor|controller)s?\b""",
    re.IGNORECASE | re.VERBOSE,
)


def _classify(words: str) -> Category | None:
    """Category from the subject of a preamble: the earliest category word wins."""
    best: tuple[int, Category] | None = None
    for pattern, cat in (
        (_CRM, Category.CRM),
        (_METHOD, Category.METHOD),
        (_COMPOSITION, Category.COMPOSITION),
        (_APPARATUS, Category.APPARATUS),
    ):
        m = pattern.search(words)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), cat)
    if best is None:
        return None
    # "memory storing instructions" as the subject; a "system comprising a memory" stays apparatus
    return best[1]


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


def claim_paragraphs(document: DocumentText, sections: Sections) -> list[int]:
    """Indices of the paragraphs of the claims section(s)."""
    return sections.paragraphs(SectionKind.CLAIMS)


def parse_claims(document: DocumentText, sections: Sections) -> ClaimSet:
    """Parse the claims section(s) of `document` into a `ClaimSet`."""
    return _parse_paragraphs(document, claim_paragraphs(document, sections))


def parse_claims_text(text: str) -> ClaimSet:
    """Parse plain claims text (one claim per "N." line; element lines continue the claim)."""
    document = DocumentText.from_text(text)
    sections = Sections([Section(SectionKind.CLAIMS, None, 0, len(document.paragraphs))])
    return parse_claims(document, sections)


def _parse_paragraphs(document: DocumentText, indices: list[int]) -> ClaimSet:
    claims: list[Claim] = []
    current: tuple[_Start, int, list[tuple[int, int, int]]] | None = None

    def finish() -> None:
        if current is not None:
            claims.append(_build(document, *current))

    for i in indices:
        p = document.paragraphs[i]
        start = _claim_start(p)
        if start is not None and start.lower and current is None:
            start = None
        if start is not None and current is not None and not p.numbering_prefix:
            prev = current[0]
            expected = (prev.number_end or prev.number) + 1
            last_i, last_s, last_e = current[2][-1]
            open_list = (
                document.paragraphs[last_i]
                .text[last_s:last_e]
                .rstrip()
                .endswith((":", ";", "; and", "; or", ","))
            )
            # numbered items inside a claim ("1) Constructing ...;") do not start a new claim
            if (
                (start.punct == ")" and (start.number != expected or open_list))
                or (start.number != expected and open_list and start.status is None)
                or (start.lower and (start.number != expected or open_list))
            ):
                start = None
        if start is not None:
            finish()
            s = start.content_start
            e = max(s, len(p.text.rstrip()))
            current = (start, i, [(i, s, e)])
        elif current is not None:
            text = p.text
            s = len(text) - len(text.lstrip())
            e = len(text.rstrip())
            if e > s:
                current[2].append((i, s, e))
        # paragraphs before the first numbered claim (e.g. a heading inside the section) are skipped
    finish()
    _resolve(claims)
    return ClaimSet(claims)


def _build(document: DocumentText, start: _Start, para: int, parts: list[tuple[int, int, int]]) -> Claim:
    pieces: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for k, (pi, s, e) in enumerate(parts):
        if k:
            pieces.append("\n")
            pos += 1
        if e > s or k == 0:
            segments.append(Segment(claim_start=pos, paragraph=pi, para_start=s, length=e - s))
        pieces.append(document.paragraphs[pi].text[s:e])
        pos += e - s
    return Claim(
        number=start.number,
        text="".join(pieces),
        segments=segments,
        status=start.status,
        number_end=start.number_end,
        number_location=Location(para, *start.number_span),
    )


def _resolve(claims: list[Claim]) -> None:
    """Dependencies, transition, elements and category (parents first, for inheritance)."""
    by_number: dict[int, Claim] = {}
    for claim in claims:
        _analyse(claim, by_number)
        by_number.setdefault(claim.number, claim)


def _analyse(claim: Claim, earlier: dict[int, Claim]) -> None:
    text = claim.text
    if claim.canceled or not text.strip() or (claim.status or "").startswith("not entered"):
        claim.category = Category.UNKNOWN
        return
    refs = _find_refs(text, claim.number)
    preamble_end = len(text)
    dependent = False
    if refs:
        first = refs[0]
        # A dependency stated in the preamble ("The method of claim 1, wherein ...") makes a
        # dependent claim; a reference further on ("a kit comprising the composition of claim 3")
        # also counts for the USPTO markup, but the claim keeps its own preamble.
        strong = _STRONG.search(text)
        dependent = strong is None or first.start < strong.start() or not _top_level(text, first.start)
        numbers: list[int] = []
        for r in refs:
            for n in r.numbers:
                if n not in numbers:
                    numbers.append(n)
        claim.depends_on = sorted(numbers)
        claim.references = list(dict.fromkeys(n for r in refs for n in r.written))
        claim.dependency_text = text[first.start : first.end]
        claim.dependency_span = (first.start, first.end)
        extra = set(claim.depends_on) - set(first.numbers)
        if len(claim.depends_on) == 1:
            claim.dependency_form = DependencyForm.SINGLE
        elif extra:  # "the device of claim 1 and the method of claim 5": both are incorporated
            claim.dependency_form = DependencyForm.CUMULATIVE
        elif first.alternative:
            claim.dependency_form = DependencyForm.ALTERNATIVE
        else:
            claim.dependency_form = DependencyForm.CUMULATIVE
        if dependent:
            preamble_end = first.start
    tm = _find_transition(
        text, dependent, claim.dependency_span[1] if dependent and claim.dependency_span else 0
    )
    if tm is not None:
        word = re.sub(r"\s+", " ", tm.group())
        claim.transition = word
        if not dependent:
            preamble_end = tm.start()
        body = tm.end()
        while body < len(text) and text[body] in " \t:,\n":
            body += 1
        claim.body_start = body
        claim.preamble = text[: tm.start()].rstrip(" ,:\n")
    else:
        claim.preamble = text[:preamble_end].rstrip(" ,:\n")
        claim.body_start = 0 if not dependent else (claim.dependency_span[1] if claim.dependency_span else 0)
        while claim.body_start < len(text) and text[claim.body_start] in " \t:,\n":
            claim.body_start += 1
    claim.elements = _split_elements(text[claim.body_start :]) if claim.transition else []
    # category: the claim's own subject words first, else the parent's
    own = text[: claim.dependency_span[0]] if dependent and claim.dependency_span else claim.preamble
    category = _classify(own)
    if category is None or (dependent and category == Category.APPARATUS and not _APPARATUS.search(own[:80])):
        parent = next((earlier[n] for n in claim.depends_on if n in earlier), None)
        if dependent and parent is not None and parent.category != Category.UNKNOWN:
            category = parent.category
    claim.category = category or Category.APPARATUS
