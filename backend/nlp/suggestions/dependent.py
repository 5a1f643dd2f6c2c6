"""Suggested dependent claims drawn from the description (pure: claims + description in,
candidate claims out; the antecedent check runs through the parser passed in).

A description sentence that further characterises an element of an independent claim ("The
housing 12 may be formed of aluminium.", "In some embodiments, the latch includes a spring.")
becomes a dependent claim: "The device of claim 1, wherein the housing is formed of
aluminium." Sentences about the claimed subject itself ("In some embodiments, the method further
comprises storing the result.") become "further comprising" claims. Modal verbs are made
assertive ("may be" -> "is", "can include" -> "includes"), reference numerals, figure references
and hedges ("optionally", "e.g., ...") are dropped, and terms the chain does not introduce are
introduced ("the spring" -> "a spring"). Each suggestion cites its paragraph, is numbered after
the last claim, and is kept only when the antecedent-basis analysis finds nothing in it.

Ranking: sentences of the summary and sentences opened by "in some embodiments" first (they are
how claims are restated), then by how specific and short the added limitation is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.nlp.antecedent import analyse_claims, claim_mentions
from backend.nlp.claims import parse_claims_text
from backend.nlp.inflection import singular
from backend.nlp.structure import Claim, ClaimSet
from backend.nlp.suggestions.context import preamble_subject

__all__ = ["DependentSuggestion", "suggest_dependent_claims"]


@dataclass(frozen=True, slots=True)
class DependentSuggestion:
    number: int
    parent: int
    text: str
    """The whole claim without its number: "The device of claim 1, wherein ..."."""
    element: str
    """The claimed term it refines ("housing"; the subject for "further comprising")."""
    limitation: str
    """What it adds ("the housing is formed of aluminium")."""
    paragraph: int
    """Index of the description paragraph it comes from (as given)."""
    sentence: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "parent": self.parent,
            "text": self.text,
            "claim": f"{self.number}. {self.text}",
            "element": self.element,
            "limitation": self.limitation,
            "paragraph": self.paragraph,
            "sentence": self.sentence,
            "score": round(self.score, 4),
        }


_HEDGE_OPEN = re.compile(
    r"^(?:(?:in|according\s+to)\s+(?:some|one|certain|other|various|an?|another|further|particular|"
    r"additional|alternative|many|several|the\s+illustrated|such|these|exemplary|example|at\s+least\s+one|"
    r"yet\s+another|this|that|each|any|all|most|the|such\s+an?|preferred|exemplary)(?:\s+\w+)?\s+(?:embodiments?|implementations?|examples?|aspects?|variations?|cases?|"
    r"configurations?|instances?)|optionally|preferably|alternatively|additionally|further(?:more)?|"
    r"moreover|also|for\s+example|for\s+instance|in\s+addition|as\s+an\s+example|in\s+particular|"
    r"in\s+an\s+exemplary\s+embodiment|illustratively|typically|generally|advantageously|in\s+general|"
    r"in\s+particular\s+embodiments|in\s+practice|specifically|more\s+specifically|here|thus|accordingly|"
    r"similarly|likewise|in\s+other\s+words|notably|also)\s*,?\s*",
    re.IGNORECASE,
)
_STRONG_OPEN = re.compile(r"^(?:in|according\s+to)\s+(?:some|one|certain|various|an?|another|other)\b", re.IGNORECASE)
_SKIP = re.compile(
    r"\b(?:fig(?:ure)?s?\.?\s*\d|figures?\b|table\s+\d|shown|illustrated|depicted|described|herein|above|below|"
    r"invention|disclosure|present\s+(?:invention|disclosure)|i\.e\.|etc\.?|and/or|"
    r"claim|claims|may\s+not|cannot|can\s+not|need\s+not|do(?:es)?\s+not|respectively|above-mentioned|"
    r"see\b|reference|discussed|following|previously|later)",
    re.IGNORECASE,
)
_NUMERALS = re.compile(r"(?<=[A-Za-z])\s*\(\s*\d{1,4}[a-z]?'*(?:\s*[,-]\s*\d{1,4}[a-z]?'*)*\s*\)|(?<=[A-Za-z])\s+\d{1,4}[a-z]?'*(?=[\s,.;:)])")
_TRIM = re.compile(
    r",?\s+(?:so\s+that|such\s+that|in\s+order\s+to|because|thereby|whereby|thus|while|although|whereas|"
    r"allowing|enabling|which\s+(?:allows|enables|may|can|helps)|so\s+as\s+to|as\s+well\s+as)\b|,\s+(?:which|and\s+thus|"
    r"where|when|e\.g\.)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_MODAL = re.compile(
    r"\b(?:may|can|could|might|will|would|should|is\s+able\s+to|are\s+able\s+to|is\s+configured\s+to\s+be)\s+"
    r"(?:also\s+|further\s+|optionally\s+|additionally\s+|alternatively\s+|preferably\s+|generally\s+|"
    r"each\s+|be\s+made\s+to\s+)?(?P<verb>[a-z]+)\b",
    re.IGNORECASE,
)
_ADVERBS = re.compile(r"\b(?:optionally|preferably|advantageously|typically|generally|alternatively|also|"
                      r"additionally|further|suitably|desirably|conveniently)\s+(?=[a-z])", re.IGNORECASE)
_FURTHER = re.compile(
    r"^(?:further\s+)?(?:comprises|comprising|includes|including|has|having|contains|containing)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_VERB_3RD = {"be": "is", "have": "has", "do": "does", "go": "goes"}
_NOT_VERBS = frozenset({"be", "been", "being", "not", "also", "further", "the", "a", "an"})


def _shorten(predicate: str, *, most: int = 18) -> str:
    """At most `most` words, cut at the last clause boundary (",") before that when there is one."""
    words = predicate.split()
    if len(words) <= most:
        return predicate
    head = " ".join(words[:most])
    cut = head.rfind(",")
    return head[:cut] if cut > len(head) // 3 else head


def _third_person(verb: str) -> str:
    v = verb.lower()
    if v in _VERB_3RD:
        return _VERB_3RD[v]
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def assertive(predicate: str, *, plural: bool) -> str:
    """ "may be formed of X" -> "is formed of X"; "can include X" -> "includes X" (plural subjects
    keep the base form: "are", "include")."""

    def repl(m: re.Match[str]) -> str:
        verb = m.group("verb")
        if plural:
            return {"be": "are"}.get(verb.lower(), verb)
        return _third_person(verb)

    out = _MODAL.sub(repl, predicate, count=1)
    out = _ADVERBS.sub("", out)
    return " ".join(out.split())


def _clean(sentence: str) -> str:
    s = _NUMERALS.sub("", sentence)
    s = re.sub(r"\s*\((?:[^()]{0,60})\)", "", s)  # parentheticals: "(e.g., ...)", "(not shown)"
    s = re.sub(r",\s*(?:for\s+example|for\s+instance|e\.g\.)[^,.;]*", "", s, flags=re.IGNORECASE)
    return " ".join(s.split())


@dataclass(slots=True)
class _ChainTerm:
    words: tuple[str, ...]
    surface: str


def _claim_terms(claim: Claim, parser: Any) -> list[_ChainTerm]:
    doc = parser.parse(claim.text)
    out = []
    for m in claim_mentions(doc, claim.text):
        if m.kind != "intro":
            continue
        for t in m.terms:
            out.append(_ChainTerm(t, " ".join(t)))
    return out


def _match_term(words: list[str], terms: Sequence[_ChainTerm]) -> _ChainTerm | None:
    """The chain term the noun phrase `words` (after "the") names: same head, its modifiers
    among the term's, the longest such term."""
    if not words:
        return None
    head = singular(words[-1])
    best = None
    best_key = (-1, 0)
    for t in terms:
        if t.words[-1] != head:
            continue
        # the term whose modifiers the phrase shares most, then the shortest
        key = (len(set(words[:-1]) & set(t.words[:-1])) - len(set(words[:-1]) - set(t.words[:-1])), -len(t.words))
        if key > best_key:
            best, best_key = t, key
    return best


_NP_STOP = frozenset(
    {"may", "can", "could", "might", "will", "would", "should", "is", "are", "has", "have", "includes", "include",
     "comprises", "comprise", "contains", "contain", "extends", "extend", "of", "in", "on", "at", "to", "for",
     "with", "by", "from", "and", "or", "that", "which", "further", "also", "be", "being", "was", "were"}
)  # fmt: skip


_AFTER_VERB = frozenset(
    {"the", "a", "an", "that", "whether", "if", "to", "through", "into", "onto", "from", "with", "by", "on", "in", "at",
     "over", "under", "between", "along", "across", "around", "toward", "towards", "when", "each", "one", "two",
     "its", "their", "both", "all", "any", "only", "up", "down", "out", "away", "about", "against", "within"}
)  # fmt: skip


OVERLAP_WEIGHT = 1.0
_COMMON = frozenset({"that", "with", "from", "into", "which", "this", "have", "each", "more", "than", "between",
                     "include", "includes", "comprises", "comprise", "formed", "configured", "being", "also"})


def _split_subject(text: str) -> tuple[list[str], str, bool] | None:
    """ "the housing may be formed of X" -> (["housing"], "may be formed of X", plural)."""
    m = re.match(r"^(?:the|said|each\s+of\s+the|each)\s+(?:(?:plurality|set|pair|number)\s+of\s+)?", text, re.IGNORECASE)
    if not m:
        return None
    rest = text[m.end() :]
    words: list[str] = []
    pos = 0
    tokens = list(re.finditer(r"[A-Za-z][A-Za-z0-9-]*", rest))
    for k, wm in enumerate(tokens):
        low = wm.group().lower()
        after = tokens[k + 1].group().lower() if k + 1 < len(tokens) else ""
        verb = bool(words) and (
            # "the unit determines whether", "the arm extends through", "the layer formed on"
            (low.endswith("s") and not low.endswith("ss") and after in _AFTER_VERB)
            or (low.endswith(("ed", "ing")) and after in _AFTER_VERB)
        )
        if low in _NP_STOP or verb or len(words) >= 5:
            pos = wm.start()
            break
        if rest[pos : wm.start()].strip(" "):
            return None  # punctuation inside the noun phrase
        words.append(wm.group().lower())
        pos = wm.end()
    else:
        return None
    if not words:
        return None
    head = words[-1]
    plural = singular(head) != head and m.group().lower().startswith(("the", "said"))
    return words, rest[pos:].strip(), plural


def _candidates(
    claim: Claim, claims: ClaimSet, description: Sequence[tuple[int, str]], summary: frozenset[int], terms: list[_ChainTerm]
) -> list[tuple[float, str, str, str, int, str]]:
    """(score, element, limitation, further?, paragraph, sentence) for one independent claim."""
    subject = preamble_subject(claim.preamble) or "claim"
    subject_head = singular(subject.split()[-1])
    claim_words = set(re.findall(r"[a-z][a-z-]{3,}", claim.text.lower()))
    out = []
    for index, paragraph in description:
        for raw in _SENTENCE.split(paragraph):
            sentence = raw.strip()
            if not 20 <= len(sentence) <= 300 or not sentence.endswith("."):
                continue
            strong = bool(_STRONG_OPEN.match(sentence))
            body = _HEDGE_OPEN.sub("", sentence, count=1)
            body = _clean(body).rstrip(".").strip()
            if _SKIP.search(body) or '"' in body or ";" in body:
                continue
            split = _split_subject(body)
            if split is None:
                continue
            words, predicate, plural = split
            predicate = _TRIM.split(predicate, maxsplit=1)[0].strip(" ,")
            predicate = _shorten(predicate)
            if len(predicate.split()) < 2:
                continue
            modal = bool(_MODAL.search(predicate.split(",")[0]))
            predicate = assertive(predicate, plural=plural)
            first_verb = predicate.split()[0].lower()
            if first_verb.endswith("ing") or first_verb in ("and", "or", "of", "to", "which", "that"):
                continue
            score = 1.0 + (1.0 if index in summary else 0.0) + (0.8 if strong else 0.0) + (0.5 if modal else 0.0)
            score -= 0.02 * len(predicate.split())
            # a limitation in the claim's own words is more likely to be claimed
            content = [w for w in re.findall(r"[a-z][a-z-]{3,}", predicate.lower()) if w not in _COMMON]
            if content:
                score += OVERLAP_WEIGHT * sum(1 for w in content if w in claim_words) / len(content)
            if singular(words[-1]) == subject_head and len(words) <= 2:
                fm = _FURTHER.match(predicate)
                if fm and ("further" in predicate.lower()[:10] or strong):
                    rest = fm.group("rest")
                    out.append((score, subject, f"further comprising {rest}", "further", index, sentence))
                continue
            term = _match_term(words, terms)
            if term is None:
                # a new element with what it does: "the metering stack is configured to receive ..." ->
                # "further comprising a metering stack configured to receive ..."
                if plural or len(words) > 4 or not (strong or modal or index in summary):
                    continue
                np = " ".join(words)
                article = "an" if np[:1] in "aeiou" else "a"
                relative = re.sub(r"^(?:is|are)\s+(?=(?:configured|adapted|operable|arranged|positioned|disposed|"
                                  r"located|coupled|connected|attached|mounted)\b)", "", predicate)
                if relative == predicate:
                    relative = "that " + predicate
                out.append((score - 0.6, subject, f"further comprising {article} {np} {relative}", "further",
                            index, sentence))
                continue
            exact = set(words[:-1]) <= set(term.words[:-1])
            np = " ".join(words) if exact else " ".join((*term.words[:-1], words[-1]))
            score += 0.3 * len(term.words) - (0 if exact else 0.5)
            out.append((score, term.surface, f"the {np} {predicate}", "wherein", index, sentence))
    return out


def _introduce_unsupported(text: str, issues: Sequence[Any], claim_start: int) -> str | None:
    """Turn each unsupported "the X" of the suggestion into "a X" (from the analysis' issues)."""
    edits = []
    for issue in issues:
        if issue.code != "AB001" or issue.start < claim_start:
            return None
        phrase = text[issue.start : issue.end]
        det = re.match(r"(?:the|said)\s+", phrase, re.IGNORECASE)
        if not det:
            return None
        rest = phrase[det.end() :]
        head = rest.split()[-1].lower()
        article = "" if singular(head) != head else ("an " if rest[:1].lower() in "aeio" else "a ")
        edits.append((issue.start, issue.start + det.end(), article))
    for start, end, article in sorted(edits, reverse=True):
        text = text[:start] + article + text[end:]
    return text


def suggest_dependent_claims(
    claims: ClaimSet,
    description: Sequence[tuple[int, str]],
    *,
    parser: Any,
    summary_paragraphs: Sequence[int] = (),
    per_claim: int = 10,
    exempt: Sequence[str] = (),
    inherent: Sequence[str] = (),
) -> list[DependentSuggestion]:
    """Up to `per_claim` dependent claims for each independent claim, best first, numbered after
    the last claim in that order. `description` is (paragraph index, text) pairs."""
    active = [c for c in claims.active if c.text.strip()]
    if not active:
        return []
    next_number = max(c.number_end or c.number for c in claims.claims) + 1
    summary = frozenset(summary_paragraphs)
    results: list[tuple[Claim, list[tuple[float, str, str, int, str]]]] = []
    for claim in active:
        if not claim.independent:
            continue
        terms = _claim_terms(claim, parser)
        found = _candidates(claim, claims, description, summary, terms)
        found.sort(key=lambda x: -x[0])
        kept: list[tuple[float, str, str, int, str]] = []
        seen: set[str] = set()
        subject = preamble_subject(claim.preamble) or "claim"
        article = "The"
        for score, element, limitation, kind, index, sentence in found:
            if len(kept) >= per_claim:
                break
            key = limitation.lower()
            if key in seen:
                continue
            seen.add(key)
            joiner = ", " if kind == "further" else ", wherein "
            text = f"{article} {subject} of claim {claim.number}{joiner}{limitation}."
            checked = _checked(claim, text, parser, exempt=exempt, inherent=inherent)
            if checked is None:
                continue
            kept.append((score, element, checked, index, sentence))
        results.append((claim, kept))
    out: list[DependentSuggestion] = []
    for claim, kept in results:
        for score, element, text, index, sentence in kept:
            limitation = text.split(", wherein ", 1)[1] if ", wherein " in text else text.split(", ", 1)[-1]
            out.append(DependentSuggestion(next_number, claim.number, text, element, limitation.rstrip("."),
                                           index, sentence, score))
            next_number += 1
    return out


def _checked(parent: Claim, text: str, parser: Any, *, exempt: Sequence[str], inherent: Sequence[str]) -> str | None:
    """`text` as a dependent claim of `parent` with antecedent basis (unsupported "the X"
    introduced), or None when it cannot be made to pass."""
    for _ in range(2):
        pair = parse_claims_text(f"1. {parent.text}\n2. {text.replace('of claim ' + str(parent.number), 'of claim 1', 1)}")
        if len(pair.claims) != 2 or pair.claims[1].depends_on != [1]:
            return None
        issues = [i for i in analyse_claims(pair, parser, exempt=exempt, inherent=inherent) if i.claim == 2]
        issues = [i for i in issues if i.code in ("AB001", "AB003")]
        if not issues:
            return text
        if any(i.code == "AB003" for i in issues):
            return None
        fixed = _introduce_unsupported(pair.claims[1].text, issues, 0)
        if fixed is None:
            return None
        text = re.sub(r"of claim 1\b", f"of claim {parent.number}", fixed, count=1)
    return None
