"""Formal claim checks: numbering (CN), dependency (CD), multiple dependency (MD), form (CF), fees (FE).

Everything here works on the `ClaimSet` the claims parser produces (no spaCy parse is needed).
Canceled claims keep their numbers (they count for numbering and as targets of references) but
are otherwise skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from backend.nlp.document import Location
from backend.nlp.rules.base import Authority, CheckContext, Hit, Severity, rule
from backend.nlp.structure import Category, Claim, ClaimSet, DependencyForm

_MPEP_608 = "https://www.uspto.gov/web/offices/pac/mpep/s608.html"
_MPEP_2173 = "https://www.uspto.gov/web/offices/pac/mpep/s2173.html"
_CFR_175 = "https://www.ecfr.gov/current/title-37/chapter-I/subchapter-A/part-1/subpart-B/subject-group-ECFR0ba4a2b4a7e8b3b/section-1.75"
_CFR_1126 = "https://www.ecfr.gov/current/title-37/chapter-I/subchapter-A/part-1/subpart-B/subject-group-ECFR0ba4a2b4a7e8b3b/section-1.126"

# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _active(ctx: CheckContext) -> list[Claim]:
    """Claims that are checked: not canceled, with some text."""
    return [c for c in ctx.claims if not c.canceled and c.text.strip()]


def _number_location(claim: Claim) -> Location | None:
    """The claim number; failing that, the first word of the claim."""
    if claim.number_location is not None:
        return claim.number_location
    m = re.search(r"\S+", claim.text)
    return claim.locate(m.start(), m.end()) if m else claim.locate(0, 0)


def _loc(claim: Claim, start: int, end: int) -> Location | None:
    return claim.locate(start, end) or _number_location(claim)


def _q(text: str) -> str:
    return '"' + re.sub(r"\s+", " ", text.strip()) + '"'


def _numbers_in_claims(claims: ClaimSet) -> dict[int, Claim]:
    """Every number a claim occupies (a canceled range "2-5." occupies 2..5) -> the first claim."""
    out: dict[int, Claim] = {}
    for c in claims:
        last = c.number_end if c.number_end and c.number_end >= c.number else c.number
        for n in range(c.number, last + 1):
            out.setdefault(n, c)
    return out


_CLAIM_REF = re.compile(
    r"""\b(?:claims?|clms?\.?|cl\.)\s*(?:no\.?\s*|nos\.?\s*)?
        (?:\d{1,4}|[lI](?!\w))(?:\s*(?:,\s*(?:and/or|or|and)?|and/or|or|and|to|through|thru|[-\u2010-\u2014\u2212])\s*
        (?:(?:any\s+(?:one\s+)?of\s+)?claims?\s*)?(?:\d{1,4}|[lI](?!\w)))*""",
    re.IGNORECASE | re.VERBOSE,
)
_PRECEDING = re.compile(
    r"\b(?:(?:any|each|all|either)\s+(?:one\s+)?(?:or\s+more\s+)?(?:of\s+)?(?:the\s+)?|one\s+of\s+the\s+|the\s+)?"
    r"(?:preceding|previous|foregoing|above|prior|aforementioned|aforesaid)\s+claims?\b",
    re.IGNORECASE,
)


def _ref_span(claim: Claim, parent: int) -> tuple[int, int]:
    """Offsets in `claim.text` of the words that refer to claim `parent`: "claim 3" for a single
    reference, the number alone inside a list ("claims 1, 3 or 5"), the whole reference for a
    range or "any preceding claim"; the stated dependency (or the claim number) as a fallback."""
    text = claim.text
    for m in _CLAIM_REF.finditer(text):
        for n in re.finditer(r"\d{1,4}|(?<![A-Za-z])[lI](?![A-Za-z])", m.group()):
            value = 1 if n.group() in ("l", "I") else int(n.group())
            if value == parent:
                single = len(re.findall(r"\d{1,4}|(?<![A-Za-z])[lI](?![A-Za-z])", m.group())) == 1
                return (m.start(), m.end()) if single else (m.start() + n.start(), m.start() + n.end())
    for m in list(_CLAIM_REF.finditer(text)) + list(_PRECEDING.finditer(text)):
        return m.start(), m.end()
    if claim.dependency_span:
        return claim.dependency_span
    return 0, 0


def _ref_location(claim: Claim, parent: int) -> Location | None:
    start, end = _ref_span(claim, parent)
    if end <= start:
        return _number_location(claim)
    return _loc(claim, start, end)


def _dependency_words(claim: Claim) -> tuple[int, int] | None:
    """The stated dependency without its lead-in: "claims 1 and 2" of "according to claims 1 and 2"."""
    if not claim.dependency_span:
        return None
    s, e = claim.dependency_span
    m = re.search(r"\b(?:claims?|clms?|cl\.)", claim.text[s:e], re.IGNORECASE) or _PRECEDING.search(
        claim.text[s:e]
    )
    return (s + m.start(), e) if m else (s, e)


# ---- subjects and statutory categories ------------------------------------------------------

_CONNECTOR_TAIL = re.compile(
    r"""[\s,]*(?:\b(?:(?:as\s+)?(?:claimed|defined|recited|set\s+forth|described|specified|stated|presented|
        disclosed)\s+in|according\s+to|in\s+accordance\s+with|as\s+in|of|in|by|per|under|pursuant\s+to|as|to))?
        [\s,]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_CUT = re.compile(
    r"""[,;:(\n]|\s(?:for|of|to|in|on|at|by|with|from|into|onto|that|which|wherein|whereby|where|according|as|
        comprising|comprises|including|includes|having|has|containing|contains|consisting|storing|stored|encoded|
        configured|adapted|arranged|operable|used|usable|useful|made|formed|produced|obtained|obtainable|prepared|
        manufactured|carried|performed|executed|executable|embodied|being|is|are|and|or|using|capable)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_ARTICLE = re.compile(r"^(?:the|a|an|said|one\s+or\s+more|at\s+least\s+one)\s+", re.IGNORECASE)
_SAME_SUBJECT_OK = {"combination", "improvement", "invention", "matter", "one", "same", "embodiment"}

_METHOD_HEADS = {"method", "process", "procedure", "use"}
_CRM_PHRASE = re.compile(
    r"\b(?:program|software)\s+product\b|\b(?:readable|storage|recording|memory)\s+(?:medium|media|mediums)\b",
    re.IGNORECASE,
)
"""Only qualified media: a "growth medium" or "culture media" is a composition, not a CRM."""
_APPARATUS_HEADS = {
    "system",
    "apparatus",
    "device",
    "machine",
    "assembly",
    "circuit",
    "circuitry",
    "equipment",
    "arrangement",
    "unit",
    "module",
    "tool",
    "instrument",
    "vehicle",
    "mechanism",
    "sensor",
    "controller",
    "engine",
    "motor",
    "robot",
    "computer",
    "server",
    "terminal",
    "processor",
    "appliance",
    "installation",
}
_COMPOSITION_HEADS = {
    "composition",
    "compound",
    "formulation",
    "alloy",
    "mixture",
    "emulsion",
    "polymer",
    "copolymer",
    "resin",
    "antibody",
    "polypeptide",
    "peptide",
    "protein",
    "vaccine",
    "medicament",
    "suspension",
    "dispersion",
    "slurry",
    "tablet",
    "capsule",
}


def _singular(word: str) -> str:
    w = word.lower().strip("-'\"")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def _head(phrase: str) -> str:
    words = re.findall(r"[A-Za-z][\w\-/]*", phrase)
    return _singular(words[-1]) if words else ""


def _category_of(phrase: str, head: str) -> Category | None:
    if _CRM_PHRASE.search(phrase):
        return Category.CRM
    if head in _METHOD_HEADS:
        return Category.METHOD
    if head in _APPARATUS_HEADS:
        return Category.APPARATUS
    if head in _COMPOSITION_HEADS:
        return Category.COMPOSITION
    return None


class _Subject:
    """The subject a claim states for itself ("The method" of "The method of claim 1, wherein")."""

    __slots__ = ("category", "end", "head", "near", "phrase", "simple", "start")

    def __init__(self, start: int, end: int, phrase: str, simple: bool, near: str) -> None:
        self.start, self.end, self.phrase = start, end, phrase
        self.head = _head(phrase)
        self.category = _category_of(phrase, self.head)
        self.simple = simple
        """Nothing but the subject stands before the dependency ("The method of claim 1")."""
        self.near = near
        """The noun right before the dependency ("device" in "A method of using the device of claim 1")."""


_CLAUSE = re.compile(
    r"\b(?:that|which|wherein|whereby|comprising|comprises|comprise|including|includes|having|has|containing|"
    r"contains|consisting|storing|stores|stored|encoded|configured|adapted|operable|programmed|cause|causes)\b",
    re.IGNORECASE,
)


def _stated_dependency(claim: Claim) -> bool:
    """The claim states its dependency up front, before any clause ("The method of claim 1, wherein",
    "A method of using the device of claim 1, comprising"), not in its body ("A kit comprising the
    composition of claim 3", "A medium storing instructions to perform the method of claim 1")."""
    if not claim.depends_on or not claim.dependency_span:
        return False
    before = claim.text[: claim.dependency_span[0]]
    return len(before.split()) <= 16 and not _CLAUSE.search(before)


_INTRO = re.compile(r"(?:in|within|for\s+use\s+(?:in|with)|at|on)\s", re.IGNORECASE)


def _subject(claim: Claim) -> _Subject | None:
    text = claim.text
    if _stated_dependency(claim):
        before = text[: claim.dependency_span[0]]
        before = before[: len(before) - len(_CONNECTOR_TAIL.search(before).group())]
        before = re.sub(r"\s+claim\s*$", "", before, flags=re.IGNORECASE)  # "The tape claim of claim 5"
        lead = len(before) - len(before.lstrip())
    else:
        before = claim.preamble or text[: claim.body_start]
        lead = len(before) - len(before.lstrip())
        if _INTRO.match(before, lead):  # "In an apparatus having ..., a method of ..."
            m = re.search(r",\s+(?=(?:an?|the|one\s+or\s+more)\s)", before[lead:], re.IGNORECASE)
            if m is None:
                return None
            lead += m.end()
    cut = _CUT.search(before, lead)
    end = cut.start() if cut else len(before)
    phrase = before[lead:end].rstrip()
    if not phrase or len(phrase.split()) > 8:
        return None
    simple = end >= len(before.rstrip())
    near = _head(before)
    return _Subject(lead, lead + len(phrase), phrase, simple, near)


def _stated_parents(claim: Claim) -> list[int]:
    """The parents named by the claim's first reference (its stated dependency), in written order;
    further references in the body ("wherein the composition of claim 1 ...") are not included."""
    text = claim.dependency_text
    if not claim.depends_on or not text:
        return list(claim.depends_on)
    if _PRECEDING.search(text):
        return list(claim.depends_on)
    out: list[int] = []
    prev: int | None = None
    for m in re.finditer(
        r"(\d{1,4}|(?<![A-Za-z])[lI](?![A-Za-z]))|(\bto\b|through|thru|[-\u2010-\u2014\u2212])", text
    ):
        if m.group(1):
            n = 1 if m.group(1) in ("l", "I") else int(m.group(1))
            if prev is not None and prev < n <= prev + 500:
                out.extend(range(prev + 1, n + 1))
            else:
                out.append(n)
            prev = None
        elif out:
            prev = out[-1]
    stated = [n for n in dict.fromkeys(out) if n in claim.depends_on]
    return stated or list(claim.depends_on)


def _ancestors(claims: ClaimSet, numbers: list[int]) -> set[int]:
    """Every claim `numbers` depend on, directly or not (through any reference)."""
    out: set[int] = set()
    stack = list(numbers)
    while stack:
        c = claims.get(stack.pop())
        if c is None:
            continue
        for p in c.depends_on:
            if p not in out:
                out.add(p)
                stack.append(p)
    return out


def _effective_parents(claims: ClaimSet, claim: Claim) -> list[int]:
    """The stated parents, plus any claim referred to further on that is not already an ancestor
    of a stated parent ("The material of claim 13, wherein the composition of claim 1 ..." where
    claim 13 rests on claim 1 has the single parent 13)."""
    stated = _stated_parents(claim)
    extra = [n for n in claim.depends_on if n not in stated]
    if not extra:
        return stated
    known = _ancestors(claims, stated)
    return stated + [n for n in extra if n not in known]


def _names_new_subject(claim: Claim) -> bool:
    """A claim that names its own subject and refers to another claim's ("A method of making the
    device of claim 12", "A peptide binding the polypeptide of claim 7"): its category is its own."""
    subject = _subject(claim)
    return subject is not None and not subject.simple and subject.near != subject.head


def _first_chain(claims: ClaimSet, claim: Claim) -> list[Claim]:
    """`claim` and its (first stated) parent, the parent's parent, ... up to a claim that does not
    state a dependency (linear: `ClaimSet.ancestors` enumerates every branch, exponential for
    "any preceding claim")."""
    chain = [claim]
    seen = {claim.number}
    c = claim
    while _stated_dependency(c) and not _names_new_subject(c):
        parent = claims.get(_stated_parents(c)[0])
        if parent is None or parent.number in seen:
            break
        chain.append(parent)
        seen.add(parent.number)
        c = parent
    return chain


def _multiple_basis(claims: ClaimSet, start: int) -> int | None:
    """The first multiple dependent claim found at `start` or above it (depth first), or None."""
    stack, seen = [start], set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        c = claims.get(n)
        if c is None or c.canceled:
            continue
        if _multiple(claims, c):
            return n
        stack.extend(reversed(_effective_parents(claims, c)))
    return None


def _subject_words(claims: ClaimSet, claim: Claim) -> tuple[set[str], Category | None]:
    """Words (singular) a dependent claim may name as its subject, and the statutory category of
    the claim's independent root: the subject regions of `claim` and of its whole first chain."""
    words: set[str] = set()
    category: Category | None = None
    chain = _first_chain(claims, claim)
    for c in chain:
        if _stated_dependency(c):
            region = c.text[: c.dependency_span[0]]
        else:
            region = c.preamble if c.preamble else " ".join(c.text.split()[:30])
        words |= {_singular(w) for w in re.findall(r"[A-Za-z][\w\-/]*", region)}
        words |= {_singular(p) for w in re.findall(r"[A-Za-z][\w\-/]*", region) for p in w.split("-")}
        if c is chain[-1]:  # the root: an independent claim, or one naming a new subject
            subject = _subject(c)
            if subject is not None and subject.category is not None:
                category = subject.category
            elif c.category == Category.METHOD and not _stated_dependency(c):
                category = c.category
            else:
                category = None
    return words, category


def _dependent_subjects(ctx: CheckContext) -> list[tuple[Claim, Claim, _Subject, set[str], Category | None]]:
    """(claim, parent, own subject, parent's subject words, parent's category) for every active
    claim that states a dependency on an existing, earlier, not canceled claim."""

    def compute():
        out = []
        known: dict[int, tuple[set[str], Category | None]] = {}
        for c in _active(ctx):
            if not _stated_dependency(c):
                continue
            parent = ctx.claims.get(_stated_parents(c)[0])
            if parent is None or parent.canceled or parent.number >= c.number:
                continue
            subject = _subject(c)
            if subject is None:
                continue
            if parent.number not in known:
                known[parent.number] = _subject_words(ctx.claims, parent)
            words, category = known[parent.number]
            out.append((c, parent, subject, words, category))
        return out

    return ctx.memo("claim_checks.dependent_subjects", compute)


def _is_reference_claim(subject: _Subject, parent_words: set[str]) -> bool:
    """ "A method of using the device of claim 1": a new subject that refers to the parent's subject."""
    return not subject.simple and subject.near in parent_words and subject.near != subject.head


# --------------------------------------------------------------------------------------------
# claim_numbering (CN)
# --------------------------------------------------------------------------------------------


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 8] -> "3 to 5, 8"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start} to {prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _numbering(ctx: CheckContext) -> list[tuple[str, Claim, str]]:
    def compute():
        out: list[tuple[str, Claim, str]] = []
        seen: dict[int, Claim] = {}
        present = set(_numbers_in_claims(ctx.claims))
        expected = 1
        highest = 0
        for i, c in enumerate(ctx.claims):
            last = c.number_end if c.number_end and c.number_end >= c.number else c.number
            numbers = range(c.number, last + 1)
            shown = f"{c.number}-{last}" if last != c.number else str(c.number)
            dup = next((n for n in numbers if n in seen), None)
            if dup is not None:
                message = f'Claim number "{dup}" is used twice (claims are numbered {shown} here and earlier)'
                out.append(("CN002", c, message))
            elif i == 0 and c.number != 1:
                out.append(("CN001", c, f'Claims start at "{shown}" instead of 1'))
            elif c.number < expected:
                out.append(("CN001", c, f'Claim "{shown}" is out of order: it follows claim {highest}'))
            elif c.number > expected and i > 0:
                # numbers that appear later (out of order) are reported there, as CN001
                gone = [n for n in range(expected, c.number) if n not in present]
                if gone:
                    missing = _ranges(gone)
                    plural = "s" if len(gone) > 1 else ""
                    message = (
                        f'Claim "{shown}" follows claim {highest}: claim number{plural} {missing} missing'
                    )
                    out.append(("CN003", c, message))
            for n in numbers:
                seen.setdefault(n, c)
            highest = max(highest, last)
            expected = highest + 1
        return out

    return ctx.memo("claim_checks.numbering", compute)


def _numbering_hits(ctx: CheckContext, code: str) -> Iterator[Hit]:
    for c_code, claim, message in _numbering(ctx):
        if c_code == code:
            loc = _number_location(claim)
            if loc is not None:
                yield Hit(message, loc, claim=claim.number)


@rule(
    code="CN001",
    name="claims-not-consecutive",
    category="claim_numbering",
    severity=Severity.ERROR,
    summary="Claims are not numbered consecutively from 1",
    authority=Authority("37 CFR 1.126; MPEP 608.01(j)", _MPEP_608),
    fix_title="Renumber the claims consecutively",
)
def claims_not_consecutive(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim set that does not start at claim 1, and a claim whose number is lower than the
    number of the claim before it.

    Why it matters
    37 CFR 1.126 requires the original claims to be numbered consecutively in Arabic numerals
    starting with 1. Canceled claims keep their numbers and do not break the sequence.

    Example
    "2. A widget ..." as the first claim; "4. ..." placed after "5. ...".

    Fix
    Renumber the claims consecutively from 1 (and update the dependency references).
    """
    yield from _numbering_hits(ctx, "CN001")


@rule(
    code="CN002",
    name="duplicate-claim-number",
    category="claim_numbering",
    severity=Severity.ERROR,
    summary="Two claims carry the same number",
    authority=Authority("37 CFR 1.126; MPEP 608.01(j)", _MPEP_608),
    fix_title="Give every claim its own number",
)
def duplicate_claim_number(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim whose number (or a number of its canceled range) was already used by an earlier
    claim.

    Why it matters
    Each claim must have its own number (37 CFR 1.126); a duplicate makes every reference to that
    number ambiguous.

    Example
    "1. A widget ...", "2. The widget of claim 1 ...", "2. The widget of claim 1 ...".

    Fix
    Renumber the second claim and the claims after it, and update the dependency references.
    """
    yield from _numbering_hits(ctx, "CN002")


@rule(
    code="CN003",
    name="missing-claim-number",
    category="claim_numbering",
    severity=Severity.ERROR,
    summary="A claim number is missing from the sequence",
    authority=Authority("37 CFR 1.126; MPEP 608.01(j)", _MPEP_608),
    fix_title="Close the gap in the numbering",
)
def missing_claim_number(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim whose number skips one or more numbers after the previous claim (a canceled
    claim, e.g. "3. (Canceled)" or "3-5. (Canceled)", keeps its number and is not a gap).

    Why it matters
    37 CFR 1.126 requires consecutive numbering; a gap usually means a claim was lost or the list
    numbering restarted.

    Example
    "1. ...", "2. ...", "4. ..." (claim 3 missing).

    Fix
    Renumber the claims, or list the missing claim as "(Canceled)" if it was canceled.
    """
    yield from _numbering_hits(ctx, "CN003")


# --------------------------------------------------------------------------------------------
# claim_dependency (CD)
# --------------------------------------------------------------------------------------------


def _dependency_problems(ctx: CheckContext) -> list[tuple[str, Claim, int, str]]:
    def compute():
        numbers = _numbers_in_claims(ctx.claims)
        out: list[tuple[str, Claim, int, str]] = []
        for c in _active(ctx):
            for p in c.depends_on:
                target = numbers.get(p)
                if p == c.number:
                    out.append(("CD001", c, p, f"Claim {c.number} depends on itself"))
                elif target is None:
                    out.append(
                        ("CD003", c, p, f"Claim {c.number} depends on claim {p}, which does not exist")
                    )
                elif p > c.number:
                    message = (
                        f"Claim {c.number} depends on a later claim, claim {p}: a dependent claim must refer back "
                        "to a preceding claim"
                    )
                    out.append(("CD002", c, p, message))
                elif target.canceled:
                    out.append(("CD004", c, p, f"Claim {c.number} depends on canceled claim {p}"))
        return out

    return ctx.memo("claim_checks.dependency", compute)


def _dependency_hits(ctx: CheckContext, code: str) -> Iterator[Hit]:
    for c_code, claim, parent, message in _dependency_problems(ctx):
        if c_code != code:
            continue
        start, end = _ref_span(claim, parent)
        loc = _loc(claim, start, end) if end > start else _number_location(claim)
        if loc is not None:
            words = claim.text[start:end] if end > start else str(parent)
            yield Hit(f"{message} ({_q(words)})", loc, claim=claim.number)


@rule(
    code="CD001",
    name="depends-on-itself",
    category="claim_dependency",
    severity=Severity.ERROR,
    summary="A claim depends on itself",
    authority=Authority("37 CFR 1.75(c); MPEP 608.01(n)", _MPEP_608),
    fix_title="Refer to the intended preceding claim",
)
def depends_on_itself(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim that refers to its own number as its parent.

    Why it matters
    A dependent claim must refer back to and further limit another claim (37 CFR 1.75(c)); a
    self-reference leaves the claim without a parent and indefinite.

    Example
    "3. The widget of claim 3, wherein ...".

    Fix
    Refer to the intended preceding claim ("The widget of claim 2").
    """
    yield from _dependency_hits(ctx, "CD001")


@rule(
    code="CD002",
    name="depends-on-later-claim",
    category="claim_dependency",
    severity=Severity.ERROR,
    summary="A claim depends on a claim that comes after it",
    authority=Authority("37 CFR 1.75(c); MPEP 608.01(n)", _MPEP_608),
    fix_title="Refer back to a preceding claim, or reorder the claims",
)
def depends_on_later_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a reference to a claim with a higher number than the referring claim.

    Why it matters
    37 CFR 1.75(c): a dependent claim refers *back* to another claim; a forward reference is
    improper and usually a numbering slip after claims were reordered.

    Example
    "3. The widget of claim 5, wherein ...".

    Fix
    Refer to a preceding claim, or move the claim after its parent and renumber.
    """
    yield from _dependency_hits(ctx, "CD002")


@rule(
    code="CD003",
    name="depends-on-missing-claim",
    category="claim_dependency",
    severity=Severity.ERROR,
    summary="A claim depends on a claim that does not exist",
    authority=Authority("37 CFR 1.75(c); MPEP 608.01(n)", _MPEP_608),
    fix_title="Refer to an existing claim",
)
def depends_on_missing_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a reference to a claim number that no claim in the set carries.

    Why it matters
    The claim has no parent: its scope cannot be determined (35 U.S.C. 112(b), (d)).

    Example
    Claims 1 to 10, and "7. The method of claim 12, wherein ...".

    Fix
    Refer to the intended existing claim.
    """
    yield from _dependency_hits(ctx, "CD003")


@rule(
    code="CD004",
    name="depends-on-canceled-claim",
    category="claim_dependency",
    severity=Severity.ERROR,
    summary="A claim depends on a canceled claim",
    authority=Authority("37 CFR 1.75(c); MPEP 608.01(n)", _MPEP_608),
    fix_title="Refer to a pending claim, or rewrite the claim in independent form",
)
def depends_on_canceled_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a pending claim that refers to a claim marked "(Canceled)" (or inside a canceled range
    such as "2-5. (Canceled)").

    Why it matters
    A claim cannot depend on a canceled claim: it is objected to (MPEP 608.01(n)) and its scope
    is unclear.

    Example
    "1. (Canceled)", "2. (Original) The widget of claim 1, wherein ...".

    Fix
    Make the claim depend on a pending claim, or rewrite it in independent form with the
    limitations of the canceled claim.
    """
    yield from _dependency_hits(ctx, "CD004")


@rule(
    code="CD005",
    name="dependent-category-mismatch",
    category="claim_dependency",
    severity=Severity.WARNING,
    summary="A dependent claim names a statutory category different from its parent's",
    authority=Authority("MPEP 608.01(n)", _MPEP_608),
    fix_title="Name the parent's subject in the dependent claim",
)
def dependent_category_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Compares the subject a dependent claim names for itself ("The system" of "The system of claim
    1") with the statutory category of the independent claim it depends from (process, machine or
    article, composition, computer-readable medium), and flags a mismatch. Claims that define a new
    subject referring to the parent ("A method of using the device of claim 1", "A product made
    by the process of claim 1") are not dependent claims in this sense and are not flagged.

    Why it matters
    A dependent claim must further limit the claim it refers to (35 U.S.C. 112(d)); a system
    claim cannot further limit a method claim. Usually a copy-and-paste slip in a claim set with
    parallel method and system claims.

    Example
    "1. A method of ...", "12. The system of claim 1, wherein ...".

    Fix
    Use the parent's subject ("The method of claim 1") or refer to the intended parent claim.
    """
    for c, parent, subject, words, category in _dependent_subjects(ctx):
        if subject.category is None or category is None or subject.category == category:
            continue
        if _is_reference_claim(subject, words):
            continue
        loc = _loc(c, subject.start, subject.end)
        if loc is not None:
            kind = category.value.replace("_", "-")
            yield Hit(
                f"{_q(subject.phrase)} ({subject.category.value.replace('_', '-')}) depends on claim {parent.number}, "
                f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} claim",
                loc,
                claim=c.number,
            )


# --------------------------------------------------------------------------------------------
# multiple_dependency (MD)
# --------------------------------------------------------------------------------------------

_ALT_WORDS = re.compile(r"\b(?:or|any|either|one\s+of|each)\b|\band/or\b", re.IGNORECASE)


def _multiple(claims: ClaimSet, claim: Claim) -> bool:
    """A multiple dependent claim: more than one effective parent."""
    return len(claim.depends_on) > 1 and len(_effective_parents(claims, claim)) > 1


def _cumulative(claims: ClaimSet, claim: Claim) -> bool:
    if not _multiple(claims, claim):
        return False
    stated = _stated_parents(claim)
    if len(_effective_parents(claims, claim)) > len(stated):
        # a second, separate set of parents ("of claim 5, the tape of claim 1"), unless the sets
        # are alternatives ("an antibody of claim 55 or an immunocytokine of claim 56")
        refs = list(_CLAIM_REF.finditer(claim.text))
        gaps = [claim.text[a.end() : b.start()] for a, b in pairwise(refs)]
        return not gaps or not all(re.search(r"\bor\b", g) and not re.search(r"\band\b", g) for g in gaps)
    if claim.dependency_form == DependencyForm.ALTERNATIVE or _ALT_WORDS.search(claim.dependency_text):
        return False
    return len(stated) > 1


@rule(
    code="MD001",
    name="cumulative-multiple-dependency",
    category="multiple_dependency",
    severity=Severity.ERROR,
    summary="A multiple dependent claim does not refer to its parents in the alternative",
    authority=Authority("37 CFR 1.75(c); MPEP 608.01(n)", _MPEP_608),
    fix_title='Refer in the alternative ("claim 1 or 2")',
)
def cumulative_multiple_dependency(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim that refers to more than one claim cumulatively ("claims 1 and 2"), or to two
    separate sets of claims ("as in claim 1, made by the process of claim 5").

    Why it matters
    35 U.S.C. 112(e) and 37 CFR 1.75(c) allow a multiple dependent claim only in the alternative
    ("claim 1 or 2", "any one of claims 1 to 3"), and to only one set of claims.

    Example
    "4. The apparatus of claims 1 and 2, wherein ...".

    Fix
    "The apparatus of claim 1 or 2, wherein ..." (or split into single dependent claims).
    """
    for c in _active(ctx):
        if not _cumulative(ctx.claims, c):
            continue
        span = _dependency_words(c)
        if span is None:
            continue
        loc = _loc(c, *span)
        if loc is not None:
            words = c.text[span[0] : span[1]]
            numbers = ", ".join(map(str, _effective_parents(ctx.claims, c)))
            yield Hit(
                f"Claim {c.number} refers to claims {numbers} cumulatively ({_q(words)}): a multiple dependent "
                "claim must refer to its parents in the alternative",
                loc,
                claim=c.number,
                suggestion=re.sub(r"\band\b", "or", words) if re.search(r"\band\b", words) else None,
            )


@rule(
    code="MD002",
    name="multiple-on-multiple-dependency",
    category="multiple_dependency",
    severity=Severity.ERROR,
    summary="A multiple dependent claim serves as a basis for another multiple dependent claim",
    authority=Authority("37 CFR 1.75(c); MPEP 608.01(n)", _MPEP_608),
    jurisdictions=("us",),
    fix_title="Make the claim singly dependent, or remove the multiple dependency of its basis",
)
def multiple_on_multiple_dependency(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a multiple dependent claim that depends, directly or through single dependent claims,
    on another multiple dependent claim (US only: the EPC allows it).

    Why it matters
    37 CFR 1.75(c): "A multiple dependent claim shall not serve as a basis for any other multiple
    dependent claim", directly or indirectly (MPEP 608.01(n)). The examiner objects to the claim
    and does not examine it on the merits.

    Example
    "3. The device of claim 1 or 2, ...", "4. The device of claim 1 or 3, ..." (claim 4 depends on
    multiple dependent claim 3).

    Fix
    Make one of the claims singly dependent, or write out the combinations as separate claims.
    """
    for c in _active(ctx):
        if not _multiple(ctx.claims, c):
            continue
        found: list[tuple[int, int]] = []  # (direct parent, multiple dependent basis)
        for direct in _effective_parents(ctx.claims, c):
            if direct >= c.number:
                continue  # a forward or self reference is CD001/CD002
            basis = _multiple_basis(ctx.claims, direct)
            if basis is not None and basis not in {b for _, b in found}:
                found.append((direct, basis))
        if not found:
            continue
        direct, basis = found[0]
        loc = _ref_location(c, direct)
        if loc is None:
            continue
        bases = [b for _, b in found]
        named = f"claim {bases[0]}" if len(bases) == 1 else "claims " + ", ".join(map(str, bases))
        rests = (
            "itself a multiple dependent claim"
            if direct == basis and len(bases) == 1
            else f"which rests on multiple dependent {named}"
        )
        yield Hit(
            f'Multiple dependent claim {c.number} refers to "claim {direct}", {rests}',
            loc,
            claim=c.number,
        )


# --------------------------------------------------------------------------------------------
# claim_form (CF)
# --------------------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "no",
    "nos",
    "fig",
    "figs",
    "approx",
    "u.s",
    "vs",
    "al",
    "wt",
    "vol",
    "mol",
    "ca",
    "cf",
    "ser",
    "pat",
    "inc",
    "co",
    "corp",
    "ltd",
    "dr",
    "mr",
    "mrs",
    "st",
    "min",
    "max",
    "temp",
    "eq",
    "ex",
    "ref",
    "resp",
    "sp",
    "spp",
    "subsp",
    "var",
    "cv",
    "syn",
    "pp",
    "app",
    "appl",
    "publ",
    "pub",
    "mfg",
    "dept",
    "univ",
    "intl",
    "std",
    "avg",
    "deg",
    "ft",
    "in",
    "lb",
    "lbs",
    "oz",
    "gal",
    "sec",
    "hr",
    "hrs",
    "abs",
    "rev",
    "ver",
    "art",
    "chem",
    "proc",
    "biol",
    "sci",
    "med",
    "nat",
    "acad",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "ph",
    "id",
    "seq",
    "esp",
    "incl",
    "excl",
    "cont",
    "viz",
    "mt",
    "conc",
    "dia",
    "diam",
    "av",
    "mw",
    "mn",
    "tm",
    "reg",
    "gmbh",
    "bzw",
    "ag",
    "sa",
    "nv",
    "bv",
    "kg",
    "jr",
    "sr",
    "v",
    "para",
    "ortho",
    "meta",
    "sol",
    "aq",
    "dil",
    "ed",
    "eds",
    "vols",
    "ch",
    "sect",
    "pg",
    "fl",
    "et",
    "spec",
    "cat",
    "lit",
    "nom",
    "typ",
    "cm",
    "mm",
    "nm",
    "um",
    "ml",
    "wts",
}
_SENTENCE_END = re.compile(r"(?P<word>[^\s(\[]+)\.(?=[\"')\]]?\s+[\"'(]?[A-Z][a-z]{1,}\b)")
_PLACEHOLDER_END = re.compile(r"\[[A-Z][A-Z ]{3,}\]$")
"""A claim that ends with an image or formula placeholder ("[CHEMICAL STRUCTURE]") has no text
period to check."""
_ROMAN = re.compile(r"^[ivxlcdm]{1,5}$", re.IGNORECASE)


def _sentence_ends(text: str) -> Iterator[re.Match]:
    for m in _SENTENCE_END.finditer(text):
        word = m.group("word")
        core = word.strip("\"'([{")
        low = core.lower()
        if low in _ABBREVIATIONS or low.rstrip(".") in _ABBREVIATIONS:
            continue
        if "." in core or len(core) <= 1 or _ROMAN.match(core):
            continue  # "U.S.", "e.g." variants, initials ("E. Coli"), lettered steps ("a. ...")
        if re.fullmatch(r"[A-Z]{1,3}\d*", core) or re.fullmatch(r"\(?[a-zA-Z0-9]{1,2}\)?", core):
            continue  # "Ser. No. 12/345", step labels "(a)."
        if re.fullmatch(r"[\d.,/%-]+", core):
            continue  # "12/345,678. Then" in citations; numbers are not sentence ends we can trust
        yield m


@rule(
    code="CF001",
    name="claim-not-one-sentence",
    category="claim_form",
    severity=Severity.ERROR,
    summary="A claim is not a single sentence ending with a period",
    authority=Authority("MPEP 608.01(m)", _MPEP_608),
    fix_title="Make the claim one sentence ending in one period",
)
def claim_not_one_sentence(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim that does not end with a period, and a period inside a claim that ends a
    sentence (a period followed by a capitalised word). Abbreviations ("e.g.", "i.e.", "etc.",
    "No.", "Fig.", "approx.", "U.S.", "wt.%"), decimals ("1.5"), initials ("E. coli") and lettered
    steps ("a. ...") are not sentence ends.

    Why it matters
    "Each claim begins with a capital letter and ends with a period. Periods may not be used
    elsewhere in the claims except for abbreviations" (MPEP 608.01(m), Fressola v. Manbeck).
    A missing period often means the claim was truncated; a second sentence often means two
    claims ran together.

    Example
    "1. A widget comprising a lever" (no period); "1. A widget comprising a lever. The lever is
    red." (two sentences).

    Fix
    End the claim with a single period; join the sentences or split them into claims.
    """
    for c in _active(ctx):
        text = c.text.rstrip()
        if re.fullmatch(
            r"\s*\(?(?:canceled|cancelled|deleted|withdrawn|reserved)\)?\.?\s*", text, re.IGNORECASE
        ):
            continue
        for m in _sentence_ends(text):
            loc = _loc(c, m.start(), m.end())
            if loc is not None:
                yield Hit(
                    f"Claim {c.number} has a period after {_q(m.group())} that ends a sentence inside the claim",
                    loc,
                    claim=c.number,
                )
        if not text.endswith(".") and not _PLACEHOLDER_END.search(text):
            last = re.search(r"\S+$", text)
            if last is None:
                continue
            loc = _loc(c, last.start(), last.end())
            if loc is not None:
                yield Hit(
                    f"Claim {c.number} does not end with a period after {_q(last.group())}",
                    loc,
                    claim=c.number,
                    suggestion=last.group().rstrip(",;:") + ".",
                )


_FORMULA_CLAIM = re.compile(
    r"\b(?:formula|structure|SEQ\s+ID|sequence|represented\s+by|of\s+the\s+following|plant|variety|cultivar)\b",
    re.IGNORECASE,
)
_ANY_TRANSITION = re.compile(
    r"\b(?:compris\w*|consist\w*|includ\w*|hav\w*|has|contain\w*|characteri[sz]ed|wherein|whereby|in\s+which|"
    r"composed\s+of|formed\s+of|made\s+of|which\s+is|that\s+is|being)\b",
    re.IGNORECASE,
)


@rule(
    code="CF002",
    name="no-transition-phrase",
    category="claim_form",
    severity=Severity.WARNING,
    summary="An independent claim has no transition phrase",
    authority=Authority("MPEP 2111.03", "https://www.uspto.gov/web/offices/pac/mpep/s2111.html"),
    fix_title='Separate preamble and body with a transition ("comprising")',
)
def no_transition_phrase(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags an independent claim with no transitional phrase ("comprising", "consisting of",
    "consisting essentially of", "including", "having", "characterized in that", ...) between its
    preamble and its body. Claims that define a compound by a formula or a sequence, and plant
    claims, are not flagged.

    Why it matters
    The transition fixes the scope of the claim (open, closed or partly closed, MPEP 2111.03);
    without it, it is unclear which words are limitations and whether others are excluded.

    Example
    "1. A widget a housing and a lever attached to the housing."

    Fix
    "1. A widget comprising: a housing; and a lever attached to the housing."
    """
    for c in _active(ctx):
        if c.depends_on or c.transition:
            continue
        if _ANY_TRANSITION.search(c.text) or _FORMULA_CLAIM.search(c.text):
            continue
        words = re.match(r"\s*((?:\S+\s+){0,3}\S+)", c.text)
        if not words:
            continue
        loc = _loc(c, words.start(1), words.end(1))
        if loc is not None:
            yield Hit(
                f"Claim {c.number} ({_q(words.group(1))} ...) has no transition phrase", loc, claim=c.number
            )


_FIGURE_REF = re.compile(
    r"""\b(?:(?:as\s+)?(?:shown|illustrated|depicted|described|set\s+forth)\s+in\s+)?
        (?:FIG(?:URE)?S?\.?|Figs?\.|Figures?|Tables?|TABLES?)\s*\(?\d+[A-Za-z]?\)?(?:\s*(?:,|and|or|to|-)\s*\d+[A-Za-z]?)*
        |\b(?:as\s+)?(?:shown|illustrated|depicted)\s+in\s+the\s+(?:drawings?|figures?|accompanying\s+drawings?)\b""",
    re.VERBOSE,
)


@rule(
    code="CF003",
    name="figure-reference-in-claim",
    category="claim_form",
    severity=Severity.WARNING,
    summary="A claim refers to a figure or a table",
    authority=Authority("MPEP 2173.05(s)", _MPEP_2173),
    fix_title="State the feature in words instead of referring to the drawing",
)
def figure_reference_in_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags references to drawings or tables in a claim: "as shown in FIG. 3", "Table 1",
    "illustrated in the drawings".

    Why it matters
    Claims are to be complete in themselves: incorporation by reference to a figure or table is
    permitted only where there is no practical way to define the invention in words (MPEP
    2173.05(s); EPC Rule 43(6)), e.g. a spectrum or a plotted curve.

    Example
    "1. A bracket having a profile as shown in FIG. 3."

    Fix
    Describe the profile in words, or keep the reference only if it cannot be expressed otherwise.
    """
    for c in _active(ctx):
        for m in _FIGURE_REF.finditer(c.text):
            loc = _loc(c, m.start(), m.end())
            if loc is not None:
                yield Hit(
                    f"Claim {c.number} refers to a drawing or table: {_q(m.group())}", loc, claim=c.number
                )


_UNITS = (
    r"(?:%|°|percent|degrees?|mm|cm|m|km|nm|µm|um|μm|inch(?:es)?|ft|feet|g|mg|kg|µg|ug|l|ml|µl|ul|mol|mmol|"
    r"m[mM]|[µu]M|nM|ppm|ppb|wt|vol|s|sec|seconds?|ms|min|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|"
    r"V|mV|kV|A|mA|W|mW|kW|MW|Hz|kHz|MHz|GHz|Pa|kPa|MPa|GPa|bar|psi|N|Nm|J|kJ|cal|kcal|K|°C|°F|C|F|rpm|dB|"
    # a range or a bound ("pH 5 to 7", "group 1 or 2", "20 or less"), not "a chamber 1 through a cathode 3"
    r"bits?|bytes?|KB|MB|GB|times|fold|x|"
    r"(?:to|or|and|through)(?=\s+(?:about|approximately|around|roughly|substantially|less\s+than|more\s+than)?\s*\d)|"
    r"(?:or|and)\s+(?:less|more|fewer|greater|higher|lower|above|below|over|under)|-)"
)
_REF_SIGN = re.compile(
    rf"""\b(?:a|an|the|said|each|first|second|third|fourth|further|other)\s+
        (?P<noun>(?:(?!(?:of|the|a|an|said|and|or)\s)[a-z][a-z\-]*\s+){{0,3}}?[a-z][a-z\-]{{2,}})\s+
        (?P<sign>\d{{1,4}}[a-z]?'*)
        (?![.,:/]\s?\d|\s*[-\u2010-\u2014]|\s*,\s*\d)
        (?=\s*(?:[,;.:]|\s(?:and|or|which|that|wherein|having|connected|mounted|arranged|disposed|coupled|
        positioned|located|attached|fixed|for|on|in|of|with|being|is|are|extending|comprising|including|
        between|from|into|via|by|has|have|comprises|contains|includes|through|to|at|toward|towards|against|
        along|under|over|within|around|across|above|below|behind|inside|outside|onto|upon|near|adjacent|
        relative|when|where|while|whereby|thereby|such|so|can|may|will|[a-z]+ing|[a-z]+ed)\b))
        (?!\s*(?:{_UNITS})\b)""",
    re.VERBOSE,
)
_NOT_A_NOUN = {
    "claim",
    "claims",
    "formula",
    "formulae",
    "step",
    "steps",
    "group",
    "groups",
    "type",
    "class",
    "grade",
    "example",
    "embodiment",
    "table",
    "figure",
    "seq",
    "number",
    "generation",
    "phase",
    "stage",
    "level",
    "mode",
    "version",
    "series",
    "layer",
    "than",
    "about",
    "approximately",
    "least",
    "most",
    "of",
    "to",
    "from",
    "between",
    "and",
    "or",
    "is",
    "are",
    "be",
    "by",
    "in",
    "with",
    "over",
    "under",
    "above",
    "below",
    "within",
    "for",
    "at",
    "per",
    "equal",
    "equals",
    "exceeding",
    "exceeds",
    "only",
    "each",
    "every",
    "total",
    "range",
    "ratio",
    "value",
    "length",
    "width",
    "height",
    "thickness",
    "diameter",
    "temperature",
    "pressure",
    "time",
    "period",
    "rate",
    "amount",
    "concentration",
    "content",
    "degree",
    "angle",
    "weight",
    "size",
    "volume",
    "frequency",
    "voltage",
    "current",
    "power",
    "speed",
    "distance",
    "depth",
    "factor",
    "count",
    "maximum",
    "minimum",
    "threshold",
    "limit",
    "percentage",
    "proportion",
    "fraction",
    "sequence",
    "position",
    "residue",
    "residues",
    "amino",
    "acid",
    "acids",
    "chromosome",
    "exon",
    "intron",
    "domain",
    "region",
    "loop",
    "helix",
    "strand",
    "cycle",
    "cycles",
    "round",
    "rounds",
    "day",
    "days",
    "week",
    "weeks",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "year",
    "years",
    "month",
    "months",
    "dose",
    "doses",
    "lane",
    "well",
    "wells",
    "row",
    "column",
    "page",
    "line",
    "lines",
    "item",
    "article",
    "section",
    "rule",
    "paragraph",
    "chapter",
    "appendix",
    "nearly",
    "substantially",
    "less",
    "more",
    "greater",
    "lower",
    "higher",
    "up",
    "down",
    "plus",
    "minus",
    "pin",
    "channel",
    "port",
    "slot",
    "bit",
    "bits",
    "byte",
    "bytes",
    "comprises",
    "comprise",
    "contains",
    "contain",
    "includes",
    "include",
    "has",
    "have",
    "having",
    "was",
    "were",
    "being",
    "reaches",
    "exceed",
    "approximates",
    "around",
    "aromatic",
    "non-aromatic",
    "membered",
    "positions",
    "carbon",
    "carbons",
    "atom",
    "atoms",
}


_BRACKETED_SIGN = re.compile(r"\b[a-z]{3,}\s+\(\d{1,4}[a-z]?'*\)")


@rule(
    code="CF004",
    name="reference-sign-not-in-parentheses",
    category="claim_form",
    severity=Severity.WARNING,
    summary="A reference sign in a claim is not placed between parentheses",
    authority=Authority("EPC Rule 43(7)", "https://www.epo.org/en/legal/epc/2020/r43.html"),
    jurisdictions=("ep",),
    fix_title="Put the reference sign between parentheses",
)
def reference_sign_not_in_parentheses(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a reference sign written bare after the feature it denotes ("a lever 12 connected to
    the frame") in an EP claim. Quantities ("a length 5 mm"), claim, formula and step numbers
    are not reference signs.

    Why it matters
    EPC Rule 43(7): reference signs to the drawings "shall be placed in parentheses" in the
    claims, so that they are not read as limiting the claim.

    Example
    "1. A device comprising a lever 12 connected to a frame 14."

    Fix
    "1. A device comprising a lever (12) connected to a frame (14)."
    """
    found: list[tuple[Claim, re.Match, str]] = []
    for c in _active(ctx):
        for m in _REF_SIGN.finditer(c.text):
            noun = m.group("noun").split()[-1].lower()
            if noun in _NOT_A_NOUN or any(w.lower() in _NOT_A_NOUN for w in m.group("noun").split()[:1]):
                continue
            found.append((c, m, noun))
    # Names are not reference signs: "polysorbate 80" alone, or "module 1", "module 2", "module 3".
    signs_of: dict[str, set[str]] = {}
    for _, m, noun in found:
        signs_of.setdefault(noun, set()).add(m.group("sign"))
    bracketed = any(_BRACKETED_SIGN.search(c.text) for c in _active(ctx))
    if not bracketed and len({m.group("sign") for _, m, _ in found}) < 2:
        return  # one bare number in a claim set that uses no reference signs: a name, not a sign
    for c, m, noun in found:
        signs = signs_of[noun]
        if len(signs) > 1 and all(re.fullmatch(r"\d", s) for s in signs):
            continue
        if True:
            loc = _loc(c, m.start("sign"), m.end("sign"))
            if loc is not None:
                sign = m.group("sign")
                yield Hit(
                    f'Reference sign "{sign}" after "{m.group("noun").split()[-1]}" in claim {c.number} is not in '
                    "parentheses",
                    loc,
                    claim=c.number,
                    suggestion=f"({sign})",
                )


@rule(
    code="CF005",
    name="dependent-preamble-mismatch",
    category="claim_form",
    severity=Severity.WARNING,
    summary="A dependent claim's preamble does not match its parent's subject",
    authority=Authority("MPEP 608.01(n)", _MPEP_608),
    fix_title='Repeat the parent\'s subject with "The"',
)
def dependent_preamble_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a dependent claim whose subject is not the subject of the claim it depends on ("The
    apparatus of claim 1" when claim 1 is "A device ..."), and, in the US profile, a dependent
    claim that introduces its subject with "A"/"An" ("A device according to claim 1") instead of
    "The". A change of statutory category is reported by CD005 instead.

    Why it matters
    A dependent claim further limits the subject of its parent; naming another subject leaves
    "the apparatus" without antecedent basis and the scope of the claim unclear (35 U.S.C. 112(b),
    (d)). "A device according to claim 1" reads as a new device and draws objections in US practice.

    Example
    "1. A device comprising ...", "2. The apparatus of claim 1, wherein ...".

    Fix
    "2. The device of claim 1, wherein ...".
    """
    articles: list[tuple[Claim, _Subject, re.Match]] = []
    for c, parent, subject, words, category in _dependent_subjects(ctx):
        if _is_reference_claim(subject, words):
            continue
        if subject.category is not None and category is not None and subject.category != category:
            continue  # CD005
        head = subject.head
        if head and head not in words and head not in _SAME_SUBJECT_OK and not subject.phrase[:1].islower():
            loc = _loc(c, subject.start, subject.end)
            if loc is not None:
                yield Hit(
                    f"{_q(subject.phrase)} in claim {c.number} does not match the subject of claim {parent.number}",
                    loc,
                    claim=c.number,
                )
            continue
        article = re.match(r"(?:A|An)\b", subject.phrase)
        if article and subject.simple and ctx.jurisdiction == "us":
            articles.append((c, subject, article))
    if articles:
        # one finding for the claim set (a house style, usually applied to every dependent claim)
        c, subject, article = articles[0]
        loc = _loc(c, subject.start, subject.start + article.end())
        if loc is not None:
            others = [str(o.number) for o, _, _ in articles[1:]]
            also = ""
            if others:
                listed = ", ".join(others[:8]) + (f" and {len(others) - 8} more" if len(others) > 8 else "")
                also = f"; so do dependent claims {listed}"
            yield Hit(
                f'Dependent claim {c.number} begins with {_q(article.group())} instead of "The" '
                f"({_q(subject.phrase)}){also}",
                loc,
                claim=c.number,
                suggestion="The",
            )


_CRM_SUBJECT = re.compile(
    r"""^\s*(?:(?:a|an|one\s+or\s+more|at\s+least\s+one|the)\s+)?(?:[\w\-]+\s+){0,5}?
        (?:(?:computer|machine|processor|computer-|machine-|processor-)\s*-?\s*(?:readable|usable|accessible)\s+
           (?:[\w\-]+\s+){0,3}?(?:medium|media|mediums)
          |(?:storage|recording|memory)\s+(?:medium|media|mediums)
          |(?:computer\s+)?program\s+product)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_NON_TRANSITORY = re.compile(
    r"\bnon[-\s]?transitory\b|\bnon[-\s]?transient\b|\bnot\s+a\s+transitory\b|\bexcluding\s+(?:transitory|"
    r"propagating|signals)|\bother\s+than\s+a\s+transitory\b|\bnon[-\s]?volatile\b|\bnon[-\s]?signal\b",
    re.IGNORECASE,
)


@rule(
    code="CF006",
    name="crm-not-non-transitory",
    category="claim_form",
    severity=Severity.WARNING,
    summary='A computer-readable medium claim does not say "non-transitory"',
    authority=Authority(
        "MPEP 2106.03; In re Nuijten", "https://www.uspto.gov/web/offices/pac/mpep/s2106.html"
    ),
    jurisdictions=("us",),
    fix_title='Add "non-transitory"',
)
def crm_not_non_transitory(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags an independent claim to a computer-readable (storage, recording) medium or a computer
    program product that does not limit the medium to non-transitory (or non-volatile) media.

    Why it matters
    Under its broadest reasonable interpretation a "computer-readable medium" covers transitory
    propagating signals, which are not patent-eligible (In re Nuijten, 500 F.3d 1346 (Fed. Cir.
    2007); MPEP 2106.03). The USPTO accepts the limitation "non-transitory".

    Example
    "15. A computer-readable medium storing instructions that ...".

    Fix
    "15. A non-transitory computer-readable medium storing instructions that ...".
    """
    for c in _active(ctx):
        if _stated_dependency(c):
            continue
        region = c.preamble if c.preamble else c.text[:200]
        m = _CRM_SUBJECT.search(region)
        if not m or _NON_TRANSITORY.search(c.text):
            continue
        words = re.sub(
            r"^\s*(?:a|an|one\s+or\s+more|at\s+least\s+one|the)\s+", "", m.group(), flags=re.IGNORECASE
        )
        start = m.end() - len(words)
        loc = _loc(c, start, m.end())
        if loc is not None:
            yield Hit(
                f"{_q(words)} in claim {c.number} is not limited to non-transitory media",
                loc,
                claim=c.number,
                suggestion="non-transitory " + words,
            )


_JEPSON = re.compile(
    r"\b(?:wherein\s+|in\s+which\s+)?the\s+improvement\s+(?:which\s+|that\s+)?(?:comprising|comprises|consisting|"
    r"consists|being|characterized|wherein|in\s+which|resides)\b|\bthe\s+improvements?\s+(?:of|in)\s+which\b",
    re.IGNORECASE,
)


@rule(
    code="CF007",
    name="jepson-claim",
    category="claim_form",
    severity=Severity.INFO,
    summary="A claim is in Jepson form",
    authority=Authority("37 CFR 1.75(e); MPEP 2129", "https://www.uspto.gov/web/offices/pac/mpep/s2129.html"),
)
def jepson_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Notes a claim in Jepson form: a preamble describing a known device followed by "wherein the
    improvement comprises" (37 CFR 1.75(e)).

    Why it matters
    The preamble of a Jepson claim is an implied admission that its elements are prior art (MPEP
    2129); make sure that is intended.

    Example
    "1. In a bicycle having a frame, the improvement comprising ...".
    """
    for c in _active(ctx):
        m = _JEPSON.search(c.text)
        if m:
            loc = _loc(c, m.start(), m.end())
            if loc is not None:
                yield Hit(
                    f"Claim {c.number} is in Jepson form ({_q(m.group())}): its preamble is an implied admission "
                    "of prior art",
                    loc,
                    claim=c.number,
                )


_MARKUSH_OPEN = re.compile(
    r"\b(?:selected|chosen)\s+from\s+(?:the|a)\s+group\s+(?P<open>comprising|comprised\s+of|including|"
    r"(?:which|that)\s+(?:comprises|includes)|containing|consisting\s+essentially\s+of)\b",
    re.IGNORECASE,
)


@rule(
    code="CF008",
    name="open-markush-group",
    category="claim_form",
    severity=Severity.WARNING,
    summary='A Markush group is open ("selected from the group comprising")',
    authority=Authority(
        "MPEP 2117; MPEP 2173.05(h)", "https://www.uspto.gov/web/offices/pac/mpep/s2117.html"
    ),
    fix_title='Use "consisting of"',
)
def open_markush_group(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a Markush group introduced with an open transition: "selected from the group
    comprising / including / containing ...".

    Why it matters
    A Markush group is a closed list of alternatives: "selected from the group consisting of A, B
    and C" (MPEP 2117, 2173.05(h)). An open group is indefinite, since it is unclear what other
    members the group may have.

    Example
    "wherein the solvent is selected from the group comprising water, ethanol and acetone".

    Fix
    "selected from the group consisting of water, ethanol and acetone".
    """
    for c in _active(ctx):
        for m in _MARKUSH_OPEN.finditer(c.text):
            loc = _loc(c, m.start("open"), m.end("open"))
            if loc is not None:
                yield Hit(
                    f'Markush group in claim {c.number} is open: {_q(m.group())} should read "consisting of"',
                    loc,
                    claim=c.number,
                    suggestion="consisting of",
                )


_OMNIBUS_TAIL = (
    r"(?:in\s+the\s+(?:specification|description|drawings?|figures?|accompanying\s+drawings?|examples?|embodiments?)"
    r"|with\s+reference\s+to\s+(?:the\s+)?(?:accompanying\s+)?(?:drawings?|figures?|examples?|description))"
)
_OMNIBUS = re.compile(
    rf"""\b(?:substantially\s+)?as\s+(?:herein(?:before|above)?\s+|previously\s+)?
        (?:shown|described|illustrated|depicted|disclosed|set\s+forth)
        (?:\s+(?:and|or)\s+(?:shown|described|illustrated|depicted))?
        (?:\s+herein(?:\s+{_OMNIBUS_TAIL})?|\s+{_OMNIBUS_TAIL})""",
    re.IGNORECASE | re.VERBOSE,
)
_OMNIBUS_SHORT = re.compile(
    r"\bsubstantially\s+as\s+(?:herein(?:before)?\s+)?(?:shown|described|illustrated|set\s+forth)\b"
    r"|\bas\s+(?:shown\s+and\s+described|described\s+and\s+(?:shown|illustrated))\s*\.?\s*$",
    re.IGNORECASE,
)
_PLANT_OR_DESIGN = re.compile(r"\bornamental\s+design\b|\b(?:plant|variety|cultivar)\b", re.IGNORECASE)


@rule(
    code="CF009",
    name="omnibus-claim",
    category="claim_form",
    severity=Severity.ERROR,
    summary="An omnibus claim refers to the description or drawings",
    authority=Authority("MPEP 2173.05(r)", _MPEP_2173),
    fix_title="Claim the features in words",
)
def omnibus_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags an omnibus claim: one that claims the invention "substantially as described", "as
    shown and described", "as described in the specification" or "with reference to the
    drawings". Plant and design claims, which are in this form by rule (37 CFR 1.153, 1.164), are
    not flagged.

    Why it matters
    An omnibus claim is indefinite: it does not point out what the invention is (35 U.S.C.
    112(b), MPEP 2173.05(r)); the EPC also requires the claims not to rely on the description or
    drawings (Rule 43(6)).

    Example
    "10. A widget substantially as described herein with reference to FIG. 1."

    Fix
    Cancel the claim or state the features of the widget.
    """
    for c in _active(ctx):
        if _PLANT_OR_DESIGN.search(c.text[:200]):
            continue
        m = _OMNIBUS.search(c.text) or _OMNIBUS_SHORT.search(c.text)
        if m:
            loc = _loc(c, m.start(), m.end())
            if loc is not None:
                yield Hit(
                    f"Claim {c.number} is an omnibus claim: {_q(m.group().rstrip('.'))}", loc, claim=c.number
                )


_USE_CLAIM = re.compile(r"^\s*(?:the\s+)?use\s+of\b", re.IGNORECASE)


@rule(
    code="CF010",
    name="use-claim",
    category="claim_form",
    severity=Severity.ERROR,
    summary='A "use" claim recites no steps',
    authority=Authority("MPEP 2173.05(q)", _MPEP_2173),
    jurisdictions=("us",),
    fix_title="Rewrite as a method claim with active steps",
)
def use_claim(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a claim that begins "Use of ..." (US profile; EPO practice accepts use claims).

    Why it matters
    A claim to the "use" of a product that sets out no steps is indefinite under 35 U.S.C.
    112(b) and not a proper process claim under 35 U.S.C. 101 (MPEP 2173.05(q)).

    Example
    "10. Use of the composition of claim 1 for treating a burn."

    Fix
    "10. A method of treating a burn, comprising applying the composition of claim 1 to the burn."
    """
    for c in _active(ctx):
        m = _USE_CLAIM.match(c.text)
        if m:
            start = m.end() - len(m.group().lstrip())
            loc = _loc(c, start, m.end())
            if loc is not None:
                yield Hit(
                    f"Claim {c.number} is a use claim ({_q(m.group())} ...) without method steps",
                    loc,
                    claim=c.number,
                )


# --------------------------------------------------------------------------------------------
# fees (FE)
# --------------------------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fee_counts(claims: ClaimSet) -> dict[str, object]:
    """Claim counts for US fee purposes (37 CFR 1.75(c), 1.16; MPEP 607, 608.01(n)): canceled
    claims excluded; a multiple dependent claim counts as the number of claims it refers to, and a
    claim depending from it counts as that same number."""
    active = [c for c in claims.active if c.text.strip()]
    by_number = {c.number: c for c in reversed(active)}
    memo: dict[int, int] = {}

    def weight(c: Claim, seen: frozenset[int] = frozenset()) -> int:
        if c.number in memo:
            return memo[c.number]
        parents = _effective_parents(claims, c) if c.depends_on else []
        if not parents:
            value = 1
        elif len(parents) > 1:
            value = len(parents)
        else:
            parent = by_number.get(parents[0])
            value = (
                1
                if parent is None or parent.number in seen or parent is c
                else weight(parent, seen | {c.number})
            )
        memo[c.number] = value
        return value

    independent = [c for c in active if not c.depends_on]
    multiple = [c for c in active if _multiple(claims, c)]
    total = sum(weight(c) for c in active)
    return {
        "claims": len(active),
        "independent": len(independent),
        "total": total,
        "multiple_dependent": [c.number for c in multiple],
    }


def _first_claim_location(ctx: CheckContext) -> tuple[Claim, Location] | None:
    for c in ctx.claims:
        loc = _number_location(c)
        if loc is not None:
            return c, loc
    return None


@rule(
    code="FE001",
    name="us-excess-claims-fees",
    category="fees",
    severity=Severity.INFO,
    summary="The claims incur US excess-claims or multiple-dependent-claim fees",
    authority=Authority(
        "37 CFR 1.16(h)-(j), 1.75(c); MPEP 607", "https://www.uspto.gov/web/offices/pac/mpep/s607.html"
    ),
    jurisdictions=("us",),
)
def us_excess_claims_fees(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Counts the pending claims for US fee purposes and reports, once, on the first claim number,
    when there are more than 3 independent claims, more than 20 claims in total, or a multiple
    dependent claim. A multiple dependent claim counts as the number of claims it refers to, and
    a claim depending from it as that same number; canceled claims are not counted. Nothing is
    reported when no fee beyond the basic fees is due.

    Why it matters
    Each independent claim over 3 and each claim over 20 incurs an excess-claims fee (37 CFR
    1.16(h), (i)); any multiple dependent claim incurs the multiple dependent claim fee (37 CFR
    1.16(j)).

    Example
    22 claims, 3 independent: "3 independent claims, 22 claims for fee purposes (2 over 20); no
    excess independent claims".
    """
    counts = fee_counts(ctx.claims)
    independent, total, multiple = counts["independent"], counts["total"], counts["multiple_dependent"]
    if independent <= 3 and total <= 20 and not multiple:
        return
    anchor = _first_claim_location(ctx)
    if anchor is None:
        return
    claim, loc = anchor
    parts = [
        f"{independent} independent claim{'s' if independent != 1 else ''}",
        f"{total} claim{'s' if total != 1 else ''} for fee purposes"
        + (f" ({total - 20} over 20)" if total > 20 else " (none over 20)"),
    ]
    message = (
        ", ".join(parts)
        + "; "
        + (
            f"{independent - 3} excess independent claim{'s' if independent - 3 != 1 else ''}"
            if independent > 3
            else "no excess independent claims"
        )
    )
    if multiple:
        message += (
            "; multiple dependent claim fee due (claim"
            + ("s " if len(multiple) > 1 else " ")
            + ", ".join(map(str, multiple))
            + ")"
        )
    yield Hit(message, loc, claim=claim.number)


@rule(
    code="FE002",
    name="ep-claims-fees",
    category="fees",
    severity=Severity.INFO,
    summary="The claims incur EPO claims fees (more than 15 claims)",
    authority=Authority("EPC Rule 45", "https://www.epo.org/en/legal/epc/2020/r45.html"),
    jurisdictions=("ep",),
)
def ep_claims_fees(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Counts the pending claims (each claim once, multiple dependent or not; canceled claims not
    counted) and reports, once, on the first claim number, when there are more than 15 claims.
    Nothing is reported for 15 claims or fewer.

    Why it matters
    EPC Rule 45(1) and Rule 162: a claims fee is due for the 16th and each subsequent claim, and a
    higher fee for the 51st and each subsequent claim (Art. 2(1), item 15 RFees).

    Example
    "53 claims: claims fees for 35 claims (16th to 50th) and the higher fee for 3 claims (51st
    onwards)".
    """
    n = fee_counts(ctx.claims)["claims"]
    if n <= 15:
        return
    anchor = _first_claim_location(ctx)
    if anchor is None:
        return
    claim, loc = anchor
    lower = min(n, 50) - 15
    span = "16th claim" if lower == 1 else f"16th to {_ordinal(min(n, 50))} claims"
    message = f"{n} claims: claims fees for {lower} claim{'s' if lower != 1 else ''} ({span})"
    if n > 50:
        message += f" and the higher fee for {n - 50} claim{'s' if n - 50 != 1 else ''} (51st onwards)"
    yield Hit(message, loc, claim=claim.number)
