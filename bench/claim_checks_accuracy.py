"""Accuracy of the formal claim checks (claim_numbering, claim_dependency, multiple_dependency,
claim_form, fees) on the corpus.

    .venv/bin/python bench/claim_checks_accuracy.py [path/to/us-patents.jsonl.gz] [--show CODE ...] [--seed N]

Two measurements, both on claims typed as "N. text" lines and parsed with `parse_claims_text`:

1. Findings on real documents (US profile, plus the EP-only rules in the EP profile): findings
   per document by code, separately for granted patents (examined, so most of their claims are
   free of formal defects: findings there are mostly false positives or real slips that survived
   examination) and for published applications; errors per document.
2. Recall on injected defects: one defect at a time is written into a copy of a document's
   claims (renumber a claim to duplicate or skip a number, point a dependency at itself, a later
   claim or a missing one, cancel a parent, make a dependency cumulative or multiple-on-multiple,
   drop the final period, run two sentences together, add "as shown in FIG. 2", drop
   "non-transitory", open a Markush group, change a dependent claim's subject, ...); the defect
   counts as found when the expected code reports the injected claim (and did not before).

`--show CODE` prints every finding of that code on the grants (and a few on applications), for
inspection.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from backend.nlp.claims import parse_claims_text
from backend.nlp.document import DocumentText
from backend.nlp.rules.base import CheckContext, Hit, Rule, Severity, registered_rules
from backend.nlp.structure import ClaimSet, DependencyForm, Section, SectionKind, Sections

DEFAULT = ROOT.parent / "shared" / "corpus" / "us-patents.jsonl.gz"
CATEGORIES = ("claim_numbering", "claim_dependency", "multiple_dependency", "claim_form", "fees")
_RANGE_TEXT = re.compile(r"^\s*\d+\s*\.?\s*[-\u2013\u2014]\s*\d+\s*\.")


def _rules() -> list[Rule]:
    return [r for r in registered_rules().values() if r.category in CATEGORIES]


# ---- documents ---------------------------------------------------------------------------------


def claim_items(record: dict) -> list[tuple[str, str]]:
    """(number as typed, text) per claim; Pap2Pat keeps "2-5. (canceled)" inside the text."""
    items = []
    for c in record["claims"]:
        text = c["text"]
        m = _RANGE_TEXT.match(text)
        if m:
            num, _, rest = text.partition(".")
            items.append((num.strip(), rest.strip()))
        elif c.get("num_end"):
            items.append((f"{c['num']}-{c['num_end']}", text))
        else:
            items.append((str(c["num"]), text))
    return items


def as_text(items: list[tuple[str, str]]) -> str:
    return "\n".join(f"{n}. {t}" for n, t in items)


class Checked:
    def __init__(self, items: list[tuple[str, str]], jurisdiction: str, rules: list[Rule]) -> None:
        self.document = DocumentText.from_text(as_text(items))
        sections = Sections([Section(SectionKind.CLAIMS, None, 0, len(self.document.paragraphs))])
        self.claims: ClaimSet = parse_claims_text(as_text(items))
        ctx = CheckContext(
            document=self.document, sections=sections, claims=self.claims, jurisdiction=jurisdiction
        )
        self.hits: list[tuple[Rule, Hit]] = []
        for r in rules:
            if jurisdiction in r.jurisdictions:
                self.hits.extend((r, h) for h in r.function(ctx))

    def words(self, hit: Hit) -> str:
        loc = hit.location
        return self.document.paragraphs[loc.paragraph].text[loc.start : loc.end]

    def on_claim(self, code: str, index: int) -> bool:
        """Does `code` report the `index`-th claim (in document order)?"""
        if index >= len(self.claims.claims):
            return False
        claim = self.claims.claims[index]
        paragraphs = {s.paragraph for s in claim.segments}
        if claim.number_location:
            paragraphs.add(claim.number_location.paragraph)
        return any(r.code == code and h.location.paragraph in paragraphs for r, h in self.hits)


# ---- injections ----------------------------------------------------------------------------------

Items = list[tuple[str, str]]
Injection = Callable[[Items, ClaimSet, random.Random], tuple[Items, int] | None]
_DEP = re.compile(r"\b(claim)\s+(\d+)\b(?!\s*(?:or|and|to|through|-|,))", re.IGNORECASE)


def _plain(items: Items) -> bool:
    return all(re.fullmatch(r"\d+", n) for n, _ in items)


def _single_dependents(claims: ClaimSet, items: Items) -> list[int]:
    out = []
    for i, c in enumerate(claims.claims):
        if (
            not c.canceled
            and c.dependency_form == DependencyForm.SINGLE
            and c.dependency_span
            and c.dependency_span[0] < 80
            and _DEP.search(items[i][1][: c.dependency_span[1] + 2])
        ):
            out.append(i)
    return out


def _set_dependency(items: Items, i: int, value: str) -> Items:
    """Rewrite the first single "claim N" of claim `i` (within its first 200 characters)."""
    n, t = items[i]
    m = next(
        (
            m
            for m in re.finditer(r"\b(claim)\s+(\d+)\b", t[:200], re.IGNORECASE)
            if not re.match(r"\s*(?:or|to|through|-|,)\s*\d", t[m.end() :])
        ),
        None,
    )
    if m is None:
        return list(items)
    new = t[: m.start()] + f"{m.group(1)}{'s' if ' ' in value else ''} {value}" + t[m.end() :]
    out = list(items)
    out[i] = (n, new)
    return out


def inj_duplicate(items: Items, claims: ClaimSet, rng: random.Random):
    if len(items) < 3 or not _plain(items):
        return None
    i = rng.randrange(1, len(items))
    out = list(items)
    out[i] = (items[i - 1][0], items[i][1])
    return out, i


def inj_skip(items: Items, claims: ClaimSet, rng: random.Random):
    if len(items) < 3 or not _plain(items):
        return None
    i = rng.randrange(1, len(items))
    return [(str(int(n) + 1) if k >= i else n, t) for k, (n, t) in enumerate(items)], i


def inj_self(items: Items, claims: ClaimSet, rng: random.Random):
    cands = _single_dependents(claims, items)
    if not cands:
        return None
    i = rng.choice(cands)
    return _set_dependency(items, i, str(claims.claims[i].number)), i


def inj_later(items: Items, claims: ClaimSet, rng: random.Random):
    last = max(c.number for c in claims.claims)
    cands = [i for i in _single_dependents(claims, items) if claims.claims[i].number < last]
    if not cands:
        return None
    i = rng.choice(cands)
    return _set_dependency(items, i, str(rng.randint(claims.claims[i].number + 1, last))), i


def inj_missing(items: Items, claims: ClaimSet, rng: random.Random):
    cands = _single_dependents(claims, items)
    if not cands:
        return None
    i = rng.choice(cands)
    return _set_dependency(items, i, str(max(c.number for c in claims.claims) + 7)), i


def inj_canceled_parent(items: Items, claims: ClaimSet, rng: random.Random):
    pairs = []
    for i in _single_dependents(claims, items):
        p = claims.claims[i].depends_on[0]
        k = next((k for k, c in enumerate(claims.claims) if c.number == p), None)
        if k is not None and k < i:
            pairs.append((i, k))
    if not pairs:
        return None
    i, k = rng.choice(pairs)
    out = list(items)
    out[k] = (items[k][0], "(Canceled)")
    return out, i


def inj_category(items: Items, claims: ClaimSet, rng: random.Random):
    cands = []
    for i in _single_dependents(claims, items):
        m = re.match(
            r"(The|A|An)\s+(method|process|system|apparatus|device)(?=\s+(?:of|according\s+to|as\s+claimed\s+in|"
            r"as\s+recited\s+in|as\s+defined\s+in|as\s+in|recited\s+in)\s+claim)",
            items[i][1],
        )
        if m:
            cands.append((i, m))
    if not cands:
        return None
    i, m = rng.choice(cands)
    new = "system" if m.group(2) in ("method", "process") else "method"
    art = "The" if m.group(1) == "The" else ("A")
    out = list(items)
    out[i] = (items[i][0], f"{art} {new}" + items[i][1][m.end() :])
    return out, i


def inj_subject(items: Items, claims: ClaimSet, rng: random.Random):
    cands = []
    for i in _single_dependents(claims, items):
        m = re.match(r"The\s+((?:[\w-]+\s+){0,3}?)(system|apparatus|device|assembly|machine)\b", items[i][1])
        if m:
            cands.append((i, m))
    if not cands:
        return None
    i, m = rng.choice(cands)
    new = {
        "system": "arrangement",
        "apparatus": "unit",
        "device": "apparatus",
        "assembly": "mechanism",
        "machine": "installation",
    }[m.group(2)]
    whole = " ".join(t for _, t in items[:i])
    if re.search(rf"\b{new}\b", whole, re.IGNORECASE):
        return None
    out = list(items)
    out[i] = (items[i][0], f"The {new}" + items[i][1][m.end() :])
    return out, i


def inj_cumulative(items: Items, claims: ClaimSet, rng: random.Random):
    cands = [i for i in _single_dependents(claims, items) if claims.claims[i].depends_on[0] > 1]
    if not cands:
        return None
    i = rng.choice(cands)
    p = claims.claims[i].depends_on[0]
    return _set_dependency(items, i, f"{rng.randint(1, p - 1)} and {p}"), i


def inj_multi_on_multi(items: Items, claims: ClaimSet, rng: random.Random):
    cands = _single_dependents(claims, items)
    pairs = [(a, b) for a in cands for b in cands if claims.claims[a].number >= 3 and b > a]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    na = claims.claims[a].number
    out = _set_dependency(items, a, f"1 or {na - 1}")
    out = _set_dependency(out, b, f"1 or {na}")
    return out, b


def _with_period(items: Items, claims: ClaimSet, rng: random.Random) -> int | None:
    cands = [
        i
        for i, (n, t) in enumerate(items)
        if t.rstrip().endswith(".") and not claims.claims[i].canceled and len(t) > 40
    ]
    return rng.choice(cands) if cands else None


def inj_no_period(items: Items, claims: ClaimSet, rng: random.Random):
    i = _with_period(items, claims, rng)
    if i is None:
        return None
    out = list(items)
    out[i] = (items[i][0], items[i][1].rstrip()[:-1])
    return out, i


def inj_two_sentences(items: Items, claims: ClaimSet, rng: random.Random):
    cands = [
        i
        for i, (n, t) in enumerate(items)
        if re.search(r"; (?:and )?[a-z]{3,}", t) and not claims.claims[i].canceled
    ]
    if not cands:
        return None
    i = rng.choice(cands)
    t = items[i][1]
    m = rng.choice(list(re.finditer(r"; (?:and )?([a-z])([a-z]{2,})", t)))
    out = list(items)
    out[i] = (items[i][0], t[: m.start()] + ". " + m.group(1).upper() + m.group(2) + t[m.end() :])
    return out, i


def inj_figure(items: Items, claims: ClaimSet, rng: random.Random):
    i = _with_period(items, claims, rng)
    if i is None:
        return None
    out = list(items)
    t = items[i][1].rstrip()
    out[i] = (
        items[i][0],
        t[:-1]
        + rng.choice([" as shown in FIG. 2.", ", as illustrated in FIG. 3A.", " according to Table 1."]),
    )
    return out, i


def inj_transitory(items: Items, claims: ClaimSet, rng: random.Random):
    cands = [
        i
        for i, (n, t) in enumerate(items)
        if re.match(
            r"(?:A|One or more)\s+non-?\s?transitory\s+(?:computer|machine|processor)", t, re.IGNORECASE
        )
    ]
    if not cands:
        return None
    i = rng.choice(cands)
    out = list(items)
    out[i] = (items[i][0], re.sub(r"non-?\s?transitory\s+", "", items[i][1], count=1, flags=re.IGNORECASE))
    if re.search(r"non-?\s?transitory|non-?transient|non-?volatile", out[i][1], re.IGNORECASE):
        return None
    return out, i


def inj_markush(items: Items, claims: ClaimSet, rng: random.Random):
    cands = [i for i, (n, t) in enumerate(items) if re.search(r"group consisting of", t)]
    if not cands:
        return None
    i = rng.choice(cands)
    out = list(items)
    out[i] = (
        items[i][0],
        items[i][1].replace("group consisting of", rng.choice(["group comprising", "group including"]), 1),
    )
    return out, i


def inj_omnibus(items: Items, claims: ClaimSet, rng: random.Random):
    i = _with_period(items, claims, rng)
    if i is None:
        return None
    out = list(items)
    t = items[i][1].rstrip()
    out[i] = (
        items[i][0],
        t[:-1]
        + rng.choice(
            [
                ", substantially as described herein.",
                " as described in the specification.",
                ", substantially as shown and described.",
            ]
        ),
    )
    return out, i


def inj_ref_sign(items: Items, claims: ClaimSet, rng: random.Random):
    from backend.nlp.rules.claim_checks import _NOT_A_NOUN

    sign = re.compile(r"\b((?:a|an|the|said) ([a-z]{4,})) \((\d{1,3}[a-z]?)\)")

    def unbracket(m: re.Match) -> str:
        return m.group() if m.group(2) in _NOT_A_NOUN else f"{m.group(1)} {m.group(3)}"

    cands = [
        i for i, (n, t) in enumerate(items) if any(m.group(2) not in _NOT_A_NOUN for m in sign.finditer(t))
    ]
    if not cands:
        return None
    i = rng.choice(cands)
    out = list(items)
    out[i] = (items[i][0], sign.sub(unbracket, items[i][1]))
    return out, i


INJECTIONS: list[tuple[str, str, str, str, Injection]] = [
    # (category, name, expected code, jurisdiction, function)
    ("claim_numbering", "duplicate number", "CN002", "us", inj_duplicate),
    ("claim_numbering", "skipped number", "CN003", "us", inj_skip),
    ("claim_dependency", "depends on itself", "CD001", "us", inj_self),
    ("claim_dependency", "depends on later claim", "CD002", "us", inj_later),
    ("claim_dependency", "depends on missing claim", "CD003", "us", inj_missing),
    ("claim_dependency", "parent canceled", "CD004", "us", inj_canceled_parent),
    ("claim_dependency", "category changed", "CD005", "us", inj_category),
    ("multiple_dependency", "cumulative", "MD001", "us", inj_cumulative),
    ("multiple_dependency", "multiple on multiple", "MD002", "us", inj_multi_on_multi),
    ("claim_form", "final period removed", "CF001", "us", inj_no_period),
    ("claim_form", "two sentences", "CF001", "us", inj_two_sentences),
    ("claim_form", "figure/table reference", "CF003", "us", inj_figure),
    ("claim_form", "reference sign unbracketed (EP)", "CF004", "ep", inj_ref_sign),
    ("claim_form", "subject changed", "CF005", "us", inj_subject),
    ("claim_form", "non-transitory removed", "CF006", "us", inj_transitory),
    ("claim_form", "Markush opened", "CF008", "us", inj_markush),
    ("claim_form", "omnibus", "CF009", "us", inj_omnibus),
]


# ---- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--show", nargs="*", default=[], help="print the findings of these codes on grants")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--inject-only", nargs="*", default=[], help="inject only the defects of these codes")
    ap.add_argument("--no-findings", action="store_true", help="skip the findings on real documents")
    ap.add_argument("--limit", type=int, default=15, help="findings shown per code on applications")
    ap.add_argument("--tries", type=int, default=2, help="injections per document and defect")
    args = ap.parse_args(argv)
    rules = _rules()
    by_code = {r.code: r for r in rules}

    with gzip.open(args.path, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]

    t0 = time.perf_counter()
    docs = Counter()
    findings: dict[str, Counter] = defaultdict(Counter)
    docs_with: dict[str, Counter] = defaultdict(Counter)
    errors = Counter()
    shown = Counter()
    for rec in records:
        if not rec.get("claims") or args.no_findings:
            continue
        kind = "grant" if rec["doc_type"] == "grant" else "application"
        docs[kind] += 1
        items = claim_items(rec)
        for jurisdiction in ("us", "ep"):
            checked = Checked(items, jurisdiction, rules)
            seen: set[str] = set()
            for r, h in checked.hits:
                if jurisdiction == "ep" and "us" in r.jurisdictions:
                    continue  # counted in the US pass
                findings[kind][r.code] += 1
                if r.code not in seen:
                    docs_with[kind][r.code] += 1
                    seen.add(r.code)
                if r.severity == Severity.ERROR and jurisdiction == "us":
                    errors[kind] += 1
                if r.code in args.show and (kind == "grant" or shown[r.code] < args.limit):
                    shown[r.code] += 1
                    print(
                        f"  {r.code} {rec['id']} ({kind}) claim {h.claim}: [{checked.words(h)}] {h.message}"
                    )
    elapsed = time.perf_counter() - t0

    print(
        f"\nFindings on real documents ({docs['grant']} grants, {docs['application']} applications; "
        f"US profile, EP-only rules from the EP profile; {elapsed:.1f} s)"
    )
    print(
        f"{'code':6} {'sev':7} {'grants: /doc':>13} {'docs':>5} {'applications: /doc':>19} {'docs':>5}  name"
    )
    for code in sorted(by_code):
        r = by_code[code]
        g, a = findings["grant"][code], findings["application"][code]
        print(
            f"{code:6} {r.severity.value:7} {g / max(docs['grant'], 1):13.3f} {docs_with['grant'][code]:5d} "
            f"{a / max(docs['application'], 1):19.3f} {docs_with['application'][code]:5d}  {r.name}"
        )
    print(
        f"errors per document (US): grants {errors['grant'] / max(docs['grant'], 1):.3f}, "
        f"applications {errors['application'] / max(docs['application'], 1):.3f}"
    )

    if args.no_inject:
        return 0
    # injected defects
    rng = random.Random(args.seed)
    results: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    t0 = time.perf_counter()
    for rec in records:
        if not rec.get("claims") or len(rec["claims"]) < 2:
            continue
        items = claim_items(rec)
        base_claims = parse_claims_text(as_text(items))
        if len(base_claims.claims) != len(items):
            continue
        base = {"us": Checked(items, "us", rules), "ep": None}
        for category, name, code, jurisdiction, fn in INJECTIONS:
            if args.inject_only and code not in args.inject_only:
                continue
            for _ in range(args.tries):
                made = fn(items, base_claims, rng)
                if made is None:
                    break
                new_items, index = made
                if base[jurisdiction] is None:
                    base[jurisdiction] = Checked(items, jurisdiction, rules)
                if base[jurisdiction].on_claim(code, index):
                    continue  # already reported before the injection: not a test of recall
                checked = Checked(new_items, jurisdiction, rules)
                key = (category, name, code)
                results[key][1] += 1
                if checked.on_claim(code, index):
                    results[key][0] += 1
                elif args.show and code in args.show:
                    print(f"  MISSED {code} {rec['id']} claim {index + 1}: {new_items[index][1][:200]!r}")
    elapsed = time.perf_counter() - t0
    print(f"\nRecall on injected defects ({elapsed:.1f} s)")
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (category, name, code), (found, total) in results.items():
        per_category[category][0] += found
        per_category[category][1] += total
        print(f"  {category:20} {name:32} {code}  {found:5d}/{total:<5d} {100 * found / max(total, 1):6.1f}%")
    for category, (found, total) in per_category.items():
        print(
            f"  {category:20} {'(all)':32} {'':5}  {found:5d}/{total:<5d} {100 * found / max(total, 1):6.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
