"""A word n-gram phrase model of claim language (pure: token lists in, ranked continuations out).

Counts of n-grams up to `order` are gathered from claims (`PhraseModelBuilder`), pruned to the
most frequent continuations of each context (`build()`), and kept as plain dicts, so that the
model serialises to JSON (`to_json` / `from_json`: the artifact `patentpane corpus build-phrases`
writes) and a lookup is a few dict accesses (microseconds). Scores are stupid backoff (Brants et
al. 2007): the relative frequency in the longest context seen, else 0.4 times the score one
context shorter.

Tokens are lower-case words ("computer-readable", "user's"), single punctuation characters, and
`NUMBER` for any written number (claim numbers and reference signs are the structure tier's job).
`DocumentCache` is the same model built on the fly from the document being written (its claims
and description): claims repeat their own phrases, so it supplies most long completions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FORMAT",
    "NUMBER",
    "PhraseModel",
    "PhraseModelBuilder",
    "detokenize",
    "token_spans",
    "tokenize",
]

NUMBER = "<n>"
FORMAT = "patentpane-phrases/1"
BACKOFF = 0.4
_SEP = " "
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[-'\u2019][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_NO_SPACE_BEFORE = frozenset(",;:.)]}%")
_NO_SPACE_AFTER = frozenset("([{")
STOP_TOKENS = frozenset({";", ".", NUMBER})
"""A completion never runs past these (the end of an element or claim; a number to be typed)."""


def _norm(token: str) -> str:
    if token[0].isdigit() and any(c.isdigit() for c in token):
        return NUMBER
    return token.lower().replace("\u2019", "'")


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(normalised token, start, end) of every token of `text`."""
    return [(_norm(m.group()), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def tokenize(text: str) -> list[str]:
    return [_norm(m.group()) for m in _TOKEN_RE.finditer(text)]


def detokenize(tokens: Sequence[str], *, after: str = "") -> str:
    """The text of `tokens` as typed after the text `after` (a space before a word unless `after`
    ends with whitespace, an opening bracket or nothing; none before closing punctuation)."""
    out: list[str] = []
    prev = after[-1:] if after else ""
    for tok in tokens:
        if tok in _NO_SPACE_BEFORE or prev == "" or prev.isspace() or prev in _NO_SPACE_AFTER or tok == "-":
            out.append(tok)
        else:
            out.append(" " + tok)
        prev = tok[-1]
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Continuation:
    tokens: tuple[str, ...]
    probability: float
    """Product of the per-token scores (stupid backoff; not normalised)."""


@dataclass(slots=True)
class PhraseModel:
    """Pruned n-gram counts: context (tokens joined by a space, "" for none) -> [(token, count)]
    most frequent first, and the context's total count."""

    order: int
    table: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """Context -> continuations, most frequent first."""
    totals: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    _index: dict[str, list[tuple[str, int]]] | None = None
    evidence: int = 1
    """Context length that counts fully; a shorter longest-seen context scales the scores down
    (a document's own text is sparse: "the" alone says little, "wherein the first" much)."""

    # -- scoring ----------------------------------------------------------------------------

    def _contexts(self, history: Sequence[str]) -> list[str]:
        """Context keys from the longest to the empty one."""
        h = list(history[-(self.order - 1) :]) if self.order > 1 else []
        return [_SEP.join(h[i:]) for i in range(len(h) + 1)]

    def next_tokens(self, history: Sequence[str], *, prefix: str = "", limit: int = 8) -> list[tuple[str, float]]:
        """The most likely next tokens after `history` that start with `prefix` (lower case), with
        their stupid-backoff scores, best first (shorter contexts are consulted only until `limit`
        tokens are found)."""
        scores: dict[str, float] = {}
        weight = 1.0
        first = True
        for key in self._contexts(history):
            entries = self.table.get(key)
            if not entries:
                continue
            if first:
                first = False
                length = key.count(_SEP) + 1 if key else 0
                weight = min(1.0, length / self.evidence) if self.evidence > 1 else 1.0
            total = self.totals[key]
            if key == "":
                entries = self._words(prefix)
            for tok, count in entries:
                if tok not in scores and tok.startswith(prefix):
                    scores[tok] = weight * count / total
            if len(scores) >= limit:
                break
            weight *= BACKOFF  # (contexts never seen cost nothing: the longest seen one counts fully)
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    def _words(self, prefix: str, *, most: int = 64) -> list[tuple[str, int]]:
        """The most frequent words starting with `prefix` (an index by first letters, made on first use)."""
        if self._index is None:
            index: dict[str, list[tuple[str, int]]] = {}
            for tok, count in self.table.get("", []):
                for k in range(min(2, len(tok)) + 1):
                    bucket = index.setdefault(tok[:k], [])
                    if len(bucket) < 4 * most or k == 2:
                        bucket.append((tok, count))
            self._index = index
        bucket = self._index.get(prefix[:2], [])
        return [tc for tc in bucket if tc[0].startswith(prefix)][:most]

    def probability(self, history: Sequence[str], token: str) -> float:
        weight = 1.0
        for key in self._contexts(history):
            entries = self.table.get(key)
            if entries:
                for tok, count in entries:
                    if tok == token:
                        return weight * count / self.totals[key]
                weight *= BACKOFF
        return 0.0

    def best_next(self, history: Sequence[str]) -> tuple[str, float, int] | None:
        """The most frequent next token in the longest context seen, its relative frequency there
        and the context's count (how much evidence there is)."""
        for key in self._contexts(history):
            entries = self.table.get(key)
            if entries:
                tok, count = entries[0]
                total = self.totals[key]
                return tok, count / total, total
        return None

    # -- (de)serialisation --------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "order": self.order,
            "documents": self.documents,
            "meta": self.meta,
            "contexts": {k: [self.totals[k], [[t, c] for t, c in v]] for k, v in self.table.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PhraseModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a phrase model artifact (format {data.get('format')!r})")
        table: dict[str, list[tuple[str, int]]] = {}
        totals: dict[str, int] = {}
        for key, (total, entries) in data["contexts"].items():
            totals[key] = int(total)
            table[key] = [(str(t), int(c)) for t, c in entries]
        return cls(order=int(data["order"]), table=table, totals=totals, documents=int(data.get("documents", 0)),
                   meta=dict(data.get("meta") or {}))


class PhraseModelBuilder:
    """Counts n-grams of token sequences; `build()` prunes them into a `PhraseModel`."""

    def __init__(self, order: int = 4) -> None:
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order = order
        self.counts: Counter[str] = Counter()
        self.documents = 0

    def add_document(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add_tokens(tokenize(text))
        self.documents += 1

    def add_tokens(self, tokens: Sequence[str]) -> None:
        counts = self.counts
        n = len(tokens)
        for i in range(n):
            # context of up to order-1 tokens before token i (claims start a fresh history)
            for k in range(min(self.order - 1, i) + 1):
                counts[_SEP.join(tokens[i - k : i]) + "\t" + tokens[i]] += 1

    def build(
        self, *, min_count: int = 2, top_k: int = 12, vocabulary: int = 20_000, meta: dict[str, Any] | None = None
    ) -> PhraseModel:
        """Keep continuations seen `min_count` times, the `top_k` most frequent of each context, and
        the `vocabulary` most frequent words (the empty context: completing a word's first letters)."""
        grouped: dict[str, list[tuple[str, int]]] = {}
        totals: Counter[str] = Counter()
        for key, count in self.counts.items():
            ctx, tok = key.split("\t", 1)
            totals[ctx] += count
            if count >= min_count or ctx == "":
                grouped.setdefault(ctx, []).append((tok, count))
        table: dict[str, list[tuple[str, int]]] = {}
        for ctx, entries in grouped.items():
            entries.sort(key=lambda tc: (-tc[1], tc[0]))
            table[ctx] = entries[: (vocabulary if ctx == "" else top_k)]
        return PhraseModel(
            order=self.order,
            table=table,
            totals={k: totals[k] for k in table},
            documents=self.documents,
            meta=dict(meta or {}),
        )


def document_model(texts: Iterable[str], *, order: int = 6) -> PhraseModel:
    """An unpruned model of one document's own text (its claims and description): the cache."""
    builder = PhraseModelBuilder(order)
    for text in texts:
        builder.add_tokens(tokenize(text))
    model = builder.build(min_count=1, top_k=6)
    model.evidence = 3
    return model


@dataclass(slots=True)
class SequenceCache:
    """The text being typed as its own tiny model: what followed the last words where they
    occurred before (linear in its length; nothing to build)."""

    tokens: list[str]
    order: int = 6

    def next_tokens(self, history: Sequence[str], *, prefix: str = "", limit: int = 8) -> list[tuple[str, float]]:
        toks = self.tokens
        n = len(toks)
        scores: dict[str, float] = {}
        for k in range(min(self.order - 1, len(history)), 0, -1):
            tail = list(history[-k:])
            found: Counter[str] = Counter()
            for i in range(k, n):
                if toks[i - k : i] == tail and toks[i].startswith(prefix):
                    found[toks[i]] += 1
            if found:
                total = sum(found.values())
                weight = min(1.0, k / 3)
                for tok, count in found.most_common(limit):
                    scores.setdefault(tok, weight * count / total)
                break
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
