"""Whole-engine findings on the real corpus: what an attorney would see on examined patents.

Usage: .venv/bin/python bench/accuracy.py [--corpus PATH] [--limit N] [--workers 2] [--grants-only]

Every record is checked as a typed application (tests/corpus.py: headings, "[0001]" numbers,
"N." claims, each claim element its own paragraph) with every rule of the `us` profile. Granted
patents were examined, so their findings are an upper bound on false findings: the script prints
findings per document by category and severity, errors per document (the "false error" budget), and
antecedent-basis + claim-support findings per document (the trust budget). Recall on injected
defects is measured per category by the category benches (bench/*_accuracy.py).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.nlp.rules import CATEGORIES


def _check(record: dict) -> tuple[str, str, dict[tuple[str, str], int], float, int]:
    from backend.nlp.engine import check
    from backend.wordlists import load_wordlists
    from tests.corpus import record_document

    doc = record_document(record)
    t0 = time.perf_counter()
    result = check(doc, wordlists=load_wordlists())
    elapsed = time.perf_counter() - t0
    counts: dict[tuple[str, str], int] = collections.Counter(
        (f.category, str(f.severity)) for f in result.findings
    )
    return record["id"], record["doc_type"], dict(counts), elapsed, len(result.claims.active)


def main() -> None:
    from tests.corpus import read_corpus

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    records = [r for r in read_corpus(args.corpus) if r["claims"]]
    if args.limit:
        records = records[: args.limit]
    with ProcessPoolExecutor(args.workers) as pool:
        rows = list(pool.map(_check, records, chunksize=8))

    for label, subset in (("granted patents", [r for r in rows if r[1] == "grant"]), ("all documents", rows)):
        n = len(subset)
        if not n:
            continue
        total: collections.Counter = collections.Counter()
        for _, _, counts, _, _ in subset:
            total.update(counts)
        print(f"\n== {label}: {n} documents, {sum(r[4] for r in subset)} claims ==")
        print(f"{'category':22} {'error/doc':>10} {'warning/doc':>12} {'info/doc':>9}")
        for cat in CATEGORIES:
            e, w, i = (total[(cat, s)] / n for s in ("error", "warning", "info"))
            print(f"{cat:22} {e:10.3f} {w:12.3f} {i:9.3f}")
        errors = sum(v for (c, s), v in total.items() if s == "error") / n
        trust = sum(v for (c, s), v in total.items() if c in ("antecedent_basis", "claim_support")) / n
        docs_clean = sum(1 for r in subset if not any(s == "error" for (_, s) in r[2])) / n
        times = sorted(r[3] for r in subset)
        print(f"errors per document (all categories): {errors:.3f}")
        print(f"antecedent_basis + claim_support findings per document (every severity): {trust:.3f}")
        print(f"documents with no error: {docs_clean:.1%}")
        print(f"check time per document: median {times[n // 2] * 1000:.0f} ms, p95 {times[int(n * 0.95)] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
