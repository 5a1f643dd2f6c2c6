"""Whole-document checks: abstract (AS), title (TI), sections (SC)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from backend.nlp.document import Location
from backend.nlp.rules.base import Authority, CheckContext, Hit, Severity, rule
from backend.nlp.sections import PARAGRAPH_NUMBER_RE
from backend.nlp.structure import SectionKind

_K = SectionKind
_WORD = re.compile(r"[^\s]+")

CFR_1_72 = "https://www.ecfr.gov/current/title-37/section-1.72"
CFR_1_77 = "https://www.ecfr.gov/current/title-37/section-1.77"
CFR_1_52 = "https://www.ecfr.gov/current/title-37/section-1.52"
CFR_1_74 = "https://www.ecfr.gov/current/title-37/section-1.74"
CFR_1_75 = "https://www.ecfr.gov/current/title-37/section-1.75"
MPEP_608 = "https://www.uspto.gov/web/offices/pac/mpep/s608.html"

ABSTRACT_WORD_LIMIT = 150
TITLE_CHAR_LIMIT = 500


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _abstract_paragraphs(ctx: CheckContext) -> list[int]:
    return [i for i in ctx.sections.paragraphs(_K.ABSTRACT) if ctx.paragraph_text(i).strip()]


def _title_paragraphs(ctx: CheckContext) -> list[int]:
    return [i for i in ctx.sections.paragraphs(_K.TITLE) if ctx.paragraph_text(i).strip()]


def _content_start(text: str) -> int:
    """Offset after a "[0001]" paragraph number and spaces."""
    m = PARAGRAPH_NUMBER_RE.match(text)
    pos = m.end() if m else 0
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _document_anchor(ctx: CheckContext) -> Location | None:
    """Where to attach a finding about something missing: the first non-empty paragraph."""
    for p in ctx.document.paragraphs:
        if p.text.strip():
            return Location(p.index, 0, len(p.text.rstrip()))
    return None


def _has_description(ctx: CheckContext) -> bool:
    skip = {_K.TITLE, _K.CLAIMS, _K.ABSTRACT}
    return any(
        ctx.paragraph_text(i).strip()
        for s in ctx.sections.sections
        if s.kind not in skip
        for i in range(s.start, s.end)
    )


# ---------------------------------------------------------------------------------------------
# Abstract
# ---------------------------------------------------------------------------------------------


@rule(
    code="AS001",
    name="abstract-too-long",
    category="abstract",
    severity=Severity.WARNING,
    summary="Abstract longer than 150 words.",
    authority=Authority("37 CFR 1.72(b); EPC Rule 47(3)", CFR_1_72),
    fix_title="Shorten the abstract to 150 words or fewer",
)
def abstract_too_long(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Counts the words of the abstract (all paragraphs after the "ABSTRACT" heading) and flags the
    words beyond the 150th.

    Why it matters
    37 CFR 1.72(b) limits the abstract to 150 words; EPC Rule 47(3) says it should preferably not
    exceed 150 words. A long abstract draws an objection and has to be rewritten.

    Example
    An abstract of 180 words: the finding marks words 151 to the end of that paragraph.

    Fix
    Cut the abstract to the gist of the invention (technical field, problem, solution, main use).
    """
    paras = _abstract_paragraphs(ctx)
    words = [(i, m) for i in paras for m in _WORD.finditer(ctx.paragraph_text(i))]
    if len(words) <= ABSTRACT_WORD_LIMIT:
        return
    i, first = words[ABSTRACT_WORD_LIMIT]
    end = len(ctx.paragraph_text(i).rstrip())
    yield Hit(
        f'Abstract has {len(words)} words (limit {ABSTRACT_WORD_LIMIT}): the words from "{first.group()}" on are over the limit',
        Location(i, first.start(), end),
        suggestion=None,
    )


_LEGAL = re.compile(r"\b(said|means)\b", re.IGNORECASE)


@rule(
    code="AS002",
    name="abstract-legal-phraseology",
    category="abstract",
    severity=Severity.WARNING,
    summary='Legal phraseology ("said", "means") in the abstract.',
    authority=Authority("MPEP 608.01(b)", MPEP_608),
    jurisdictions=("us",),
    fix_title='Replace "said" with "the"; describe the structure instead of "means"',
)
def abstract_legal_phraseology(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags each "said" and "means" in the abstract.

    Why it matters
    MPEP 608.01(b): the abstract should avoid legal phraseology often used in claims, such as
    "means" and "said". Examiners object to it.

    Example
    "A clamp having a jaw, said jaw ..." -> "said" is flagged; "fastening means" -> "means".

    Fix
    Write "the jaw" instead of "said jaw"; name the structure ("a fastener") instead of "means".
    """
    for i in _abstract_paragraphs(ctx):
        for m in _LEGAL.finditer(ctx.paragraph_text(i)):
            word = m.group()
            if word.lower() == "said":
                suggestion = "the" if word.islower() else "The"
            else:
                suggestion = None
            yield Hit(
                f'Legal phraseology "{word}" in the abstract',
                Location(i, m.start(), m.end()),
                suggestion=suggestion,
            )


_IMPLIED = re.compile(
    r"\b(?:this|the present)\s+(?:disclosure|invention|application)\s+(?:concerns|describes|relates\s+to|is\s+directed\s+to|provides)"
    r"|\bthe\s+disclosure\s+(?:defined\s+by\s+this\s+invention|describes)",
    re.IGNORECASE,
)


@rule(
    code="AS004",
    name="abstract-implied-phrase",
    category="abstract",
    severity=Severity.INFO,
    summary='Phrase that can be implied ("This disclosure concerns ...") in the abstract.',
    authority=Authority("MPEP 608.01(b)", MPEP_608),
    fix_title="Start with the subject matter itself",
)
def abstract_implied_phrase(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags phrases such as "This disclosure concerns", "The present invention relates to" in the
    abstract.

    Why it matters
    MPEP 608.01(b): the abstract should avoid phrases which can be implied, such as "This
    disclosure concerns", "The disclosure defined by this invention", "The disclosure describes";
    they waste the 150-word budget.

    Example
    "The present invention relates to a clamp having ..." -> "A clamp having ...".

    Fix
    Start with the subject matter itself.
    """
    for i in _abstract_paragraphs(ctx):
        for m in _IMPLIED.finditer(ctx.paragraph_text(i)):
            yield Hit(f'Implied phrase "{m.group()}" in the abstract', Location(i, m.start(), m.end()))


@rule(
    code="AS003",
    name="abstract-missing",
    category="abstract",
    severity=Severity.ERROR,
    summary="No abstract.",
    authority=Authority("37 CFR 1.72(b); EPC Rule 57(d), Rule 47", CFR_1_72),
    fix_title='Add an "ABSTRACT" heading followed by the abstract',
)
def abstract_missing(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports a document without an abstract: no "ABSTRACT" / "Abstract of the Disclosure" heading,
    or such a heading with no text after it.

    Why it matters
    37 CFR 1.72(b) requires an abstract on a separate sheet; EPC Rules 47 and 57(d) require one for
    a European application. A missing abstract draws a notice to file one.

    Example
    A specification that ends with the claims and has no "ABSTRACT" heading.

    Fix
    Add an "ABSTRACT" heading after the claims and a summary of at most 150 words.
    """
    section = ctx.sections.first(_K.ABSTRACT)
    if section is not None and _abstract_paragraphs(ctx):
        return
    if section is not None and section.heading is not None:
        text = ctx.paragraph_text(section.heading)
        yield Hit(
            f'The "{text.strip()}" heading is not followed by any text',
            Location(section.heading, 0, len(text.rstrip())),
        )
        return
    anchor = _document_anchor(ctx)
    if anchor is not None:
        yield Hit('No abstract found (no "ABSTRACT" heading)', anchor)


# ---------------------------------------------------------------------------------------------
# Title
# ---------------------------------------------------------------------------------------------


@rule(
    code="TI001",
    name="title-too-long",
    category="title",
    severity=Severity.WARNING,
    summary="Title longer than 500 characters.",
    authority=Authority("37 CFR 1.72(a)", CFR_1_72),
    jurisdictions=("us",),
    fix_title="Shorten the title",
)
def title_too_long(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags a title longer than 500 characters, marking the characters beyond the 500th.

    Why it matters
    37 CFR 1.72(a): the title may not exceed 500 characters in length; a longer title is shortened
    by the Office or objected to.

    Example
    A 620-character title: the last 120 characters are marked.

    Fix
    Shorten the title to a brief, technically accurate name of the invention.
    """
    for i in _title_paragraphs(ctx):
        text = ctx.paragraph_text(i).rstrip()
        start = len(text) - len(text.lstrip())
        if len(text) - start > TITLE_CHAR_LIMIT:
            cut = start + TITLE_CHAR_LIMIT
            yield Hit(
                f"Title has {len(text) - start} characters (limit {TITLE_CHAR_LIMIT}): "
                f'"{text[cut : cut + 30]}..." is over the limit',
                Location(i, cut, len(text)),
            )


@rule(
    code="TI002",
    name="title-missing",
    category="title",
    severity=Severity.INFO,
    summary="No title found.",
    authority=Authority("37 CFR 1.72(a); EPC Rule 41(2)(b)", CFR_1_72),
    fix_title="Put the title of the invention at the top of the first page",
)
def title_missing(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports a document whose first paragraph is not a title (a heading or body text instead).

    Why it matters
    37 CFR 1.72(a): unless given in the application data sheet, the title should appear as a
    heading on the first page of the specification. EPC Rule 41(2)(b) requires a title.

    Example
    A document that starts directly with "CROSS-REFERENCE TO RELATED APPLICATIONS".

    Fix
    Add the title of the invention as the first paragraph (a title given only in the application
    data sheet is also acceptable in the US, hence this is only a note).
    """
    if _title_paragraphs(ctx):
        return
    anchor = _document_anchor(ctx)
    if anchor is not None:
        yield Hit("No title found at the top of the document", anchor)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


@rule(
    code="SC001",
    name="required-section-missing",
    category="sections",
    severity=Severity.ERROR,
    summary="Claims or description missing.",
    authority=Authority("37 CFR 1.75(a); 35 U.S.C. 112", CFR_1_75),
    fix_title="Add the missing part",
)
def required_section_missing(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Reports a document with no claims (no claims section and no "1. A ..." claim paragraphs), or
    with claims but no description text at all.

    Why it matters
    37 CFR 1.75(a): the specification must conclude with a claim; 35 U.S.C. 112(a) and EPC
    Article 78 require a description. Without them the application gets no filing date as filed.

    Example
    A document that ends after the detailed description, with no "What is claimed is:".

    Fix
    Add the claims after the description (heading "What is claimed is:" / "CLAIMS").
    """
    anchor = _document_anchor(ctx)
    if anchor is None:
        return
    if not ctx.claims.claims:
        section = ctx.sections.first(_K.CLAIMS)
        if section is not None and section.heading is not None:
            text = ctx.paragraph_text(section.heading)
            yield Hit(
                f'No numbered claims after the "{text.strip()}" heading',
                Location(section.heading, 0, len(text.rstrip())),
            )
        else:
            yield Hit("No claims found", anchor)
    if not _has_description(ctx):
        yield Hit("No description found", anchor)


_RECOMMENDED = (
    (_K.BACKGROUND, "BACKGROUND"),
    (_K.SUMMARY, "SUMMARY"),
    (_K.DETAILED_DESCRIPTION, "DETAILED DESCRIPTION"),
)


@rule(
    code="SC005",
    name="recommended-section-missing",
    category="sections",
    severity=Severity.INFO,
    summary="No background, summary or detailed description heading.",
    authority=Authority("37 CFR 1.77(b)-(c)", CFR_1_77),
    jurisdictions=("us",),
    fix_title="Add the section heading",
)
def recommended_section_missing(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Notes a missing "BACKGROUND", "SUMMARY" or "DETAILED DESCRIPTION" section heading.

    Why it matters
    37 CFR 1.77(b) lists the sections the specification should contain, in order, and 1.77(c)
    says each should be preceded by a section heading in uppercase. Missing headings are a matter
    of form, and often a sign of a missing part.

    Example
    A specification with "BACKGROUND" and "DETAILED DESCRIPTION" but no "SUMMARY".

    Fix
    Add the heading (and the section) where it belongs.
    """
    if not _has_description(ctx):
        return  # SC001 reports it
    anchor = _document_anchor(ctx)
    if anchor is None:
        return
    technical_field = ctx.sections.first(_K.TECHNICAL_FIELD) is not None
    for kind, heading in _RECOMMENDED:
        if ctx.sections.first(kind) is not None:
            continue
        if kind == _K.BACKGROUND and technical_field:
            continue  # the field is part of the background (MPEP 608.01(c))
        yield Hit(f'No "{heading}" section', anchor)


_FIGURE_DESCRIPTION = re.compile(
    r"(?:FIG(?:URE)?S?\.?|Figs?\.)\s*\d+[A-Za-z]?(?:\s*(?:,|and|to|-|through)\s*\d+[A-Za-z]?)*\s+"
    r"(?:is|are|shows?|illustrates?|depicts?|represents?|presents?|displays?|provides?|sets forth)\b",
    re.IGNORECASE,
)
_FIGURE_REF = re.compile(r"\b(?:FIG(?:URE)?S?\.?|Figs?\.)\s*\d", re.IGNORECASE)


_FIG_ABBREVIATION = re.compile(r"\b(FIG(?:URE)?S?|Figs?)\.", re.IGNORECASE)
# a sentence ends before a capital after a lower-case word, a number or a bracket, and before "FIG"
# after anything ("... of the CPU. FIG. 2 is ...")
_SENTENCE_BREAK = re.compile(
    r"(?<=[a-z0-9)\]])[.;]\s+(?=[A-Z])|(?<=[A-Za-z0-9)\]])[.;]\s+(?=(?:FIG(?:URE)?S?|Figs?|Figures?)\b)"
)


def _brief_views(text: str) -> int:
    """How many entries of a brief description of the drawings `text` holds when it is made of them
    only ("FIG. 1 is a perspective view of ...", one short sentence each), else 0."""
    sentences = [x for x in _SENTENCE_BREAK.split(_FIG_ABBREVIATION.sub(r"\1", text.strip())) if x.strip()]
    if not sentences or not all(
        _FIGURE_DESCRIPTION.match(x.strip()) and len(x.split()) <= 45 for x in sentences
    ):
        return 0
    return len(sentences)


@rule(
    code="SC004",
    name="drawings-description-missing",
    category="sections",
    severity=Severity.WARNING,
    summary="Figures referenced but no brief description of the drawings.",
    authority=Authority("37 CFR 1.74", CFR_1_74),
    jurisdictions=("us",),
    fix_title='Add a "BRIEF DESCRIPTION OF THE DRAWINGS" section',
)
def drawings_description_missing(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags the first figure reference ("FIG. 1") in a document that has no "BRIEF DESCRIPTION OF
    THE DRAWINGS" section (a run of one-sentence "FIG. 1 is a ..." paragraphs without the heading
    counts as one; detailed-description paragraphs that open with "FIG. 1 shows ..." do not).

    Why it matters
    37 CFR 1.74: when there are drawings, the specification must contain a brief description of
    the several views of the drawings.

    Example
    "[0010] As shown in FIG. 1, ..." with no drawings section -> "FIG. 1" is flagged.

    Fix
    Add a "BRIEF DESCRIPTION OF THE DRAWINGS" section with one sentence per figure.
    """
    if ctx.sections.first(_K.DRAWINGS) is not None:
        return
    skip = {_K.CLAIMS, _K.ABSTRACT, _K.TITLE}
    body = [i for s in ctx.sections.sections if s.kind not in skip for i in range(s.start, s.end)]
    views = {
        i: n for i in body if (n := _brief_views(ctx.paragraph_text(i)[_content_start(ctx.paragraph_text(i)) :]))
    }
    references = [(i, m) for i in body for m in _FIGURE_REF.finditer(ctx.paragraph_text(i))]
    if not references:
        return
    if any(n >= 2 or views.get(i + 1) for i, n in views.items()) or (
        views and len({m.group() for _, m in references}) <= 1
    ):
        # "FIG. 1 is a ...; FIG. 2 is a ..." entries without a heading, in one paragraph or in
        # consecutive ones (one entry when there is one figure): the views are described (a
        # detailed description that opens paragraphs with "FIG. 1 shows ..." and goes on is not)
        return
    i, m = references[0]
    yield Hit(
        f'"{m.group()}" is referenced but there is no "BRIEF DESCRIPTION OF THE DRAWINGS" section',
        Location(i, m.start(), m.end()),
    )


_ORDER = {
    _K.TITLE: 0,
    _K.CROSS_REFERENCE: 1,
    _K.GOVERNMENT_INTEREST: 2,
    _K.JOINT_RESEARCH: 3,
    _K.SEQUENCE_LISTING: 4,
    _K.TECHNICAL_FIELD: 5,
    _K.BACKGROUND: 5,
    _K.SUMMARY: 6,
    _K.DRAWINGS: 7,
    _K.DETAILED_DESCRIPTION: 8,
    _K.CLAIMS: 9,
    _K.ABSTRACT: 10,
}


@rule(
    code="SC002",
    name="section-order",
    category="sections",
    severity=Severity.WARNING,
    summary="Sections out of the order of 37 CFR 1.77(b).",
    authority=Authority("37 CFR 1.77(b)", CFR_1_77),
    jurisdictions=("us",),
    fix_title="Move the section",
)
def section_order(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Flags the heading of a section that comes after a section which 37 CFR 1.77(b) places later
    (title, cross-reference, federally sponsored research, background (with the field), summary,
    brief description of the drawings, detailed description, claims, abstract).

    Why it matters
    37 CFR 1.77(b): the elements of the application should appear in that order. A misplaced
    section draws an objection to the form of the specification.

    Example
    "BRIEF DESCRIPTION OF THE DRAWINGS" after "DETAILED DESCRIPTION".

    Fix
    Move the section to its place in the order above.
    """
    latest: tuple[int, str] | None = None
    for s in ctx.sections.sections:
        rank = _ORDER.get(s.kind)
        if rank is None:
            continue
        name = s.heading_text.strip() or str(s.kind)
        if latest is not None and rank < latest[0] and s.heading is not None:
            text = ctx.paragraph_text(s.heading)
            yield Hit(
                f'"{name.rstrip(":")}" comes after "{latest[1].rstrip(":")}" (37 CFR 1.77(b) order)',
                Location(s.heading, 0, len(text.rstrip())),
            )
            continue
        if latest is None or rank > latest[0]:
            latest = (rank, name)


@rule(
    code="SC003",
    name="paragraph-numbering",
    category="sections",
    severity=Severity.WARNING,
    summary="Paragraph numbers not consecutive (gap, duplicate or restart).",
    authority=Authority("37 CFR 1.52(b)(6)", CFR_1_52),
    fix_title="Renumber the paragraphs consecutively",
)
def paragraph_numbering(ctx: CheckContext) -> Iterator[Hit]:
    """What it does
    Follows the paragraph numbers of the description ("[0001]", "[0002]", ..., typed or produced
    by list numbering) and flags a number that skips, repeats or goes back.

    Why it matters
    37 CFR 1.52(b)(6): numbered paragraphs should be individually and consecutively numbered, so
    that each paragraph can be identified unambiguously (amendments refer to them by number).

    Example
    "[0006]" followed by "[0008]": "[0008]" is flagged ("[0007]" is missing).

    Fix
    Renumber the paragraphs consecutively (Word list numbering does it automatically).
    """
    skip = {_K.CLAIMS, _K.ABSTRACT}
    numbered: list[tuple[int, int, int, int]] = []  # (paragraph, number, start, end)
    for s in ctx.sections.sections:
        if s.kind in skip:
            continue
        for i in range(s.start, s.end):
            text = ctx.paragraph_text(i)
            m = PARAGRAPH_NUMBER_RE.match(text)
            if m and len(m.group("num")) >= 3:
                lead = len(m.group()) - len(m.group().lstrip())
                numbered.append((i, int(m.group("num")), m.start() + lead, m.end()))
    if len(numbered) < 2:
        return
    prev = None
    for i, num, start, end in numbered:
        label = ctx.paragraph_text(i)[start:end].strip()
        width = len(re.sub(r"\D", "", label))
        loc = Location(i, start, end)
        if prev is None:
            if num != 1:
                yield Hit(f'Paragraph numbering starts at "{label}" instead of 1', loc)
        elif num == prev:
            yield Hit(f'Paragraph number "{label}" is repeated', loc)
        elif num < prev:
            yield Hit(f'Paragraph number "{label}" goes back (previous was [{prev:0{width}d}])', loc)
        elif num > prev + 1:
            missing = (
                f"[{prev + 1:0{width}d}]"
                if num == prev + 2
                else f"[{prev + 1:0{width}d}]-[{num - 1:0{width}d}]"
            )
            yield Hit(f'Paragraph number "{label}" skips {missing}', loc)
        prev = num
