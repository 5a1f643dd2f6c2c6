"""Quick fixes: the exact edits that resolve a finding, where a mechanical one exists (pure).

`attach_fixes(findings, ctx)` (called by the engine after the rules) gives findings their `Fix`:

- AB001 missing antecedent: the reference becomes the introduction ("the housing" -> "a
  housing", "said levers" -> "levers", "the at least one processor" -> "at least one
  processor"). Safe in an independent claim and when every chain of the claim lacks the term;
  in a multiply dependent claim where only some chains lack it, introducing it would introduce it
  twice in the others: offered as not safe. AB004 (used once, maybe an implicit item): the same
  edit, always offered as not safe.
- CN001/CN002/CN003 numbering: every claim renumbered 1, 2, 3, ... in order (a canceled range
  "2-5." keeps its slots) and every claim reference ("of claim 7") follows. Numbers produced by
  Word list numbering cannot be edited in the text: no fix then. During prosecution (a claim
  carries a status identifier) claims keep their numbers (37 CFR 1.126): offered as not safe.

`style_fixes(claims, said_to_the=True)`: firm preferences that are not findings ("said" -> "the"
in the claims).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from backend.nlp.document import DocumentText
from backend.nlp.inflection import indefinite_article, singular
from backend.nlp.rules.base import CheckContext, Edit, Finding, Fix
from backend.nlp.structure import ClaimSet

__all__ = ["attach_fixes", "fix_id", "renumber_fix", "said_fix", "style_fixes"]

_NUMBERING = ("CN001", "CN002", "CN003")


def fix_id(kind: str, edits: Sequence[Edit]) -> str:
    """A stable id: the same fix of the same document always has the same id."""
    h = hashlib.sha256(kind.encode())
    for e in edits:
        loc = e.location
        h.update(f"|{loc.paragraph}:{loc.start}:{loc.end}:{e.replacement}".encode())
    return f"{kind.lower()}-{h.hexdigest()[:12]}"


def _make(kind: str, title: str, edits: list[Edit], *, safe: bool) -> Fix | None:
    if not edits:
        return None
    return Fix(fix_id(kind, edits), title, tuple(edits), safe)


def introduction(phrase: str) -> str:
    """ "the housing" -> "a housing"; "said levers" -> "levers"; "the at least one arm" -> "at least one arm"."""
    det, _, rest = phrase.partition(" ")
    rest = rest.strip()
    if not rest:
        return phrase
    if re.match(r"(?:at\s+least|one\s+or\s+more|two|three|four|several|multiple)\b", rest, re.IGNORECASE):
        return rest
    words = rest.split()
    head = re.sub(r"[^A-Za-z-]", "", words[-1])
    if head and singular(head) != head.lower() and not head.isupper() and not rest.lower().startswith("plurality"):
        return rest
    article = indefinite_article(words[0])
    if det[:1].isupper():
        article = article.capitalize()
    return f"{article} {rest}"


def _antecedent_fix(finding: Finding, issue: Any, document: DocumentText, claims: ClaimSet) -> Fix | None:
    loc = finding.location
    original = document.paragraphs[loc.paragraph].text[loc.start : loc.end]
    if not re.match(r"(?:the|said)\s", original, re.IGNORECASE):
        return None
    replacement = introduction(original)
    claim = claims.get(issue.claim)
    # an AB004 reference may be an implicit item that needs no introduction: offered, never applied
    # on its own
    safe = finding.code == "AB001" and claim is not None and (
        not claim.depends_on or len({c for chain in issue.chains for c in chain}) >= len(claim.depends_on)
    )
    return _make(finding.code, f'Change "{original}" to "{replacement}"', [Edit(loc, original, replacement)], safe=safe)


def renumber_fix(document: DocumentText, claims: ClaimSet) -> Fix | None:
    """Claims renumbered consecutively from 1, references following (None when already so, or
    when a number is produced by list numbering)."""
    mapping: dict[int, int] = {}
    new_numbers: list[tuple[int, int | None]] = []
    next_number = 1
    for c in claims.claims:
        span = (c.number_end - c.number) if c.number_end else 0
        new_numbers.append((next_number, next_number + span if c.number_end else None))
        mapping.setdefault(c.number, next_number)
        next_number += span + 1
    if all(c.number == n and (c.number_end or None) == e for c, (n, e) in zip(claims.claims, new_numbers, strict=True)):
        return None
    edits: list[Edit] = []
    for c, (n, e) in zip(claims.claims, new_numbers, strict=True):
        loc = c.number_location
        if loc is None:
            return None
        para = document.paragraphs[loc.paragraph]
        if para.numbering_prefix and loc.start < len(para.numbering_prefix):
            return None  # Word list numbering: nothing to edit in the text
        written = para.text[loc.start : loc.end]
        wanted = str(n)
        if c.number_end:
            digits = list(re.finditer(r"\d+", written))[:2]
            wanted = written
            for m, value in reversed(list(zip(digits, (n, e), strict=False))):
                wanted = wanted[: m.start()] + str(value) + wanted[m.end() :]
        if written != wanted:
            edits.append(Edit(loc, written, wanted))
        if c.dependency_span is None or c.canceled:
            continue
        for m in re.finditer(r"\bclaims?\b[^.;:]*", c.text):
            for num in re.finditer(r"\d{1,4}", m.group()):
                old = int(num.group())
                if old not in mapping or mapping[old] == old:
                    continue
                start = m.start() + num.start()
                where = c.locate(start, start + len(num.group()))
                if where is not None:
                    edits.append(Edit(where, num.group(), str(mapping[old])))
            break
    amended = any(c.status for c in claims.claims)
    return _make("CN", "Renumber the claims consecutively and update their references", edits, safe=not amended)


def said_fix(document: DocumentText, claims: ClaimSet) -> Fix | None:
    """Every "said" used as a determiner in the claims becomes "the" (a firm's preference)."""
    edits: list[Edit] = []
    for c in claims.active:
        for m in re.finditer(r"\b([Ss])aid(?=\s+[A-Za-z0-9])", c.text):
            where = c.locate(m.start(), m.end())
            if where is not None:
                edits.append(Edit(where, m.group(), "The" if m.group(1) == "S" else "the"))
    return _make("SAID", 'Use "the" instead of "said" in the claims', edits, safe=True)


def style_fixes(document: DocumentText, claims: ClaimSet, *, said_to_the: bool = False) -> list[Fix]:
    out = []
    if said_to_the and (fix := said_fix(document, claims)) is not None:
        out.append(fix)
    return out


def attach_fixes(findings: list[Finding], ctx: CheckContext) -> list[Finding]:
    """`findings` with the fixes that exist for them (a finding without one is left as it is)."""
    if not findings:
        return findings
    issues = {}
    for issue in ctx.cache.get("antecedent") or ():
        claim = ctx.claims.get(issue.claim)
        loc = claim.locate(issue.start, issue.end) if claim is not None else None
        if loc is not None:
            issues[(issue.code, loc)] = issue
    renumber: list[Fix | None] = []
    out = []
    for f in findings:
        fix = None
        if f.code in ("AB001", "AB004") and (f.code, f.location) in issues:
            fix = _antecedent_fix(f, issues[(f.code, f.location)], ctx.document, ctx.claims)
        elif f.code in _NUMBERING:
            if not renumber:
                renumber.append(renumber_fix(ctx.document, ctx.claims))
            fix = renumber[0]
        out.append(dataclasses.replace(f, fix=fix) if fix is not None else f)
    return out

