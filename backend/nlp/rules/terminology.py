"""Terminology of the claims (TM): patent profanity, relative terms, means-plus-function and
exemplary language. The words are data (`backend/nlp/wordlists/*.txt`, firm-extendable)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from backend.nlp.rules.base import Authority, CheckContext, Hit, Severity, rule
from backend.nlp.rules.description_checks import description_paragraphs, description_vocabulary
from backend.nlp.structure import Claim

_MPEP_2173 = "https://www.uspto.gov/web/offices/pac/mpep/s2173.html"
_MPEP_2181 = "https://www.uspto.gov/web/offices/pac/mpep/s2181.html"

_NUM = r"\s+(?=[~≈]?\s*[\d.,]*\d)"


@lru_cache(maxsize=64)
def _compile(entries: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a word list. An entry's "{num}" requires a following number (not reported)."""
    alts = []
    for entry in sorted({e.strip() for e in entries if e.strip()}, key=len, reverse=True):
        words = entry.replace("{num}", "").strip()
        body = r"\s+".join(re.escape(w) for w in words.split())
        tail = _NUM if "{num}" in entry else ""
        end = r"(?!\w)" if words[-1:].isalnum() else ""
        alts.append(rf"(?<![\w-])(?P<w{len(alts)}>{body}){end}{tail}")
    if not alts:
        return None
    return re.compile("|".join(alts), re.IGNORECASE)


def _matches(pattern: re.Pattern[str] | None, text: str) -> Iterator[tuple[int, int]]:
    if pattern is None:
        return
    for m in pattern.finditer(text):
        name = m.lastgroup
        yield m.start(name), m.end(name)


def _claims(ctx: CheckContext) -> Iterable[Claim]:
    return ctx.claims.active


def _hit(claim: Claim, start: int, end: int, message: str, suggestion: str | None) -> Hit | None:
    loc = claim.locate(start, end)
    return Hit(message, loc, claim=claim.number, suggestion=suggestion) if loc else None


def _in_dependency(claim: Claim, start: int) -> bool:
    span = claim.dependency_span
    return bool(span and span[0] <= start < span[1])


# --------------------------------------------------------------------------------------------
# TM001 patent profanity
# --------------------------------------------------------------------------------------------


@rule(
    code="TM001",
    name="patent-profanity",
    category="terminology",
    severity=Severity.WARNING,
    summary='A claim uses limiting "patent profanity" ("essential", "must", "the invention")',
    authority=Authority(
        "MPEP 2111.01, 2173.05(d); patent drafting practice",
        "https://www.uspto.gov/web/offices/pac/mpep/s2111.html",
    ),
    fix_title="Remove the limiting word",
)
def patent_profanity(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds words in the claims that characterise the invention or state absolutes: "essential",
    "critical", "must", "necessary", "required", "always", "never", "the (present) invention"
    (word list `profanity`, extendable by the firm).

    Why it matters
    Such words invite a narrow construction: a court may hold that a feature called "essential"
    or "required" limits every claim, and "the invention" in a claim confuses the claimed subject
    matter with the disclosure (MPEP 2111.01: claims are read in light of the specification; MPEP
    2173.05(d)). They rarely add anything a claim needs.

    Example
    "wherein the seal must be compressed" - "must" is reported.

    Fix
    State the feature positively ("wherein the seal is compressed") and drop characterisations.
    """
    pattern = _compile(tuple(ctx.wordlists.get("profanity")))
    for claim in _claims(ctx):
        seen: set[str] = set()
        for start, end in _matches(pattern, claim.text):
            word = claim.text[start:end]
            if word.lower() in seen or _in_dependency(claim, start):
                continue
            seen.add(word.lower())
            hit = _hit(
                claim,
                start,
                end,
                f'"{word}" in claim {claim.number} is limiting patent profanity',
                "Remove the word or state the feature positively.",
            )
            if hit:
                yield hit


# --------------------------------------------------------------------------------------------
# TM002 relative terms
# --------------------------------------------------------------------------------------------

_AFTER_VALUE = re.compile(r"\d\s*[A-Za-zµμ%°]{0,4}\.?\s+$")
_CONSISTING_ESSENTIALLY = re.compile(r"consist(?:s|ing)?\s+$", re.IGNORECASE)


@rule(
    code="TM002",
    name="relative-term",
    category="terminology",
    severity=Severity.INFO,
    summary='A claim uses a relative term or term of degree ("substantially", "about", "thin")',
    authority=Authority("MPEP 2173.05(b); EPO Guidelines F-IV, 4.6", _MPEP_2173),
    fix_title="Give the standard for the term of degree",
)
def relative_term(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds relative terms and terms of degree in the claims: "substantially", "approximately",
    "about 5 mm", "generally", "relatively", "large", "thin", "high" ... (word list
    `relative_terms`, extendable by the firm). "about" counts only before a number; the
    transition "consisting essentially of" is not reported.

    Why it matters
    A term of degree is indefinite unless the specification provides a standard for measuring it
    (MPEP 2173.05(b)); at the EPO relative terms are objected to unless they have a well-recognised
    meaning in the art (Guidelines F-IV, 4.6).

    Example
    "a thin layer of substantially uniform thickness" - "thin" and "substantially" are reported.

    Fix
    Make sure the description gives the standard (a range, a tolerance, a comparison) or replace
    the term with a value.
    """
    pattern = _compile(tuple(ctx.wordlists.get("relative_terms")))
    for claim in _claims(ctx):
        seen: set[str] = set()
        for start, end in _matches(pattern, claim.text):
            word = claim.text[start:end]
            lw = word.lower()
            if lw == "essentially" and _CONSISTING_ESSENTIALLY.search(claim.text[max(0, start - 15) : start]):
                continue
            if lw in seen or _in_dependency(claim, start):
                continue
            if _AFTER_VALUE.search(claim.text[max(0, start - 20) : start]):
                continue  # "5 mm thick", "10 cm long": the value is the standard
            seen.add(lw)
            hit = _hit(
                claim,
                start,
                end,
                f'"{word}" in claim {claim.number} is a relative term: the description must give a standard for it',
                "Give a measurable standard in the description or replace the term with a value or range.",
            )
            if hit:
                yield hit


# --------------------------------------------------------------------------------------------
# TM003 means-plus-function
# --------------------------------------------------------------------------------------------

_FUNCTION_AFTER = re.compile(
    r"\s+(?:(?:that\s+is\s+|which\s+is\s+)?(?:configured|adapted|operable|arranged|programmed|designed)\s+(?:to|for)|for|so\s+as\s+to|capable\s+of)"
    r"\s+(?P<fn>[A-Za-z][A-Za-z-]+)",
    re.IGNORECASE,
)
_DETERMINER_BEFORE = re.compile(
    r"(?:^|\b(?:a|an|one|the|said|each|at\s+least\s+one|one\s+or\s+more)\s+)(?P<mod>[A-Za-z-]+\s+)?$",
    re.IGNORECASE,
)
_STRUCTURAL = frozenset(
    [
        "processor",
        "processing",
        "memory",
        "storage",
        "display",
        "motor",
        "pump",
        "valve",
        "sensor",
        "spring",
        "circuit",
        "computer",
        "hardware",
        "electronic",
        "electric",
        "electrical",
        "hydraulic",
        "pneumatic",
        "mechanical",
        "optical",
        "magnetic",
        "camera",
        "battery",
        "power",
        "heating",
        "cooling",
        "filter",
        "fastening",
        "locking",
        "clamping",
    ]
)
_FN_SKIP = frozenset(["the", "a", "an", "be", "said", "each", "its", "their", "use", "with"])


@rule(
    code="TM003",
    name="means-plus-function",
    category="terminology",
    severity=Severity.INFO,
    summary="A claim element is drafted in means-plus-function form (35 U.S.C. 112(f))",
    authority=Authority("35 U.S.C. 112(f), MPEP 2181", _MPEP_2181),
    jurisdictions=("us",),
    fix_title="Disclose the corresponding structure, or recite structure",
)
def means_plus_function(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds claim elements that invoke 35 U.S.C. 112(f): "means for ...", "step for ...", and
    generic "nonce" words followed by a function and no structure ("a control module configured
    to ...", "a mechanism for locking ..."; word lists `means_plus_function` and `nonce_words`).
    Claim preambles ("A device for ...") and "by means of" are not reported. It also says when
    the description never uses the words of the claimed function.

    Why it matters
    A 112(f) element covers only the corresponding structure disclosed in the description and its
    equivalents (MPEP 2181); if the description does not clearly link a structure (for a computer
    function: an algorithm) to the function, the claim is indefinite (Williamson v. Citrix).

    Example
    "means for fastening the lid" - invokes 112(f): the description must describe the fastener.

    Fix
    Make sure the description discloses the structure that performs the function, or recite the
    structure in the claim ("a latch that fastens the lid").
    """
    phrases = tuple(ctx.wordlists.get("means_plus_function"))
    nonce = {w.lower() for w in ctx.wordlists.get("nonce_words")}
    if not phrases and not nonce:
        return
    explicit = _compile(phrases)
    nonce_re = (
        re.compile(
            r"(?<![\w-])("
            + "|".join(re.escape(w) for w in sorted(nonce, key=len, reverse=True))
            + r")s?(?!\w)",
            re.IGNORECASE,
        )
        if nonce
        else None
    )
    vocab = description_vocabulary(ctx) if description_paragraphs(ctx) else None
    seen: set[str] = set()
    for claim in _claims(ctx):
        text = claim.text
        body = claim.body_start if claim.body_start else 0
        found: list[tuple[int, int, str, str]] = []  # start, end, phrase, function word
        for start, end in _matches(explicit, text):
            if re.search(r"\bby\s+$", text[max(0, start - 4) : start], re.IGNORECASE):
                continue  # "by means of"
            if text[start:end].lower().startswith("means of") and not re.search(
                r"\bmeans\s+of\s+\w+ing\b", text[start : end + 30], re.IGNORECASE
            ):
                continue
            fn = re.match(r"\s+([A-Za-z][A-Za-z-]+)", text[end:])
            if fn and fn.group(1).lower() not in _FN_SKIP:
                end += fn.end()
            found.append(
                (
                    start,
                    end,
                    text[start:end],
                    fn.group(1) if fn and fn.group(1).lower() not in _FN_SKIP else "",
                )
            )
        if nonce_re is not None:
            for m in nonce_re.finditer(text):
                if m.start() < body or _in_dependency(claim, m.start()):
                    continue
                after = _FUNCTION_AFTER.match(text, m.end())
                if not after:
                    continue
                fn = after.group("fn")
                if fn.lower() in _FN_SKIP or (
                    after.group(0).strip().lower().startswith("for") and not fn.lower().endswith("ing")
                ):
                    continue
                before = _DETERMINER_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
                if not before:
                    continue  # "a motor control unit ...": more than one word of structure before it
                mod = (before.group("mod") or "").strip().lower()
                if mod and (mod in _STRUCTURAL or mod.endswith(("er", "or")) and len(mod) > 4):
                    continue  # "a processor unit", "a fastener element"
                if text[max(0, m.start() - 5) : m.start()].lower().strip() in ("the", "said"):
                    continue  # a reference back, reported where introduced
                found.append(
                    (
                        m.start() - len(before.group("mod") or ""),
                        after.end("fn"),
                        text[m.start() - len(before.group("mod") or "") : after.end("fn")],
                        fn,
                    )
                )
        for start, end, phrase, fn in sorted(found):
            key = re.sub(r"\s+", " ", phrase.lower()) + "|" + fn.lower()
            if key in seen:
                continue
            seen.add(key)
            msg = f'"{phrase.strip()}" in claim {claim.number} invokes 35 U.S.C. 112(f): the description must disclose the corresponding structure'
            if fn and vocab is not None and not vocab.has(fn):
                msg += f' (the description never mentions "{fn}")'
            hit = _hit(
                claim,
                start,
                end,
                msg,
                "Disclose the structure (or algorithm) that performs the function, or recite structure in the claim.",
            )
            if hit:
                yield hit


# --------------------------------------------------------------------------------------------
# TM004 exemplary language
# --------------------------------------------------------------------------------------------


@rule(
    code="TM004",
    name="exemplary-language",
    category="terminology",
    severity=Severity.INFO,
    summary='A claim uses exemplary or optional language ("such as", "preferably", "e.g.")',
    authority=Authority("MPEP 2173.05(d)", _MPEP_2173),
    fix_title="Move the example to a dependent claim",
)
def exemplary_language(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds exemplary and optional wording in the claims: "such as", "for example", "e.g.",
    "preferably", "or the like" (word list `exemplary_language`, extendable by the firm).

    Why it matters
    Exemplary language may leave unclear whether the example limits the claim, which can make the
    claim indefinite (MPEP 2173.05(d)); the EPO objects likewise to "preferably" and "such as"
    (Guidelines F-IV, 4.9).

    Example
    "a fastener, such as a screw" - "such as" is reported.

    Fix
    Claim the broad term and put the example in a dependent claim ("wherein the fastener is a
    screw").
    """
    pattern = _compile(tuple(ctx.wordlists.get("exemplary_language")))
    for claim in _claims(ctx):
        seen: set[str] = set()
        for start, end in _matches(pattern, claim.text):
            word = claim.text[start:end]
            if word.lower() in seen:
                continue
            seen.add(word.lower())
            hit = _hit(
                claim,
                start,
                end,
                f'"{word}" in claim {claim.number} is exemplary language: the scope of the claim may be unclear',
                "Move the example into a dependent claim.",
            )
            if hit:
                yield hit
