"""Antecedent basis (AB...): "the X" / "said X" needs "a X" earlier in the claim or its parents.

The analysis lives in `backend/nlp/antecedent.py`; this module only registers the rules and turns
its issues into hits (computed once per check through `ctx.memo`).
"""

from __future__ import annotations

from collections.abc import Iterator

from backend.nlp.antecedent import EXEMPT_LIST, INHERENT_LIST, PROPERTY_LIST, AntecedentIssue, analyse_claims
from backend.nlp.rules.base import Authority, CheckContext, Hit, Severity, rule

AUTHORITY = Authority(
    "MPEP 2173.05(e)",
    "https://www.uspto.gov/web/offices/pac/mpep/s2173.html#ch2100_d1f6ea_1d9ad_19d",
)


def _issues(ctx: CheckContext) -> list[AntecedentIssue]:
    def compute() -> list[AntecedentIssue]:
        if not ctx.claims.active:
            return []
        parser = ctx.nlp
        if parser is None:
            from backend.nlp.parsing import shared_parser

            parser = shared_parser()
        return analyse_claims(
            ctx.claims,
            parser,
            exempt=ctx.wordlists.get(EXEMPT_LIST),
            inherent=ctx.wordlists.get(INHERENT_LIST),
            properties=ctx.wordlists.get(PROPERTY_LIST),
        )

    return ctx.memo("antecedent", compute)


def _hits(ctx: CheckContext, code: str) -> Iterator[Hit]:
    for issue in _issues(ctx):
        if issue.code != code:
            continue
        claim = ctx.claims.get(issue.claim)
        location = claim.locate(issue.start, issue.end) if claim is not None else None
        if location is None:
            continue
        yield Hit(issue.message, location, claim=issue.claim, suggestion=issue.suggestion)


@rule(
    code="AB001",
    name="missing-antecedent",
    category="antecedent_basis",
    severity=Severity.ERROR,
    summary='"the X" / "said X" without "a X" earlier in the claim or a claim it depends on',
    authority=AUTHORITY,
    fix_title="Introduce the term",
    needs_parse=True,
)
def missing_antecedent(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds definite references ("the lever", "said lever", "the plurality of levers", "the at
    least one processor") with no introduction of the same term ("a lever", "levers", "a
    plurality of levers", "one or more processors") earlier in the same claim or anywhere in a
    claim it depends on. A multiply dependent claim must find the term through every claim it
    refers to. Ordinals and modifiers are part of the term: "a first lever" does not support
    "the second lever", and "a shaft" does not support "the upper shaft"; "a rotatable shaft"
    supports "the shaft". The claim's own subject ("The method of claim 1") and fixed phrases
    ("the same", "the group consisting of", "the presence of", word list `antecedent_exempt`)
    are not references. Before reporting, the words as written after "the"/"said" are looked
    up as written after "a"/"an"/"one or more"/"a plurality of" in the claim and its chain, so a
    misparsed phrase ("said latch pivot axis such that") is not reported when the claim does
    introduce it ("a latch pivot axis and"). A modifier that restates what the claim did ("the
    transcoded stream" after "transcoding the stream") and a nominalised step ("the
    measurement" after "measuring") have their basis. Attributes named with "of" ("the inner
    cavity of the base") and measurable properties ("the viscosity") are reported as AB002; a
    reference used only once whose head noun no claim of the chain uses and no other claim
    introduces ("the wrist") as AB004, a note.

    Why it matters
    A claim is indefinite under 35 U.S.C. 112(b) when it is unclear what element a definite
    reference points to (MPEP 2173.05(e)); examiners object to every missing antecedent, and
    each objection costs an office-action round.

    Example
    1. A device comprising a housing and a lever, wherein the shaft rotates the lever.
    ("the shaft": no antecedent basis)

    Fix
    Introduce the term where it first appears ("a shaft"), or change the reference into an
    introduction.
    """
    yield from _hits(ctx, "AB001")


@rule(
    code="AB002",
    name="inherent-attribute",
    category="antecedent_basis",
    severity=Severity.INFO,
    summary='"the length of the rod": inherent attribute without an explicit antecedent',
    authority=AUTHORITY,
    fix_title="Introduce the attribute",
    needs_parse=True,
)
def inherent_attribute(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports definite references to an inherent attribute or part that were not introduced
    explicitly: a noun followed by "of" ("the length of the rod", "the inner cavity of the
    base"; "between" for the nouns of the word list `inherent_nouns`: "the interface between
    the core and the clad"), and a measurable property of the word list `property_nouns` ("the
    viscosity").

    Why it matters
    Inherent components of an element need no explicit antecedent (MPEP 2173.05(e): "the outer
    surface of said sphere"), so this is information only; it is listed because an examiner may
    still object when the attribute is not obviously inherent.

    Example
    1. A rod for a pump, wherein the length of the rod is 5 cm.
    ("the length": inherent attribute of "the rod")

    Fix
    Nothing needs to change when the attribute is inherent; otherwise introduce it ("the rod has
    a length of 5 cm").
    """
    yield from _hits(ctx, "AB002")


@rule(
    code="AB003",
    name="ambiguous-antecedent",
    category="antecedent_basis",
    severity=Severity.WARNING,
    summary='"the X" after "a X" was introduced more than once',
    authority=AUTHORITY,
    fix_title="Distinguish the terms",
    needs_parse=True,
)
def ambiguous_antecedent(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Finds definite references ("the lever") to a term that was introduced with "a"/"an" more
    than once in the same dependency chain ("a lever ... a lever"), so that the reference could
    point to either.

    Why it matters
    A reference with two possible antecedents is unclear (MPEP 2173.05(e)); the second "a lever"
    is usually either the same element (then it should be "the lever") or a different one (then
    it needs a distinct name).

    Example
    1. A device comprising a lever and a frame holding a lever, wherein the lever is steel.
    ("the lever": "a lever" is introduced twice)

    Fix
    Name the elements distinctly ("a first lever", "a second lever"), or refer back to the first
    one with "the lever".
    """
    yield from _hits(ctx, "AB003")


@rule(
    code="AB004",
    name="implicit-antecedent",
    category="antecedent_basis",
    severity=Severity.INFO,
    summary='"the X" used once, never introduced, and no claim names an X: implicit item or missing antecedent',
    authority=AUTHORITY,
    fix_title="Introduce the term",
    needs_parse=True,
)
def implicit_antecedent(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports the definite references that AB001 would report but that are used only once (no
    later "the X" / "said X" / "a X" in the claim or in any claim depending on it), whose head noun
    the claim and its chain never use before it, and that no other claim introduces: "the
    wrist", "the foliage", "the center".

    Why it matters
    Such a reference is as often an implicit or inherent item, which needs no antecedent (MPEP
    2173.05(e): "the outer surface of said sphere"), or a generic one ("the right to declare"),
    than a forgotten introduction: on granted patents, about one in five of these findings was a
    real missing antecedent (judged by hand, see the README), against about two in three for
    AB001. A term the claims use again, or a reworded element ("the frame" after "a frame
    assembly"), stays AB001. This rule is a note so that errors stay trustworthy; set AB004's
    severity to error in the rule settings to treat both alike. A head noun of the word lists
    `inherent_nouns` / `property_nouns` ("the wall", "the distance") used this way is an AB002
    note instead.

    Example
    1. A watch comprising a case and a strap, wherein the strap holds the case on the wrist.
    ("the wrist": used once, nothing in the claims names a wrist)

    Fix
    Nothing, when the item is implicit or inherent ("the wrist" of the wearer); otherwise
    introduce it ("a wrist of a user").
    """
    yield from _hits(ctx, "AB004")
