"""Find the sections of a patent application: `find_sections(document) -> Sections`.

Headings are recognised by style (`Paragraph.heading_level`, "Heading N", "Title") or by their
text: a short paragraph that is all capitals or bold, or that is a known heading phrase (US and EP
wording, with or without a trailing colon). A heading that is not a known section heading (e.g.
"Example 1" or "System Overview" inside the detailed description) does not end the current
section; before the first known heading such paragraphs belong to an OTHER section.

Claims are also found without a heading: a run of paragraphs starting "1. A ..." after the
description.
"""

from __future__ import annotations

import re

from backend.nlp.document import DocumentText, Paragraph
from backend.nlp.structure import Section, SectionKind, Sections

__all__ = ["PARAGRAPH_NUMBER_RE", "find_sections", "heading_kind", "looks_like_heading"]

PARAGRAPH_NUMBER_RE = re.compile(r"^\s*\[\s*(?P<num>\d{1,5})\s*\]")
"""A paragraph number as typed or produced by list numbering: "[0001]", "[12]"."""

_K = SectionKind
# Patterns on the normalised heading text (lower case, no trailing ":" / ".", no leading "1." / "I.").
_HEADINGS: list[tuple[SectionKind, re.Pattern[str]]] = [
    (
        _K.CROSS_REFERENCE,
        re.compile(
            r"^(?:cross[- ]?references?\b.*"
            r"|related (?:patent )?applications?(?: data| information)?|priority(?: claims?| data| information| applications?)?"
            r"|claim(?:s)? (?:of|for|to) priority|references? to related (?:patent )?applications?"
            r"|(?:statement of )?priority statement|statement of priority|related inventions?"
            r"|related applications? and priority.*"
            r"|incorporation by reference(?: to any priority applications?)?)$"
        ),
    ),
    (
        _K.GOVERNMENT_INTEREST,
        re.compile(
            r"^(?:statement (?:regarding|concerning|as to rights (?:to|under)) .*federally[- ]sponsored.*"
            r"|.*federally[- ]sponsored research.*|government(?:al)? (?:interests?|rights?|licen[cs]e rights?|support)"
            r"|statement of government(?:al)? (?:interests?|rights?|support)|statement (?:of|regarding) federally (?:funded|sponsored).*"
            r"|government(?:al)? (?:funding|sponsorship|support clause)|federal(?:ly)? (?:funding|funded research|research statement).*"
            r"|statement .*government.*|.*government(?:al)? (?:sponsored|funded|funding|license).*|acknowledge?ment of government support|statement regarding government (?:rights|support|interest))$"
        ),
    ),
    (
        # 37 CFR 1.77(b)(4)
        _K.JOINT_RESEARCH,
        re.compile(r"^(?:(?:the )?names? of (?:the )?part(?:y|ies) to (?:a )?joint research agreement|joint research agreement)$"),
    ),
    (
        # 37 CFR 1.77(b)(5): a sequence listing, a table or a computer program listing appendix
        _K.SEQUENCE_LISTING,
        re.compile(
            r"^(?:(?:reference to |incorporation(?: by reference)? of )?(?:an? |the )?(?:sequence listing|computer program"
            r" listing(?: appendix)?).*|.*\bsequence listing|statement under 37 c\.?\s?f\.?\s?r\.?.*1\.82\d.*"
            r"|description of (?:the )?attached appendi(?:x|ces))$"
        ),
    ),
    (
        _K.TECHNICAL_FIELD,
        re.compile(
            r"^(?:(?:technical|technological) field(?: of the (?:invention|disclosure))?|field(?: of (?:the )?(?:invention|disclosure|"
            r"technology|art|application|the present (?:invention|disclosure)))?|background[ -]+field(?: of the invention)?"
            r"|(?:1\. )?field of the invention|technical fields?(?: of the (?:invention|disclosure))?)$"
        ),
    ),
    (
        _K.BACKGROUND,
        re.compile(
            r"^(?:background(?: and (?:summary|prior art|related art).*)?|(?:technical|field and) background(?: of the invention)?|background(?: (?:of|to|for) (?:the )?(?:invention|disclosure|present (?:invention|disclosure)|related art|art|technology|embodiments))?"
            r"(?: and summary(?: of the (?:invention|disclosure))?)?|background art|background information|(?:description of (?:the )?)?"
            r"(?:related|prior) art|discussion of (?:the )?(?:related|prior|background) art|state of the art|description of the background art"
            r"|(?:2\. )?description of (?:the )?related art)$"
        ),
    ),
    (
        _K.SUMMARY,
        re.compile(
            r"^(?:(?:brief )?summary(?: of (?:the )?(?:invention|disclosure|present (?:invention|disclosure)|embodiments|"
            r"example embodiments|the claimed subject matter))?|(?:disclosure|statement) of (?:the )?invention|summary and objects?"
            r"(?: of the invention)?|objects? (?:and summary )?of the invention|(?:technical )?problems? to be solved(?: by the invention)?"
            r"|solution to (?:the )?problem|technical problem|technical solution"
            r"|general description(?: of the invention)?|brief description(?: of the (?:invention|disclosure|embodiments))?|disclosure"
            r"|summary of (?:the )?(?:invention|disclosure|embodiments)|(?:summary|outline) of the (?:invention|disclosure)"
            r"|means for solving (?:the )?problems?|solution to problems?|disclosure of (?:the )?(?:invention|disclosure)|brief summary of the invention)$"
        ),
    ),
    (
        _K.DRAWINGS,
        re.compile(
            r"^(?:(?:a )?brief description of (?:the )?(?:several views of the )?(?:drawings?|figures?|illustrations?)"
            r"|(?:brief )?description of (?:the )?(?:accompanying )?(?:drawings?|figures?)|brief explanation of (?:the )?drawings?"
            r"|drawings?|figures?|list of figures)$"
        ),
    ),
    (
        _K.DETAILED_DESCRIPTION,
        re.compile(
            r"^(?:detailed description(?: of (?:the )?(?:invention|disclosure|drawings|embodiments?|preferred embodiments?|"
            r"exemplary embodiments?|illustrative embodiments?|example embodiments?|specific embodiments?|the present (?:invention|disclosure)|"
            r"certain embodiments|the preferred embodiments?|the exemplary embodiments?|the embodiments?|the illustrated embodiments?))?"
            r"|description of (?:the )?(?:preferred |exemplary |example |illustrative |specific )?embodiments?"
            r"|(?:best )?modes? for carrying out(?: the invention)?|best mode(?: of carrying out the invention)?|description of the invention"
            r"|description|embodiments? of the invention|mode for the invention|modes? of (?:carrying out|implementing) the invention"
            r"|detailed description of the preferred embodiments?|detailed description\b.*|embodiments? for carrying out the invention"
            r"|(?:best )?modes? for (?:carrying out|implementing) (?:the )?(?:invention|disclosure)|description of (?:the )?(?:\w+ )?embodiments?\b.*|detailed disclosure.*|modes? (?:for|of) (?:the )?invention)$"
        ),
    ),
    (
        _K.CLAIMS,
        re.compile(
            r"^(?:.{0,80}, )?(?:what (?:is|are) claimed(?: is| are)?|(?:i|we) claim|claims?|the invention claimed is|what is claimed"
            r"|patent claims|what (?:i|we) claim(?: is| are)?|it is claimed|the claims are|claimed is|we claim as our invention"
            r"|the following is claimed|the embodiments? of the invention in which an exclusive property or privilege is claimed are defined as follows"
            r"|(?:amendments? to|listing of) the claims|the claimed invention is)$"
        ),
    ),
    (_K.ABSTRACT, re.compile(r"^(?:abstract(?: of the (?:disclosure|invention))?|abstract of disclosure)$")),
    (_K.TITLE, re.compile(r"^title(?: of (?:the )?invention)?$")),
]

_LEADING_NUMBER = re.compile(r"^(?:[ivx]{1,4}|\d{1,2}|[a-h])[.)]\s+|^\d{1,2}\s+(?=[a-z])")
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle)", re.IGNORECASE)
_CLAIM_START = re.compile(
    r"^\s*1\s*[.)]\s+(?:\([A-Za-z ,\-]+\)\s*)?(?:A|An|The|In|Method|Apparatus|System|Use)\b"
)
_CLAIM_REF = re.compile(r"\bclaims?\s*\d", re.IGNORECASE)


def _normalise(text: str) -> str:
    t = text.strip().lower()
    t = re.sub(r"\s+", " ", t)
    t = _LEADING_NUMBER.sub("", t)
    t = t.replace("(s)", "s").replace("\u2019", "'")
    t = t.rstrip(" :.;-\u2013\u2014")
    return t.strip()


def heading_kind(text: str) -> SectionKind | None:
    """The section kind a heading text names ("BACKGROUND OF THE INVENTION" -> BACKGROUND), else None."""
    t = _normalise(text)
    if not t or len(t) > 200:
        return None
    for kind, pattern in _HEADINGS:
        if pattern.match(t):
            return kind
    return None


def _numbered(p: Paragraph) -> bool:
    return bool(PARAGRAPH_NUMBER_RE.match(p.text))


def looks_like_heading(p: Paragraph) -> bool:
    """Heading by style, or a short unnumbered paragraph typed in capitals or bold."""
    if p.in_table:
        return False
    if p.heading_level is not None or _HEADING_STYLE.match(p.style or ""):
        return True
    text = p.text.strip()
    if not text or _numbered(p) or len(text) > 120 or len(text.split()) > 14:
        return False
    if text.endswith((".", ";", ",")) and not text.endswith(("etc.",)):
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    if all(not c.islower() for c in letters):
        return True
    return p.bold


def _is_title_style(p: Paragraph) -> bool:
    return (p.style or "").strip().lower() == "title"


def _known_heading(p: Paragraph) -> SectionKind | None:
    """The section kind when `p` is a known section heading paragraph."""
    if p.in_table or _numbered(p):
        return None
    text = p.text.strip()
    if not text or len(text) > 200:
        return None
    kind = heading_kind(text)
    if kind is None:
        return None
    if not looks_like_heading(p) and (len(text.split()) > 8 or text[:1].islower()):
        return None  # body text that happens to start like a heading ("background events ...")
    if _normalise(text) in ("disclosure", "figures", "embodiments") and not looks_like_heading(p):
        return None
    if kind == _K.CLAIMS and len(text.split()) > 25:
        return None
    return kind


def _looks_like_title(p: Paragraph) -> bool:
    text = p.text.strip()
    if not text or _numbered(p) or p.numbering_prefix:
        return False
    if len(text) > 600 or len(text.split()) > 80:
        return False
    return not text.endswith((".", ":", ";")) or len(text.split()) <= 25 and text.count(".") <= 1


def find_sections(document: DocumentText) -> Sections:
    paragraphs = document.paragraphs
    n = len(paragraphs)
    sections: list[Section] = []
    current: Section | None = None

    def open_section(kind: SectionKind, heading: int | None, start: int, heading_text: str = "") -> None:
        nonlocal current
        if current is not None:
            current.end = max(current.start, start if heading is None else heading)
        current = Section(kind=kind, heading=heading, start=start, end=n, heading_text=heading_text)
        sections.append(current)

    i = 0
    # Title: a "Title"-style paragraph, or the first paragraph(s) before any heading that look like one.
    first = paragraphs[0] if n else None
    if (
        first is not None
        and _known_heading(first) is None
        and not _CLAIM_START.match(first.text)
        and (_is_title_style(first) or _looks_like_title(first))
    ):
        j = 1
        while j < n and _is_title_style(paragraphs[j]):
            j += 1
        open_section(_K.TITLE, None, 0)
        current.end = j
        i = j
    while i < n:
        p = paragraphs[i]
        kind = _known_heading(p)
        if kind is not None:
            open_section(kind, i, i + 1, p.text.strip())
        elif _is_title_style(p) and not any(s.kind == _K.TITLE for s in sections):
            open_section(_K.TITLE, None, i)
            current.end = i + 1
        elif current is None or (current.kind == _K.TITLE and current.end <= i):
            # content (or an unknown heading) before the first known heading
            open_section(_K.OTHER, None, i)
        i += 1
    if current is not None:
        current.end = n
    # a TITLE section opened by the first paragraph keeps only that paragraph; gaps are closed above
    sections = [s for s in sections if s.end > s.start or s.heading is not None]
    sections = _find_unheaded_claims(document, sections)
    return Sections(sections)


def _find_unheaded_claims(document: DocumentText, sections: list[Section]) -> list[Section]:
    """Claims typed without a heading: a run of "1. A ..." paragraphs after the description."""
    if any(s.kind == _K.CLAIMS for s in sections):
        return sections
    paragraphs = document.paragraphs
    for si in range(len(sections) - 1, -1, -1):
        s = sections[si]
        if s.kind in (_K.ABSTRACT, _K.TITLE):
            continue
        for i in range(s.end - 1, s.start - 1, -1):
            p = paragraphs[i]
            if _numbered(p) or not _CLAIM_START.match(p.text):
                continue
            run = paragraphs[i : s.end]
            described = any(
                x.kind in (_K.DETAILED_DESCRIPTION, _K.SUMMARY, _K.BACKGROUND, _K.DRAWINGS)
                for x in sections[: si + 1]
            )
            if not (
                any(_CLAIM_REF.search(x.text) for x in run) or described or (i > 0 and s.kind == _K.OTHER)
            ):
                continue
            head = Section(kind=s.kind, heading=s.heading, start=s.start, end=i, heading_text=s.heading_text)
            claims = Section(kind=_K.CLAIMS, heading=None, start=i, end=s.end)
            out = sections[:si]
            if head.end > head.start or head.heading is not None:
                out.append(head)
            out.append(claims)
            return out + sections[si + 1 :]
        if s.kind != _K.OTHER:
            break  # only look in the last description section
    return sections
