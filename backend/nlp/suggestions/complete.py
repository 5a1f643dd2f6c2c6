"""Autocompletion while writing claims (pure: text in, ranked completions out).

Sources, fastest first, merged into one ranking (`complete`):

- `structure`: after "The <subject> of claim " the claim numbers that may be parents (earlier,
  not canceled, of the same statutory category; the previous claim first, then its independent
  claim); after the dependency ", wherein" / ", further comprising"; at the start of a claim
  the dependent preamble from the previous claims' subjects ("The method of claim 3"); the
  transition of an independent claim;
- `terms`: after "the"/"said", the terms introduced in this claim's dependency chain (this
  claim first, most recent first) and only those, so a completion never lacks antecedent basis;
  after "a"/"an", terms of the description (with reference numerals) not yet claimed;
- `phrase`: the corpus phrase model (`PhraseModel`, the artifact) mixed with a cache of the
  document's own phrases (the claims before the cursor and the description), extended word by
  word while the next word is likely;
- `neural`: a causal language model's continuation (a callable the service passes in, run under
  a time budget), for longer continuations.

After "the"/"said" every source's completion must start with a term that has antecedent basis.
A completion's `text` is what to insert at the cursor: the rest of the word being typed, then
the continuation (e.g. cursor after "the hou" -> "sing"; after "the " -> "housing").
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from backend.nlp.antecedent import Mention, claim_mentions
from backend.nlp.inflection import indefinite_article, singular
from backend.nlp.refnums import reference_mentions
from backend.nlp.structure import Category, Claim, ClaimSet
from backend.nlp.suggestions.context import (
    CursorContext,
    category_of_subject,
    cursor_context,
    preamble_subject,
)
from backend.nlp.suggestions.phrases import (
    NUMBER,
    STOP_TOKENS,
    PhraseModel,
    SequenceCache,
    detokenize,
    document_model,
    tokenize,
)

__all__ = ["Completion", "CompletionEngine", "CompletionResult", "complete"]

LanguageModel = Callable[[str, float], tuple[str, float]]
"""(text before the cursor, seconds allowed) -> (the model's continuation, its probability of the
first token)."""

SOURCES = ("structure", "terms", "phrase", "neural")
NEURAL_WEIGHT = 0.6
_REF_DETS = frozenset({"the", "said"})
_INTRO_ARTICLES = frozenset({"a", "an"})
_NP_END = frozenset(
    {"of", "in", "on", "at", "to", "for", "with", "by", "from", "into", "between", "through", "and", "or",
     "that", "which", "wherein", "is", "are", "has", "have", "being", "comprising", "comprises", "including",
     "includes", "having", "configured", "adapted", "when", "where", "such", "so", "as", "than", "each",
     "be", "can", "may", "while", "after", "before", "during", "until", "via", "along", "about",
     "relative", "not", "extending", "coupled", "connected", "disposed", "positioned", "located"}
)  # fmt: skip
_LABELS = frozenset({"claim", "claims", "step", "steps", "fig", "figs", "figure", "figures", "table", "example",
                     "formula", "equation", "no", "nos", "paragraph", "line", "column", "page"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    """What to insert at the cursor."""
    score: float
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "score": round(self.score, 4), "source": self.source}


@dataclass(slots=True)
class CompletionResult:
    completions: list[Completion]
    prefix: str
    """The word being typed (the completions' text continues it)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per source."""

    def to_json(self) -> dict[str, Any]:
        return {"completions": [c.to_json() for c in self.completions], "prefix": self.prefix}


@dataclass(slots=True)
class _Term:
    words: tuple[str, ...]
    """Normalised term (head singular), for the antecedent check."""
    surface: str
    """As written after the determiner ("plurality of levers", "first lever")."""
    own: bool = False
    """Introduced in the claim being written (not in a parent)."""


# ---------------------------------------------------------------------------------------------
# Cached per-document analyses (the claims before the cursor and the description change rarely)
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _text_model(text: str) -> PhraseModel:
    return document_model([line for line in text.splitlines() if line.strip()])


@lru_cache(maxsize=32)
def _claims_text_model(text: str) -> PhraseModel:
    """The claims' own phrases, one claim per history (the number dropped)."""
    lines = re.split(r"\n(?=\s*\d{1,4}\s*[.)]\s)", text)
    return document_model(re.sub(r"^\s*\d{1,4}\s*[.)]\s*", "", line) for line in lines)


@lru_cache(maxsize=32)
def _case_map(text: str) -> dict[str, str]:
    """Lower-case word -> its spelling in the document when it is not plain lower case ("CPU")."""
    out: dict[str, str] = {}
    for m in re.finditer(r"\b[A-Za-z][A-Za-z0-9-]*\b", text):
        word = m.group()
        low = word.lower()
        if word != low and (word.isupper() or not word[0].isupper()) and len(word) > 1:
            out.setdefault(low, word)
        elif word == low:
            out[low] = low
    return {k: v for k, v in out.items() if v != k}


@lru_cache(maxsize=16)
def _description_terms(description: str, labels: frozenset[str]) -> tuple[str, ...]:
    """Terms of the description written with a reference numeral ("drive shaft 12"), most frequent
    first (singular, lower case)."""
    counts: dict[str, int] = {}
    for i, paragraph in enumerate(description.splitlines()):
        for m in reference_mentions(i, paragraph, labels):
            if m.term and len(m.term) > 2 and not any(w in _LABELS for w in m.term.split()):
                counts[m.term] = counts.get(m.term, 0) + 1
    return tuple(t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class CompletionEngine:
    """Everything a completion needs besides the text: the spaCy parser (`ClaimParser`), the
    corpus phrase model, and optionally a language model."""

    parser: Any = None
    phrases: PhraseModel | None = None
    language_model: LanguageModel | None = None
    labels: frozenset[str] = frozenset()
    weights: tuple[float, float, float] = (0.5, 0.3, 0.3)
    """Mixture weights of the phrase sources: the claims so far, the description, the corpus."""
    extend_threshold: float = 0.65
    """A phrase completion goes on while the next word's score is at least this."""
    max_words: int = 8

    def complete(
        self,
        *,
        claims: str,
        cursor: int,
        description: str = "",
        limit: int = 5,
        sources: Iterable[str] = ("structure", "terms", "phrase"),
        neural_budget: float = 0.3,
    ) -> CompletionResult:
        wanted = set(sources)
        ctx = cursor_context(claims, cursor)
        timings: dict[str, float] = {}
        found: list[Completion] = []
        terms: list[_Term] | None = None

        started = time.perf_counter()
        if "structure" in wanted:
            found += _structure(ctx)
        timings["structure"] = time.perf_counter() - started

        models = self._models(ctx, description)
        after_ref = ctx.last in _REF_DETS
        started = time.perf_counter()
        if after_ref and self.parser is not None:
            terms = self._chain_terms(ctx)
            if "terms" in wanted:
                found += self._term_completions(ctx, terms, models)
            timings["terms"] = time.perf_counter() - started
        elif ctx.last in _INTRO_ARTICLES and description and "terms" in wanted:
            found += _description_completions(ctx, description, self.labels)
            timings["terms"] = time.perf_counter() - started

        if "phrase" in wanted:
            started = time.perf_counter()
            found += self._phrase_completions(ctx, models)
            timings["phrase"] = time.perf_counter() - started

        if "neural" in wanted and self.language_model is not None:
            started = time.perf_counter()
            found += self._neural(ctx, neural_budget)
            timings["neural"] = time.perf_counter() - started

        if after_ref:
            if terms is None:
                terms = self._chain_terms(ctx) if self.parser is not None else []
            found = [c for c in found if c.source == "structure" or _supported(ctx.prefix + c.text, terms)]
        case = _case_map(ctx.before[: ctx.claim_start] + "\n" + description[:200_000])
        return CompletionResult(_rank(found, ctx, case, limit), ctx.prefix, timings)

    # -- phrase --------------------------------------------------------------------------------

    def _models(self, ctx: CursorContext, description: str) -> list[tuple[Any, float]]:
        w_claims, w_desc, w_corpus = self.weights
        models: list[tuple[Any, float]] = []
        earlier = ctx.before[: max(0, ctx.claim_start)]
        own = ctx.partial[: len(ctx.partial) - len(ctx.prefix)]
        claims_text = earlier + "\n" + own
        if claims_text.strip():
            models.append((_claims_text_model(earlier), w_claims))
            if own.strip():
                models.append((SequenceCache(tokenize(own)), w_claims))
        if description.strip():
            models.append((_text_model(description), w_desc))
        if self.phrases is not None:
            models.append((self.phrases, w_corpus))
        return models

    def _phrase_completions(self, ctx: CursorContext, models: list[tuple[Any, float]]) -> list[Completion]:
        if not models:
            return []
        prefix = ctx.prefix.lower()
        out: list[Completion] = []
        firsts = _mixed_next(models, ctx.history, prefix, limit=5)
        for rank, (tok, score) in enumerate(firsts):
            if tok == NUMBER:
                continue
            seq = [tok]
            while len(seq) < self.max_words and seq[-1] not in STOP_TOKENS:
                nxt = _mixed_next(models, [*ctx.history, *seq], "", limit=1)
                if not nxt or nxt[0][1] < self.extend_threshold or nxt[0][0] == NUMBER:
                    break
                seq.append(nxt[0][0])
            text = _continuation(ctx, seq)
            if text:
                # the extended phrase ranks by its first word's score, a little ahead of the word alone
                out.append(Completion(text, score * (1.0 + 0.05 * (len(seq) - 1)), "phrase"))
            if len(seq) > 1 and rank == 0:
                single = _continuation(ctx, seq[:1])
                if single:
                    out.append(Completion(single, score * 0.5, "phrase"))
        return out

    # -- terms ---------------------------------------------------------------------------------

    def _chain_terms(self, ctx: CursorContext) -> list[_Term]:
        """Terms introduced in the current claim before the cursor (most recent first), then in
        its parents, nearest first."""
        own = ctx.partial[: len(ctx.partial) - len(ctx.prefix)]
        body = own.rstrip()
        # drop the trailing "the"/"said" being completed
        body = re.sub(r"\b(?:the|said)\s*$", "", body, flags=re.IGNORECASE)
        terms: list[_Term] = []
        if body.strip():
            # the claim being typed changes at every keystroke: its introductions as written (the
            # checker accepts a reference introduced as written), without a parse
            terms += [_Term(t.words, t.surface, own=True) for t in reversed(written_intros(body))]
        for claim in _ancestors(ctx.earlier, ctx.claim):
            terms += reversed(_intro_terms(claim.text, self.parser.parse(claim.text), claim))
        seen: set[str] = set()
        unique = []
        for t in terms:
            key = t.surface.lower()
            if key not in seen:
                seen.add(key)
                unique.append(t)
        return unique

    def _term_completions(
        self, ctx: CursorContext, terms: list[_Term], models: list[tuple[Any, float]]
    ) -> list[Completion]:
        prefix = ctx.prefix.lower()
        first_scores = dict(_mixed_next(models, ctx.history, prefix, limit=40)) if models else {}
        out = []
        rank = 0
        for t in terms:
            if not t.surface.lower().startswith(prefix):
                continue
            words = tokenize(t.surface)
            if not words:
                continue
            # most recent first; what the phrases say follows "the" here, and a term the claim being
            # written introduced itself, count as well
            score = 0.25 * 0.8**rank + 0.75 * first_scores.get(words[0], 0.0) + (0.3 if t.own else 0.0)
            rank += 1
            text = _continuation(ctx, words)
            if text:
                out.append(Completion(text, score, "terms"))
        return out

    # -- neural --------------------------------------------------------------------------------

    def _neural(self, ctx: CursorContext, budget: float) -> list[Completion]:
        assert self.language_model is not None
        text_before = ctx.before[: len(ctx.before) - len(ctx.prefix)].rstrip()
        raw, confidence = self.language_model(text_before[-1500:], budget)
        words = tokenize(_first_clause(raw))
        cut = []
        for tok in words:
            if tok == NUMBER:
                break
            cut.append(tok)
            if tok in STOP_TOKENS or len(cut) >= self.max_words + 4:
                break
        if not cut or not cut[0].startswith(ctx.prefix.lower()):
            return []
        text = _continuation(ctx, cut)
        return [Completion(text, NEURAL_WEIGHT * confidence * (1.0 + 0.05 * (len(cut) - 1)), "neural")] if text else []


def complete(
    *,
    claims: str,
    cursor: int,
    description: str = "",
    parser: Any = None,
    phrases: PhraseModel | None = None,
    limit: int = 5,
) -> CompletionResult:
    """Completions at `cursor` with the fast sources (see the module docstring)."""
    return CompletionEngine(parser=parser, phrases=phrases).complete(
        claims=claims, cursor=cursor, description=description, limit=limit
    )


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _mixed_next(
    models: Sequence[tuple[Any, float]], history: Sequence[str], prefix: str, *, limit: int
) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for model, weight in models:
        for tok, s in model.next_tokens(history, prefix=prefix, limit=max(limit, 8)):
            scores[tok] = scores.get(tok, 0.0) + weight * s
    return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]


def _continuation(ctx: CursorContext, tokens: Sequence[str]) -> str:
    """The text that completes the word being typed with `tokens[0]` and goes on with the rest."""
    if not tokens:
        return ""
    first = tokens[0]
    if ctx.prefix:
        if not first.startswith(ctx.prefix.lower()):
            return ""
        rest = first[len(ctx.prefix) :]
        return rest + detokenize(tokens[1:], after=first) if len(tokens) > 1 else rest
    before = ctx.before
    return detokenize(tokens, after=before if before else "")


def _first_clause(text: str) -> str:
    m = re.search(r"[;.\n]", text)
    return text[: m.end()] if m else text


def _ancestors(earlier: ClaimSet, claim: Claim | None) -> list[Claim]:
    """Parents of the claim being written, nearest first (every claim of every chain, once)."""
    if claim is None:
        return []
    out: list[Claim] = []
    seen: set[int] = set()
    todo = list(claim.depends_on)
    while todo:
        n = todo.pop(0)
        if n in seen:
            continue
        seen.add(n)
        parent = earlier.get(n)
        if parent is None or parent.canceled:
            continue
        out.append(parent)
        todo.extend(parent.depends_on)
    return out


def _intro_terms(text: str, doc: Any, claim: Claim | None) -> list[_Term]:
    """Terms a claim text introduces, in text order."""
    dep = claim.dependency_span if claim is not None and claim.dependency_span else None
    out: list[_Term] = []
    for m in claim_mentions(doc, text):
        if m.kind != "intro" or (dep is not None and m.start < dep[1] + 2 and m.end > dep[0]):
            continue
        surface = _surface(text, m)
        if len(m.terms) == 1 and surface:
            out.append(_Term(m.terms[0], surface))
        else:
            out.extend(_Term(t, " ".join(t)) for t in m.terms)
    return out


_WRITTEN_INTRO = re.compile(
    r"\b(?P<q>an?|one\s+or\s+more|at\s+least\s+one|(?:a\s+)?plurality\s+of|two|three|multiple|several)\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def written_intros(text: str) -> list[_Term]:
    """Introductions as written ("a first lever", "one or more processors", "a plurality of
    arms"), in text order: the words after the quantifier up to what ends a noun phrase."""
    out: list[_Term] = []
    for m in _WRITTEN_INTRO.finditer(text):
        words: list[str] = []
        pos = m.end()
        while len(words) < 5:
            wm = _WORD.match(text, pos)
            if wm is None:
                break
            w = wm.group()
            low = w.lower()
            if low in _NP_END or low in _REF_DETS or low in _INTRO_ARTICLES or (words and low.endswith("ed")):
                break
            words.append(w)
            pos = wm.end()
            gap = re.match(r"[ \t]+", text[pos:])
            if gap is None:
                break
            pos += gap.end()
        if not words:
            continue
        q = " ".join(m.group("q").lower().split())
        lead = "" if q in ("a", "an") else ("plurality of " if q.endswith("plurality of") else q + " ")
        norm = tuple(x.lower() for x in words[:-1]) + (singular(words[-1]),)
        out.append(_Term(norm, lead + " ".join(words)))
    return out


def _surface(text: str, m: Mention) -> str:
    phrase = " ".join(text[m.start : m.end].split())
    if m.det:
        first, _, rest = phrase.partition(" ")
        if first.lower() == m.det:
            phrase = rest
    if phrase.lower().startswith(("first ", "second ")) or phrase[:1].isalnum():
        return phrase
    return ""


def _supported(text: str, terms: Sequence[_Term]) -> bool:
    """Whether `text` (what follows "the") starts with a term introduced in the chain, or with the
    beginning of one: the term as written followed by what ends a noun phrase (a preposition, a
    verb, punctuation), or a noun phrase whose head and modifiers a term has."""
    words = tokenize(text)
    if not words:
        return False
    for t in terms:
        surface = tokenize(t.surface)
        if words[: len(surface)] == surface:
            rest = words[len(surface) :]
            if not rest or _ends_phrase(rest[0]):
                return True
        elif len(words) < len(surface) and surface[: len(words)] == words:
            return True  # the completion stops inside the term
    np: list[str] = []
    for w in words:
        if _ends_phrase(w):
            break
        np.append(w)
    if not np or len(np) == len(words) and len(words) > 3:
        return False
    head = singular(np[-1])
    return any(head == t.words[-1] and set(np[:-1]) <= set(t.words[:-1]) for t in terms)


def _ends_phrase(word: str) -> bool:
    return (
        word in _NP_END
        or word in _REF_DETS
        or word in _INTRO_ARTICLES
        or word == NUMBER
        or not re.match(r"[a-z0-9]", word)
        or word.endswith(("ed", "ing"))
        or (word.endswith("s") and len(word) > 3 and (word[:-1] in _VERBS_3RD or word[:-2] in _VERBS_3RD))
    )


_VERBS_3RD = frozenset(
    {"bias", "rotate", "move", "extend", "engage", "receive", "include", "comprise", "define", "contain", "provide",
     "form", "hold", "support", "couple", "connect", "pivot", "slide", "transmit", "generate", "determine",
     "store", "output", "control", "cause", "allow", "enable", "permit", "prevent", "surround", "abut",
     "contact", "face", "span", "carry", "house", "secure", "attach", "mount", "position", "locate", "align"}
)  # fmt: skip


def _rank(found: list[Completion], ctx: CursorContext, case: dict[str, str], limit: int) -> list[Completion]:
    best: dict[str, Completion] = {}
    for c in found:
        text = _recase(c.text, case)
        if ctx.at_claim_start and not ctx.prefix and text[:1].islower():
            text = text[:1].upper() + text[1:]
        if not text.strip():
            continue
        key = text
        if key not in best or best[key].score < c.score:
            best[key] = Completion(text, c.score, c.source)
    ranked = sorted(best.values(), key=lambda c: (-c.score, -len(c.text)))
    return ranked[:limit]


def _recase(text: str, case: dict[str, str]) -> str:
    if not case:
        return text
    return re.sub(r"[A-Za-z][A-Za-z0-9-]*", lambda m: case.get(m.group(), m.group()), text)


def _description_completions(ctx: CursorContext, description: str, labels: frozenset[str]) -> list[Completion]:
    article = ctx.last
    claimed = ctx.before.lower()
    out = []
    prefix = ctx.prefix.lower()
    for term in _description_terms(description, labels | _LABELS):
        if not term.startswith(prefix):
            continue
        vowel = indefinite_article(term.split()[0]) == "an" if term else False
        if (article == "an") != vowel:
            continue
        if re.search(r"\b" + re.escape(term) + r"(?:e?s)?\b", claimed):
            continue  # already claimed
        text = _continuation(ctx, tokenize(term))
        if text:
            out.append(Completion(text, 0.3 * 0.85 ** len(out), "terms"))
        if len(out) >= 5:
            break
    return out


# ---------------------------------------------------------------------------------------------
# structure
# ---------------------------------------------------------------------------------------------

_DEP_LEAD = re.compile(
    r"^(?P<art>the|an?)\s+(?P<subject>[\w\s,-]+?)\s+(?:of|according\s+to|as\s+(?:claimed|recited|defined)\s+in|"
    r"as\s+in)\s+(?P<any>(?:any\s+(?:one\s+)?of\s+)?)claims?\s*(?P<digits>\d*)$",
    re.IGNORECASE,
)
_AFTER_DEP = re.compile(
    r"^(?:the|an?)\s+[\w\s-]+?\s+(?:of|according\s+to|as\s+(?:claimed|recited|defined)\s+in|as\s+in)\s+"
    r"(?:any\s+(?:one\s+)?of\s+)?claims?\s+\d{1,4}(?:\s*(?:or|and|to|-|,)\s*\d{1,4})*\s*(?P<comma>,?)\s*"
    r"(?P<word>[a-z]*)$",
    re.IGNORECASE,
)


def _parent_order(ctx: CursorContext) -> list[Claim]:
    """Earlier active claims, the previous one first, then its independent claim, then the rest
    from the last backwards."""
    active = [c for c in ctx.earlier.claims if not c.canceled and c.text.strip()]
    if ctx.number is not None:
        active = [c for c in active if c.number < ctx.number]
    if not active:
        return []
    previous = active[-1]
    root = previous
    seen: set[int] = set()
    while root.depends_on and root.depends_on[0] not in seen:
        seen.add(root.depends_on[0])
        parent = ctx.earlier.get(root.depends_on[0])
        if parent is None:
            break
        root = parent
    order = [previous] + ([root] if root is not previous else [])
    order += [c for c in reversed(active) if c is not previous and c is not root]
    return order


def _subject_of(claim: Claim, earlier: ClaimSet) -> str:
    """The subject a dependent claim of `claim` names ("method", "computer-implemented method")."""
    seen: set[int] = set()
    while claim.depends_on and claim.number not in seen:
        seen.add(claim.number)
        parent = earlier.get(claim.depends_on[0])
        if parent is None:
            break
        claim = parent
    return preamble_subject(claim.preamble)


def _compatible(claim: Claim, category: Category, subject: str, earlier: ClaimSet) -> bool:
    if claim.category == category or category == Category.UNKNOWN:
        return True
    own = _subject_of(claim, earlier).lower()
    return bool(own) and own.split()[-1] == subject.lower().split()[-1]


def _structure(ctx: CursorContext) -> list[Completion]:
    out: list[Completion] = []
    partial = " ".join(ctx.partial.split())
    m = _DEP_LEAD.match(partial)
    if m:
        subject = m.group("subject").strip()
        category = category_of_subject(subject)
        digits = m.group("digits")
        rank = 0
        for claim in _parent_order(ctx):
            if not _compatible(claim, category, subject, ctx.earlier):
                continue
            number = str(claim.number)
            if not number.startswith(digits) or number == digits:
                continue
            text = number[len(digits) :] if digits else ("" if ctx.before[-1:].isspace() else " ") + number
            out.append(Completion(text, 0.9 * 0.6**rank, "structure"))
            rank += 1
        if not digits:
            return out
    elif ctx.at_claim_start or (ctx.claim is None and len(ctx.history) <= 1):
        # a dependent claim's preamble from the previous claims' subjects
        typed = ctx.partial.lower()
        for rank, claim in enumerate(_parent_order(ctx)[:3]):
            subject = _subject_of(claim, ctx.earlier)
            if not subject:
                continue
            full = f"The {subject} of claim {claim.number}"
            if full.lower().startswith(typed) and len(full) > len(typed):
                out.append(Completion(full[len(typed) :], 0.6 * 0.5**rank, "structure"))
        return out
    tail = _AFTER_DEP.match(partial)
    if tail:
        word = tail.group("word").lower()
        comma = tail.group("comma")
        for rank, option in enumerate(("wherein", "further comprising")):
            if not option.startswith(word):
                continue
            if word:
                text = option[len(word) :]
            else:
                text = ("" if comma else ",") + ("" if ctx.before[-1:].isspace() else " ") + option
            out.append(Completion(text, 0.7 * 0.4**rank, "structure"))
        return out
    claim = ctx.claim
    if claim is None:
        return out
    if claim.independent and claim.transition is None and len(ctx.history) >= 2 and not ctx.prefix:
        sep = "" if ctx.before.endswith((" ", ",")) else " "
        out.append(Completion(f"{sep}comprising:" if ctx.before.endswith(",") or sep else "comprising:", 0.05,
                              "structure"))
    return out

