"""Where the cursor is in a claims text: the claim being written, the claims before it, the word
being typed (pure; regex and the claims parser only, no spaCy)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from backend.nlp.claims import CLAIM_NUMBER_RE, parse_claims_text
from backend.nlp.structure import Category, Claim, ClaimSet
from backend.nlp.suggestions.phrases import token_spans

__all__ = ["CursorContext", "category_of_subject", "cursor_context", "earlier_claims", "preamble_subject"]

_PREFIX_RE = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*-?$")


@dataclass(slots=True)
class CursorContext:
    before: str
    """The claims text before the cursor."""
    claim_start: int
    """Offset (in the claims text) where the current claim's text starts, after "N. "."""
    number: int | None
    """The current claim's number (None before any numbered claim)."""
    partial: str
    """The current claim's text up to the cursor."""
    prefix: str
    """The word being typed (letters/digits right before the cursor), "" after a space."""
    history: list[str]
    """Normalised tokens of `partial` before `prefix`."""
    earlier: ClaimSet
    """The claims before the current one."""
    claim: Claim | None
    """The current claim as typed so far, parsed (dependency, category), None when empty."""

    @property
    def last(self) -> str:
        return self.history[-1] if self.history else ""

    @property
    def at_claim_start(self) -> bool:
        return not self.history


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


@lru_cache(maxsize=64)
def earlier_claims(text: str) -> ClaimSet:
    """The claims of `text` (cached: the claims before the cursor do not change while one types)."""
    return parse_claims_text(text) if text.strip() else ClaimSet()


@lru_cache(maxsize=256)
def _parse_current(text: str) -> Claim | None:
    claims = parse_claims_text(text)
    return claims.claims[-1] if claims.claims else None


def cursor_context(claims_text: str, cursor: int) -> CursorContext:
    cursor = max(0, min(cursor, len(claims_text)))
    before = claims_text[:cursor]
    number = None
    claim_start = 0
    head_start = 0
    for start in reversed(_line_starts(before)):
        line = before[start:]
        m = CLAIM_NUMBER_RE.match(line)
        if m and m.group("punct") in (".", ")"):
            number = int(m.group("num"))
            claim_start = start + m.end()
            while claim_start < len(before) and before[claim_start] in " \t":
                claim_start += 1
            head_start = start
            break
    partial = before[claim_start:]
    pm = _PREFIX_RE.search(partial)
    prefix = pm.group() if pm else ""
    if prefix.endswith("-"):
        prefix = ""
    body = partial[: len(partial) - len(prefix)]
    history = [t for t, _s, _e in token_spans(body)]
    earlier = earlier_claims(before[:head_start]) if number is not None else ClaimSet()
    claim = None
    if number is not None and body.strip():
        claim = _parse_current(f"{number}. {body.strip()}")
    return CursorContext(before, claim_start, number, partial, prefix, history, earlier, claim)


_SUBJECT_END = re.compile(
    # not inside a hyphenated word: "computer-usable storage medium"
    r"\s*(?:,|:|;|\(|(?<![\w-])(?:for|of|to|that|which|in|on|at|by|with|from|comprising|including|having|"
    r"consisting|storing|configured|adapted|operable|wherein|where|when|according|as|containing|"
    r"comprises|includes|encoded|embodying|executable|performed|implemented\s+(?:by|on|in)|"
    r"used|usable|applied)\b)",
    re.IGNORECASE,
)


# after a participle these end the subject: "system applied to ...", "cell modified to ..."
_PARTICIPLE_PREPOSITIONS = frozenset({"to", "on", "in", "for", "by", "with", "at", "from", "of", "into", "onto"})


def preamble_subject(preamble: str) -> str:
    """The subject of a preamble without its article: "A computer-implemented method for X" ->
    "computer-implemented method"; "The system of claim 1" -> "system"."""
    # "computer- readable": a hyphenated word broken across lines in the source
    text = re.sub(r"(?<=[A-Za-z])-\s+(?=[a-z])", "-", " ".join(preamble.split()))
    # ("One or more drugs for X" keeps its quantity: "The one or more drugs of claim 1")
    text = re.sub(r"^\s*(?:an?|the|one)\s+(?!or\s+more\b)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^One(?=\s+or\s+more\b)", "one", text)
    m = _SUBJECT_END.search(text)
    words = (text[: m.start()] if m else text).split()
    # the word after each one, the last one followed by where the subject ended
    following = [w.lower() for w in words[1:]] + [m.group().strip().lower() if m else ""]
    for i, word in enumerate(words[1:], start=1):
        if word.lower().endswith("ed") and following[i] in _PARTICIPLE_PREPOSITIONS:
            words = words[:i]  # "system applied to ...", "device mounted on ...", "cell modified to ..."
            break
    words = words[:6]
    return " ".join(words).strip(" ,")


@lru_cache(maxsize=512)
def category_of_subject(subject: str) -> Category:
    """The statutory category the claims parser gives a claim with this subject."""
    claim = _parse_current(f"1. A {subject} comprising a part.")
    return claim.category if claim is not None else Category.UNKNOWN
