"""Suggested dependent claims on the corpus: hide each document's dependent claims, suggest from its
independent claims and its description, and measure

- recall@10: share of the real dependent claims recovered by one of the 10 suggestions for their
  independent claim (a suggestion matches when it refines the same element (same head noun after
  "wherein the", or both add a "further comprising" feature) and its added limitation has token F1
  at least 0.5 with the real one);
- checks: share of suggestions with no antecedent-basis (AB) or dependency (CD) finding when the
  whole new claim set (independent claims + every suggestion) goes through the engine.

A suggestion that depends on another suggestion (a chain: "The device of claim 12, wherein the
cover is transparent." under "12. The device of claim 1, further comprising a cover ...") counts
for the independent claim it goes back to (`root`) and takes one of that claim's 10 places: the
10 are the first 10 suggestions with that root, chained or not, so chains add no places.

Also printed: recall@10 against what ten suggestions per independent claim could hold at most (an
independent claim with 14 real dependents can recover 10), and with --ceiling the real dependent
claims that some description sentence matches at all (token F1 >= 0.5), the same within ten per
independent claim, and those that some candidate matches before ranking, the ten and the checks.

The ranking uses the claim-language lexicon shipped with the package (bench/fit_dependent_lexicon.py,
fitted on other documents); --no-lexicon ranks without it.

    .venv/bin/python bench/assist_dependent.py [--docs N] [--sample] [--show N] [--no-lexicon]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.assistant import DEFAULT_DEPENDENT_LEXICON, load_dependent_lexicon
from backend.nlp.claims import parse_claims_text
from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.engine import check
from backend.nlp.inflection import singular
from backend.nlp.parsing import shared_parser
from backend.nlp.sections import find_sections
from backend.nlp.structure import SectionKind
from backend.nlp.suggestions.dependent import (
    _SENTENCE,
    _claim_terms,
    _split_subject,
    dependent_candidates,
    suggest_dependent_claims,
)
from backend.wordlists import load_wordlists
from tests.corpus import FULL_CORPUS, SAMPLE_CORPUS, claim_lines, read_corpus, record_document

_WORDS = re.compile(r"[a-z0-9]+")


def f1(a: str, b: str) -> float:
    x, y = Counter(_WORDS.findall(a.lower())), Counter(_WORDS.findall(b.lower()))
    common = sum((x & y).values())
    if not common:
        return 0.0
    p, r = common / sum(x.values()), common / sum(y.values())
    return 2 * p * r / (p + r)


_DETERMINERS = re.compile(
    r"^(?:(?:the|said|each\s+of\s+the|each|every|all|both|any|an?|at\s+least\s+(?:one|\d+)(?:\s+of\s+the)?|"
    r"one\s+or\s+more(?:\s+of\s+the)?|(?:no\s+)?more\s+than\s+\d+|\d+)\s+)+", re.IGNORECASE)


STRICT = False
"""--strict-elements: the narrower reading of "the same element" this benchmark used first: only a
"the/said/each X" subject names an element, and every "further comprising" limitation is one element."""


# "wherein", "in which", "characterized in that" ... opening a limitation
_JOINER = r"(?:and\s+)?(?:wherein|in\s+which|where|whereby|characteri[sz]ed\s+in\s+that)\s*[,:]?\s*"
_JOINERS = re.compile(rf"^(?:{_JOINER})+", re.IGNORECASE)


# words in -ing that open a limitation without naming a step ("during the heating, ...", "according to the X")
_NOT_GERUNDS = frozenset({"during", "following", "according", "including", "comprising", "having", "being", "using",
                          "regarding", "concerning", "excluding", "containing", "considering", "notwithstanding"})


def element_of(body: str) -> str | None:
    """The element a dependent claim's limitation refines: the head of its subject, singular
    ("the at least one housing is steel" -> "housing"; "quality scores include X" -> "score";
    "filtering comprises X" -> "filtering"; "the step of filtering the signal comprises X" and "filtering the
    signal comprises X" -> "filtering"; "further comprising a spring that is steel" -> "spring"),
    or "further" for a limitation that adds an element or a step and says nothing more of it."""
    body = " ".join(body.split()).rstrip(".")
    labelled = re.match(r"(?:(?:the|said)\s+)?step\s+\(([ivx]{1,5}|[a-z]|\d{1,2})\)", body, re.IGNORECASE)
    if labelled and not STRICT:
        return f"step {labelled.group(1).lower()}"  # "step (iii) is carried out" refines step (iii), not any step
    # a parenthetical inside the subject ("the optical coherence elastography (OCE) system comprises") is read
    # past, as the suggestions drop the description's parentheticals
    body = re.sub(r"\s*\([^()]{1,40}\)", "", body) if not STRICT else body
    further = re.match(r"(?:further\s+)?(?:comprising|including|having|comprises|includes)\b\s*:?\s*", body, re.IGNORECASE)
    if further:
        if STRICT:
            return "further"
        # a limitation that adds an element and characterises it refines that element: "further
        # comprising a protein that is collagen" and "wherein the protein is collagen" both refine "protein"
        added = re.match(r"(?:an?|one\s+or\s+more|at\s+least\s+one)\s+(?P<np>(?:[\w-]+\s+){0,4}?[\w-]+)\s+"
                         r"(?:that|which|configured|adapted|operable|arranged|positioned|disposed|located|coupled|"
                         r"connected|attached|mounted|having|comprising|including|is|are)\b", body[further.end() :])
        return singular(added.group("np").split()[-1].lower()) if added else "further"
    body = _JOINERS.sub("", body)
    if not STRICT:
        # a step refines the step, however it is named: "the step of detecting the change comprises X"
        # and "detecting the change comprises X" both refine "detecting"
        step = (re.match(r"^(?:the|said)\s+steps?\s+of\s+(?P<gerund>[a-z]{3,}ing)\b", body, re.IGNORECASE)
                or re.match(r"^(?:the|said)\s+(?P<gerund>[a-z]{3,}ing)\s+step\b", body, re.IGNORECASE)
                or re.match(r"^(?P<gerund>[a-z]{3,}ing)\s+(?:the|said|an?|each)\b", body, re.IGNORECASE))
        if step and step.group("gerund").lower() not in _NOT_GERUNDS:
            return step.group("gerund").lower()
    split = _split_subject(body if STRICT else "the " + _DETERMINERS.sub("", body))
    return singular(split[0][-1]) if split else None


def limitation(text: str) -> tuple[str, str] | None:
    """(element, added limitation) of a dependent claim: ("housing", "the housing is steel");
    ("further", "further comprising a spring") for a claim that adds an element or a step."""
    m = re.search(r"\bclaims?\s+\d+(?:\s*(?:,|or|and|to|-)\s*\d+)*\s*,?\s*(?P<rest>.+)$", text, re.IGNORECASE | re.DOTALL)
    if not m:
        return None
    rest = " ".join(m.group("rest").split()).rstrip(".")
    element = element_of(rest)
    if element is None:
        return None
    return element, re.sub(rf"^{_JOINER}", "", rest, flags=re.IGNORECASE)


@dataclass
class Case:
    """One corpus document with its dependent claims hidden."""

    hidden: Any
    """The independent claims alone (a ClaimSet)."""
    description: list[tuple[int, str]]
    summary: list[int]
    real: dict[int, list[tuple[str, tuple[str, str] | None]]]
    """Independent claim number -> its real dependents: (claim text, (element, limitation) or None)."""


def corpus_cases(*, docs: int, skip: int = 0, sample: bool = False) -> Iterator[Case]:
    """The first `docs` documents with dependent claims after the first `skip` such documents
    (bench/fit_dependent_ranker.py fits on documents this benchmark does not measure)."""
    seen = 0
    for record in read_corpus(SAMPLE_CORPUS if sample else FULL_CORPUS):
        if seen >= skip + docs:
            break
        claims = parse_claims_text("\n".join(claim_lines(record)))
        if not any(not c.independent for c in claims.active):
            continue
        seen += 1
        if seen <= skip:
            continue
        document = record_document(record)
        sections = find_sections(document)
        described = [i for i in range(len(document.paragraphs))
                     if i in set(sections.paragraphs(SectionKind.SUMMARY)) | set(sections.paragraphs(SectionKind.DETAILED_DESCRIPTION))
                     or document.paragraphs[i].text.startswith("[")]
        claim_paragraphs = set(sections.paragraphs(SectionKind.CLAIMS))
        description = [(i, re.sub(r"^\[\d{4}\]\s*", "", document.paragraphs[i].text)) for i in described
                       if i not in claim_paragraphs]
        independents = [c for c in claims.active if c.independent]
        hidden = parse_claims_text("\n".join(f"{c.number}. {c.text}" for c in independents))
        # the real dependents and the independent claim each goes back to
        roots: dict[int, int] = {}
        for c in claims.active:
            if c.independent:
                roots[c.number] = c.number
            elif c.depends_on and c.depends_on[0] in roots:
                roots[c.number] = roots[c.depends_on[0]]
        real: dict[int, list[tuple[str, tuple[str, str] | None]]] = {c.number: [] for c in independents}
        for c in claims.active:
            if not c.independent and c.number in roots:
                real[roots[c.number]].append((c.text, limitation(c.text)))
        yield Case(hidden, description, list(sections.paragraphs(SectionKind.SUMMARY)), real)


def matches(suggested_limitation: str, real: tuple[str, str] | None) -> bool:
    return real is not None and element_of(suggested_limitation) == real[0] and f1(suggested_limitation, real[1]) >= 0.5


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--sample", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--per-claim", type=int, default=10, help="suggestions per independent claim (recall@N)")
    ap.add_argument("--ceiling", action="store_true",
                    help="also count the real dependent claims some description sentence matches (token F1 >= 0.5)")
    ap.add_argument("--no-lexicon", action="store_true", help="rank without the claim-language lexicon")
    ap.add_argument("--strict-elements", action="store_true", help="only 'the X' subjects name an element; all 'further comprising' claims are one element")
    args = ap.parse_args()
    global STRICT
    STRICT = args.strict_elements
    parser = shared_parser()
    wl = load_wordlists()
    exempt, inherent = wl.get("antecedent_exempt"), wl.get("inherent_nouns")
    lexicon = None if args.no_lexicon else load_dependent_lexicon(DEFAULT_DEPENDENT_LEXICON)
    real_total = recovered = reachable = 0
    capacity = reachable_capacity = candidate_hits = 0  # what `per_claim` suggestions per independent claim could recover at most
    chained = chained_recovered = 0
    suggested = passed = 0
    docs = 0
    shown = 0
    started = time.perf_counter()
    for case in corpus_cases(docs=args.docs, sample=args.sample):
        docs += 1
        suggestions = suggest_dependent_claims(
            case.hidden, case.description, parser=parser, summary_paragraphs=case.summary,
            exempt=exempt, inherent=inherent, per_claim=args.per_claim, lexicon=lexicon,
        )
        by_parent: dict[int, list] = {}
        for s in suggestions:
            by_parent.setdefault(s.root, []).append(s)
        sentences = [_SENTENCE.split(p) for _, p in case.description] if args.ceiling else []
        sentences = [s for group in sentences for s in group]
        for parent, dependents in case.real.items():
            capacity += min(args.per_claim, len(dependents))
            reachable_here = 0
            for text, real in dependents:
                real_total += 1
                if args.ceiling and real is not None and any(f1(s, real[1]) >= 0.5 for s in sentences):
                    reachable += 1
                    reachable_here += 1
            reachable_capacity += min(args.per_claim, reachable_here)
            if args.ceiling:  # every candidate the description gives this claim, before ranking and checks
                # (an independent claim the hidden set reads differently, e.g. one left empty, has none)
                claim = next((c for c in case.hidden.active if c.number == parent), None)
                candidates = [] if claim is None else dependent_candidates(
                    claim, case.description, summary=frozenset(case.summary), terms=_claim_terms(claim, parser))
                candidate_hits += sum(1 for _, real in dependents if any(matches(c.limitation, real) for c in candidates))
            for text, real in dependents:
                hit = next((s for s in by_parent.get(parent, [])[: args.per_claim] if matches(s.limitation, real)), None)
                if hit is not None:
                    recovered += 1
                    chained_recovered += hit.parent != parent
                    if shown < args.show:
                        shown += 1
                        print(f"  real: {text[:140]}\n  sugg: {hit.text[:140]}")
        if suggestions:
            independents = case.hidden.active
            text = "\n".join([*(f"{c.number}. {c.text}" for c in independents), *(f"{s.number}. {s.text}" for s in suggestions)])
            result = check(DocumentText.from_text(text), config=CheckConfig.build(select=("AB", "CD")),
                           wordlists=wl, parser=parser)
            bad = {f.claim for f in result.findings if f.code.startswith(("AB001", "AB003", "AB004", "CD"))}
            suggested += len(suggestions)
            chained += sum(1 for s in suggestions if s.parent != s.root)
            passed += sum(1 for s in suggestions if s.number not in bad)
    elapsed = time.perf_counter() - started
    print(f"documents: {docs}, real dependent claims: {real_total}, suggestions: {suggested}")
    print(f"recall@{args.per_claim} of the real dependent claims: {100 * recovered / max(real_total, 1):.1f}% ({recovered})")
    print(f"suggestions depending on another suggestion (chained): {chained}, recovering {chained_recovered}")
    print(f"  of what {args.per_claim} suggestions per independent claim could hold ({capacity}: an independent claim "
          f"with more real dependents counts only {args.per_claim}): {100 * recovered / max(capacity, 1):.1f}%")
    if args.ceiling:
        print(f"real dependent claims that some description sentence matches (the ceiling of drawing them from "
              f"the description): {100 * reachable / max(real_total, 1):.1f}% ({reachable}); within "
              f"{args.per_claim} per independent claim: {100 * reachable_capacity / max(real_total, 1):.1f}% "
              f"({reachable_capacity})")
        print(f"real dependent claims some candidate matches (before ranking, the ten and the checks): "
              f"{100 * candidate_hits / max(real_total, 1):.1f}% ({candidate_hits})")
    print(f"suggestions with no AB001/AB003/AB004/CD finding on the new claim set: {100 * passed / max(suggested, 1):.1f}%")
    print(f"time per document: {elapsed / max(docs, 1):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
