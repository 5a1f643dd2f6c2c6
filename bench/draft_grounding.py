"""Drafting from the claims of every corpus document: grounding, coverage, and the round trip
through the project's own checks.

For each claim set (../shared/corpus, or the committed sample with --sample):
- grounding: share of the noun-phrase terms of the generated paragraphs (boilerplate and
  placeholders excluded) made of claim words (aim 100%);
- coverage: share of claim elements (independent claims) and dependent-claim features restated in
  the detailed description in a paragraph with a reference numeral; share of introduced claim terms
  used in the detailed description, and given a numeral where a block diagram shows them;
- round trip: the generated application (title, draft sections, the claims, the abstract) checked
  with claim_support, reference_numeral, figure_reference and AS001: share of claim sets with no
  finding (aim 100%);
- abstract <= 150 words, no "said"; drafting time per claim set (language model off).

    .venv/bin/python bench/draft_grounding.py [--sample] [--limit N] [--show N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.drafting import draft_claims
from backend.nlp.claims import parse_claims_text
from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.engine import check
from backend.nlp.generation import Draft
from backend.nlp.generation.grounding import measure_draft
from backend.nlp.parsing import shared_parser
from backend.nlp.structure import SectionKind
from backend.settings import Settings
from backend.wordlists import load_wordlists
from tests.corpus import FULL_CORPUS, SAMPLE_CORPUS, claim_lines, read_corpus

ROUND_TRIP = ("claim_support", "reference_numeral", "figure_reference", "AS001")


def application_text(draft: Draft, claims: list[str]) -> str:
    """The generated application as plain text, in filing order (the abstract after the claims)."""
    lines: list[str] = []
    for section in draft.sections:
        if section.kind == SectionKind.ABSTRACT:
            continue
        if section.kind != SectionKind.TITLE:
            lines.append(section.heading)
        lines.extend(p.text for p in section.paragraphs)
    lines.append("What is claimed is:")
    for claim in claims:
        lines.extend(part for part in claim.split("\n") if part.strip())
    abstract = draft.section(SectionKind.ABSTRACT)
    if abstract is not None:
        lines.append(abstract.heading)
        lines.extend(p.text for p in abstract.paragraphs)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", action="store_true", help="the committed sample instead of the full corpus")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=5, help="examples of ungrounded terms and findings to print")
    args = ap.parse_args()
    path = SAMPLE_CORPUS if args.sample or not FULL_CORPUS.exists() else FULL_CORPUS
    settings = Settings()
    parser = shared_parser(settings.spacy_model)
    wordlists = load_wordlists()
    config = CheckConfig.build(select=ROUND_TRIP)
    totals: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    times: list[float] = []
    ungrounded: Counter[str] = Counter()
    examples: list[str] = []
    parser.parse("warm up the model")
    for record in read_corpus(path):
        if args.limit and totals["sets"] >= args.limit:
            break
        lines = claim_lines(record)
        claims = parse_claims_text("\n".join(lines))
        if not claims.active:
            continue
        started = time.perf_counter()
        draft = draft_claims(claims, settings=settings).draft
        times.append(time.perf_counter() - started)
        report = measure_draft(draft, claims, parser=parser)
        totals["sets"] += 1
        totals["claims"] += len(claims.active)
        totals["terms"] += report.terms
        totals["grounded"] += report.grounded
        totals["elements"] += report.elements
        totals["elements_covered"] += report.elements_covered
        totals["claim_terms"] += report.claim_terms
        totals["claim_terms_described"] += report.claim_terms_described
        totals["numbered_candidates"] += report.numbered_candidates
        totals["claim_terms_numbered"] += report.claim_terms_numbered
        totals["said"] += report.said
        totals["abstract_over"] += report.abstract_words > 150
        totals["abstract_words"] += report.abstract_words
        ungrounded.update(" ".join(t) for t in report.ungrounded)
        result = check(
            DocumentText.from_text(application_text(draft, lines)),
            config=config,
            wordlists=wordlists,
            parser=parser,
        )
        codes = Counter(f.code for f in result.findings)
        findings.update(codes)
        totals["clean"] += not result.findings
        for f in result.findings:
            if len(examples) < args.show:
                examples.append(f"{record['id']}: {f.code} {f.message}")
        for code in codes:
            totals[f"sets_with_{code[:2]}"] += 1

    n = totals["sets"]
    if not n:
        print("no claim sets")
        return

    def share(a: str, b: str) -> str:
        return f"{totals[a]:,} / {totals[b]:,} = {100 * totals[a] / max(1, totals[b]):.2f}%"

    print(f"corpus: {path.name}, {n} claim sets, {totals['claims']:,} claims")
    print(f"grounded generated terms:          {share('grounded', 'terms')}")
    print(f"claim elements/features covered:   {share('elements_covered', 'elements')}")
    print(f"claim terms in the description:    {share('claim_terms_described', 'claim_terms')}")
    print(f"block-diagram terms with numeral:  {share('claim_terms_numbered', 'numbered_candidates')}")
    print(f"round trip clean ({', '.join(ROUND_TRIP)}): {share('clean', 'sets')}")
    for prefix in ("CS", "RN", "FR", "AS"):
        print(f"  claim sets with {prefix} findings: {totals['sets_with_' + prefix]}")
    print(f"findings by code: {dict(sorted(findings.items()))}")
    print(f"abstracts over 150 words: {totals['abstract_over']} (mean {totals['abstract_words'] / n:.0f} words)")
    print(f'"said" in generated text: {totals["said"]}')
    times.sort()
    print(
        f"drafting time per claim set (no language model): median {statistics.median(times) * 1000:.0f} ms, "
        f"p90 {times[int(0.9 * (len(times) - 1))] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )
    if ungrounded:
        print("most frequent ungrounded terms:", ", ".join(f"{t} ({c})" for t, c in ungrounded.most_common(15)))
    for line in examples:
        print("  " + line)


if __name__ == "__main__":
    main()
