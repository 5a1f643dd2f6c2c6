"""Accuracy and speed of the description checks (CS, RN, FR) and terminology checks (TM).

    .venv/bin/python bench/description_checks_accuracy.py [--corpus PATH] [--limit N]
        [--workers N] [--dump findings.jsonl] [--no-inject] [--codes RN] [--show-misses [N]]

Over every record of the corpus (default ../shared/corpus/us-patents.jsonl.gz) a DocumentText is
built as a plainly typed application (tests/corpus.py: title, headings, "[0001]" paragraphs, "What
is claimed is:", "N. text" claims, "ABSTRACT"), sections and claims are parsed, and the CS, RN, FR
and TM rules run directly (no other rule). Printed:

1. findings per document per code, on granted patents (doc_type == "grant") and on all documents
   (RN figures also on documents with stats.has_refnums); granted patents were examined, so their
   findings approximate false positives (they are not all false: real slips survive examination);
2. recall on injected defects, one defect per document and category, on documents where the
   defect can be injected:
   - rn_merge:   two different elements given one numeral (every "spring 14" -> "spring 12"),  RN001
   - rn_reuse:   a numeral reused for a new term ("The bracket 12 ..." added),                 RN001
   - rn_stray:   one later "the lever 12" -> "the lever 987",                                   RN002
   - rn_claim:   "(987)" put after a noun of claim 1,                                           RN003
   - cs_delete:  every description mention of a claim-1 head noun, in every form sharing its stem
                 ("pump", "pumps", "pumping"), renamed ("widget"),                              CS001
   - fr_drop:    every detailed-description mention "FIG. N" of one figure removed,            FR001
   - fr_bdd:     "FIG. 99 is another view." added to the brief description only,              FR001
   - fr_extra:   "as shown in FIG. 99" added to the detailed description only,                FR002
   - tm_relative / tm_profanity / tm_mpf: "substantially" / "essential" / "means for" put in
     claim 1,                                                                        TM002/TM001/TM003
   The RN injections are made only where the result is a reference-numeral defect: rn_merge and
   rn_reuse use no generic word ("space 12", "height 12" may name any element: the word list
   `generic_nouns`, as RN001 treats them); rn_stray changes only a "the lever 12" that is read
   as lever's numeral (not "the lever 12 to 14", "the angle 30 in degrees"), and not the numeral
   of a bare generic word ("the tip 30": RN002 lets "the tip 30" and "the tip 31" be two tips);
   rn_claim puts "(987)" after a noun: not inside "a three-dimensional", not after "a same", nor
   after a word that takes a label number ("a step (987) of heating", "a compound (987)":
   `CLAIM_PAREN_LABELS`). Mentions are read with the labels the rules use (word list
   `numeral_labels` included).
   A defect counts as found when a finding of the expected code names the injected words;
   --show-misses prints, for up to N missed defects per category, the document id and the text
   around the injection;
3. time per document of these rules (median, p95, max) and characters per second.
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing as mp
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODES_PREFIX = ("CS", "RN", "FR", "TM")
INJECTIONS = (
    ("rn_merge", "RN001"),
    ("rn_reuse", "RN001"),
    ("rn_stray", "RN002"),
    ("rn_claim", "RN003"),
    ("cs_delete", "CS001"),
    ("fr_drop", "FR001"),
    ("fr_bdd", "FR001"),
    ("fr_extra", "FR002"),
    ("tm_relative", "TM002"),
    ("tm_profanity", "TM001"),
    ("tm_mpf", "TM003"),
)

_STATE: dict = {}
_CONTEXT: dict[str, str] = {}
"""The text around the last injection ("context"), for --show-misses."""


def _note(text: str, start: int, end: int | None = None, width: int = 120) -> None:
    end = start if end is None else end
    _CONTEXT["context"] = (
        ("..." if start > width else "")
        + text[max(0, start - width) : end + width]
        + ("..." if end + width < len(text) else "")
    )


def _init() -> None:
    from backend.nlp.parsing import ClaimParser
    from backend.nlp.rules import registered_rules
    from backend.wordlists import load_wordlists

    _STATE["rules"] = [
        r for c, r in registered_rules().items() if c.startswith(_STATE.get("codes") or CODES_PREFIX)
    ]
    _STATE["wordlists"] = load_wordlists()
    _STATE["parser"] = ClaimParser(cache_size=4096)
    _STATE["parser"].parse("A device comprising a lever.")  # load the model before timing


def run_rules(document) -> tuple[list[dict], float]:
    from backend.nlp.claims import parse_claims
    from backend.nlp.rules import CheckContext
    from backend.nlp.sections import find_sections

    t0 = time.perf_counter()
    sections = find_sections(document)
    claims = parse_claims(document, sections)
    ctx = CheckContext(
        document=document,
        sections=sections,
        claims=claims,
        wordlists=_STATE["wordlists"],
        nlp=_STATE["parser"],
    )
    out = []
    for r in _STATE["rules"]:
        for hit in r.function(ctx):
            loc = hit.location
            out.append(
                {
                    "code": r.code,
                    "message": hit.message,
                    "claim": hit.claim,
                    "text": document.paragraphs[loc.paragraph].text[loc.start : loc.end],
                }
            )
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------------------------
# Injections (on the record, before it is rendered)
# --------------------------------------------------------------------------------------------


def _desc_items(rec: dict) -> list[dict]:
    return [it for it in rec["description"] if it["type"] == "paragraph"]


def _bdd_range(rec: dict) -> tuple[int, int] | None:
    """Indices into rec["description"] of the brief description of the drawings."""
    start = None
    for i, it in enumerate(rec["description"]):
        if it["type"] == "heading":
            if start is not None:
                return start, i
            if re.search(r"drawing|figure", it["text"], re.IGNORECASE) and re.search(
                r"brief|descr", it["text"], re.IGNORECASE
            ):
                start = i + 1
    return None


def _refnum_terms(rec: dict):
    from backend.nlp.refnums import NUMERAL_LABELS_DEFAULT, reference_mentions

    # the labels the rules use (the word list `numeral_labels` included)
    labels = NUMERAL_LABELS_DEFAULT | {w.lower() for w in _STATE["wordlists"].get("numeral_labels")}
    ms = []
    for i, it in enumerate(rec["description"]):
        if it["type"] == "paragraph" and " | " not in it["text"]:
            ms.extend(reference_mentions(i, it["text"], labels))
    return ms


def inject(rec: dict, kind: str) -> tuple[dict, str] | None:
    """A copy of `rec` with one defect, and the words a finding must name; None if impossible."""
    from backend.nlp.inflection import singular
    from backend.nlp.rules.description_checks import _GENERIC_REF_HEADS, _compatible

    rec = copy.deepcopy(rec)
    desc = rec["description"]
    if kind.startswith("rn_") and kind != "rn_claim":
        from backend.nlp.rules.description_checks import _is_refnum_document

        all_ms = _refnum_terms(rec)
        if not _is_refnum_document(all_ms):
            return None  # the rule applies to documents that use reference numerals systematically
        ms = [m for m in all_ms if m.term and m.strong]
        by_num: dict[str, set[str]] = defaultdict(set)
        count: Counter = Counter()
        for m in ms:
            by_num[m.numeral].add(m.term)
            count[m.numeral] += 1
        clean = {
            n: next(iter(t))
            for n, t in by_num.items()
            if len(t) == 1 and n.isdigit() and len(n) >= 2 and count[n] >= 2
        }
        if len(clean) < 4:
            return None
        nums = sorted(clean, key=lambda n: -count[n])
        generic = _GENERIC_REF_HEADS | {singular(w) for w in _STATE["wordlists"].get("generic_nouns")}
        if kind == "rn_merge":
            for a in nums:
                for b in nums:
                    ta, tb = clean[a], clean[b]
                    if (
                        a == b
                        or _compatible(ta, tb)
                        or ta.split()[-1] in generic
                        or tb.split()[-1] in generic
                    ):
                        continue
                    pat = re.compile(
                        rf"(?<![\w.,/-])({re.escape(tb.split()[-1])}\w*\s+){b}(?![\w.,/%-]\d?)", re.IGNORECASE
                    )
                    changed = 0
                    for it in desc:
                        if it["type"] == "paragraph":
                            first = pat.search(it["text"])
                            new, k = pat.subn(lambda mm, a=a: mm.group(1) + a, it["text"])
                            if first and not changed:
                                _note(new, first.start(), first.end(), 80)
                                _CONTEXT["context"] = f"{tb} {b} -> {a} ({ta}): " + _CONTEXT["context"]
                            it["text"], changed = new, changed + k
                    if changed:
                        return rec, f'"{a}"'
            return None
        if kind == "rn_reuse":
            cands = [n for n in nums if clean[n].split()[-1] not in generic and "bracket" not in clean[n]]
            if not cands:
                return None
            a = cands[0]
            items = _desc_items(rec)
            target = items[len(items) * 2 // 3]
            target["text"] += f" The mounting bracket {a} is fastened to the frame by screws."
            _CONTEXT["context"] = f"{a} is {clean[a]!r} ({count[a]} strong mentions)"
            return rec, f'"{a}"'
        if kind == "rn_stray":
            for a in nums:
                t = clean[a]
                if count[a] < 3 or t.split()[-1] in _GENERIC_REF_HEADS or t in generic:
                    continue
                pat = re.compile(rf"(\bthe\s+{re.escape(t)}\s+){a}(?![\w.,/%-]\d?)", re.IGNORECASE)
                # only where "the lever 12" is read as the reference numeral of "lever" (not in
                # "the lever 12 to 14", "the angle 30 in degrees"): elsewhere "987" is no numeral
                sites = {(m.paragraph, m.num_start) for m in ms if m.numeral == a and m.term == t}
                hits = [
                    (i, m)
                    for i, it in enumerate(desc)
                    if it["type"] == "paragraph"
                    for m in pat.finditer(it["text"])
                    if (i, m.end(1)) in sites
                ]
                if len(hits) < 2:
                    continue
                i, m = hits[-1]
                s = desc[i]["text"]
                desc[i]["text"] = s[: m.start()] + m.group(1) + "987" + s[m.end() :]
                _note(desc[i]["text"], m.start(), m.start() + len(m.group(1)) + 3)
                return rec, '"987"'
            return None
    if kind == "rn_claim":
        if not rec["claims"]:
            return None
        c = rec["claims"][0]
        from backend.nlp.refnums import CLAIM_PAREN_LABELS, ORDINALS, STOPWORDS

        # after a noun: not inside "a three-dimensional ...", not after "a same ...", "a first
        # ...", and not after a word that takes a label number ("a step (987) of heating")
        m = next(
            (
                mm
                for mm in re.finditer(r"\b(?:a|an)\s+([a-z]{4,})\b(?!\s*[(-])", c["text"])
                if mm.group(1) not in STOPWORDS | ORDINALS | CLAIM_PAREN_LABELS
            ),
            None,
        )
        if not m or any("987" in it["text"] for it in desc):
            return None
        c["text"] = c["text"][: m.end()] + " (987)" + c["text"][m.end() :]
        _note(c["text"], m.start(), m.end() + 6)
        return rec, '"987"'
    if kind == "cs_delete":
        if not rec["claims"]:
            return None
        from backend.nlp.refnums import stem
        from backend.nlp.rules.description_checks import _GENERIC_HEADS, _claim_terms

        doc = _STATE["parser"].parse(rec["claims"][0]["text"])
        words = re.compile(r"[A-Za-z]+")
        generic = frozenset(singular(w) for w in _STATE["wordlists"].get("generic_nouns"))
        for start, end, head, modifier in _claim_terms(doc, None, generic):
            h = singular(head)
            if (
                len(h) < 4
                or h in _GENERIC_HEADS
                or h in {"invention", "device", "system", "apparatus", "method"}
            ):
                continue
            pat = re.compile(rf"\b{re.escape(h)}(?:s|es)?\b", re.IGNORECASE)
            if not any(pat.search(it["text"]) for it in desc):
                continue

            # every form of the word goes ("pumps", "pumping", "pumped"; "connection", "connected"):
            # a description that still says "pumping" or "connected" does use the claim term
            root = stem(h)

            def rename(mm: re.Match[str], h: str = h, root: str = root) -> str:
                w = singular(mm.group()).lower()
                same = w == h or (w.startswith(h) and len(w) - len(h) <= 4)
                return "widget" if same or (len(root) >= 4 and stem(w) == root) else mm.group()

            for it in desc:
                it["text"] = words.sub(rename, it["text"])
            rec["title"] = words.sub(rename, rec["title"])
            return rec, head.lower()
        return None
    if kind in ("fr_drop", "fr_bdd", "fr_extra"):
        from backend.nlp.refnums import figure_mentions

        rng = _bdd_range(rec)
        if rng is None:
            return None
        bdd_ids = {m.figure for i in range(*rng) for m in figure_mentions(i, desc[i]["text"])}
        if not bdd_ids:
            return None
        outside = [i for i, it in enumerate(desc) if it["type"] == "paragraph" and not rng[0] <= i < rng[1]]
        if kind == "fr_bdd":
            desc[rng[1] - 1]["text"] += " FIG. 99 is another view of the embodiment."
            return rec, '"FIG. 99"'
        if kind == "fr_extra":
            if not outside or not any(figure_mentions(0, desc[i]["text"]) for i in outside):
                return None
            i = outside[len(outside) // 2]
            desc[i]["text"] += " The assembly is also shown in FIG. 99."
            return rec, '"FIG. 99"'
        for fid in sorted(bdd_ids, key=lambda f: (len(f), f)):
            if not fid.isdigit() or any(o != fid and re.match(rf"{fid}\D", o) for o in bdd_ids):
                continue
            mentions = [(i, m) for i in outside for m in figure_mentions(i, desc[i]["text"])]
            mine = [(i, m) for i, m in mentions if m.figure == fid]
            if not mine:
                continue
            # only singular mentions ("FIG. 3") can be removed cleanly
            spans = {(i, m.start, m.end) for i, m in mine}
            if any(sum(1 for j, mm in mentions if (j, mm.start, mm.end) == sp) > 1 for sp in spans):
                continue
            for i, s, e in sorted(spans, reverse=True):
                t = desc[i]["text"]
                desc[i]["text"] = t[:s] + "the drawing" + t[e:]
            return rec, f'"FIG. {fid}"'
        return None
    if kind.startswith("tm_"):
        if not rec["claims"]:
            return None
        c = rec["claims"][0]
        m = re.search(r"\b(?:a|an)\s+([a-z]{4,})\b", c["text"])
        noun = m.group(1) if m else "element"
        add = {
            "tm_relative": (f", wherein the {noun} is substantially rigid", '"substantially"'),
            "tm_profanity": (f", wherein the {noun} is essential", '"essential"'),
            "tm_mpf": ("; and means for fastening the assembly", '"means for'),
        }[kind]
        text = c["text"].rstrip().rstrip(".")
        c["text"] = text + add[0] + "."
        return rec, add[1]
    return None


# --------------------------------------------------------------------------------------------


def process(line: str, do_inject: bool, show_misses: bool = False) -> dict:
    from tests.corpus import record_document

    rec = json.loads(line)
    doc = record_document(rec)
    findings, seconds = run_rules(doc)
    result = {
        "id": rec["id"],
        "grant": rec["doc_type"] == "grant",
        "has_refnums": bool(rec.get("stats", {}).get("has_refnums")),
        "chars": sum(len(p.text) for p in doc.paragraphs),
        "seconds": seconds,
        "findings": findings,
        "inject": {},
        "missed": {},
    }
    if do_inject:
        for kind, code in INJECTIONS:
            if not code.startswith(_STATE["codes"]):
                continue
            _CONTEXT.clear()
            got = inject(rec, kind)
            if got is None:
                continue
            bad, needle = got
            fs, _ = run_rules(record_document(bad))
            base = Counter(f["message"] for f in findings if f["code"] == code)
            new = [f for f in fs if f["code"] == code and needle.lower() in f["message"].lower()]
            found = any(
                base[f["message"]] == 0
                or sum(1 for g in fs if g["message"] == f["message"]) > base[f["message"]]
                for f in new
            )
            result["inject"][kind] = found
            if show_misses and not found:
                result["missed"][kind] = {
                    "context": _CONTEXT.get("context", ""),
                    "findings": [f["message"] for f in fs if f["code"] == code][:5],
                }
    return result


def _work(args: tuple[str, bool, tuple[str, ...], bool]) -> dict:
    if "rules" not in _STATE:
        _STATE["codes"] = args[2]
        _init()
    return process(args[0], args[1], args[3])


def main() -> None:
    import gzip

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "us-patents.jsonl.gz"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--workers", type=int, default=max(1, min(4, mp.cpu_count())))
    ap.add_argument("--dump", default="")
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--codes", default="", help="comma-separated code prefixes to run (default CS,RN,FR,TM)")
    ap.add_argument(
        "--show-misses",
        type=int,
        nargs="?",
        const=20,
        default=0,
        metavar="N",
        help="print up to N (default 20) missed injected defects per category, with their context",
    )
    args = ap.parse_args()

    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        lines = [line for line in f]
    if args.limit:
        lines = lines[: args.limit]
    t0 = time.perf_counter()
    codes_sel = tuple(c.strip().upper() for c in args.codes.split(",") if c.strip()) or CODES_PREFIX
    jobs = [(line, not args.no_inject, codes_sel, bool(args.show_misses)) for line in lines]
    if args.workers > 1:
        with mp.Pool(args.workers) as pool:
            results = pool.map(_work, jobs, chunksize=4)
    else:
        results = [_work(j) for j in jobs]
    wall = time.perf_counter() - t0

    from backend.nlp.rules import registered_rules

    codes = sorted(c for c in registered_rules() if c.startswith(codes_sel))
    groups = {
        "grant": [r for r in results if r["grant"]],
        "all": results,
        "has_refnums": [r for r in results if r["has_refnums"]],
    }
    print(
        f"documents: {len(results)} (grants {len(groups['grant'])}, has_refnums {len(groups['has_refnums'])}); wall {wall:.0f}s"
    )
    print("\nfindings per document")
    print(f"{'code':7}" + "".join(f"{g:>14}" for g in groups) + f"{'docs>0 (all)':>14}")
    for code in codes:
        row = f"{code:7}"
        for docs in groups.values():
            n = sum(1 for r in docs for f in r["findings"] if f["code"] == code)
            row += f"{n / max(1, len(docs)):>14.3f}"
        row += f"{sum(1 for r in results if any(f['code'] == code for f in r['findings'])):>14}"
        print(row)

    if not args.no_inject:
        print("\nrecall on injected defects")
        for kind, code in INJECTIONS:
            if not code.startswith(codes_sel):
                continue
            tried = [r["inject"][kind] for r in results if kind in r["inject"]]
            if tried:
                print(f"  {kind:13} {code}  {sum(tried):4}/{len(tried):<4} = {sum(tried) / len(tried):.1%}")
        if args.show_misses:
            for kind, code in INJECTIONS:
                missed = [(r["id"], r["missed"][kind]) for r in results if kind in r["missed"]]
                if not missed:
                    continue
                print(f"\nmissed {kind} ({code}), {min(len(missed), args.show_misses)} of {len(missed)}:")
                for doc_id, miss in missed[: args.show_misses]:
                    print(f"  {doc_id}: {miss['context']}")
                    for message in miss["findings"]:
                        print(f"      {code}: {message}")

    secs = sorted(r["seconds"] for r in results)
    chars = sum(r["chars"] for r in results)
    print(
        f"\ntime per document (CS+RN+FR+TM, sections and claims parsing included, spaCy parse uncached): "
        f"median {statistics.median(secs) * 1000:.0f} ms, p95 {secs[int(0.95 * (len(secs) - 1))] * 1000:.0f} ms, "
        f"max {secs[-1] * 1000:.0f} ms; {chars / sum(secs) / 1e6:.2f} M chars/s"
    )
    claim_support_precision(results)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for r in results:
                f.writelines(
                    json.dumps({"id": r["id"], "grant": r["grant"], **x}) + "\n" for x in r["findings"]
                )
        print(f"findings written to {args.dump}")


CS_LABELS = ROOT / "bench" / "data" / "claim_support_labels.jsonl"


def claim_support_precision(results: list[dict]) -> None:
    """The CS001 findings on granted patents against the hand labels (every CS001 finding on the
    grants when they were judged; rubric bench/data/claim_support_rubric.md): how many of those
    still reported are valid, and how many findings have no label (found since)."""
    if not CS_LABELS.exists():
        return
    labels = {}
    for line in CS_LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            lab = json.loads(line)
            labels[(lab["doc"], lab["claim"], lab["term"])] = lab["label"]
    found = [
        (r["id"], x["claim"], x["text"]) for r in results if r["grant"] for x in r["findings"] if x["code"] == "CS001"
    ]
    if not found:
        return
    grants = sum(1 for r in results if r["grant"])
    kept = Counter(labels.get(k, "unlabelled") for k in found)
    reported = set(found)
    gone = Counter(label for k, label in labels.items() if k not in reported)
    print(
        f"\nCS001 on grants against the hand labels: {len(found)} found, valid {kept['valid']}, "
        f"invalid {kept['invalid']}, unlabelled {kept['unlabelled']} ({kept['invalid'] / grants:.2f} known false "
        f"per grant); no longer reported: {gone['invalid']} invalid, {gone['valid']} valid"
    )


if __name__ == "__main__":
    main()
