"""Claim-dependency accuracy against the USPTO claim-reference markup of the corpus.

    .venv/bin/python bench/claim_dependencies.py [path/to/us-patents.jsonl.gz]

For every claim whose `depends_on` key is not null, the claims of its document are parsed as plain
text ("N. text" per claim; canceled ranges such as "2-5. (canceled)" as written) with
`parse_claims_text`, and the parser's `depends_on` (sorted) is compared with the key (sorted).

Two figures are printed:
- exact: parser depends_on == key;
- markup-equivalent: also counts as a match a claim whose dependency is a written range
  ("claims 1 to 3", "claims 2 through 4"), where the USPTO markup tags only some of the written
  numbers (the endpoints, or only the first) while the parser expands the range: the claim matches
  when the key lists only numbers the parser found and the parser's extra numbers all lie inside a
  written range; and a claim that refers to its parent without the word "claim" ("The port of 8,
  wherein ..."), which the markup leaves untagged.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.nlp.claims import parse_claims_text

DEFAULT = ROOT.parent / "shared" / "corpus" / "us-patents.jsonl.gz"
_RANGE_TEXT = re.compile(r"^\s*\d+\s*\.?\s*[-\u2013\u2014]\s*\d+\s*\.")


def claims_as_text(claims: list[dict]) -> str:
    lines = []
    for c in claims:
        text = c["text"]
        if _RANGE_TEXT.match(text):
            lines.append(text)  # Pap2Pat keeps "2-5. (canceled)" in the text
        elif c.get("num_end"):
            lines.append(f"{c['num']}-{c['num_end']}. {text}")
        else:
            lines.append(f"{c['num']}. {text}")
    return "\n".join(lines)


def in_written_range(claim, n: int) -> bool:
    return bool(
        re.search(r"(?:\d\s*(?:[-\u2013\u2014]|to|through|thru)\s*\d)", claim.dependency_text)
    ) and n >= min(claim.depends_on)


def evaluate(path: Path, *, show: int = 30, out=sys.stdout) -> dict:
    docs = 0
    keyed_docs = 0
    total = exact = equivalent = written = 0
    mismatches: list[str] = []
    parse_time = 0.0
    n_claims = 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            docs += 1
            if not doc["claims"]:
                continue
            text = claims_as_text(doc["claims"])
            t0 = time.perf_counter()
            parsed = parse_claims_text(text)
            parse_time += time.perf_counter() - t0
            n_claims += len(doc["claims"])
            keyed = [c for c in doc["claims"] if c["depends_on"] is not None]
            if keyed:
                keyed_docs += 1
            for c in keyed:
                total += 1
                key = sorted(c["depends_on"])
                claim = parsed.get(c["num"])
                got = sorted(claim.depends_on) if claim else None
                if got == key:
                    exact += 1
                    written += 1
                    equivalent += 1
                    continue
                if claim and key and sorted(set(claim.references)) == key:
                    written += 1
                if (
                    claim
                    and key
                    and got
                    and set(key) <= set(got)
                    and all(in_written_range(claim, n) for n in set(got) - set(key))
                ):
                    equivalent += 1
                    kind = "range (markup tags only part of the written range)"
                elif claim and not key and got and not re.search(r"cl", claim.dependency_text, re.IGNORECASE):
                    # "The port of 8, wherein ...": the markup tags only references with the word claim
                    equivalent += 1
                    kind = "bare number (no markup without the word claim)"
                else:
                    kind = "MISMATCH"
                if (
                    len(mismatches) < show
                    or kind == "MISMATCH"
                    and sum(m.startswith("MISMATCH") for m in mismatches) < show
                ):
                    snippet = c["text"][:160].replace("\n", " / ")
                    mismatches.append(
                        f"{kind}: {doc['id']} claim {c['num']}: key={key} parsed={got} | {snippet}"
                    )
    rate = exact / total if total else 0.0
    eq_rate = equivalent / total if total else 0.0
    print(f"corpus: {path}", file=out)
    print(f"documents: {docs}, with dependency markup: {keyed_docs}", file=out)
    print(f"claims with a key: {total}", file=out)
    print(f"exact match: {exact}/{total} = {rate:.2%}", file=out)
    print(
        f"written references (Claim.references, range endpoints) == key: {written}/{total} = {written / max(total, 1):.2%}",
        file=out,
    )
    print(f"markup-equivalent match (written ranges): {equivalent}/{total} = {eq_rate:.2%}", file=out)
    print(
        f"parse time: {parse_time * 1000:.0f} ms for {n_claims} claims ({parse_time / max(n_claims, 1) * 1e6:.0f} us/claim)",
        file=out,
    )
    print(f"first {show} differences:", file=out)
    for m in mismatches[:show]:
        print("  " + m, file=out)
    return {"total": total, "exact": exact, "equivalent": equivalent, "written": written}


if __name__ == "__main__":
    evaluate(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
