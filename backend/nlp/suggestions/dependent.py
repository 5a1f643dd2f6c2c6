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

Ranking: each candidate carries features (from the summary, opened by "in some embodiments",
said more than once, in the claim's own words, a refined step, a new element, ...) weighed by
RANKING_WEIGHTS, a logistic regression fitted by bench/fit_dependent_ranker.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
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
    r"configurations?|instances?)(?:\s+of\s+the\s+(?:present\s+)?(?:invention|disclosure)|\s+of\s+[^,]{1,60}(?=,))?|optionally|preferably|alternatively|additionally|further(?:more)?|"
    r"moreover|also|for\s+example|for\s+instance|in\s+addition|as\s+an\s+example|in\s+particular|"
    r"in\s+an\s+exemplary\s+embodiment|illustratively|typically|generally|advantageously|in\s+general|"
    r"in\s+particular\s+embodiments|in\s+practice|specifically|more\s+specifically|here|thus|accordingly|"
    r"similarly|likewise|in\s+other\s+words|notably|also|however|suitably|still\s+further|conventionally|"
    r"therefore|then|hence|consequently|in\s+turn|"
    r"in\s+still\s+(?:another|other|further)\s+(?:\w+\s+)?(?:embodiments?|examples?|aspects?)|"
    r"(?:more|most|even\s+more|particularly|especially)\s+preferabl[ey]|"
    r"in\s+(?:a|one|some|another)\s+(?:more\s+)?(?:specific|preferred|particular)\s+(?:embodiments?|aspects?|examples?))\s*,?\s*",
    re.IGNORECASE,
)
_STRONG_OPEN = re.compile(r"^(?:in|according\s+to)\s+(?:some|one|certain|various|an?|another|other)\b", re.IGNORECASE)
_SKIP = re.compile(
    r"\b(?:fig(?:ure)?s?\.?\s*\d|figures?\b|table\s+\d|shown|illustrated|depicted|described|herein|above|below|"
    r"invention|disclosure|present\s+(?:invention|disclosure)|i\.e\.|etc\.?|"
    r"claim|claims|may\s+not|cannot|can\s+not|need\s+not|do(?:es)?\s+not|respectively|above-mentioned|"
    r"see\b|reference\s+(?:numerals?|numbers?|signs?|characters?)|by\s+reference|discussed|following|previously|later)",
    re.IGNORECASE,
)
# A reference numeral follows its noun ("housing 12", "arm (14)"); a number after a value word
# ("about 5", "from 0.3 to 0.5", "at least 2", "strain 2-40") is a value and stays.
_VALUE_WORDS = (
    r"about|approximately|around|roughly|nearly|from|to|than|of|at|least|most|between|and|or|is|are|was|were|be|by|"
    r"with|within|up|over|under|below|above|only|exactly|step|steps|claim|claims|figure|fig|figs|table|equation|"
    r"formula|example|range|ranging|ranges|some|all|per|every|in|on|for|plus|minus|strain|sequence|seq|id|no|"
    r"number|type|class|grade|version|level|times|after|before|until|reaches|reach|pH|ratio|day|days"
)
_NUMERALS = re.compile(
    rf"(?<=[A-Za-z])\s*\(\s*\d{{1,4}}[a-z]?'*(?:\s*[,-]\s*\d{{1,4}}[a-z]?'*)*\s*\)"
    rf"|(?<![A-Za-z])(?!(?:{_VALUE_WORDS})\b)(?P<word>[A-Za-z]+)\s+\d{{1,4}}[a-z]?'*"
    rf"(?:(?:\s*,\s*|\s*-\s*|\s+(?:and|or|to)\s+)\d{{1,4}}[a-z]?'*(?=[\s,.;:)]))*(?=[\s,.;:)])",
    re.IGNORECASE,
)
_TRIM = re.compile(
    r",?\s+(?:so\s+that|such\s+that|in\s+order\s+to|because|thereby|whereby|thus|while|although|whereas|"
    r"allowing|enabling|which\s+(?:allows|enables|may|can|helps)|so\s+as\s+to|as\s+well\s+as|such\s+as|including\s+without)\b|"
    r",\s+(?:which|and\s+thus|"
    r"where|when|e\.g\.)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_MODAL = re.compile(
    r"\b(?:may|can|could|might|will|would|should|is\s+able\s+to|are\s+able\s+to|is\s+configured\s+to\s+be)\s+"
    r"(?:also\s+|further\s+|optionally\s+|additionally\s+|alternatively\s+|preferably\s+|generally\s+|"
    r"each\s+|be\s+made\s+to\s+)?(?P<verb>[a-z]+(?:-[a-z]+)*)\b",
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


def _drop_numeral(m: re.Match[str]) -> str:
    return m.group("word") or ""


def _clean(sentence: str) -> str:
    s = _NUMERALS.sub(_drop_numeral, sentence)
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


# Fitted by bench/fit_dependent_ranker.py (logistic regression: does the candidate match one of the
# claim's real dependent claims) on corpus documents that bench/assist_dependent.py does not measure.
RANKING_WEIGHTS: dict[str, float] = {
    "bias": -0.551, "copula": 0.082, "further_word": 0.483, "inexact": -0.29, "introduced": -0.183, "kind_further": 0.245,
    "kind_new": -1.251, "kind_step": 1.25, "kind_subject": 0.014, "kind_term": -0.012, "kind_written": -0.797,
    "length": -0.173, "markush": 0.661, "mentions": -0.064, "modal": 0.213, "overlap": 0.772, "position": 0.012,
    "repeats": 1.127, "strong": 1.09, "summary": 1.528, "term_position": 0.558, "term_words": 0.13, "value": 0.329,
}
_COMMON = frozenset({"that", "with", "from", "into", "which", "this", "have", "each", "more", "than", "between",
                     "include", "includes", "comprises", "comprise", "formed", "configured", "being", "also"})


_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "upper", "lower", "left", "right", "inner",
                       "outer", "front", "rear", "top", "bottom", "proximal", "distal"})


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
        ordinal_pair = (low == "and" and words and words[-1] in _ORDINALS and after in _ORDINALS)
        if (low in _NP_STOP and not ordinal_pair) or verb or len(words) >= 6:
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


_OPENER = re.compile(
    r"^(?:in|for|according\s+to|under|with|within|as\s+part\s+of|in\s+accordance\s+with)\s+(?P<phrase>[^,]{1,80}?),\s+"
    r"(?=[A-Za-z])",
    re.IGNORECASE,
)
# An opening condition is part of what is disclosed: "When the lid is open, the lamp is lit" does not
# say the lamp is lit.
_CONDITION = re.compile(r"\b(?:when|if|where|once|after|before|during|upon|unless|while|whenever)\b", re.IGNORECASE)
_FRAME = re.compile(
    r"^(?:to\s+(?!the\b)[^,]{3,80},\s+(?=\w)|"
    # numbered embodiments written like claims: "(11) The method according to any one of (1) to (9), wherein ..."
    r"(?:\(\d{1,3}\)\s*)?the\s+[\w\s-]{1,60}?\s+(?:according\s+to|of|as\s+(?:defined|recited|set\s+forth)\s+in)\s+"
    r"[^,]{1,60},\s+wherein\s+|(?:the|this)\s+(?:[\w-]+\s+){0,3}?(?:of\s+the\s+(?:present\s+)?(?:invention|disclosure)\s+)?(?:is|are)\s+"
    r"(?:even\s+)?(?:further\s+)?characteri[sz]ed\s+(?:by|in)\s+(?:that\s+)?|"
    r"it\s+is\s+(?:also\s+|further\s+)?(?:preferred|preferable|contemplated|possible|desirable|envisaged)\s+that\s+)",
    re.IGNORECASE,
)
_SCOPE = re.compile(r"\s+(?:within|in)\s+the\s+scope\s+of\s+the\s+(?:present\s+)?(?:invention|disclosure)", re.IGNORECASE)
_NOT_LIMITED = re.compile(r",?\s+but\s+(?:are|is)\s+not\s+limited\s+to\s*,?", re.IGNORECASE)
# "Examples of anti-cancer agents include A, B and C" -> "the anti-cancer agent is selected from the group
# consisting of A, B, and C" (a Markush group, MPEP 2173.05(h))
_EXAMPLES = re.compile(
    r"^(?:(?:non-limiting\s+)?examples\s+of(?:\s+(?:other|suitable|such))?|suitable|exemplary|representative|"
    r"typical)\s+(?P<np>(?:[\w-]+\s+){0,4}?[\w-]+)\s+(?:include|includes|are|comprise)\s*:?\s+(?P<list>.+)$",
    re.IGNORECASE,
)
_LISTED = re.compile(r"^(?:the\s+)?(?P<np>(?:[\w-]+\s+){0,4}?[\w-]+)\s+(?:include|includes|comprise)\s+(?P<list>.+)$",
                     re.IGNORECASE)
_PAST = {"was": "is", "were": "are"}
_CATEGORY_NOUNS = frozenset({"method", "process", "system", "apparatus", "device", "composition", "kit", "medium",
                             "media", "invention", "embodiment", "disclosure", "technique", "approach"})
_CLAUSES = re.compile(r"(?:,\s+(?:and|while|whereas)\s+|;\s+(?:and\s+)?)(?=(?:the|said|each)\s)", re.IGNORECASE)


def _markush(np: str, items: str) -> str | None:
    """ "the X is selected from the group consisting of A, B, and C" from a listing sentence."""
    if items.count(",") < 1 or not re.search(r"\b(?:and|or)\b", items):
        return None
    items = re.sub(r",?\s+(?:and|or)\s+(?=[^,]*$)", ", and ", items.strip(" :"), count=1)
    words = np.lower().split()
    words[-1] = singular(words[-1])
    return f"the {' '.join(words)} is selected from the group consisting of {items}"


def _statement(sentence: str) -> tuple[str, bool]:
    """The sentence as a plain statement ("In another embodiment, the housing 12 may be made of
    steel." -> "the housing may be made of steel"), with whether it said it is one embodiment ("in
    some embodiments")."""
    strong = bool(_STRONG_OPEN.match(sentence))
    body = sentence.strip()
    for _ in range(3):
        new = _HEDGE_OPEN.sub("", body, count=1)
        m = _OPENER.match(new)
        if m and not _CONDITION.search(m.group("phrase")) and len(m.group("phrase").split()) <= 10:
            strong = strong or bool(re.search(r"\b(?:embodiments?|examples?|implementations?|aspects?)\b", m.group("phrase"), re.IGNORECASE))
            new = new[m.end() :]
        new = _FRAME.sub("", new, count=1)
        if new == body:
            break
        body = new
    body = _clean(body).rstrip(".").strip()
    listed = bool(_NOT_LIMITED.search(body))
    body = _NOT_LIMITED.sub("", _SCOPE.sub("", body))
    m = _EXAMPLES.match(body) or (_LISTED.match(body) if listed else None)
    if m:
        body = _markush(m.group("np"), m.group("list")) or body
    return body, strong


_QUANTITY = re.compile(
    r"^(?:at\s+least\s+(?:one|two|three|\d+)|one\s+or\s+more|two\s+or\s+more|(?:no\s+)?more\s+than\s+\d+|"
    r"(?:fewer|less)\s+than\s+\d+|\d+|two|three|four)\s+(?:of\s+the\s+)?",
    re.IGNORECASE,
)
# A step of a method named by its gerund: "Detecting the change may include determining ..." ->
# "wherein detecting the change comprises determining ..."
_STEP = re.compile(
    r"^(?P<step>[A-Za-z]+ing\b[^,;]{3,120}?)\s+(?:may|can|could)?\s*(?:also\s+|further\s+)?"
    r"(?P<verb>include|includes|comprise|comprises|involve|involves|consist\s+of|consists\s+of)\s+(?P<rest>[a-z].+)$"
)


@dataclass(slots=True)
class _Subject:
    words: list[str]
    """The subject's noun phrase, lower case ("first", "adiabatic", "pulse")."""
    predicate: str
    plural: bool
    written: str
    """How it was introduced: "the", "a", "bare", "quantity", "step"."""
    text: str | None = None
    """The subject as the claim writes it, when not "the <words>"."""


_MODIFIED = re.compile(
    r"^(?P<mod>(?:[a-z]+(?:ing|ed)|of|in|on|for|at|from|between|with|within|to)\s[^,;]{1,80}?)\s+"
    r"(?=(?:is|are|has|have|includes?|comprises?|contains?|consists?)\b|(?:may|can|could|will)\s+[a-z]+\b)"
)


def _subject_of(body: str, terms: Sequence[_ChainTerm], steps: frozenset[str]) -> _Subject | None:
    body = re.sub(r"^(?:such\s+an?|this|these|the\s+present)\s+", "the ", body, flags=re.IGNORECASE)
    if re.match(r"^(?:the|said|each)\b", body, re.IGNORECASE):
        split = _split_subject(body)
        if split is None:
            return None
        words, predicate, plural = split
        # "the first pulse and the second pulse have ..."
        second = re.match(r"^and\s+(?=(?:the|said)\s)", predicate)
        if second:
            other = _split_subject(predicate[second.end() :])
            if other is None:
                return None
            first_text = body[: len(body) - len(predicate)].strip()
            text = f"{first_text} and {' '.join(('the', *other[0]))}"
            return _Subject(words, other[1], True, "the", re.sub(r"^(?:said)\b", "the", text, flags=re.IGNORECASE))
        # "the cell expressing the first protein is a hybridoma", "the rate of perfusion can be calculated"
        modified = _MODIFIED.match(predicate)
        if modified:
            text = body[: len(body) - len(predicate)].strip()
            text = re.sub(r"^said\b", "the", f"{text} {modified.group('mod')}", flags=re.IGNORECASE)
            return _Subject(words, predicate[modified.end("mod") :].strip(), plural, "the", text)
        if len(words) == 1 and words[0] in steps:
            return _Subject(words, predicate, False, "step", f"the {words[0]}")
        return _Subject(words, predicate, plural, "the")
    body = re.sub(r"^the\s+step\s+of\s+", "", body, flags=re.IGNORECASE)
    step = _STEP.match(body)
    if step and step.group("step").split()[0].lower() in steps:
        verb = step.group("verb").lower()
        verb = "consists of" if verb.startswith("consist") else "comprises"
        phrase = step.group("step")
        return _Subject([phrase.split()[0].lower()], f"{verb} {step.group('rest')}", False, "step",
                        phrase[0].lower() + phrase[1:])
    quantity = _QUANTITY.match(body)
    if quantity:
        split = _split_subject("the " + body[quantity.end() :])
        if split is None:
            return None
        text = quantity.group().strip()
        return _Subject(split[0], split[1], split[2] or text.lower() not in ("one", "at least one"), "quantity",
                        f"{text[0].lower()}{text[1:]} {' '.join(split[0])}")
    lead = re.match(r"^(?:an?|one)\s+", body, re.IGNORECASE)
    if lead:
        split = _split_subject("the " + body[lead.end() :])
        return _Subject(split[0], split[1], False, "a") if split else None
    # "ICR consists of ...", "Quality scores are ...": only a claimed term written bare
    split = _split_subject("the " + body)
    if split is None:
        return None
    term = _match_term(split[0], terms)
    if term is None or set(split[0][:-1]) - set(term.words[:-1]):
        return None
    return _Subject(*split, "bare")


def _claim_steps(claim: Claim) -> frozenset[str]:
    """The gerunds that open the steps of a method claim ("receiving", "determining")."""
    return frozenset(w for w in re.findall(r"\b([a-z]{3,}ing)\b", claim.text.lower())
                     if w not in ("comprising", "including", "having", "consisting", "being", "using", "according",
                                  "following", "corresponding", "during", "something", "thing", "string", "ring",
                                  "bring", "spring", "wiring", "housing", "bearing", "setting", "opening", "coating",
                                  "casing", "fitting", "building", "ceiling", "seating", "padding", "tubing"))


@dataclass(slots=True)
class DependentCandidate:
    """One description sentence read as a dependent claim of one independent claim, with what the
    ranking weighs (`features`, see RANKING_WEIGHTS)."""

    element: str
    limitation: str
    kind: str
    """"wherein" or "further" (how the limitation joins the claim)."""
    paragraph: int
    sentence: str
    features: dict[str, float]
    score: float = 0.0


def _as_written(limitation: str, sentence: str) -> str:
    """The limitation with the words of its subject cased as the sentence writes them ("the pebp
    family member" -> "the PEBP family member")."""

    def recase(m: re.Match[str]) -> str:
        word = m.group()
        written = re.search(rf"\b{re.escape(word)}\b", sentence, re.IGNORECASE)
        # (a one-letter word is never an acronym: "A shaft" opening the sentence keeps "a shaft")
        if written and written.group() != word and len(word) > 1 and not written.group()[1:].islower():
            return written.group()
        return word

    return re.sub(r"[a-z][a-z0-9-]*", recase, limitation)


def _words_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def dependent_candidates(
    claim: Claim, description: Sequence[tuple[int, str]], *, summary: frozenset[int], terms: Sequence[_ChainTerm]
) -> list[DependentCandidate]:
    """Every sentence of `description` that reads as a further limitation of `claim`, with its
    ranking features, unranked."""
    subject = preamble_subject(claim.preamble) or "claim"
    subject_head = singular(subject.split()[-1])
    claim_text = claim.text.lower()
    claim_words = set(re.findall(r"[a-z][a-z-]{3,}", claim_text))
    steps = _claim_steps(claim)
    last = max((i for i, _ in description), default=0) or 1
    out: list[DependentCandidate] = []
    for index, paragraph in description:
        for raw in _SENTENCE.split(paragraph):
            sentence = raw.strip()
            if not 20 <= len(sentence) <= 600 or not sentence.endswith("."):
                continue
            body, strong = _statement(sentence)
            # "The base is flat, and the lid is hinged to the base": each clause is a limitation of its own
            clauses = [body, *(_CLAUSES.split(body) if _CLAUSES.search(body) else [])]
            for clause in clauses:
                if _SKIP.search(clause) or '"' in clause or ";" in clause:
                    continue
                found = _subject_of(clause, terms, steps)
                if found is None:
                    continue
                words, predicate, plural, written = found.words, found.predicate, found.plural, found.written
                predicate = _TRIM.split(predicate, maxsplit=1)[0].strip(" ,")
                markush = predicate.startswith("is selected from the group consisting of")
                predicate = _shorten(predicate, most=60 if markush else 30)
                if len(predicate.split()) < 2:
                    continue
                first = predicate.split()[0].lower()
                if first in _PAST:
                    predicate = _PAST[first] + predicate[len(first) :]
                further = bool(re.match(r"^(?:\w+\s+){0,2}further\b", predicate, re.IGNORECASE))
                modal = bool(_MODAL.search(predicate.split(",")[0]))
                predicate = assertive(predicate, plural=plural)
                first_verb = predicate.split()[0].lower()
                if first_verb.endswith("ing") or first_verb in ("and", "or", "of", "to", "which", "that"):
                    continue
                content = [w for w in re.findall(r"[a-z][a-z-]{3,}", predicate.lower()) if w not in _COMMON]
                features = {
                    "summary": float(index in summary),
                    "strong": float(strong),
                    "modal": float(modal),
                    "further_word": float(further),
                    "length": len(predicate.split()) / 10,
                    # a limitation in the claim's own words is more likely to be claimed
                    "overlap": sum(1 for w in content if w in claim_words) / len(content) if content else 0.0,
                    "position": index / last,
                    "value": float(bool(re.search(r"\d", predicate))),
                    "copula": float(first_verb in ("is", "are")),
                    "markush": float(markush),
                }

                def add(kind: str, element: str, limitation: str, join: str = "wherein", *,
                        features: dict[str, float] = features, index: int = index, sentence: str = sentence,
                        **extra: float) -> None:
                    out.append(DependentCandidate(element, _as_written(limitation, sentence), join, index, sentence,
                                                  {**features, kind: 1.0, **extra}))

                if found.text is not None:
                    # a step, several elements or a quantity, written as the description writes them
                    add("kind_step" if written == "step" else "kind_written", found.text, f"{found.text} {predicate}")
                    continue
                if singular(words[-1]) == subject_head and len(words) <= 2 and written != "a":
                    fm = _FURTHER.match(predicate)
                    if fm and (further or strong):
                        add("kind_further", subject, f"further comprising {fm.group('rest')}", "further")
                    elif not fm:
                        # what the claimed thing itself is or does: "the device is integrated into a meter"
                        add("kind_subject", subject, f"the {subject} {predicate}")
                    continue
                term = _match_term(words, terms)
                if term is None:
                    # a new element with what it does: "the metering stack is configured to receive ..." ->
                    # "further comprising a metering stack configured to receive ..."
                    # only what the description offers as a variant ("may", "in some embodiments", the
                    # summary) or introduces ("A spring is ..."): "The weather was fine." is no element
                    if plural or len(words) > 4 or not (strong or modal or index in summary or written == "a"):
                        continue
                    if singular(words[-1]) in _CATEGORY_NOUNS:
                        continue  # "The method may comprise ..." is no element of a cell culture claim
                    np = " ".join(words)
                    article = "an" if np[:1] in "aeiou" else "a"
                    relative = re.sub(r"^(?:is|are)\s+(?=(?:configured|adapted|operable|arranged|positioned|disposed|"
                                      r"located|coupled|connected|attached|mounted)\b)", "", predicate)
                    if relative == predicate:
                        relative = "that " + predicate
                    add("kind_new", subject, f"further comprising {article} {np} {relative}", "further",
                        introduced=float(written == "a"))
                    continue
                exact = set(words[:-1]) <= set(term.words[:-1])
                np = " ".join(words) if exact else " ".join((*term.words[:-1], words[-1]))
                where = claim_text.find(term.surface)
                add("kind_term", term.surface, f"the {np} {predicate}", term_words=float(len(term.words)),
                    inexact=float(not exact), term_position=where / len(claim_text) if where >= 0 else 1.0)
    # what the description says more than once, and the elements it says most about
    keys = [_words_key(c.limitation) for c in out]
    repeats = Counter(keys)
    mentions = Counter(c.element for c in out)
    for c, key in zip(out, keys, strict=True):
        c.features["repeats"] = math.log(repeats[key])
        c.features["mentions"] = math.log(mentions[c.element])
    return out


def rank_score(features: dict[str, float], weights: dict[str, float] | None = None) -> float:
    weights = RANKING_WEIGHTS if weights is None else weights
    return weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())


def _introduce_unsupported(text: str, issues: Sequence[Any], claim_start: int) -> str | None:
    """Turn each unsupported "the X" of the suggestion into "a X" (from the analysis' issues)."""
    edits = []
    for issue in issues:
        if issue.code not in ("AB001", "AB002", "AB004") or issue.start < claim_start:
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
        found = dependent_candidates(claim, description, summary=summary, terms=terms)
        subject = preamble_subject(claim.preamble) or "claim"

        def as_claim(c: DependentCandidate, *, claim: Claim = claim, subject: str = subject) -> str | None:
            joiner = ", " if c.kind == "further" else ", wherein "
            text = f"The {subject} of claim {claim.number}{joiner}{c.limitation}."
            return _checked(claim, text, parser, exempt=exempt, inherent=inherent)

        kept = [(c.score, c.element, text, c.paragraph, c.sentence)
                for c, text in choose_candidates(found, per_claim=per_claim, accept=as_claim)]
        results.append((claim, kept))
    out: list[DependentSuggestion] = []
    for claim, kept in results:
        for score, element, text, index, sentence in kept:
            limitation = text.split(", wherein ", 1)[1] if ", wherein " in text else text.split(", ", 1)[-1]
            out.append(DependentSuggestion(next_number, claim.number, text, element, limitation.rstrip("."),
                                           index, sentence, score))
            next_number += 1
    return out


def choose_candidates(
    candidates: Sequence[DependentCandidate],
    *,
    per_claim: int,
    accept: Any = None,
    weights: dict[str, float] | None = None,
) -> list[tuple[DependentCandidate, str]]:
    """The best `per_claim` candidates (scored with `weights`), best first, one per distinct
    limitation, each with what `accept` makes of it (the checked claim text; None rejects it)."""
    for c in candidates:
        c.score = rank_score(c.features, weights)
    seen: set[str] = set()
    out: list[tuple[DependentCandidate, str]] = []
    for best in sorted(candidates, key=lambda c: -c.score):
        if len(out) >= per_claim:
            break
        key = _words_key(best.limitation)
        if key in seen:
            continue
        seen.add(key)
        accepted = accept(best) if accept is not None else best.limitation
        if accepted is not None:
            out.append((best, accepted))
    return out


def _checked(parent: Claim, text: str, parser: Any, *, exempt: Sequence[str], inherent: Sequence[str]) -> str | None:
    """`text` as a dependent claim of `parent` with antecedent basis (unsupported "the X"
    introduced), or None when it cannot be made to pass."""
    for _ in range(2):
        pair = parse_claims_text(f"1. {parent.text}\n2. {text.replace('of claim ' + str(parent.number), 'of claim 1', 1)}")
        if len(pair.claims) != 2 or pair.claims[1].depends_on != [1]:
            return None
        issues = [i for i in analyse_claims(pair, parser, exempt=exempt, inherent=inherent) if i.claim == 2]
        # an inherent-attribute note without "of" ("the continuous surface") depends on what the
        # other claims introduce, which a suggestion cannot know: introduced like a missing term
        claim_text = pair.claims[1].text
        issues = [
            i
            for i in issues
            if i.code in ("AB001", "AB003", "AB004")
            or (i.code == "AB002" and not re.match(r"\s*(?:of|between)\b", claim_text[i.end :]))
        ]
        if not issues:
            return text
        if any(i.code == "AB003" for i in issues):
            return None
        fixed = _introduce_unsupported(pair.claims[1].text, issues, 0)
        if fixed is None:
            return None
        text = re.sub(r"of claim 1\b", f"of claim {parent.number}", fixed, count=1)
    return None
