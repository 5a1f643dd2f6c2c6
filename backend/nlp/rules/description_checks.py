"""Checks between the claims and the description: claim support (CS), reference numerals (RN) and
figure references (FR).

The description is never parsed with spaCy: it is tokenised with regular expressions (linear in
its length); only the claims are parsed (`ctx.nlp.parse`, cached by text).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from backend.nlp.refnums import (
    CLAIM_PAREN_LABELS,
    NUMERAL_LABELS_DEFAULT,
    FigureMention,
    RefMention,
    Vocabulary,
    claim_numerals,
    figure_covered,
    figure_mentions,
    numbers_in,
    reference_mentions,
    singular,
    stem,
)
from backend.nlp.rules.base import Authority, CheckContext, Hit, Severity, rule
from backend.nlp.structure import Claim, SectionKind

_MPEP_608 = "https://www.uspto.gov/web/offices/pac/mpep/s608.html"
_CFR_184 = Authority("37 CFR 1.84(p)(4), MPEP 608.02", _MPEP_608)
_CFR_174 = Authority("37 CFR 1.74, MPEP 608.01(f)", _MPEP_608)

# --------------------------------------------------------------------------------------------
# Shared analyses (memoised per check)
# --------------------------------------------------------------------------------------------

_NOT_DESCRIPTION = (SectionKind.CLAIMS, SectionKind.ABSTRACT)


def description_paragraphs(ctx: CheckContext) -> list[int]:
    """Indices of the description's content paragraphs: every section except claims and abstract,
    headings excluded; claim paragraphs are excluded even when no claims section was found."""

    def compute() -> list[int]:
        claim_paras = {seg.paragraph for c in ctx.claims for seg in c.segments}
        n = len(ctx.document.paragraphs)
        if not ctx.sections.sections:
            return [i for i in range(n) if i not in claim_paras]
        out: list[int] = []
        for s in ctx.sections.sections:
            if s.kind in _NOT_DESCRIPTION:
                continue
            out.extend(i for i in range(s.start, min(s.end, n)) if i not in claim_paras)
        return sorted(set(out))

    return ctx.memo("description_paragraphs", compute)


def description_vocabulary(ctx: CheckContext) -> Vocabulary:
    """Stems of every description word with their positions (built once per check)."""
    return ctx.memo(
        "description_vocabulary",
        lambda: Vocabulary.build(ctx.paragraph_text(i) for i in description_paragraphs(ctx)),
    )


def _labels(ctx: CheckContext) -> frozenset[str]:
    return ctx.memo(
        "numeral_labels",
        lambda: NUMERAL_LABELS_DEFAULT | {w.lower() for w in ctx.wordlists.get("numeral_labels")},
    )


def _parse(ctx: CheckContext, text: str) -> Any:
    nlp = ctx.nlp
    if nlp is None:
        return None
    if hasattr(nlp, "parse"):
        return nlp.parse(text)
    return nlp(text)


def _claim_hit(claim: Claim, start: int, end: int, message: str, suggestion: str | None = None) -> Hit | None:
    loc = claim.locate(start, end)
    if loc is None:
        return None
    return Hit(message, loc, claim=claim.number, suggestion=suggestion)


# --------------------------------------------------------------------------------------------
# CS001 claim support
# --------------------------------------------------------------------------------------------

_GENERIC_HEADS = frozenset(
    [
        "claim",
        "claims",
        "method",
        "process",
        "step",
        "steps",
        "means",
        "plurality",
        "number",
        "thereof",
        "least",
        "one",
        "ones",
        "group",
        "embodiment",
        "embodiments",
        "invention",
        "combination",
        "amount",
        "set",
        "pair",
        "kind",
        "type",
        "manner",
        "way",
        "form",
        "thing",
        "item",
        "whole",
        "part",
        "total",
        "use",
        "result",
        "respect",
        "order",
        "basis",
        "end",
        "comprising",
        "including",
        "having",
        "wherein",
        "whereby",
        "consisting",
        "said",
        "thereof",
        "therein",
        "thereon",
        "characterized",
    ]
)
_GENERIC_MODIFIERS = frozenset(
    [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "further",
        "additional",
        "other",
        "another",
        "same",
        "said",
        "such",
        "respective",
        "corresponding",
        "certain",
        "given",
        "particular",
        "specific",
        "new",
        "plural",
        "multiple",
        "several",
        "single",
        "various",
        "different",
        "predetermined",
        "preset",
        "determined",
        "selected",
        "specified",
        "desired",
        "least",
        "more",
        "less",
        "most",
        "each",
        "least",
        "many",
        "few",
        "whole",
        "entire",
        "total",
        "main",
        "primary",
        "secondary",
        "tertiary",
        "final",
        "initial",
        "last",
        "next",
        "previous",
        "former",
        "latter",
        "given",
        "associated",
        "respective",
        "adjacent",
        "opposite",
        "individual",
        "separate",
        "common",
        "overall",
        "comprising",
        "including",
        "having",
        "wherein",
        "whereby",
        "consisting",
        "containing",
        "thereof",
        "therein",
        "characterized",
    ]
)
_NOUNISH = ("NN", "NNS", "NNP", "NNPS")
_MODIFIER_TAGS = ("NN", "NNS", "NNP", "NNPS")
"""Only compound nouns are checked as key modifiers ("storage medium", "drive shaft"): descriptive
adjectives ("flat", "tapered", "central") are usually supported by the drawings, not the text."""
_WORDLIKE = re.compile(r"^[A-Za-z][a-z]+$")
"""Plain words only: acronyms, sequences ("GTGTACGC") and symbols are not checked."""


def _claim_terms(
    doc: Any, skip: tuple[int, int] | None, generic: frozenset[str] = frozenset()
) -> Iterator[tuple[int, int, str, str | None]]:
    """(start, end, head, key modifier or None) of the noun phrases a parsed claim introduces with
    "a"/"an" ("a rotatable shaft"): the head noun and the modifier nearest to it (compound noun or
    adjective). Phrases referred back to ("the shaft") were introduced elsewhere; nouns without
    an article are mostly not claim elements ("for purposes of", "in response to")."""
    for tok in doc:
        if tok.tag_ not in _NOUNISH or tok.dep_ == "compound":
            continue
        head = tok.text
        if not _WORDLIKE.match(head) or len(head) < 4:
            continue
        if head.lower().startswith(("there", "where")):
            continue  # "therebetween", "wherein": adverbs the tagger takes for nouns
        lhead = singular(head)
        if lhead in _GENERIC_HEADS or lhead in generic:
            continue
        if skip and skip[0] <= tok.idx < skip[1]:
            continue
        if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.lefts):
            continue
        modifier = None
        start = tok.idx
        for left in reversed(list(tok.lefts)):
            if left.i < tok.i - 3:
                break
            if left.dep_ in ("det", "poss", "nummod", "predet", "case", "punct", "cc"):
                break
            if left.dep_ not in ("compound", "amod", "nmod") or left.tag_ not in _MODIFIER_TAGS:
                continue
            if not _WORDLIKE.match(left.text) or len(left.text) < 3:
                continue
            if left.lower_ in _GENERIC_MODIFIERS or singular(left.text) in generic:
                continue
            if left.i != tok.i - 1 and not all(
                doc[k].dep_ in ("compound", "amod", "nmod", "advmod") and doc[k].tag_ != "HYPH"
                for k in range(left.i + 1, tok.i)
            ):
                continue
            modifier = left.text
            start = left.idx
            break
        yield start, tok.idx + len(head), head, modifier


def _generic_nouns(ctx: CheckContext) -> frozenset[str]:
    return ctx.memo(
        "generic_nouns", lambda: frozenset(singular(w) for w in ctx.wordlists.get("generic_nouns"))
    )


@rule(
    code="CS001",
    name="claim-term-unsupported",
    category="claim_support",
    severity=Severity.WARNING,
    summary="A claim term is never used in the description",
    authority=Authority(
        "37 CFR 1.75(d)(1), MPEP 608.01(o)", "https://www.uspto.gov/web/offices/pac/mpep/s608.html"
    ),
    fix_title="Use the claim term in the description",
    needs_parse=True,
)
def claim_term_unsupported(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds noun phrases of the claims (the head noun and the modifier next to it, e.g. "rotatable
    shaft") whose words the description (every section except the claims and the abstract) never
    uses, allowing for plurals, inflection and other forms of the word ("shafts", "rotation"
    support "rotatable shaft"; "connected" supports "connection"; not for an agent noun:
    "processing" does not support "processor").

    Why it matters
    37 CFR 1.75(d)(1) requires the claim terms to find clear support or antecedent basis in the
    description, so that their meaning can be ascertained by reference to it (MPEP 608.01(o)).
    Examiners object to claim wording the specification does not use, and an unsupported term
    invites a written-description or indefiniteness rejection.

    Example
    Claim 1: "a rotatable shaft", while the description only speaks of "the axle 12": the term
    "rotatable shaft" is reported.

    Fix
    Use the claim term in the description (e.g. "the axle 12, a rotatable shaft, ...") or amend the
    claim to the description's wording.
    """
    paras = description_paragraphs(ctx)
    if not paras or ctx.nlp is None:
        return
    vocab = description_vocabulary(ctx)
    if sum(len(v) for v in vocab.positions.values()) < 50:
        return  # no real description to compare with (the sections rules report that)
    generic = _generic_nouns(ctx)
    seen: set[tuple[str, str]] = set()
    claims = ctx.claims.active
    if hasattr(ctx.nlp, "parse_many"):
        docs = ctx.nlp.parse_many([c.text for c in claims])
    else:
        docs = [_parse(ctx, c.text) for c in claims]
    for claim, doc in zip(claims, docs, strict=True):
        if doc is None:
            return
        for start, end, head, modifier in _claim_terms(doc, claim.dependency_span, generic):
            key = (stem(modifier) if modifier else "", stem(head))
            if key in seen:
                continue
            seen.add(key)
            phrase = claim.text[start:end]
            if not vocab.uses_noun(head):
                msg = f'Claim term "{phrase}" is not used in the description ("{head.lower()}" never appears there)'
            elif modifier and not vocab.related(modifier) and (modifier + head).lower() not in vocab.words:
                msg = f'Claim term "{phrase}" is not used in the description ("{modifier.lower()}" never appears there)'
            else:
                continue
            hit = _claim_hit(
                claim,
                start,
                end,
                msg,
                suggestion=f'Describe the "{phrase}" in the description with the same wording, or amend the claim.',
            )
            if hit:
                yield hit


# --------------------------------------------------------------------------------------------
# RN reference numerals
# --------------------------------------------------------------------------------------------

_GENERIC_REF_HEADS = frozenset(
    [
        "device",
        "apparatus",
        "system",
        "assembly",
        "unit",
        "machine",
        "tool",
        "mechanism",
        "arrangement",
        "structure",
        "member",
        "element",
        "component",
        "part",
        "portion",
        "body",
        "means",
        "module",
        "embodiment",
        "article",
        "product",
        "instrument",
        "equipment",
        "invention",
        "configuration",
        "construction",
        "installation",
        "subassembly",
        "sub-assembly",
        "example",
        "implementation",
        "item",
        "object",
        "piece",
        "section",
        "region",
        "area",
        "zone",
        "side",
        "location",
        "position",
        "point",
        "end",
        "surface",
        "feature",
    ]
)


def reference_mention_list(ctx: CheckContext) -> list[RefMention]:
    """Every reference-numeral mention of the description, in document order (memoised)."""

    def compute() -> list[RefMention]:
        labels = _labels(ctx)
        out: list[RefMention] = []
        for i in description_paragraphs(ctx):
            p = ctx.document.paragraphs[i]
            if p.in_table or " | " in p.text:
                continue  # numbers in tables are values, not reference numerals
            out.extend(reference_mentions(i, p.text, labels))
        return out

    return ctx.memo("reference_mentions", compute)


def _established(mentions: list[RefMention]) -> Counter[tuple[str, str]]:
    """(numeral, head) -> number of strong mentions."""
    return Counter((m.numeral, m.head) for m in mentions if m.strong and m.term)


_ALIAS_CUE_RE = re.compile(
    r"\b(?:or|such as|e\.g\.|i\.e\.|for example|for instance|namely|that is|in the form of"
    r"|(?:also|hereinafter|otherwise) (?:called|named|termed|known|referred)|referred to as|known as"
    r"|which (?:can|may|could|might|will|is) be)(?!\w)|^\S+\s*[(/=]",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.;:!?]\s+[A-Z(\[]")


def _alias(ctx: CheckContext, m: RefMention, named: list[RefMention]) -> bool:
    """Whether `m` names, in the same sentence, the element a mention of `named` names, with a cue
    between them ("an opening 165, such as a rectangular aperture 165"; "a suitable actuator 96,
    which can be a fluid cylinder 96"; "polysorbate 20 (Tween 20)"): another name, not another
    element. "The lever 12 pivots on the pin 12" has no cue and is still reported."""
    text = ctx.document.paragraphs[m.paragraph].text
    for o in named:
        if o.paragraph != m.paragraph:
            continue
        first, second = (o, m) if o.start < m.start else (m, o)
        gap = text[first.num_start : second.start]  # the first numeral, the words up to the second term
        if (
            len(gap) <= 60
            and not re.search(r"\d", gap[len(first.numeral) :])
            and not _SENTENCE_END_RE.search(gap)
            and _ALIAS_CUE_RE.search(gap)
        ):
            return True
    return False


def _enumerated_terms(mentions: list[RefMention]) -> set[str]:
    """Terms written with three or more different one-digit numbers ("category 0", "category 1",
    "category 3"; "cluster 1", "cluster 2", "cluster 4"; "immunomer 2", "immunomer 5"): an
    enumeration of kinds or values, not one element with its reference numeral ("first layer 2",
    "second layer 4", "third layer 6" are three terms; so are "first electric control valve 1",
    "second electric control valve 3", though cut to their last three words)."""
    digits: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.term and len(m.base) == 1 and m.term.count(" ") <= 1:
            digits[m.term].add(m.base)
    return {t for t, nums in digits.items() if len(nums) >= 3}


def _element_like(head: str) -> bool:
    """Whether `head` can name an element at all: a word, not a chemical group written before a
    locant ("methyl 2", "benzyl 4")."""
    return head.replace("-", "").isalpha() and not head.endswith("yl")


def _is_refnum_document(mentions: list[RefMention]) -> bool:
    """Reference numerals are used systematically: at least eight numeral-term pairs each written
    twice or more, the term element-like and no enumeration, the numeral's most frequent term
    element-like too (scientific texts with "Tween 20", "PEG 300", "methyl 2", "benzyl 2" and "to
    give 2" for compound 2, or "cluster 1", "cluster 2", "cluster 3", rarely have as many)."""
    enumerated = _enumerated_terms(mentions)
    by_numeral: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.strong and m.term and m.term not in enumerated:
            by_numeral[m.numeral][m.head] += 1
    pairs = 0
    for heads in by_numeral.values():
        if _element_like(heads.most_common(1)[0][0]):
            pairs += sum(1 for head, n in heads.items() if n >= 2 and _element_like(head))
    return pairs >= 8


def _acronym(a: str, b: str) -> bool:
    words = b.split()
    return len(a) >= 2 and len(words) >= 2 and a == "".join(w[0] for w in words)


def _edits_le1(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by at most one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] or a[i + 1 :] == b[i:] or a[i:] == b[i + 1 :]


def _transposed(a: str, b: str) -> bool:
    """Whether `b` is `a` with two adjacent letters swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _compatible(t1: str, t2: str, generic: frozenset[str] = frozenset()) -> bool:
    """Whether two terms may name the same element ("lever" / "lever arm", "shaft" / "drive
    shaft", "device" / anything, "LED" / "light emitting diode", "shadow image" / "shadow
    profile")."""
    w1, w2 = t1.split(), t2.split()
    h1, h2 = w1[-1], w2[-1]
    if h1 == h2 or stem(h1) == stem(h2) or h1.endswith(h2) or h2.endswith(h1):
        return True  # "processor" / "microprocessor"
    if h1 in _GENERIC_REF_HEADS or h2 in _GENERIC_REF_HEADS or h1 in generic or h2 in generic:
        return True
    if len(h1) >= 6 and len(h2) >= 6 and _edits_le1(h1, h2):
        return True  # a misspelling ("photodetctor"): the same element
    if (len(h1) >= 6 or not any(c in "aeiou" for c in h1)) and _transposed(h1, h2):
        return True  # letters swapped ("DBR" / "DRB"): the same element (not "arm" / "ram", "salt" / "slat")
    s1 = {stem(w) for w in w1 if w not in _GENERIC_REF_HEADS}
    s2 = {stem(w) for w in w2 if w not in _GENERIC_REF_HEADS}
    if s1 & s2:
        return True
    return _acronym(h1, t2) or _acronym(h2, t1)


_ARTICLES = frozenset(("the", "a", "an", "said", "each", "another"))


def _plausible_term(m: RefMention, est: Counter[tuple[str, str]], heads_elsewhere: set[str]) -> bool:
    """A real element name, not a stray word before a number ("named 1", "Issue 4")."""
    head = m.head
    if not head.isalpha() or (head.isupper() and est[(m.numeral, head)] < 2):
        return False
    if head.endswith("ed") and head not in heads_elsewhere:
        return False
    if not _element_like(head):
        return False  # "methyl 5", "benzyl 3": chemical locants, not reference numerals
    return m.before in _ARTICLES or est[(m.numeral, head)] >= 2 or head in heads_elsewhere


@rule(
    code="RN001",
    name="numeral-two-terms",
    category="reference_numeral",
    severity=Severity.WARNING,
    summary="One reference numeral is used for two different elements",
    authority=_CFR_184,
    fix_title="Give each element its own reference numeral",
)
def numeral_two_terms(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Collects, in the description, the term written before each reference numeral ("the lever
    12") and reports a numeral that designates two different terms ("lever 12" and "spring 12").
    Variants of one term ("lever 12", "lever arm 12", "the first lever 12"), generic words
    ("assembly 10", "device 10"), letter-suffixed numerals ("12a") and a second name given in
    the same sentence ("an opening 165, such as a rectangular aperture 165") do not conflict.
    Numbers that are not reference numerals are left alone: chemical locants ("methyl 2"),
    enumerations ("category 1", "category 2", "category 3") and a list of reference signs
    written numeral first ("10 cooker 11 lid 12 frame").

    Why it matters
    37 CFR 1.84(p)(4): the same part of an invention appearing in more than one view must be
    designated by the same reference character, and the same reference character must never be
    used to designate different parts. An examiner objects to the drawings and the description.

    Example
    "The lever 12 pivots about the pin 14 ... the spring 12 biases the lever": "12" designates
    "lever" and "spring".

    Fix
    Give the second element its own numeral (and add it to the drawings), or correct the term.
    """
    mentions = reference_mention_list(ctx)
    if not _is_refnum_document(mentions):
        return
    est = _established(mentions)
    generic = _generic_nouns(ctx)
    small = sum(1 for (num, _), n in est.items() if n >= 2 and len(num) == 1) >= 3
    enumerated = _enumerated_terms(mentions)
    by_numeral: dict[str, list[RefMention]] = defaultdict(list)
    for m in mentions:
        if (
            m.strong
            and m.term
            and (small or len(m.base) >= 2)
            and m.base.strip("0")
            and m.term not in enumerated
        ):
            by_numeral[m.numeral].append(m)
    for numeral, ms in by_numeral.items():
        heads = Counter(m.head for m in ms)
        if len(heads) < 2:
            continue
        dom = max(ms, key=lambda m: (heads[m.head], -ms.index(m)))
        if heads[dom.head] < 2 or not _element_like(dom.head):
            continue  # no established element name for this numeral ("methyl 2": a locant)
        dominant = dom.term
        heads_elsewhere = {h for (num, h) in est if num != numeral}
        reported: set[str] = set()
        for m in ms:
            if (
                m.head in reported
                or _compatible(m.term, dominant, generic)
                or not _plausible_term(m, est, heads_elsewhere)
                or _alias(ctx, m, [o for o in ms if _compatible(o.term, dominant, generic)])
            ):
                continue
            reported.add(m.head)
            yield Hit(
                f'Reference numeral "{numeral}" is used for "{m.term}" and for "{dominant}"',
                _location(m),
                suggestion=f'Use a different reference numeral for "{m.term}", or call it "{dominant}".',
            )


def _location(m: RefMention):
    from backend.nlp.document import Location

    return Location(m.paragraph, m.start, m.end)


@rule(
    code="RN002",
    name="term-two-numerals",
    category="reference_numeral",
    severity=Severity.INFO,
    summary="One element is given two different reference numerals",
    authority=_CFR_184,
    fix_title="Use one reference numeral per element",
)
def term_two_numerals(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports a term that is referred back to ("the lever 21") with a numeral used nowhere else,
    while the same term otherwise carries another numeral ("lever 12", written twice or more):
    typically a typing slip. Distinct elements of the same kind introduced with their own numerals
    ("a first lever 12", "a second lever 14", "another bolt 32") and bare generic words ("the space
    28", "the space 29") are not reported.

    Why it matters
    37 CFR 1.84(p)(4) requires the same part to be designated by the same reference character in
    every view and in the description; an inconsistent numeral leaves the reader unsure which part
    is meant and draws an objection.

    Example
    "The lever 12 pivots ... the lever 12 is released ... the lever 21 returns": "lever" has
    "12" and "21".

    Fix
    Correct the stray numeral ("the lever 12").
    """
    mentions = reference_mention_list(ctx)
    if not _is_refnum_document(mentions):
        return
    base_count: Counter[str] = Counter(m.base for m in mentions)
    base_terms: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.term:
            base_terms[m.base].add(m.head)
    generic = _generic_nouns(ctx)
    by_term: dict[str, list[RefMention]] = defaultdict(list)
    for m in mentions:
        # a bare generic word names different things ("the space 28 between the sides ... the
        # space 29 between the wheels"); "flow path 20" / "flow path 21" is still one term
        if m.strong and m.term and m.head not in _GENERIC_REF_HEADS and m.term not in generic:
            by_term[m.term].append(m)
    for term, ms in by_term.items():
        counts = Counter(m.base for m in ms)
        if len(counts) < 2:
            continue
        dominant, dom_n = counts.most_common(1)[0]
        if dom_n < 2:
            continue
        for base in counts:
            if base == dominant or base_count[base] > 1 or base_terms[base] != {ms[0].head}:
                continue
            stray = [m for m in ms if m.base == base]
            if any(m.before not in ("the", "said") for m in stray):
                continue
            m = stray[0]
            yield Hit(
                f'"{term}" has reference numeral "{m.numeral}" here but "{dominant}" elsewhere',
                _location(m),
                suggestion=f'Use "{term} {dominant}" if the same element is meant.',
            )


@rule(
    code="RN003",
    name="claim-numeral-missing",
    category="reference_numeral",
    severity=Severity.WARNING,
    summary="A reference numeral in the claims does not appear in the description",
    authority=Authority("MPEP 608.01(m)", _MPEP_608),
    fix_title="Correct the reference numeral in the claim",
)
def claim_numeral_missing(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds reference numerals in the claims, in parentheses ("the lever (12)") or bare ("the lever
    12"), that the description never uses.

    Why it matters
    Reference characters in claims must correspond to the drawings and description (MPEP
    608.01(m)); a numeral nowhere in the description is a typing error, or points at a part that
    is not disclosed. Labels such as "claim 1", "formula (1)", "step (2)", "SEQ ID NO: 3" and
    units are not taken for numerals; "a subject (12)" or "a sample (12)" in a claim is.

    Example
    Claim 1: "a lever (21) pivotally mounted", while the description calls it "lever 12".

    Fix
    Correct the numeral, or remove it from the claim.
    """
    paras = description_paragraphs(ctx)
    if not paras:
        return
    texts = [ctx.paragraph_text(i) for i in paras]
    present = ctx.memo("description_numbers", lambda: numbers_in(texts))
    mentions = reference_mention_list(ctx)
    refnum_doc = _is_refnum_document(mentions)
    ref_heads = {m.head for m in mentions if m.term}
    labels = _labels(ctx)
    # in parentheses in a claim only a few words take a label number ("formula (1)", "step (2)");
    # "a subject (12)", "a sample (12)" carry a reference numeral
    paren_labels = CLAIM_PAREN_LABELS | (labels - NUMERAL_LABELS_DEFAULT)
    for claim in ctx.claims.active:
        for numeral, start, end, term, paren in claim_numerals(claim.text, labels, paren_labels):
            if not paren and not (refnum_doc and (term.rsplit(" ", 1)[-1] in ref_heads or len(numeral) >= 2)):
                continue
            base = re.match(r"\d+", numeral).group()
            if base in present:
                continue
            hit = _claim_hit(
                claim,
                start,
                end,
                f'Reference numeral "{numeral}" in claim {claim.number} does not appear in the description',
                suggestion="Correct the numeral to the one the description uses for this element.",
            )
            if hit:
                yield hit


# --------------------------------------------------------------------------------------------
# FR figure references
# --------------------------------------------------------------------------------------------


def _brief_description(ctx: CheckContext) -> list[int]:
    """Paragraphs of the brief description of the drawings. A BDD section that runs on into the
    detailed description (a missing heading) is cut at its first long paragraph."""
    out: list[int] = []
    for s in ctx.sections.sections:
        if s.kind != SectionKind.DRAWINGS:
            continue
        seen_fig = False
        for i in range(s.start, s.end):
            text = ctx.paragraph_text(i)
            has_fig = bool(re.search(r"\bFIG(?:URE)?S?\b", text, re.IGNORECASE))
            if seen_fig and len(text) > 700 and not re.match(r"^\W*(?:\[\d+\]\s*)?FIG", text, re.IGNORECASE):
                break
            seen_fig = seen_fig or has_fig
            out.append(i)
    return out


def _figures(ctx: CheckContext) -> tuple[list[FigureMention], list[FigureMention]]:
    def compute() -> tuple[list[FigureMention], list[FigureMention]]:
        bdd = _brief_description(ctx)
        bdd_set = set(bdd)
        described = [m for i in bdd for m in figure_mentions(i, ctx.paragraph_text(i))]
        mentioned = [
            m
            for i in description_paragraphs(ctx)
            if i not in bdd_set
            for m in figure_mentions(i, ctx.paragraph_text(i))
        ]
        return described, mentioned

    return ctx.memo("figure_mentions", compute)


@rule(
    code="FR001",
    name="figure-not-discussed",
    category="figure_reference",
    severity=Severity.WARNING,
    summary="A figure of the brief description of the drawings is never referred to in the description",
    authority=_CFR_174,
    fix_title="Describe the figure in the detailed description",
)
def figure_not_discussed(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports a figure listed in the brief description of the drawings ("FIG. 4 is a side view")
    that the rest of the description never mentions. Ranges are expanded ("FIGS. 2A-2C" lists 2A,
    2B and 2C); "FIG. 2" and "FIG. 2A" cover each other.

    Why it matters
    Under 37 CFR 1.74 the detailed description must refer to the different views by figure
    number; a figure that is never discussed usually means a lost passage or a wrong number, and
    its reference characters are then unexplained (37 CFR 1.84(p)(5)).

    Example
    Brief description: "FIG. 4 is a side view of the truck." - the detailed description discusses
    FIGS. 1-3 only.

    Fix
    Discuss the figure in the detailed description, or correct the figure numbers.
    """
    described, mentioned = _figures(ctx)
    if not described or not mentioned:
        return  # no BDD, or a description that refers to no figure at all (SC rules)
    mentioned_ids = {m.figure for m in mentioned}
    reported: set[str] = set()
    for m in described:
        if m.figure in reported or figure_covered(m.figure, mentioned_ids):
            continue
        reported.add(m.figure)
        yield Hit(
            f'"FIG. {m.figure}" is described in the brief description of the drawings but never referred to in the detailed description',
            _fig_location(ctx, m),
            suggestion=f"Refer to FIG. {m.figure} in the detailed description.",
        )


@rule(
    code="FR002",
    name="figure-not-in-brief-description",
    category="figure_reference",
    severity=Severity.WARNING,
    summary="A figure referred to in the description is missing from the brief description of the drawings",
    authority=_CFR_174,
    fix_title="Add the figure to the brief description of the drawings",
)
def figure_not_in_brief_description(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports a figure referred to in the description ("as shown in FIG. 7") that the brief
    description of the drawings does not list. "FIG. 2" is covered by "FIG. 2A"/"FIG. 2B" and
    vice versa; ranges are expanded.

    Why it matters
    37 CFR 1.74 requires a brief description of the several views of the drawings; every figure
    must be listed there. A figure missing from the list is also often a wrong figure number in
    the text.

    Example
    Detailed description: "As shown in FIG. 7, the lever 12 ..." - the brief description lists
    FIGS. 1-6.

    Fix
    Add "FIG. 7 is ..." to the brief description of the drawings, or correct the figure number.
    """
    described, mentioned = _figures(ctx)
    if not described:
        return
    described_ids = {m.figure for m in described}
    reported: set[str] = set()
    for m in mentioned:
        if m.figure in reported or figure_covered(m.figure, described_ids):
            continue
        reported.add(m.figure)
        yield Hit(
            f'"FIG. {m.figure}" is referred to but not listed in the brief description of the drawings',
            _fig_location(ctx, m),
            suggestion=f'Add "FIG. {m.figure} is ..." to the brief description of the drawings.',
        )


def _fig_location(ctx: CheckContext, m: FigureMention):
    from backend.nlp.document import Location

    return Location(m.paragraph, m.start, m.end)
