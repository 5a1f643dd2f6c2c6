"""Suggested dependent claims on the corpus: hide each document's dependent claims, suggest from its
independent claims and its description, and measure

- recall@10: share of the real dependent claims recovered by one of the 10 suggestions for their
  independent claim (a suggestion matches when it refines the same element (same head noun after
  "wherein the", or both add a "further comprising" feature) and its added limitation has token F1
  at least 0.5 with the real one);
- checks: share of suggestions with no antecedent-basis (AB) or dependency (CD) finding when the
  whole new claim set (independent claims + every suggestion) goes through the engine.

    .venv/bin/python bench/assist_dependent.py [--docs N] [--sample] [--show N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.nlp.claims import parse_claims_text
from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.engine import check
from backend.nlp.inflection import singular
from backend.nlp.parsing import shared_parser
from backend.nlp.sections import find_sections
from backend.nlp.structure import SectionKind
from backend.nlp.suggestions.dependent import _split_subject, suggest_dependent_claims
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


def limitation(text: str) -> tuple[str, str] | None:
    """(element, added limitation) of a dependent claim: ("housing", "the housing is steel");
    ("further", "further comprising a spring") for a claim that adds an element or a step."""
    m = re.search(r"\bclaims?\s+\d+(?:\s*(?:,|or|and|to|-)\s*\d+)*\s*,?\s*(?P<rest>.+)$", text, re.IGNORECASE | re.DOTALL)
    if not m:
        return None
    rest = " ".join(m.group("rest").split()).rstrip(".")
    if re.match(r"(?:further\s+)?(?:comprising|including|having|comprises|includes)\b", rest, re.IGNORECASE):
        return "further", rest
    body = re.sub(r"^(?:and\s+)?(?:wherein|in\s+which|where|whereby|characteri[sz]ed\s+in\s+that)\s*,?\s*", "", rest,
                  flags=re.IGNORECASE)
    split = _split_subject(body)
    if split is None:
        return None
    return singular(split[0][-1]), body


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--sample", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--per-claim", type=int, default=10, help="suggestions per independent claim (recall@N)")
    args = ap.parse_args()
    parser = shared_parser()
    wl = load_wordlists()
    exempt, inherent = wl.get("antecedent_exempt"), wl.get("inherent_nouns")
    real_total = recovered = 0
    suggested = passed = 0
    docs = 0
    shown = 0
    started = time.perf_counter()
    for record in read_corpus(SAMPLE_CORPUS if args.sample else FULL_CORPUS):
        if docs >= args.docs:
            break
        claims = parse_claims_text("\n".join(claim_lines(record)))
        if not any(not c.independent for c in claims.active):
            continue
        docs += 1
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
        suggestions = suggest_dependent_claims(
            hidden, description, parser=parser, summary_paragraphs=sections.paragraphs(SectionKind.SUMMARY),
            exempt=exempt, inherent=inherent, per_claim=args.per_claim,
        )
        by_parent: dict[int, list] = {}
        for s in suggestions:
            by_parent.setdefault(s.parent, []).append(s)
        # the real dependents and the independent claim each goes back to
        roots: dict[int, int] = {}
        for c in claims.active:
            if c.independent:
                roots[c.number] = c.number
            elif c.depends_on and c.depends_on[0] in roots:
                roots[c.number] = roots[c.depends_on[0]]
        for c in claims.active:
            if c.independent or c.number not in roots:
                continue
            real_total += 1
            real = limitation(c.text)
            if real is None:
                continue
            for s in by_parent.get(roots[c.number], [])[: args.per_claim]:
                element = "further" if s.limitation.startswith("further") else singular(s.element.split()[-1])
                if element == real[0] and f1(s.limitation, real[1]) >= 0.5:
                    recovered += 1
                    if shown < args.show:
                        shown += 1
                        print(f"  real: {c.text[:140]}\n  sugg: {s.text[:140]}")
                    break
        if suggestions:
            text = "\n".join([*(f"{c.number}. {c.text}" for c in independents), *(f"{s.number}. {s.text}" for s in suggestions)])
            result = check(DocumentText.from_text(text), config=CheckConfig.build(select=("AB", "CD")),
                           wordlists=wl, parser=parser)
            bad = {f.claim for f in result.findings if f.code.startswith(("AB001", "AB003", "CD"))}
            suggested += len(suggestions)
            passed += sum(1 for s in suggestions if s.number not in bad)
    elapsed = time.perf_counter() - started
    print(f"documents: {docs}, real dependent claims: {real_total}, suggestions: {suggested}")
    print(f"recall@{args.per_claim} of the real dependent claims: {100 * recovered / max(real_total, 1):.1f}% ({recovered})")
    print(f"suggestions with no AB001/AB003/CD finding on the new claim set: {100 * passed / max(suggested, 1):.1f}%")
    print(f"time per document: {elapsed / max(docs, 1):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
