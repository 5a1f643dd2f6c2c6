"""Service concurrency: /health latency and interactive checks while a batch of applications runs.

Usage: .venv/bin/python bench/service_concurrency.py [--files 200] [--clients 4] [--seconds 20]
                                                     [--corpus PATH] [--env PATENTPANE_X=Y ...]

Starts a real server (`patentpane serve`, uvicorn, in a subprocess, on a fresh SQLite database) and
measures twice for `--seconds`: idle, then while a batch of `--files` generated applications runs
in its worker processes. Each time, one prober (a process of its own) calls GET /health every 20 ms
and `--clients` users
(each of another firm than the batch's) POST a typical application to /api/v1/check back to back.
Prints /health latency (p50, p95, max), interactive checks per second and their latency, and the
batch's throughput. The documents are corpus applications rendered to .docx by tests/docxgen.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def documents(files: int, interactive: int, corpus: str | None) -> tuple[list[tuple[str, bytes]], list[bytes]]:
    """The batch's applications, and `interactive` other applications for the interactive users
    (distinct records where the corpus has enough, so that the claim-parse cache does not flatter
    them; each phase takes its own half)."""
    from tests.corpus import read_corpus
    from tests.docxgen import HOUSE_STYLES, render_docx

    records = [r for r in read_corpus(corpus) if r["claims"] and r["description"]]
    styles = list(HOUSE_STYLES)
    batch = [(f"app-{i:03d}.docx", render_docx(records[i % len(records)], styles[i % len(styles)], seed=i))
             for i in range(files)]
    others = records[files:files + interactive] or records[:interactive]
    return batch, [render_docx(r, "uspto-typed") for r in others]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


PROBE = """
import json, sys, time
import httpx
url, seconds = sys.argv[1], float(sys.argv[2])
latencies, errors = [], 0
with httpx.Client(timeout=30) as client:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        ok = client.get(url + "/health").status_code == 200
        latencies.append(time.perf_counter() - t0)
        errors += not ok
        time.sleep(0.02)
print(json.dumps({"latencies": latencies, "errors": errors}))
"""


def measure(url: str, keys: list[str], docs: list[bytes], seconds: float) -> dict:
    """The prober is a process of its own: the users' threads here would delay its timings."""
    stop = threading.Event()
    checks: list[float] = []
    errors: list[int] = []
    prober = subprocess.Popen([sys.executable, "-c", PROBE, url, str(seconds)], stdout=subprocess.PIPE, text=True)

    def user(n: int, key: str) -> None:
        with httpx.Client(timeout=120, headers={"X-API-Key": key}) as client:
            while not stop.is_set():
                document = docs[n % len(docs)]
                n += len(keys)
                t0 = time.perf_counter()
                response = client.post(f"{url}/api/v1/check", files={"file": ("app.docx", document, DOCX)})
                if response.status_code == 200:
                    checks.append(time.perf_counter() - t0)
                else:
                    errors.append(response.status_code)

    threads = [threading.Thread(target=user, args=(i, k)) for i, k in enumerate(keys)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    probed = json.loads(prober.communicate()[0])
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    errors += [503] * probed["errors"]
    return {"health": probed["latencies"], "checks": checks, "elapsed": elapsed, "errors": errors}


def report(label: str, m: dict, batch: str = "") -> None:
    h = [x * 1000 for x in m["health"]]
    c = [x * 1000 for x in m["checks"]]
    print(f"{label:<16} {percentile(h, 0.5):>7.1f} {percentile(h, 0.95):>7.1f} {max(h, default=0):>7.1f} "
          f"{len(c) / m['elapsed']:>9.2f} {statistics.median(c) if c else float('nan'):>9.0f} "
          f"{percentile(c, 0.95):>9.0f} {len(m['errors']):>6}  {batch}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--interactive-docs", type=int, default=600,
                        help="distinct applications the interactive users check (half per phase)")
    parser.add_argument("--corpus", help="corpus .jsonl.gz (default: ../shared/corpus, else the sample)")
    parser.add_argument("--env", action="append", default=[], help="server setting NAME=VALUE (repeatable)")
    args = parser.parse_args()

    from tests.serverharness import running_server

    batch_docs, docs = documents(args.files, args.interactive_docs, args.corpus)
    size = sum(len(d) for _, d in batch_docs) / len(batch_docs) / 1024
    print(f"batch: {len(batch_docs)} applications, {size:.0f} KiB each on average; interactive: "
          f"{args.clients} users checking {len(docs)} other applications "
          f"({sum(map(len, docs)) / len(docs) / 1024:.0f} KiB on average), half in each phase")
    idle_docs, busy_docs = docs[: len(docs) // 2] or docs, docs[len(docs) // 2:] or docs
    env = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="pp-bench-") as tmp, \
            running_server(data_dir=Path(tmp), **env) as server:
        batch_key = server.api_key(tenant="Batch Firm")
        keys = [server.api_key(tenant=f"Interactive Firm {i}") for i in range(args.clients)]
        with httpx.Client(timeout=120) as client:  # warm the server's model before measuring
            client.post(f"{server.url}/api/v1/check", headers={"X-API-Key": keys[0]},
                        files={"file": ("app.docx", docs[-1], DOCX)}).raise_for_status()
        print(f"{'':<16} {'health ms':^23} {'interactive /api/v1/check':^30}")
        print(f"{'phase':<16} {'p50':>7} {'p95':>7} {'max':>7} {'checks/s':>9} {'p50 ms':>9} {'p95 ms':>9} "
              f"{'errors':>6}")
        report("idle", measure(server.url, keys, idle_docs, args.seconds))

        headers = {"X-API-Key": batch_key}
        with httpx.Client(timeout=300, headers=headers) as client:
            t0 = time.perf_counter()
            response = client.post(f"{server.url}/api/v1/batches",
                                   files=[("files", (n, d, DOCX)) for n, d in batch_docs])
            response.raise_for_status()
            batch_id = response.json()["id"]
            accepted = time.perf_counter() - t0
            status = f"{server.url}/api/v1/batches/{batch_id}"
            while client.get(status).json()["progress"]["finished"] == 0:
                time.sleep(0.1)
            before = client.get(status).json()["progress"]["finished"]
            m = measure(server.url, keys, busy_docs, args.seconds)
            after = client.get(status).json()
            during = (after["progress"]["finished"] - before) / m["elapsed"]
            report("batch running", m, f"batch {during:.2f} files/s meanwhile")
            if after["status"] not in ("queued", "running"):
                print("warning: the batch finished before the measurement did; use more --files")
            while client.get(status).json()["status"] in ("queued", "running"):
                time.sleep(0.5)
            total = time.perf_counter() - t0
            print(f"batch of {len(batch_docs)} files: 202 after {accepted * 1000:.0f} ms (upload included), "
                  f"done after {total:.1f} s ({len(batch_docs) / total:.2f} files/s overall)")
            report_json = client.get(f"{status}/report.json").json()
            print(f"report: {report_json['summary']['done']} done, {report_json['summary']['failed']} failed")


if __name__ == "__main__":
    main()
