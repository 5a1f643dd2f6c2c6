"""Autocompletion while writing claims: keystrokes saved, next-word accuracy, latency per source.

On the claims of corpus documents held out from the phrase model (`backend.assistant.is_held_out`),
each claim is typed word by word after the claims before it, with the description available: at
each word start the completions are asked for; when the top one is what comes next (up to a word
boundary) it is accepted with one keystroke, else the first letter is typed and the completions
are asked for again, else the word is typed. Reports keystrokes saved (%), top-1/top-3 next-word
accuracy at word starts, and latency p50/p95 per source.

The neural source (--neural) is evaluated exactly but cheaply: one forward pass of the language
model over each claim (teacher forcing) gives the greedy continuation the model would write at
every word start (`ClaimLanguageModel`'s policy: tokens while the model is confident, whole words
only); its latency is measured on real calls (--neural-calls).

    .venv/bin/python bench/assist_completion.py [--docs N] [--claims N] [--neural] [--lm PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.assistant import (
    DEFAULT_CORPUS,
    ClaimLanguageModel,
    complete_words,
    default_lm_path,
    is_held_out,
    load_phrase_model,
    phrase_model_path,
    read_records,
    record_claim_texts,
)
from backend.nlp.parsing import shared_parser
from backend.nlp.suggestions.complete import CompletionEngine
from backend.settings import Settings


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class TeacherForced:
    """The language model's greedy continuations at every character offset of one text."""

    def __init__(self, lm: ClaimLanguageModel) -> None:
        self.lm = lm
        self.table: dict[int, tuple[str, float]] = {}

    def prepare(self, context: str, target_start: int) -> None:
        import torch

        tokenizer, model = self.lm.load()
        enc = tokenizer(context, return_offsets_mapping=True)
        ids = enc["input_ids"]
        offsets = enc["offset_mapping"]
        keep = self.lm.context_tokens
        first_needed = next((i for i, (s, _e) in enumerate(offsets) if s >= target_start - 1), len(ids))
        lo = max(0, first_needed - keep)
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids[lo:]])).logits[0]
        probs = logits.softmax(-1)
        top_p, top_i = probs.max(-1)
        self.table = {}
        for j in range(max(first_needed, lo + 1), len(ids)):
            start = offsets[j][0]
            text_start = start + 1 if context[start : start + 1] == " " else start
            # greedy from token j (context = tokens before j)
            generated: list[int] = []
            first = 0.0
            finished = False
            k = j
            while len(generated) < self.lm.max_new_tokens:
                p = float(top_p[k - 1 - lo])
                tok = int(top_i[k - 1 - lo])
                if not generated:
                    first = p
                step = self.lm.step(tokenizer, generated, tok, p)
                if step is not None:
                    finished = step
                    break
                if k >= len(ids) or ids[k] != tok:
                    # the model diverges from the text here: what it writes is wrong from now on
                    generated.append(-1)
                    break
                k += 1
            if generated and generated[-1] == -1:
                text = "\x00wrong"
            else:
                text = complete_words(tokenizer.decode(generated), finished=finished)
            self.table[text_start] = (text, first)

    def __call__(self, text: str, budget: float) -> tuple[str, float]:
        key = len(text) + 1
        return self.table.get(key, ("", 0.0))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--phrases", default=None, help="the artifact (default: data/assist/phrases.json.gz)")
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--claims", type=int, default=6, help="claims per document")
    ap.add_argument("--neural", action="store_true")
    ap.add_argument("--lm", default=None)
    ap.add_argument("--neural-calls", type=int, default=30)
    ap.add_argument("--weights", default=None, help="claims,description,corpus mixture weights of the phrase source")
    ap.add_argument("--threshold", type=float, default=None, help="phrase extension threshold")
    args = ap.parse_args()

    settings = Settings()
    path = Path(args.phrases) if args.phrases else phrase_model_path(settings)
    phrases = load_phrase_model(path)
    parser = shared_parser()
    parser.parse("A warm-up claim.")
    lm = None
    forced = None
    if args.neural:
        lm = ClaimLanguageModel(Path(args.lm) if args.lm else default_lm_path(settings))
        forced = TeacherForced(lm)
    engine = CompletionEngine(parser=parser, phrases=phrases, language_model=forced)
    if args.weights:
        engine.weights = tuple(float(x) for x in args.weights.split(","))
    if args.threshold is not None:
        engine.extend_threshold = args.threshold
    sources = ["structure", "terms", "phrase"] + (["neural"] if forced else [])

    total = used = 0
    top1 = top3 = asked = 0
    latency: dict[str, list[float]] = {}
    accepted_by: dict[str, int] = {}
    docs = 0
    started = time.perf_counter()
    for record in read_records(Path(args.corpus)):
        if not is_held_out(record.get("id", "")):
            continue
        claims = record_claim_texts(record)
        if not claims:
            continue
        docs += 1
        if docs > args.docs:
            break
        description = "\n".join(p["text"] for p in record.get("description", []) if p.get("type") == "paragraph")
        lines = [f"{i + 1}. {c}" for i, c in enumerate(claims)]
        for k, target in enumerate(claims[: args.claims]):
            head = "\n".join(lines[:k]) + ("\n" if k else "") + f"{k + 1}. "
            if forced is not None:
                forced.prepare(head + target, len(head))
            pos = 0
            while pos < len(target):
                at_word = pos == 0 or target[pos - 1] == " "
                if not at_word:
                    used += 1
                    pos += 1
                    continue
                for typed_first in (False, True):
                    typed = head + target[:pos]
                    t0 = time.perf_counter()
                    result = engine.complete(claims=typed, cursor=len(typed), description=description,
                                             sources=sources, limit=3)
                    latency.setdefault("all", []).append(time.perf_counter() - t0)
                    for name, seconds in result.timings.items():
                        latency.setdefault(name, []).append(seconds)
                    comps = result.completions
                    if not typed_first:
                        asked += 1
                        word = target[pos:].split(" ", 1)[0].rstrip(",;:.").lower()
                        firsts = [(c.text.split(" ", 1)[0].rstrip(",;:.")).lower() for c in comps]
                        top1 += bool(firsts) and firsts[0] == word
                        top3 += word in firsts[:3]
                    if comps:
                        text = comps[0].text
                        end = pos + len(text)
                        if text and target.startswith(text, pos) and (end >= len(target) or not target[end].isalnum()):
                            used += 1
                            pos = end
                            accepted_by[comps[0].source] = accepted_by.get(comps[0].source, 0) + 1
                            break
                    if typed_first or pos >= len(target):
                        break
                    used += 1  # type the first letter, ask again
                    pos += 1
                    if pos < len(target) and not target[pos].isalnum():
                        break
            total += len(target)
    elapsed = time.perf_counter() - started
    saved = 100 * (1 - used / total) if total else 0.0
    print(f"documents (held out): {min(docs, args.docs)}, characters typed: {total}, queries: {len(latency.get('all', []))}")
    print(f"keystrokes saved: {saved:.1f}%   sources: {', '.join(sources)}")
    print(f"next word at word starts: top-1 {100 * top1 / max(asked, 1):.1f}%  top-3 {100 * top3 / max(asked, 1):.1f}%  ({asked} word starts)")
    print("accepted completions by source: " + ", ".join(f"{k} {v}" for k, v in sorted(accepted_by.items())))
    for name in ("structure", "terms", "phrase", "all"):
        values = latency.get(name, [])
        if values:
            print(f"latency {name:<10} p50 {1000 * pct(values, 0.5):6.2f} ms   p95 {1000 * pct(values, 0.95):6.2f} ms")
    if lm is not None:
        calls = []
        for i in range(args.neural_calls):
            text = f"1. A device comprising: a housing; a lever attached to the housing; and a spring {i}, wherein the"
            t0 = time.perf_counter()
            lm(text, settings.assist_neural_budget_ms / 1000)
            calls.append(time.perf_counter() - t0)
        print(f"latency neural     p50 {1000 * pct(calls, 0.5):6.2f} ms   p95 {1000 * pct(calls, 0.95):6.2f} ms "
              f"(real calls, budget {settings.assist_neural_budget_ms} ms)")
    print(f"bench time {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
