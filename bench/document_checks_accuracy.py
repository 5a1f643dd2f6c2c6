"""Recall of the document checks (abstract, title, fees, sections) on defects injected into real
documents.

    .venv/bin/python bench/document_checks_accuracy.py [--corpus PATH] [--limit N] [--show-misses]

Every record of the corpus is laid out as a plainly typed application (tests/corpus.py: title,
headings, "[0001]" paragraph numbers, "What is claimed is:", "N." claims, "ABSTRACT"), one defect
at a time is written into a copy, and the defect counts as found when its rule reports it and did
not on the document as it was (documents where the rule already fires are not tests of recall):

- abstract:  sentences of the description appended until the abstract passes 150 words (AS001);
             "the" made "said" in the abstract (AS002); the abstract and its heading removed (AS003);
- title:     the title repeated past 500 characters (TI001); the title removed (TI002);
- fees:      claim 1 copied as new independent claims until there are four (FE001, reporting the
             excess independent claims);
- sections:  the claims and their heading removed (SC001); the claims put before the description
             (SC002); one "[00NN]" paragraph number skipped (SC003); the brief description of the
             drawings removed, figures still referenced (SC004).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.nlp.config import CheckConfig
from backend.nlp.engine import check
from backend.nlp.sections import heading_kind
from backend.nlp.structure import SectionKind
from backend.wordlists import load_wordlists
from tests.corpus import document_from_paragraphs, read_corpus, record_paragraphs

Pairs = list[tuple[str, str]]
Injection = Callable[[Pairs], Pairs | None]

_NUMBER = re.compile(r"^\[(\d{4})\] ")


def _abstract_at(pairs: Pairs) -> int | None:
    for i, (kind, text) in enumerate(pairs):
        if kind == "heading" and text.strip().upper() == "ABSTRACT" and i + 1 < len(pairs):
            return i + 1
    return None


def abstract_long(pairs: Pairs) -> Pairs | None:
    at = _abstract_at(pairs)
    if at is None:
        return None
    text = pairs[at][1]
    body = [t for k, t in pairs if k == "paragraph" and t is not pairs[at][1]]
    for para in body:
        if len(text.split()) > 160:
            break
        text += " " + _NUMBER.sub("", para)
    if len(text.split()) <= 150:
        return None
    return [*pairs[:at], ("paragraph", text), *pairs[at + 1 :]]


def abstract_said(pairs: Pairs) -> Pairs | None:
    at = _abstract_at(pairs)
    if at is None or not re.search(r"\bthe [a-z]", pairs[at][1]):
        return None
    text = re.sub(r"\bthe (?=[a-z])", "said ", pairs[at][1], count=1)
    return [*pairs[:at], ("paragraph", text), *pairs[at + 1 :]]


def abstract_missing(pairs: Pairs) -> Pairs | None:
    at = _abstract_at(pairs)
    return None if at is None else [*pairs[: at - 1], *pairs[at + 1 :]]


def title_long(pairs: Pairs) -> Pairs | None:
    if not pairs or pairs[0][0] != "title" or not pairs[0][1].strip():
        return None
    title = pairs[0][1]
    while len(title) <= 500:
        title += " and " + pairs[0][1]
    return [("title", title), *pairs[1:]]


def title_missing(pairs: Pairs) -> Pairs | None:
    return pairs[1:] if pairs and pairs[0][0] == "title" else None


def four_independent(pairs: Pairs) -> Pairs | None:
    claims = [i for i, (k, t) in enumerate(pairs) if k == "claim"]
    first = [pairs[i][1] for i in claims if re.match(r"^1\.\s", pairs[i][1])]
    numbers = [int(m.group(1)) for i in claims if (m := re.match(r"^(\d+)\.\s", pairs[i][1]))]
    if not first or not numbers:
        return None
    # claim 1 (its first paragraph: elements on their own lines follow it) copied as claims N+1..N+4
    start = claims.index(next(i for i in claims if pairs[i][1] == first[0]))
    block = [pairs[claims[start]][1]]
    for i in claims[start + 1 :]:
        if re.match(r"^\d+\.\s", pairs[i][1]):
            break
        block.append(pairs[i][1])
    last = claims[-1]
    extra: Pairs = []
    for k in range(1, 5):
        extra.append(("claim", re.sub(r"^1\.", f"{max(numbers) + k}.", block[0])))
        extra.extend(("claim", line) for line in block[1:])
    return [*pairs[: last + 1], *extra, *pairs[last + 1 :]]


def claims_missing(pairs: Pairs) -> Pairs | None:
    out = [(k, t) for k, t in pairs if k != "claim" and t != "What is claimed is:"]
    return out if len(out) < len(pairs) else None


def claims_first(pairs: Pairs) -> Pairs | None:
    claims = [(k, t) for k, t in pairs if k == "claim" or t == "What is claimed is:"]
    rest = [(k, t) for k, t in pairs if not (k == "claim" or t == "What is claimed is:")]
    if not claims or len(rest) < 3 or rest[0][0] != "title":
        return None
    return [rest[0], *claims, *rest[1:]]


def number_skipped(pairs: Pairs) -> Pairs | None:
    numbered = [i for i, (k, t) in enumerate(pairs) if k == "paragraph" and _NUMBER.match(t)]
    if len(numbered) < 8:
        return None
    out = list(pairs)
    for i in numbered[5:]:  # from the sixth paragraph on, every number moves up by one: a gap
        n = int(_NUMBER.match(out[i][1]).group(1))
        out[i] = ("paragraph", _NUMBER.sub(f"[{n + 1:04d}] ", out[i][1], count=1))
    return out


def drawings_description_missing(pairs: Pairs) -> Pairs | None:
    # the heading the engine reads as the brief description of the drawings
    start = next((i for i, (k, t) in enumerate(pairs) if k == "heading" and heading_kind(t) == SectionKind.DRAWINGS), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(pairs)) if pairs[i][0] == "heading"), len(pairs))
    out = [*pairs[:start], *pairs[end:]]
    if not any(re.search(r"\bFIG", t) for k, t in out if k == "paragraph"):
        return None
    return out


INJECTIONS: list[tuple[str, str, str, Injection]] = [
    ("abstract", "abstract past 150 words", "AS001", abstract_long),
    ("abstract", '"said" in the abstract', "AS002", abstract_said),
    ("abstract", "abstract removed", "AS003", abstract_missing),
    ("title", "title past 500 characters", "TI001", title_long),
    ("title", "title removed", "TI002", title_missing),
    ("fees", "four independent claims", "FE001", four_independent),
    ("sections", "claims removed", "SC001", claims_missing),
    ("sections", "claims before the description", "SC002", claims_first),
    ("sections", "paragraph number skipped", "SC003", number_skipped),
    ("sections", "brief description of the drawings removed", "SC004", drawings_description_missing),
]


def codes(pairs: Pairs, config: CheckConfig, wordlists) -> set[str]:
    return {f.code for f in check(document_from_paragraphs(pairs), config=config, wordlists=wordlists).findings}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    wordlists = load_wordlists()
    config = CheckConfig.build(select=sorted({code for _, _, code, _ in INJECTIONS}))
    results: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    t0 = time.perf_counter()
    docs = 0
    for record in read_corpus(args.corpus):
        if args.limit and docs >= args.limit:
            break
        if not record.get("claims") or not record.get("description"):
            continue
        docs += 1
        pairs = record_paragraphs(record)
        before = codes(pairs, config, wordlists)
        for category, name, code, inject in INJECTIONS:
            if code in before:
                continue
            changed = inject(pairs)
            if changed is None:
                continue
            key = (category, name, code)
            results[key][1] += 1
            if code in codes(changed, config, wordlists):
                results[key][0] += 1
            elif args.show_misses:
                print(f"  MISSED {code} {record['id']}")
    print(f"{docs} documents, {time.perf_counter() - t0:.0f} s")
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (category, name, code), (found, total) in results.items():
        per_category[category][0] += found
        per_category[category][1] += total
        print(f"  {category:10} {name:45} {code}  {found:5d}/{total:<5d} {100 * found / max(total, 1):6.1f}%")
    for category, (found, total) in per_category.items():
        print(f"  {category:10} {'(all)':45} {'':5}  {found:5d}/{total:<5d} {100 * found / max(total, 1):6.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
