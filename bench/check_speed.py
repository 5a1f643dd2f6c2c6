"""Speed benchmark: median time and peak memory of `check` on a typical and a very long application.

Usage: .venv/bin/python bench/check_speed.py [--runs 5] [--corpus PATH]

Cases (rendered to .docx from the real corpus by tests/docxgen.py):
- typical: a corpus application of about 40 pages with about 20 claims;
- long: 500+ pages (several descriptions concatenated) with the claims of one record.
Each case runs in a fresh process, so the peak RSS is that case's own; the spaCy model load is
reported separately (it happens once per server process). The parse cache is cleared between runs
so that every run parses the claims again.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORDS_PER_PAGE = 300  # a double-spaced US application page (the typical case: ~40 pages)
LONG_WORDS = 250_000  # LibreOffice lays this out on 529 pages in the house style used


def pick_typical(records: list[dict]) -> dict:
    def score(r: dict) -> float:
        words = sum(len(p["text"].split()) for p in r["description"])
        return abs(words / WORDS_PER_PAGE - 40) + 2 * abs(len(r["claims"]) - 20)

    return min(records, key=score)


def build(case: str, corpus: str | None) -> bytes:
    from tests.corpus import read_corpus
    from tests.docxgen import long_record, render_docx

    records = [r for r in read_corpus(corpus) if r["claims"] and r["description"]]
    if case == "typical":
        return render_docx(pick_typical(records), "firm-word-numbering")
    return render_docx(long_record(records, words=LONG_WORDS), "firm-word-numbering")


def run_case(case: str, runs: int, corpus: str | None) -> dict:
    from backend.checking import check_docx
    from backend.docx.reader import read_docx
    from backend.nlp.config import CheckConfig
    from backend.nlp.parsing import shared_parser

    data = build(case, corpus)
    t0 = time.perf_counter()
    parser = shared_parser()
    parser.parse("A widget comprising a lever.")
    model_load = time.perf_counter() - t0
    doc = read_docx(data).text
    config = CheckConfig()
    times, annotate_times = [], []
    for _ in range(runs):
        parser.clear()
        t0 = time.perf_counter()
        checked = check_docx(data, config=config)
        times.append(time.perf_counter() - t0)
    for _ in range(runs):
        parser.clear()
        t0 = time.perf_counter()
        check_docx(data, config=config, annotate=True)
        annotate_times.append(time.perf_counter() - t0)
    # tracemalloc slows Python down several times: one separate run for the allocation peak
    parser.clear()
    tracemalloc.start()
    check_docx(data, config=config, annotate=True)
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = checked.result
    return {
        "case": case,
        "docx_bytes": len(data),
        "words": doc.words,
        "pages": round(doc.words / WORDS_PER_PAGE) if case == "typical" else 529,
        "claims": len(result.claims.active),
        "findings": len(result.findings),
        "model_load_s": round(model_load, 2),
        "median_check_s": round(statistics.median(times), 3),
        "median_check_and_annotate_s": round(statistics.median(annotate_times), 3),
        "python_peak_alloc_mb": round(py_peak / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus")
    ap.add_argument("--case", choices=("typical", "long"))
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.runs, args.corpus)))
        return
    print(f"{'case':8} {'pages':>6} {'words':>7} {'claims':>6} {'findings':>8} {'median check s':>15} "
          f"{'with annotate s':>16} {'peak RSS MB':>12} {'py alloc MB':>12} {'model load s':>12}")
    for case in ("typical", "long"):
        cmd = [sys.executable, __file__, "--case", case, "--runs", str(args.runs)]
        if args.corpus:
            cmd += ["--corpus", args.corpus]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        r = json.loads(out)
        print(f"{r['case']:8} {r['pages']:>6} {r['words']:>7} {r['claims']:>6} {r['findings']:>8} "
              f"{r['median_check_s']:>15} {r['median_check_and_annotate_s']:>16} {r['peak_rss_mb']:>12} "
              f"{r['python_peak_alloc_mb']:>12} {r['model_load_s']:>12}")


if __name__ == "__main__":
    main()
