"""Batch throughput: files per second for N generated applications with 1 and 2 worker processes.

Usage: .venv/bin/python bench/batch_throughput.py [--files 40] [--workers 1 2] [--corpus PATH]

The documents are whole corpus applications rendered to .docx by tests/docxgen.py, cycling through
the house styles (distinct records first, so that the parse cache seldom helps). Each run uses a
fresh `LocalProcessExecutor`; its start (worker processes + spaCy model load, once per worker) is
reported separately from the steady-state throughput, which is the batch itself: check + annotated
copy of every file, results back in the parent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def build(files: int, corpus: str | None) -> list[tuple[str, bytes]]:
    from tests.corpus import read_corpus
    from tests.docxgen import HOUSE_STYLES, render_docx

    records = [r for r in read_corpus(corpus) if r["claims"] and r["description"]]
    styles = list(HOUSE_STYLES)
    return [
        (f"app-{i:03d}.docx", render_docx(records[i % len(records)], styles[i % len(styles)], seed=i))
        for i in range(files)
    ]


def run(workers: int, payloads: list[tuple[str, bytes]]) -> dict:
    from backend.batch.executor import LocalProcessExecutor
    from backend.batch.intake import read_upload
    from backend.batch.runner import run_batch
    from backend.batch.work import CheckOptions, FileState

    documents = read_upload(files=payloads).documents
    t0 = time.perf_counter()
    executor = LocalProcessExecutor(workers=workers)
    executor.warm_up()
    start_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    outcomes = list(run_batch(documents=documents, options=CheckOptions(), executor=executor))
    batch_s = time.perf_counter() - t0
    executor.shutdown()
    return {
        "workers": workers,
        "files": len(outcomes),
        "failed": sum(1 for o in outcomes if o.state == FileState.FAILED),
        "start_s": start_s,
        "batch_s": batch_s,
        "files_per_s": len(outcomes) / batch_s,
        "mean_file_s": sum(o.elapsed_s for o in outcomes) / len(outcomes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--corpus", help="corpus .jsonl.gz (default: ../shared/corpus, else the sample)")
    args = parser.parse_args()

    payloads = build(args.files, args.corpus)
    size = sum(len(d) for _, d in payloads)
    print(f"{len(payloads)} generated applications, {size / len(payloads) / 1024:.0f} KiB each on average")
    print(f"{'workers':>7} {'start s':>8} {'batch s':>8} {'files/s':>8} {'s/file in worker':>17} {'failed':>6}")
    baseline = None
    for workers in args.workers:
        r = run(workers, payloads)
        baseline = baseline or r["files_per_s"]
        print(f"{r['workers']:>7} {r['start_s']:>8.1f} {r['batch_s']:>8.1f} {r['files_per_s']:>8.2f} "
              f"{r['mean_file_s']:>17.2f} {r['failed']:>6}   (x{r['files_per_s'] / baseline:.2f})")


if __name__ == "__main__":
    main()
