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

Chains: a sentence about an element the claim does not name ("The cover 30 may be transparent.")
waits until a chosen suggestion introduces it ("..., further comprising a cover attached to the
housing.") and then depends on that suggestion: "The device of claim 12, wherein the cover is
transparent." (12 being the cover's suggestion), checked through the chain. It takes one of the
`per_claim` places of the independent claim it goes back to (`root`).

Ranking: each candidate carries features (from the summary, opened by "in some embodiments",
said more than once, in the claim's own words, a refined step, a new element, ...) weighed by
RANKING_WEIGHTS, fitted by bench/fit_dependent_ranker.py (a logistic regression, then tuned for
recall@10), and, when a `lexicon` is passed, its score of the candidate's own words (lexicon.py;
its weight was chosen by bench/fit_dependent_lexicon.py on held-out halves of its documents).
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
from backend.nlp.inflection import indefinite_article, singular
from backend.nlp.structure import Category, Claim, ClaimSet
from backend.nlp.suggestions.context import preamble_subject
from backend.nlp.suggestions.lexicon import DependentLexicon

__all__ = ["DependentSuggestion", "suggest_dependent_claims"]


@dataclass(frozen=True, slots=True)
class DependentSuggestion:
    number: int
    parent: int
    """The claim it depends on: its independent claim, or the suggestion that introduces the
    element it refines."""
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
    root: int = 0
    """The independent claim it goes back to (`parent` unless it depends on another suggestion)."""

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
            "root": self.root or self.parent,
        }


# "of the first, second or third aspect": an opening's list of ordinals runs past its commas
_ORDINAL_LIST = (r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth?|ninth|tenth|eleventh|twelfth|"
                 r"preceding|previous|foregoing|\d{1,3})")
_HEDGE_OPEN = re.compile(
    r"^(?:\(\d{1,3}\)|(?:additionally|alternatively)\s*,?\s+or\s+(?:additionally|alternatively|in\s+addition)|"
    r"in\s+addition\s+to\s+(?:one\s+or\s+more\s+of\s+|any\s+of\s+)?the\s+features\s+(?:described|disclosed)\s+"
    r"(?:herein|above)|"
    r"in\s+addition\s*,?\s+or\s+(?:alternatively|in\s+the\s+alternative)|"
    r"(?:for\s+example|for\s+instance|by\s+way\s+of\s+(?:example|illustration)|as\s+an?\s+(?:non-limiting\s+)?example)"
    r"(?:\s*,?\s*(?:and|but)\s+not\s+(?:by\s+way\s+of\s+)?limitation)?|"
    r"(?:in|according\s+to|in\s+accordance\s+with)\s+(?:(?:yet|still)\s+)?(?:some|one|certain|other|various|an?|another|further|particular|"
    r"additional|alternative|many|several|the\s+illustrated|such|these|exemplary|example|at\s+least\s+one|"
    r"yet\s+another|this|that|each|any|all|most|the|such\s+an?|preferred)(?:\s+[\w-]+){0,2}?\s+"
    r"(?:embodiments?|implementations?|examples?|aspects?|variations?|cases?|configurations?|instances?)"
    r"(?:\s+(?:embodiments?|implementations?|aspects?|variations?|modes?))?"
    r"(?:\s+of\s+the\s+(?:present\s+)?(?:invention|disclosure)|\s+of\s+the\s+present\s+[\w-]+"
    rf"|\s+of\s+(?:[\w-]+\s+){{0,5}}?{_ORDINAL_LIST}(?:\s*,\s*(?:and\s+|or\s+)?{_ORDINAL_LIST}|"
    rf"\s+(?:and|or|and/or)\s+{_ORDINAL_LIST})+\s+(?:aspects?|embodiments?|examples?|implementations?)(?=\s*,)"
    r"|\s+(?:of|related\s+to|in\s+accordance\s+with)\s+[^,]{1,60}(?=,)"
    # "In any of the embodiments described herein, ..."
    r"|\s+(?:described|disclosed|provided|set\s+forth)\s+(?:herein|above|below)(?=\s*,)"
    # without a comma: "In some embodiments of the device the lid is ..."
    r"|\s+of\s+the\s+(?:method|process|system|apparatus|device|composition|kit)s?(?=\s+(?:the|said|each)\s))?|"
    r"which\s+(?:may|can)\s+be\s+(?:used\s+)?(?:in\s+)?combin(?:ation|ed)\s+with\s+[^,]{1,80}(?=,)|"
    r"at\s+(?:block|step|operation|act|stage)\s+[A-Z]?\d{1,4}[a-z]?|"
    r"optionally|preferably|preferentially|alternatively|additionally|further\s+(?:still|yet)|yet\s+further|"
    r"further(?:more)?|"
    r"moreover|also|in\s+addition|in\s+particular|"
    r"in\s+an\s+exemplary\s+embodiment|illustratively|typically|generally(?:\s+speaking)?|advantageously|in\s+general|"
    r"in\s+particular\s+embodiments|in\s+practice|specifically|more\s+specifically|here|thus|accordingly|"
    r"similarly|likewise|in\s+other\s+words|notably|however|suitably|still\s+further|conventionally|"
    r"therefore|then|hence|consequently|in\s+turn|that\s+is|as\s+another\s+example|"
    r"in\s+still\s+(?:another|other|further|a\s+further)\s+(?:\w+\s+)?(?:embodiments?|examples?|aspects?)|"
    r"(?:more|most|even\s+more|particularly|especially)\s+preferabl[ey]|particularly|importantly|indeed|"
    r"as\s+(?:noted|mentioned|described|discussed|explained|indicated|stated)\s+(?:above|previously|earlier)|"
    r"in\s+(?:a|one|some|another)\s+(?:more\s+)?(?:specific|preferred|particular)\s+(?:embodiments?|aspects?|examples?))"
    r"(?![\w-])\s*,?\s*",
    re.IGNORECASE,
)
_DISCLOSED = re.compile(r"^(?:the\s+)?(?:presently\s+|present\s+)?disclosed\s+subject\s+matter\s+", re.IGNORECASE)
_STRONG_OPEN = re.compile(r"^(?:in|according\s+to|in\s+accordance\s+with)\s+(?:(?:yet|still)\s+)?(?:some|one|certain|various|an?|another|other|"
                          r"any\s+(?:one\s+)?(?:of\s+the\s+)?(?:embodiments|examples|aspects|implementations))\b", re.IGNORECASE)
_SKIP = re.compile(
    r"\b(?:fig(?:ure)?s?\.?\s*\d|figures?\b|table\s+\d|shown|illustrated|depicted|described|herein|above|below|"
    r"invention|disclosure|present\s+(?:invention|disclosure)|subject\s+matter|i\.e\.|etc\.?|"
    r"claim|claims|may\s+not|cannot|can\s+not|need\s+not|do(?:es)?\s+not|respectively|above-mentioned|"
    r"see\b|reference\s+(?:numerals?|numbers?|signs?|characters?)|by\s+reference|discussed|following|previously|later|"
    # a statement of purpose ("An object of the present invention is to provide ...", "The goal of X is to ...")
    r"(?:purpose|aim|goal|object|objective)s?\s+(?:of\s+[^,]{0,60}?\s+)?(?:is|are|was)\s+to)",
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
    rf"|(?<![A-Za-z])(?!(?:{_VALUE_WORDS})\b)(?P<word>[A-Za-z]+)\s+\d{{1,4}}[a-z]?'*(?!\.\d|,\d{{3}}\b)"
    rf"(?:(?:\s*,\s*|\s*-\s*|\s+(?:and|or|to)\s+)\d{{1,4}}[a-z]?'*(?=[\s,;:)]|\.(?!\d)))*(?=[\s,;:)]|\.(?!\d))",
    re.IGNORECASE,
)
_TRIM = re.compile(
    r",?\s+(?:because|thus|while|although|whereas|"
    r"allowing|enabling|which\s+(?:allows|enables|may|can|helps)|so\s+as\s+to|as\s+well\s+as|such\s+as|including\s+without)\b|"
    r",\s+(?:which|and\s+thus|"
    r"where|when|e\.g\.)\b|"
    # a second, narrower or other alternative: "is a porous membrane, and may be chromatographic paper",
    # "from about 10 to about 100 nm, or more preferably ..."
    r",?\s+(?:and|or)\s+(?:may|can|could|might)\s+(?:also\s+|alternatively\s+)?(?=[a-z]+\b)|"
    r",\s+(?:and\s+|or\s+)?(?:(?:more|most|even\s+more|particularly|especially)\s+)?preferabl[ey]\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_HEDGE_WORDS = (r"also|further|optionally|additionally|alternatively|preferably|generally|then|thus|typically|usually|"
                r"readily|easily|simply|similarly|likewise|each|be\s+made\s+to")
_MODAL = re.compile(
    r"\b(?:may|can|could|might|will|would|should|is\s+able\s+to|are\s+able\s+to|is\s+configured\s+to\s+be)\s+"
    rf"(?P<pre>(?:(?:{_HEDGE_WORDS}|only|(?!(?:apply|supply|rely|reply|comply|multiply|imply)\b)[a-z]{{2,}}ly)\s+)*)"
    r"(?P<verb>[a-z]+(?:-[a-z]+)*)\b",
    re.IGNORECASE,
)
_ADVERBS = re.compile(r"\b(?:optionally|preferably|advantageously|typically|generally|alternatively|also|"
                      r"additionally|further|suitably|desirably|conveniently)\s+(?=[a-z])", re.IGNORECASE)
_FURTHER = re.compile(
    r"^(?:further\s+)?(?:comprises|comprising|includes|including|has|having|contains|containing|involves|involving)"
    r"(?P<colon>\s*:)?\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
_VERB_3RD = {"be": "is", "have": "has", "do": "does", "go": "goes"}


def _shorten(predicate: str, *, most: int = 18) -> str:
    """At most `most` words, cut at the last clause boundary (";" of a list, else ",") before that when there
    is one."""
    words = predicate.split()
    if len(words) <= most:
        return predicate
    head = " ".join(words[:most])
    cut = head.rfind(";")
    if cut <= len(head) // 3:
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
        verb = {"be": "are"}.get(verb.lower(), verb) if plural else _third_person(verb)
        # "can partially cover" -> "partially covers", "may only be used" -> "is only used" ("also", "then" go)
        kept = " ".join(re.sub(rf"\b(?:{_HEDGE_WORDS})\b", "", m.group("pre"), flags=re.IGNORECASE).split())
        if not kept:
            return verb
        return f"{verb} {kept}" if verb in ("is", "are") else f"{kept} {verb}"

    out = _MODAL.sub(repl, predicate, count=1)
    out = _ADVERBS.sub("", out)
    return " ".join(out.split())


_PLURAL_VERBS = {"are": "is", "were": "was", "have": "has", "do": "does"}
_NOT_BASE_VERBS = frozenset({"in", "on", "at", "for", "with", "by", "from", "and", "or", "that", "which", "of", "to",
                             "as", "into", "onto", "within", "not", "only", "all", "each", "both", "being", "been",
                             "the", "a", "an", "than", "may", "can", "could", "will", "would", "should", "must",
                             "might", "is", "was", "has", "does"})  # fmt: skip


def singular_verb(predicate: str) -> str:
    """The predicate of a plural subject said of one ("are carried out" -> "is carried out", "include
    treating" -> "includes treating", "further comprise X" -> "further comprises X")."""
    m = re.match(r"^((?:(?:also|further|then|additionally|[a-z]+ly)\s+)*)([a-z]+)\b", predicate)
    if not m:
        return predicate
    verb = m.group(2)
    if verb in _PLURAL_VERBS:
        new = _PLURAL_VERBS[verb]
    elif verb in _NOT_BASE_VERBS or verb.endswith(("s", "ed", "ing", "en")):
        return predicate
    else:
        new = _third_person(verb)
    return m.group(1) + new + predicate[m.end() :]


def _drop_numeral(m: re.Match[str]) -> str:
    return m.group("word") or ""


def _clean(sentence: str) -> str:
    s = _NUMERALS.sub(_drop_numeral, sentence)
    # parentheticals: "(e.g., ...)", "(not shown)"; not the label of the step a statement is about ("step (iii)
    # comprises X")
    label = re.match(r"^(?:the\s+)?step\s+\([a-z0-9]{1,5}\)", s, re.IGNORECASE)
    start = label.end() if label else 0
    s = s[:start] + re.sub(r"\s*\((?:[^()]{0,60})\)", "", s[start:])
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


_CONTRASTIVE = frozenset({"other", "another", "additional", "second", "third", "fourth", "further", "different",
                          "separate", "alternative", "auxiliary", "secondary", "same", "similar", "conventional",
                          "prior", "known", "comparative", "control", "reference"})


def _unmodified_term(words: list[str], terms: Sequence[_ChainTerm], claim_words: set[str]) -> _ChainTerm | None:
    """The claim's only term with the head of `words` when the claim writes it unmodified and the phrase's
    modifiers are words of the claim ("metabolites" for "the adenosine metabolites" in "detecting adenosine and
    metabolites"), unless a modifier sets the phrase apart ("the second layer", "other metabolites")."""
    head = singular(words[-1]) if words else ""
    same = {t.words for t in terms if t.words[-1] == head}
    if len(same) != 1 or len(next(iter(same))) != 1 or len(words) > 3:
        return None
    if set(words[:-1]) & (_CONTRASTIVE | _ORDINALS) or not set(words[:-1]) <= claim_words:
        return None
    return next(t for t in terms if t.words[-1] == head)


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


# Fitted by bench/fit_dependent_ranker.py --tune (logistic regression: does the candidate match one of
# the claim's real dependent claims, then coordinate ascent on recall@10) on corpus documents that
# bench/assist_dependent.py does not measure.
RANKING_WEIGHTS: dict[str, float] = {
    "bias": -0.551, "copula": 0.182, "further_word": 1.083, "inexact": -0.04, "introduced": -2.433,
    "kind_chain": 0.15, "kind_further": 0.995, "kind_labelled_step": -0.5, "kind_new": -0.801, "kind_new_step": -0.5,
    "kind_nominal": 0.0, "kind_numbered_step": 0.0, "kind_passive": -0.9, "kind_step": 0.9, "kind_subject": -0.136,
    "kind_symbol": 0.0, "kind_term": -0.012, "kind_written": -0.047, "length": -0.173, "lexicon": 1.0, "markush": 1.061,
    "mentions": -0.064, "modal": 0.213, "overlap": 0.672, "position": 0.112, "repeats": 1.527, "strong": 1.59,
    "summary": 3.628, "term_position": 1.658, "term_words": 0.13, "value": 0.329,
}
_COMMON = frozenset({"that", "with", "from", "into", "which", "this", "have", "each", "more", "than", "between",
                     "include", "includes", "comprises", "comprise", "formed", "configured", "being", "also"})


_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "upper", "lower", "left", "right", "inner",
                       "outer", "front", "rear", "top", "bottom", "proximal", "distal"})


_SUBJECT_ADVERBS = frozenset({"then", "thus", "often", "always", "still", "now", "generally", "typically", "usually",
                              "normally", "preferably", "optionally", "additionally", "alternatively", "suitably",
                              "desirably", "conveniently", "particularly", "especially", "frequently", "initially",
                              "subsequently", "simultaneously", "automatically", "advantageously", "thereby",
                              "therefore", "hence", "likewise", "similarly"})
_ADVERB_ENDINGS = ("ally", "ively", "ably", "ibly", "ently", "antly", "ously", "arly", "edly", "ingly", "ately")


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
        # "the tumor model typically includes": an adverb before the verb ends the noun phrase ("the first
        # substantially planar surface" goes on)
        adverb = bool(words) and (low in _SUBJECT_ADVERBS or (len(low) > 6 and low.endswith(_ADVERB_ENDINGS))) and (
            after in _NP_STOP or (after.endswith("s") and not after.endswith(("ss", "us", "is"))))
        if (low in _NP_STOP and not ordinal_pair) or verb or adverb or len(words) >= 6:
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
    r"^(?:to\s+(?!the\b)[^,]{3,80},\s+(?=\w)|wherein\s*,?\s+(?=\w)|"
    # numbered embodiments written like claims: "(11) The method according to any one of (1) to (9), wherein ..."
    r"(?:\(\d{1,3}\)\s*)?the\s+[\w\s-]{1,60}?\s+(?:according\s+to|of|as\s+(?:defined|recited|set\s+forth)\s+in)\s+"
    r"[^,]{1,60},\s+wherein\s+|(?:the|this)\s+(?:[\w-]+\s+){0,3}?(?:of\s+(?:the|this)\s+(?:present\s+)?(?:invention|disclosure)\s+)?(?:is|are)\s+"
    r"(?:even\s+)?(?:further\s+)?characteri[sz]ed\s+(?:by|in)\s+(?:that\s+)?|"
    r"it\s+is\s+(?:also\s+|further\s+)?(?:preferred|preferable|contemplated|possible|desirable|envisaged)\s+that\s+)",
    re.IGNORECASE,
)
# Numbered embodiments written like claims ("Example 5 includes the method of Example 4, wherein X", "In
# Example 12, the subject matter of any one or more of Examples 1-11 optionally include X", "EMBODIMENT 16 can
# include, or can optionally be combined with, the subject matter of EMBODIMENTS 1-15, to optionally include X",
# "A battery according to any of the preceding embodiments where X"): "wherein X" says X, "include X" adds X
_REFERRED = r"(?:examples?|embodiments?|clauses?|items?|aspects?|paragraphs?|statements?|implementations?)(?:\s*\(s\))?"
_REFERRED_NUMBERS = r"\s*\(?\d{1,3}[a-z]?\)?(?:\s*(?:-|–|to|through|or|and|,)\s*\(?\d{1,3}[a-z]?\)?)*"
# what such an embodiment refers back to: numbered ("Example 4", "embodiments 1-3"), "any (one) of ..." or "the
# preceding embodiments" ("a technical advantage of the embodiments may include X" refers to nothing)
_REFERENCE = (
    r"(?:(?:one\s+or\s+)?any\s+(?:one\s+)?(?:or\s+more\s+)?(?:combination\s+)?(?:of\s+)?(?:the\s+)?"
    r"|(?:the\s+)?(?=(?:preceding|previous|foregoing|above|earlier|prior)\s))"
    # ("the method of any preceding or following implementation")
    r"(?:(?:preceding|previous|foregoing|above|earlier|prior)(?:\s+or\s+(?:following|subsequent))?\s+)?"
    rf"{_REFERRED}(?:{_REFERRED_NUMBERS})?"
    rf"|{_REFERRED}{_REFERRED_NUMBERS}"
    r"|any\s+(?:one\s+)?of\s+\(\d{1,3}\)\s*(?:to|-|–|or|through)\s*\(\d{1,3}\)|\(\d{1,3}\)"
)
_NUMBERED = re.compile(
    r"^(?:(?:in\s+)?(?:examples?|embodiments?|clauses?|items?|aspects?|implementations?|statements?)\s+\d{1,3}[a-z]?"
    r"\s*[,:.]?\s*)?(?:\(\d{1,3}\)\s*)?(?:"
    rf"(?:can|may)\s+include\s*,?\s+or\s+(?:can|may)\s+(?:optionally\s+)?be\s+combined\s+with\s*,?\s+the\s+subject\s+"
    rf"matter\s+of\s+(?:{_REFERENCE})|"
    rf"(?:(?:is|includes|provides|comprises)\s+)?the\s+subject\s+matter\s+of\s+(?:{_REFERENCE})|"
    r"(?:(?:is|includes|provides|comprises|relates\s+to)\s+)?(?:the|an?)\s+(?P<np>[\w/-]+(?:\s+[\w/-]+){0,8}?)\s+"
    r"(?:of|according\s+to|as\s+(?:defined|recited|set\s+forth|claimed|described)\s+in|as\s+in|in\s+accordance\s+with)"
    rf"\s+(?:{_REFERENCE}))\s*,?\s*"
    r"(?:(?P<wherein>(?:and\s+)?(?:wherein|where|in\s+which)\b)|(?:(?:and|can|may|to)\s+)?"
    r"(?:(?:further|optionally|additionally|also)\s*,?\s+)*(?:comprising|including|comprises?|includes?|having|has)\b)"
    r"\s*:?\s*(?=\S)",
    re.IGNORECASE,
)
# the features a summary lists after "Implementations may include one or more of the following features.":
# "The system where the membrane is a polymer matrix.", "The device further including a transistor."
_FEATURE = re.compile(
    r"^the\s+(?P<np>(?:[\w-]+\s+){0,3}?(?:method|process|system|apparatus|device|composition|kit|medium))\s+"
    r"(?:(?P<wherein>where|wherein|in\s+which)\b\s*,?\s*|further\s+(?:comprising|including|having)\s+)(?=\S)",
    re.IGNORECASE,
)
# "Embodiments of the method include X", "Another embodiment further includes <step>": X added
_EMBODIED = re.compile(
    r"^(?:(?:yet\s+)?another|an?|one|some|other|certain|various|further|additional|particular|preferred|these|"
    r"such)?\s*(?:(?:non-limiting|exemplary|example|preferred|particular|further|alternative)\s+)?"
    r"(?:embodiments?|implementations?)\s+"
    r"(?:of\s+the\s+(?P<np>(?:[\w-]+\s+){0,4}?[\w-]+)\s+(?:(?:according\s+to|of)\s+the\s+(?:present\s+)?(?:invention|disclosure)\s+)?)?"
    r"(?:may\s+|can\s+)?(?P<further>(?:(?:further|also|additionally)\s+)*)(?:includes?|comprises?)\b\s*:?\s*(?=\S)",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(
    r"^((?:the|said)\s+(?:(?!(?:is|are|was|were|has|have|may|can|will|comprises?|includes?|contains?)\b)[\w-]+\s+){0,6}?"
    r"(?:further\s+)?)(being|comprising|including|containing|having)\b",
    re.IGNORECASE,
)
# summaries that restate the claims: "In some aspects, the techniques described herein relate to a method, wherein
# X" says X, "... relate to a method, further including X" says "the method further comprises X"; "Some examples of
# the method, apparatus, non-transitory computer readable medium, and system described above further include X"
# adds X to whichever of them is claimed
_RESTATED = re.compile(
    r"^(?:the\s+techniques\s+described\s+herein\s+relate\s+to\s+(?:an?|the|one\s+or\s+more)\s+(?P<np>[^,;:]{1,100}?)\s*,\s*"
    r"(?:(?P<wherein>(?:and\s+)?(?:wherein|where|in\s+which)\b)|(?P<further>further\s+)?(?:including|comprising)\b)|"
    r"some\s+(?:examples|embodiments|aspects|implementations)\s+of\s+the\s+(?P<listed>(?:method|process|system|apparatus|"
    r"device)[^.;:]{0,160}?)\s+(?:may\s+)?(?:also\s+)?further\s+(?:include|comprise)s?\b)\s*:?\s*(?=\S)",
    re.IGNORECASE,
)
_ADDED = re.compile(r"^further\s+comprising\s+(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
"""What `_numbered` makes of "... optionally include X" when it names no subject: X added to the claimed subject."""


def _numbered(body: str) -> str | None:
    """A numbered embodiment written like a claim as a statement: "Example 5 includes the method of Example 4,
    wherein the arm is bent" -> "the arm is bent"; "Example 6 includes the method of Example 4, further
    including heating the arm" -> "the method further comprises heating the arm"; "In Example 7, the subject
    matter of Example 1 optionally includes heating the arm" -> "further comprising heating the arm" (see
    `_ADDED`); "... to optionally include the contacting being performed at 5 bar" -> "the contacting is
    performed at 5 bar"; "Embodiments of the method include heating the arm" -> "the method further comprises
    heating the arm"; "The system where the membrane is porous" -> "the membrane is porous"."""
    restated = _RESTATED.match(body)
    if restated:
        rest = body[restated.end() :]
        if restated.group("wherein"):
            return rest
        if restated.group("np"):
            # a bare ", including" also restates an independent claim ("relate to a method, including: receiving
            # X; ..."): only one step is read as added
            if not restated.group("further") and (re.search(r"[:;]", rest) or re.search(r"\band\s+[a-z]{3,}ing\b", rest)):
                return None
            return f"the {singular(restated.group('np').split()[-1].lower())} further comprises {rest}"
        listed = restated.group("listed")
        if re.search(r",|\band\b|\bor\b", listed):  # "the method, apparatus, ... and system": any of them
            return f"further comprising {rest}"
        return f"the {singular(listed.split()[0].lower())} further comprises {rest}"
    embodied = _EMBODIED.match(body)
    if embodied:
        rest = body[embodied.end() :]
        np = (embodied.group("np") or "").lower().split()
        if np and not set(np) & {"invention", "disclosure", "technology", "herein", "of", "by", "for", "in", "with", "on",
                                 "to", "from"} and not any(w.endswith("ed") for w in np):
            return f"the {singular(np[-1])} further comprises {rest}"
        if not np and embodied.group("further") and re.match(r"^[a-z]+ing\b", rest):
            return f"further comprising {rest}"  # a step ("Another embodiment further includes heating X")
    m = _NUMBERED.match(body) or _FEATURE.match(body)
    if not m:
        return None
    rest = body[m.end() :]
    if m.group("wherein"):
        return rest
    wherein = re.match(r"^(?:and\s+)?(?:wherein|where|in\s+which)\b\s*,?\s*", rest, re.IGNORECASE)
    if wherein:
        return rest[wherein.end() :]
    if re.match(r"^(?:the|said)\s", rest, re.IGNORECASE):
        # "the contacting being performed at ..." -> "the contacting is performed at ..."
        participle = _PARTICIPLE.match(rest)
        if participle:
            head = participle.group(1).split()[-1].lower()
            if head == "further":
                head = participle.group(1).split()[-2].lower()
            plural = singular(head) != head
            verb = participle.group(2).lower()
            if verb == "being":
                verb = "are" if plural else "is"
            elif plural:
                verb = "have" if verb == "having" else _PARTICIPLE_VERB[verb][:-1]  # "comprises" -> "comprise"
            else:
                verb = _PARTICIPLE_VERB[verb]
            return participle.group(1) + verb + rest[participle.end() :]
        return rest
    if m.group("np"):
        return f"the {singular(m.group('np').split()[-1].lower())} further comprises {rest}"
    return f"further comprising {rest}"


_NUMBERED_STEP = re.compile(
    r"^(?:step|block|operation|act)\s+[A-Z]?\d{2,4}[a-z]?\s*,?\s+(?:(?:may|can)\s+)?(?:(?:also|further|then)\s+)?"
    r"(?:involves?|includes?|comprises?|entails?|consists?\s+of)\s+(?=[a-z]{2,}ing\b)",
    re.IGNORECASE,
)
_SCOPE = re.compile(r"\s+(?:(?:within|in)\s+the\s+scope\s+of|of|according\s+to)\s+the\s+(?:present\s+)?(?:invention|disclosure)\b",
                    re.IGNORECASE)
# "the invention includes a composition further comprising X" says "the composition further comprises X"
_INVENTION_FRAME = re.compile(
    r"^(?:(?:the\s+)?(?:present\s+)?(?:invention|disclosure)\s+(?:also\s+|further\s+)?(?:includes|provides|encompasses|"
    r"relates\s+to|is\s+directed\s+to)|"
    # "It is another object of the invention to provide a device having X", "There is also provided herein a kit
    # comprising X"
    r"it\s+is\s+(?:also\s+|further\s+)?(?:an?|another|a\s+further|yet\s+another|still\s+another)\s+"
    r"(?:object|objective|aim|goal)\s+to\s+provide|"
    r"there\s+(?:is|are)\s+(?:also\s+|further\s+|additionally\s+)?provided(?:\s+herein)?)\s+(?:an?|the)\s+(?=\w)",
    re.IGNORECASE,
)
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
_PARTICIPLE_VERB = {"comprising": "comprises", "including": "includes", "containing": "contains", "having": "has"}
_CATEGORY_NOUNS = frozenset({"method", "process", "system", "apparatus", "device", "composition", "kit", "medium",
                             "media", "invention", "embodiment", "disclosure", "technique", "approach"})
_CLAUSES = re.compile(r"(?:,\s+(?:and|while|whereas)\s+|;\s+(?:and\s+)?)(?=(?:the|said|each)\s)", re.IGNORECASE)


_ITEM_MARK = re.compile(r"^(?:(?:and|or)\s+)?(?:[-–•]\s*)*(?:\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)]\s*)?", re.IGNORECASE)
_ITEM_OPEN = re.compile(r"^(?:[a-z]{2,}ing|an?|one\s+or\s+more|at\s+least\s+one|two\s+or\s+more)\s+(?=\S)")


def _listed(clause: str) -> str | None:
    """A clause that lists steps or elements after a colon ("the method further comprises: - applying X; - depositing
    Y", "a tag is generated by: combining X; producing Y; and using Z") with its items marked as a claim marks them
    ("... comprises: applying X; and depositing Y"); None when what follows the colon is no such list."""
    head, colon, tail = clause.partition(":")
    if not colon or ";" not in tail or ";" in head or len(head.split()) > 16:
        return None
    items = []
    joins = set()
    for raw in tail.split(";"):
        item = raw.strip()
        item = item[_ITEM_MARK.match(item).end() :].strip()
        joined = re.match(r"(and|or|and/or)\s+", item)
        if joined:  # "c) and drying Z"
            joins.add(joined.group(1))
            item = item[joined.end() :]
        if not _ITEM_OPEN.match(item):
            return None
        items.append(item)
    joins |= {w for w in re.findall(r";\s*(?:[-\u2022*]\s*)?(and/or|and|or)\b", tail)}
    if len(items) < 2 or len(joins) > 1:
        return None  # a list that mixes "and" and "or" is read as neither
    join = next(iter(joins), "and")
    return f"{head.rstrip()}: {'; '.join(items[:-1])}; {join} {items[-1]}"


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
        numbered = _numbered(new)
        if numbered is not None:
            body, strong = numbered, True
            break
        new = _FRAME.sub("", new, count=1)
        if new == body:
            break
        body = new
    # (what a dropped parenthetical leaves: "In one or more embodiments (see FIG. 3), the ...")
    body = re.sub(r"\s+,", ",", _clean(body).rstrip(".").strip().lstrip(",;: "))
    listed = bool(_NOT_LIMITED.search(body))
    body = _SCOPE.sub("", body)
    framed = _INVENTION_FRAME.match(body)
    if framed:
        # "a composition further comprising X" -> "the composition further comprises X"
        body = re.sub(r"^((?:[\w-]+\s+){1,5}?(?:further\s+)?)(comprising|including|containing|having)\b",
                      lambda m: m.group(1) + _PARTICIPLE_VERB[m.group(2).lower()], "the " + body[framed.end() :],
                      count=1)
    body = _NOT_LIMITED.sub("", body)
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
# "obtaining the voice sample is performed in real time", "Heating the mixture may be carried out at 50 C"
_STEP_DONE = re.compile(
    r"^(?P<step>[A-Za-z]+ing\b[^,;]{3,120}?)\s+(?:is|(?:may|can|could)\s+be)\s+(?P<rest>(?:[a-z]+ly\s+)?"
    r"(?:[a-z]+ed|done|run|undertaken)\b.*)$"
)
# gerunds that name no step of their own ("Using X", "According to X")
_NOT_STEPS = frozenset({"according", "following", "during", "including", "comprising", "having", "being", "regarding",
                        "concerning", "depending", "existing", "remaining", "corresponding", "resulting", "something",
                        "nothing", "everything", "building", "ceiling", "evening", "morning"})


@dataclass(slots=True)
class _Subject:
    words: list[str]
    """The subject's noun phrase, lower case ("first", "adiabatic", "pulse")."""
    predicate: str
    plural: bool
    written: str
    """How it was introduced: "the", "a", "bare", "quantity", "step", "new_step", "numbered_step", "labelled",
    "symbol", "nominal"."""
    text: str | None = None
    """The subject as the claim writes it, when not "the <words>"."""


_MODIFIED = re.compile(
    r"^(?P<mod>(?:[a-z]+(?:ing|ed)|of|in|on|for|at|from|between|with|within|to)\s[^,;]{1,80}?)\s+"
    r"(?=(?:is|are|was|were|has|have|includes?|comprises?|contains?|consists?)\b|(?:may|can|could|will)\s+[a-z]+\b)"
)


_COORDINATED = re.compile(r"^(?P<conj>and/or|and|or)\s+(?P<det>(?:the|said)\s+)?(?=[A-Za-z])", re.IGNORECASE)
# what a predicate opens with: a verb ("are fused", "is detected", "occupies", "can be"), after an adverb
_VERB_OPEN = re.compile(
    r"^(?:(?:also|further|each|both|then|preferably|optionally|additionally|generally|typically|[a-z]+ly)\s+)*"
    r"(?:is|are|was|were|has|have|had|may|can|could|will|would|should|might|must|includes?|comprises?|contains?|"
    r"consists?|(?!(?:has|is|was|does|its|this|thus|plus|less|as|us)\b)[a-z]+[^s\W]s|[a-z]+ed)\b",
    re.IGNORECASE,
)


def _coordinated(body: str, words: list[str], predicate: str, plural: bool) -> _Subject | None:
    """ "the first pulse and the second pulse have X", "the presence or absence of X is detected":
    the elements together as the sentence writes them (their verb plural unless joined by "or")."""
    joined = False
    while True:
        m = _COORDINATED.match(predicate)
        if not m:
            break
        rest = predicate[m.end() :]
        other = _split_subject("the " + rest)
        if other is None or _PRONOUNS & set(other[0]) or re.match(r"[a-z]+ing\s+(?:the|an?|said|its|their)\b", rest):
            return None  # "the cells and contacting them with ..." joins no element
        head = other[0][-2] if other[0][-1] == "thereof" and len(other[0]) > 1 else other[0][-1]
        # "A and B are", "A or B is" (the verb agrees with the nearer one)
        joined = joined or m.group("conj").lower() == "and"
        plural = joined or singular(head) != head
        predicate = other[1]
    if not _VERB_OPEN.match(predicate):
        predicate = _after_modifiers(predicate) or ""
        if not _VERB_OPEN.match(predicate):
            return None
    text = re.sub(r"\bsaid\b", "the", body[: len(body) - len(predicate)].strip(), flags=re.IGNORECASE)
    return _Subject(words, predicate, plural, "the", text[0].lower() + text[1:])


_PRONOUNS = frozenset({"it", "its", "they", "them", "their", "this", "these", "those", "which", "we", "he", "she"})


# a verb after the subject's modifiers: "... on the electrode causes X", "... displaces a dye" (not a
# plural noun: "... of cells in", "... of bubbles displaces")
_VERB_AFTER = re.compile(
    r"\s+(?=(?:is|are|was|were|has|have|includes?|comprises?|contains?|consists?)\b|(?:may|can|could|will)\s+[a-z]+\b|"
    r"(?!(?:has|is|was|does|its|this|thus|plus|less|as|us|was|yes)\b)[a-z]+[^s\W]s\s+"
    r"(?!(?:of|and|or|in|on|at|for|with|to|from|by|as|per|than|[a-z]+s|[a-z]+ed)\b)[a-z])"
)


def _after_modifiers(predicate: str, *, strict: bool = False) -> str | None:
    """What follows the modifiers that open `predicate` ("of perfusion can be calculated" -> "can be
    calculated", "on the readout electrode causes X" -> "causes X"), or None."""
    modified = _MODIFIED.match(predicate)
    if modified:
        return predicate[modified.end("mod") :].strip()
    if strict or not _MODIFIER_OPEN.match(predicate):
        return None
    verb = _VERB_AFTER.search(predicate)
    if not verb or verb.start() > 80 or re.search(r"[,;:()]", predicate[: verb.start()]):
        return None
    return predicate[verb.end() :]


_MODIFIER_OPEN = re.compile(r"(?:[a-z]+(?:ing|ed)|of|in|on|for|at|from|between|with|within|to|into|onto|by)\s")
_BARE_OF = re.compile(r"^(?P<head>(?:[A-Za-z][\w-]*\s+){0,2}?[A-Za-z][\w-]*)\s+(?:of|in)\s+(?:the|said)\s+(?=[A-Za-z])")
# what opens a sentence before "of the" and names no element, action or attribute: "Most of the", "Examples of the"
_NOT_ATTRIBUTE = frozenset(
    {"most", "some", "all", "any", "both", "none", "many", "few", "several", "each", "one", "two", "part", "rest",
     "remainder", "majority", "half", "example", "examples", "embodiment", "embodiments", "aspect", "aspects",
     "variation", "variations", "type", "types", "kind", "kinds", "advantage", "advantages", "feature", "features",
     "details", "description", "purpose", "object", "because", "instead", "regardless", "irrespective", "independent",
     "independently", "out", "outside", "inside", "ahead", "in", "on", "at", "for", "with", "by", "from", "as", "to",
     "use", "operation", "when", "if", "where", "while", "after", "before", "during", "upon", "unless", "this", "these",
     "that", "those", "it", "its", "there", "here", "such", "other", "another", "same", "further", "also", "more",
     "less", "every", "number", "plurality", "variety", "lot", "couple", "host", "multitude", "top", "bottom", "front", "back", "side", "end", "center", "centre", "middle"}
)  # fmt: skip


def _bare_of(body: str, m: re.Match[str], terms: Sequence[_ChainTerm]) -> _Subject | None:
    """ "electrodeposition of the catalyst on the electrode causes X": the subject as written, when what it
    is "of" is a claimed term."""
    head = [w.lower() for w in m.group("head").split()]
    if any(w in _NOT_ATTRIBUTE or w in _CATEGORY_NOUNS or w.endswith("ly") for w in head):
        return None
    split = _split_subject("the " + body[m.end() :])
    if split is None or _match_term(split[0], terms) is None:
        return None
    predicate = split[1] if _VERB_OPEN.match(split[1]) else _after_modifiers(split[1])
    if predicate is None:
        return None
    text = body[: len(body) - len(predicate)].strip()
    if not (text[1:2].isupper() or text.split()[0].isupper()):
        text = text[0].lower() + text[1:]
    return _Subject(head, predicate, singular(head[-1]) != head[-1], "bare", text)


# "step (iii)", "step c)": a step the claim labels so
_LABELLED_STEP = re.compile(r"^(?:the\s+)?step\s+(?P<label>\((?:[a-z]|[ivx]{1,5}|\d{1,2})\)|(?:[a-z]|[ivx]{1,5})\))\s+(?=\S)",
                            re.IGNORECASE)
# a symbol of a claimed formula: "R13 is methyl", "M1 and M2 occupy the same lattice", "n is 3 or 4"
_SYMBOL = r"(?<![\w'-])(?:[A-Z]{1,2}\d{0,3}'?|[A-Z][a-z]?\d{1,3}'?|[a-z]\d{0,2}'?)(?![\w'-])"
_SYMBOLS = re.compile(rf"^(?P<symbols>{_SYMBOL}(?:\s*,\s*{_SYMBOL})*(?:\s*,?\s+(?P<conj>and|or)\s+{_SYMBOL})?)\s+(?=[a-z])")
# what a claim step is named by, a gerund with its object: "determining the field", "obtaining a sample"
_GERUND_PHRASE = re.compile(r"^[A-Za-z]{2,}ing\s+(?:the|an?|said|each|one\s+or\s+more|at\s+least\s+one)\s")
# what is done to something, named by its noun: "generation of bubbles displaces a dye", "incorporation of an
# unstable domain into the scaffold generates X"
_NOMINAL_OF = re.compile(r"^(?P<head>[A-Za-z]{3,}(?:tion|sion|ment|ance|ence|ysis))\s+of\s+(?!(?:the|said|this|these|it|its|their)\b)"
                         r"(?=[A-Za-z])")


def claim_labels(text: str) -> frozenset[str]:
    """The labels a claim gives its steps or elements, lower case: "(iii)", "c)" -> {"iii", "c"}."""
    return frozenset(re.findall(r"(?<![\w(])\(?([a-z]|[ivx]{1,5}|\d{1,2})\)", text.lower()))


def _symbols_of(body: str, claim_text: str) -> _Subject | None:
    """ "R13 is methyl", "M1 and M2 occupy the same lattice": symbols the claim writes, as written."""
    m = _SYMBOLS.match(body)
    if not m or not claim_text:
        return None
    symbols = re.findall(_SYMBOL, m.group("symbols"))
    # (as the claim writes it: not a function "A(t)" the sentence's dropped parenthetical leaves as "A")
    if not symbols or any(not re.search(rf"(?<![\w'-]){re.escape(x)}(?![\w'(])", claim_text) for x in symbols):
        return None
    if len(symbols) == 1 and symbols[0] in ("A", "I", "a"):
        return None  # an article, a pronoun
    predicate = body[m.end() :]
    if len(predicate.split()) > 1 and predicate.split()[1] in ("is", "are", "was", "were", "may", "can", "has", "have"):
        return None  # "MR images is generated": the symbol modifies a noun
    plural = len(symbols) > 1 and m.group("conj") != "or"
    # ("M1 and M2 occupy": a plural verb in its base form)
    if not (_VERB_OPEN.match(predicate) or (plural and predicate.split()[0] not in _NP_STOP | _AFTER_VERB)):
        return None
    return _Subject([symbols[0].lower()], predicate, plural, "symbol", m.group("symbols"))


def _subject_of(body: str, terms: Sequence[_ChainTerm], steps: frozenset[str], *,
                labels: frozenset[str] = frozenset(), claim_text: str = "") -> _Subject | None:
    labelled = _LABELLED_STEP.match(body)
    if labelled:
        label = labelled.group("label")
        if label.strip("()").lower() not in labels:
            return None
        # "step (iii) comprises lowering X", "Step d) may include comparing X": the claim's step so labelled
        predicate = body[labelled.end() :]
        if not _VERB_OPEN.match(predicate):
            return None
        return _Subject(["step"], predicate, False, "labelled", f"step {label}")
    body = re.sub(r"^(?:such\s+an?|this|these|the\s+present)\s+", "the ", body, flags=re.IGNORECASE)
    # "the step of creating X includes Y" refines the claimed step "creating X", as "Creating X includes Y" does
    step_of = re.match(r"^(?:the|said)\s+step\s+of\s+(?=(?P<gerund>[a-z]+ing)\b)", body, re.IGNORECASE)
    if step_of and step_of.group("gerund").lower() in steps:
        body = body[step_of.end() :]
    if re.match(r"^(?:the|said|each)\b", body, re.IGNORECASE):
        split = _split_subject(body)
        if split is None:
            return None
        words, predicate, plural = split
        # "the first pulse and the second pulse have ...", "the presence or absence of X is detected",
        # "the LBD and the reporter or TF are fused"
        if _COORDINATED.match(predicate):
            return _coordinated(body, words, predicate, plural)
        # "the cell expressing the first protein is a hybridoma", "the rate of perfusion can be calculated",
        # "the period of time to allow for X ranges from"
        after = _after_modifiers(predicate, strict=True)
        if after is not None:
            text = body[: len(body) - len(after)].strip()
            text = re.sub(r"^(?:(?P<the>the|said)|each)\b", lambda m: "the" if m.group("the") else "each", text,
                          flags=re.IGNORECASE)
            return _Subject(words, after, plural, "the", text)
        if len(words) == 1 and words[0] in steps:
            return _Subject(words, predicate, False, "step", f"the {words[0]}")
        return _Subject(words, predicate, plural, "the")
    body = re.sub(r"^the\s+step\s+of\s+", "", body, flags=re.IGNORECASE)
    step = _STEP.match(body) or _STEP_DONE.match(body)
    if step:
        gerund = step.group("step").split()[0].lower()
        rest = step.group("rest")
        if "verb" not in step.groupdict():
            verb = "is"
        else:
            verb = "consists of" if step.group("verb").lower().startswith("consist") else "comprises"
        phrase = step.group("step")
        text = phrase[0].lower() + phrase[1:]
        named = bool(_GERUND_PHRASE.match(phrase))  # "obtaining the sample", not "superconducting circuits"
        if gerund in steps and (named or "verb" in step.groupdict()):
            return _Subject([gerund], f"{verb} {rest}", False, "step", text)
        if named and gerund not in _NOT_STEPS:
            # a step the claim names by a gerund that is also a noun ("setting", "coating"), or one the method
            # does not have ("Setting the timing resolution may include using X"): a new step
            claimed = re.search(rf"\b{gerund}\b", claim_text, re.IGNORECASE)
            return _Subject([gerund], f"{verb} {rest}", False, "step" if claimed else "new_step", text)
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
        # "an increase of the MNA level in the sample indicates X": the subject as written
        attribute = _BARE_OF.match(body[lead.end() :])
        if attribute:
            found = _bare_of(body[lead.end() :], attribute, terms)
            if found is not None and found.text is not None:
                found.text = f"{lead.group().lower()}{found.text}"
            return found
        split = _split_subject("the " + body[lead.end() :])
        return _Subject(split[0], split[1], False, "a") if split else None
    # "electrodeposition of the catalyst on the electrode causes X", "total volume of the kit is 25 uL": what is
    # done to or measured of a claimed element, written bare
    attribute = _BARE_OF.match(body)
    if attribute:
        return _bare_of(body, attribute, terms)
    nominal = _NOMINAL_OF.match(body)
    if nominal and claim_text and any(t.surface in body.lower() for t in terms if len(t.surface) > 3):
        # "generation of bubbles displaces a dye present in the peroxide solution": as written
        predicate = _after_modifiers(body[nominal.end("head") :].strip())
        if predicate is None or not predicate.strip():
            return None
        head = nominal.group("head").lower()
        text = body[: len(body) - len(predicate)].strip()
        if "," in text or len(text.split()) > 12:
            return None
        return _Subject([head], predicate, False, "nominal", text[0].lower() + text[1:])
    # "ICR consists of ...", "Quality scores are ...": only a claimed term written bare
    body = re.sub(r"^(?:suitable|exemplary|typical|illustrative)\s+(?=[a-z])", "", body, flags=re.IGNORECASE)
    split = _split_subject("the " + body)
    term = _match_term(split[0], terms) if split is not None else None
    if split is None or term is None or set(split[0][:-1]) - set(term.words[:-1]) or _COORDINATED.match(split[1]):
        return _symbols_of(body, claim_text)
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
    refines: tuple[str, ...] = ()
    """For a limitation of an element the claim does not name ("the spring is steel"): that
    element's words; it can only be suggested as a dependent of a suggestion that introduces it."""
    introduces: tuple[str, ...] = ()
    """For "further comprising a spring ...": the new element's words."""


def _as_written(limitation: str, sentence: str) -> str:
    """The limitation with the words of its subject cased as the sentence writes them ("the pebp
    family member" -> "the PEBP family member")."""
    # each word of the sentence (and each part of a hyphenated one) as first written, by its lower case
    written: dict[str, str] = {}
    for m in re.finditer(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", sentence):
        token = m.group()
        for word in (token, *token.split("-")) if "-" in token else (token,):
            written.setdefault(word.lower(), word)

    def recase(m: re.Match[str]) -> str:
        word = m.group()
        as_written = written.get(word)
        # (a one-letter word is never an acronym: "A shaft" opening the sentence keeps "a shaft")
        if as_written and as_written != word and len(word) > 1 and not as_written[1:].islower():
            return as_written
        return word

    return re.sub(r"[a-z][a-z0-9-]*", recase, limitation)


def _words_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_NEAR_DUPLICATE = 0.6
"""Token F1 from which a limitation repeats a chosen one of the same element ("drying the impregnated
coke at 110 C" and "drying the impregnated coke at 120 C"): it would take one of the places and add
little. (0.6: the best of 0.5 to 0.9 for recall@10 on the documents bench/fit_dependent_ranker.py
fits on.)"""


def _token_f1(a: Counter[str], b: Counter[str]) -> float:
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values())) if common else 0.0


# "is heated at", "are then centrifuged", "is selected that": a step done to the subject; not a participle that
# says what it is ("is configured to", "is made of", "is selected from the group")
_PASSIVE = re.compile(
    r"^(?:is|are)\s+(?:then\s+|further\s+|also\s+|first\s+|subsequently\s+|thereafter\s+|optionally\s+)?"
    r"(?P<participle>[a-z]{3,}ed|made|sent|built|held|fed|taken|chosen|grown|frozen|bound|run|set|cut|split|spun|"
    r"ground|written|read|kept|brought|sought|spread|shaken|withdrawn|drawn)\b(?P<rest>.*)$"
)
_STATE_PARTICIPLES = frozenset(
    {"configured", "adapted", "arranged", "positioned", "disposed", "located", "coupled", "connected", "attached",
     "mounted", "based", "associated", "related", "composed", "comprised", "shaped", "sized", "designed", "intended",
     "defined", "known", "referred", "called", "termed", "named", "needed", "required", "expected", "considered",
     "believed", "thought", "deemed", "supposed", "used", "involved", "included", "contained", "equipped", "fixed",
     "embedded", "enclosed", "oriented", "aligned", "spaced", "sealed", "integrated", "provided", "capped",
     "limited", "dedicated", "suited", "exposed", "inclined", "curved", "angled", "tapered", "biased", "linked",
     "interposed", "surrounded", "covered", "filled", "loaded", "made", "formed", "constructed", "built", "bound",
     "dependent", "independent", "operated", "powered", "controlled", "driven", "held", "set", "kept", "followed",
     "preceded", "preferred", "occupied", "accompanied", "characterized", "characterised"}
)  # fmt: skip
_IRREGULAR_GERUNDS = {"sent": "sending", "fed": "feeding", "taken": "taking", "chosen": "choosing", "grown": "growing",
                      "frozen": "freezing", "run": "running", "cut": "cutting", "split": "splitting", "spun": "spinning",
                      "ground": "grinding", "written": "writing", "read": "reading", "brought": "bringing",
                      "sought": "seeking", "spread": "spreading", "shaken": "shaking", "withdrawn": "withdrawing",
                      "drawn": "drawing"}


# subjects that are steps or labels already ("step (iii) is carried out at 50 C" is no "carrying step (iii) out")
_STEP_SUBJECTS = frozenset({"step", "new_step", "numbered_step", "labelled", "symbol", "nominal"})
# what follows a passive step: how, where, when or with what it is done ("is heated at 600 C", "is then dried")
_STEP_REST = re.compile(r"(?:at|in|on|with|by|for|to|from|into|onto|under|over|until|using|via|during|before|after|"
                        r"through|within|between|below|above|against|across|along|based|according|depending|prior|"
                        r"upon|as|per|[a-z]+ly)\b", re.IGNORECASE)


def _passive_step(predicate: str, found: _Subject) -> str | None:
    """ "is heated at 600 C" said of "the electrode structures" -> "heating the electrode structures at
    600 C"; None when the predicate is no passive step."""
    m = _PASSIVE.match(predicate)
    if m is None:
        return None
    participle, rest = m.group("participle"), m.group("rest").strip()
    if participle in _STATE_PARTICIPLES or (participle == "selected" and rest.startswith("from")) or not rest:
        return None
    if found.written in _STEP_SUBJECTS or (found.text and re.match(r"[a-z]+ing\b", found.text)):
        return None  # "heating the substrate is performed at 50 C" is a step already, no "performing heating ..."
    if not _STEP_REST.match(rest) or re.search(r"[,;]|\band\s+(?:then\s+)?[a-z]+ed\b", rest):
        return None  # "the cells are encapsulated islet cells" (an adjective); "is dried, and ..." (more clauses)
    if rest.split()[0] in ("of", "from", "as", "by", "to", "with", "than", "in", "on") and participle in (
            "formed", "selected", "derived", "obtained", "prepared", "produced"):
        return None  # "is formed of steel", "is derived from X": what it is, not a step
    if participle in _IRREGULAR_GERUNDS:
        gerund = _IRREGULAR_GERUNDS[participle]
    elif participle.endswith("ied"):
        gerund = participle[:-3] + "ying"
    elif participle.endswith("eed"):
        gerund = participle[:-1] + "ing"  # "freed" -> "freeing"
    else:
        gerund = participle[:-2] + "ing"  # "heated" -> "heating", "stored" -> "storing", "transmitted" -> "transmitting"
    if found.text is not None:
        thing = found.text
    else:
        thing = ("a " if found.written == "a" else "the ") + " ".join(found.words)
    return f"{gerund} {thing} {rest}".strip()


_FUNCTION_WORDS = frozenset({"a", "an", "the", "said", "further", "comprising", "comprises", "including", "includes",
                             "wherein", "whereby", "is", "are", "be", "being", "each", "of"})


_ADDED_STEP = re.compile(r"further\s+comprising:?\s+[a-z]{3,}ing\s+(?:the|an?|said|one|each|at\s+least)\b")


def _content_sequence(text: str) -> str:
    """The words of `text` without articles and joining words, for telling restatements: "further comprising
    determining the deformation field based on the volume data" -> " determining deformation field based on volume
    data " (spaces around, so that a phrase is found only whole)."""
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _FUNCTION_WORDS]
    return f" {' '.join(words)} "


def _restates(limitation: str, claim_sequence: str) -> bool:
    """Whether the claim already says `limitation` word for word (up to articles and joining words)."""
    words = _content_sequence(limitation)
    return len(words.split()) >= 3 and words in claim_sequence


def dependent_candidates(
    claim: Claim, description: Sequence[tuple[int, str]], *, summary: frozenset[int], terms: Sequence[_ChainTerm]
) -> list[DependentCandidate]:
    """Every sentence of `description` that reads as a further limitation of `claim`, with its
    ranking features, unranked."""
    subject = preamble_subject(claim.preamble) or "claim"
    subject_head = singular(subject.split()[-1])
    subject_words = {*subject.lower().split(), "present", "disclosed", "exemplary", "instant", "inventive"}
    claim_text = claim.text.lower()
    claim_words = set(re.findall(r"[a-z][a-z-]{3,}", claim_text))
    claim_tokens = set(re.findall(r"[a-z0-9][a-z0-9-]*", claim_text))
    steps = _claim_steps(claim)
    claim_sequence = _content_sequence(claim.text)
    labels = claim_labels(claim.text)
    method = claim.category == Category.METHOD
    last = max((i for i, _ in description), default=0) or 1
    out: list[DependentCandidate] = []
    for index, paragraph in description:
        for raw in _SENTENCE.split(paragraph):
            sentence = raw.strip()
            # (a Markush group may list many members: "selected from the group consisting of" A, B, ... Z)
            longest = 2000 if "group consisting of" in sentence else 600
            if not 20 <= len(sentence) <= longest or not sentence.endswith("."):
                continue
            body, strong = _statement(sentence)
            claimlike = bool(_NUMBERED.match(sentence))
            # "The base is flat, and the lid is hinged to the base": each clause is a limitation of its own
            clauses = [body, *(_CLAUSES.split(body) if _CLAUSES.search(body) else [])]
            for clause in clauses:
                # "The disclosed subject matter can further involve X" speaks of what is claimed, as "the method"
                clause = _DISCLOSED.sub(f"the {subject_head} ", clause)
                # (a numbered embodiment written like a claim may list its steps: "...; and generating ...")
                if ";" in clause and not claimlike:
                    clause = _listed(clause) or ""  # (a list after a colon stays whole)
                if not clause or _SKIP.search(clause) or '"' in clause:
                    continue
                numbered_step = _NUMBERED_STEP.match(clause)
                if numbered_step:
                    # "Step 612 involves padding the data": a step of the method named by its reference numeral,
                    # a further one when the claim does not name it
                    rest = clause[numbered_step.end() :]
                    gerund = rest.split()[0].lower()
                    if method and gerund not in steps and not re.search(rf"\b{gerund}\b", claim_text):
                        found = _Subject([subject_head], f"comprises {rest}", False, "numbered_step")
                    else:
                        continue
                elif added := _ADDED.match(clause):
                    # "further comprising X" (a numbered embodiment that adds X): X added to the claimed subject
                    found = _Subject([subject_head], f"further comprises {added.group('rest')}", False, "the")
                else:
                    found = _subject_of(clause, terms, steps, labels=labels, claim_text=claim.text)
                if found is None:
                    continue
                words, predicate, plural, written = found.words, found.predicate, found.plural, found.written
                predicate = _TRIM.split(predicate, maxsplit=1)[0].strip(" ,")
                markush = predicate.startswith("is selected from the group consisting of")
                alternative = re.search(r",\s+or\s+", predicate)
                if alternative and not markush and "," not in predicate[: alternative.start()]:
                    # "has a contact angle greater than 120 degrees, or greater than 135 degrees": the first
                    # alternative (a list "A, B, or C" has a comma before its "or" and stays whole)
                    predicate = predicate[: alternative.start()]
                predicate = _shorten(predicate, most=250 if markush else 50)
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
                        refines: tuple[str, ...] = (), introduces: tuple[str, ...] = (), **extra: float) -> None:
                    if _restates(limitation, claim_sequence):
                        return  # "the first graph comprises nodes ..." that the claim already says adds nothing
                    if join == "further" and not method and _ADDED_STEP.match(limitation):
                        return  # "heating the housing" is a step of a method, no part of a device
                    out.append(DependentCandidate(element, _as_written(limitation, sentence), join, index, sentence,
                                                  {**features, kind: 1.0, **extra}, refines=refines,
                                                  introduces=introduces))

                step = _passive_step(predicate, found) if method else None
                if step is not None and _restates(step, claim_sequence):
                    continue  # "the field is determined based on the data" after the claim's "determining a field ..."
                if step is not None and (strong or modal or further or index in summary):
                    # "the structures may be heated at 600 C" in a method's description is the step
                    # "heating the structures at 600 C" (the statement itself is offered too, below)
                    add("kind_passive", subject, f"further comprising {step}", "further")
                if written == "numbered_step":
                    add("kind_numbered_step", subject, f"further {predicate.replace('comprises', 'comprising', 1)}",
                        "further")
                    continue
                if written == "new_step":
                    # "Setting the timing resolution may include using X" in a method that does not set it: "further
                    # comprising setting the timing resolution, wherein setting the timing resolution comprises using X"
                    if method and (strong or modal or index in summary or _MODAL.search(clause)):
                        add("kind_new_step", subject, f"further comprising {found.text}, wherein {found.text} {predicate}",
                            "further")
                    continue
                if written == "nominal" and not (strong or modal or index in summary):
                    continue  # "development of new varieties is limited by X": background
                if written in ("labelled", "symbol", "nominal"):
                    # "step (iii) comprises X" (the step the claim labels "(iii)"), "R13 is methyl" (a symbol of the
                    # claim's formula), "generation of bubbles displaces X": as written
                    kind = {"labelled": "kind_labelled_step", "symbol": "kind_symbol", "nominal": "kind_nominal"}[written]
                    add(kind, found.text or "", f"{found.text} {predicate}")
                    continue
                if found.text is not None:
                    # a step, several elements or a quantity, written as the description writes them
                    add("kind_step" if written == "step" else "kind_written", found.text, f"{found.text} {predicate}")
                    continue
                if singular(words[-1]) == subject_head and len(words) <= 2 and written != "a":
                    if set(words[:-1]) - subject_words:
                        continue  # "the graphite scrubber is replaced" is no statement of the claimed ozone scrubber
                    if plural:  # "the methods include treating X": "the method includes treating X"
                        predicate = singular_verb(predicate)
                    fm = _FURTHER.match(predicate)
                    if fm and (further or strong or modal or index in summary):
                        colon = ":" if fm.group("colon") else ""
                        add("kind_further", subject, f"further comprising{colon} {fm.group('rest')}", "further")
                    elif not fm:
                        # what the claimed thing itself is or does: "the device is integrated into a meter"
                        add("kind_subject", subject, f"the {subject} {predicate}")
                    continue
                term = _match_term(words, terms) or _unmodified_term(words, terms, claim_tokens)
                if term is None:
                    # a new element with what it does: "the metering stack is configured to receive ..." ->
                    # "further comprising a metering stack configured to receive ..."
                    # only what the description offers as a variant ("may", "in some embodiments", the
                    # summary) or introduces ("A spring is ..."): "The weather was fine." is no element
                    if len(words) > 4 or singular(words[-1]) in _CATEGORY_NOUNS:
                        continue  # "The method may comprise ..." is no element of a cell culture claim
                    np = " ".join(words)
                    if written == "the":
                        # "the spring is steel" refines a spring another suggestion may introduce ("further
                        # comprising a spring ..."): a claim dependent on that one (choose_candidates); "the
                        # cells are islet cells" one that introduces cells (_introducing)
                        add("kind_chain", np, f"the {np} {predicate}", refines=tuple(words))
                    if not (strong or modal or index in summary or written == "a"):
                        continue
                    if plural and not strong:
                        # "the inventors have found", "the x-rays are provided by": what a plural subject says
                        # is a new element only when offered as an embodiment (measured on the documents the
                        # ranking fits on: modal or summary plural subjects displace better suggestions)
                        continue
                    # "In some embodiments, the cells can be encapsulated islet cells." -> "further comprising a
                    # plurality of cells that are encapsulated islet cells"
                    article = "a plurality of" if plural else indefinite_article(words[0])
                    relative = re.sub(r"^(?:is|are)\s+(?=(?:configured|adapted|operable|arranged|positioned|disposed|"
                                      r"located|coupled|connected|attached|mounted)\b)", "", predicate)
                    if relative == predicate:
                        relative = "that " + predicate
                    add("kind_new", subject, f"further comprising {article} {np} {relative}", "further",
                        introduces=tuple(words), introduced=float(written == "a"))
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


def add_lexicon_scores(candidates: Sequence[DependentCandidate], lexicon: DependentLexicon) -> None:
    """Each candidate's "lexicon" feature: the claim-language lexicon's log-odds that it is claimed."""
    for c in candidates:
        c.features["lexicon"] = lexicon.score(element=c.element, limitation=c.limitation, sentence=c.sentence,
                                              kind=c.kind)


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
        article = "" if singular(head) != head else indefinite_article(rest.split()[0]) + " "
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
    lexicon: DependentLexicon | None = None,
) -> list[DependentSuggestion]:
    """Up to `per_claim` dependent claims for each independent claim, best first, numbered after
    the last claim in that order. `description` is (paragraph index, text) pairs. A suggestion
    about an element another suggestion introduces depends on that suggestion and counts among
    the `per_claim` of the independent claim."""
    active = [c for c in claims.active if c.text.strip()]
    if not active:
        return []
    next_number = max(c.number_end or c.number for c in claims.claims) + 1
    summary = frozenset(summary_paragraphs)
    out: list[DependentSuggestion] = []
    for claim in active:
        if not claim.independent:
            continue
        terms = _claim_terms(claim, parser)
        found = dependent_candidates(claim, description, summary=summary, terms=terms)
        if lexicon is not None:
            add_lexicon_scores(found, lexicon)
        subject = preamble_subject(claim.preamble) or "claim"
        first = next_number  # the number of this claim's first suggestion

        def as_claim(c: DependentCandidate, ancestors: Sequence[tuple[int, ChosenCandidate]], *, claim: Claim = claim,
                     subject: str = subject, first: int = first) -> str | None:
            joiner = ", " if c.kind == "further" else ", wherein "
            on = first + ancestors[-1][0] if ancestors else claim.number
            text = f"The {subject} of claim {on}{joiner}{c.limitation}."
            chain = [(first + position, chosen.text) for position, chosen in ancestors]
            return _checked(claim, text, parser, exempt=exempt, inherent=inherent, chain=chain)

        for chosen in choose_candidates(found, per_claim=per_claim, accept=as_claim):
            text = chosen.text
            # what follows "The <subject> of claim N, wherein " or "..., " (a "further comprising X, wherein ..."
            # keeps its own "wherein")
            opening = re.match(r"^The .*? of claim \d+(?:, wherein |, )", text)
            limitation = text[opening.end() :] if opening else text
            parent = claim.number if chosen.parent is None else first + chosen.parent
            c = chosen.candidate
            out.append(DependentSuggestion(next_number, parent, text, c.element, limitation.rstrip("."), c.paragraph,
                                           c.sentence, c.score, root=claim.number))
            next_number += 1
    return out


@dataclass(slots=True)
class ChosenCandidate:
    candidate: DependentCandidate
    text: str
    """What `accept` made of it (the checked claim text), or its limitation."""
    parent: int | None = None
    """Position (among the chosen) of the suggestion it depends on; None: the independent claim."""


# the article that introduces an element: "further comprising a spring", "includes one or more hooks"
_INTRODUCING = re.compile(r"\b(?:an?|one\s+or\s+more|at\s+least\s+one)\s+(?=[A-Za-z])", re.IGNORECASE)


def _introduced(text: str) -> list[_ChainTerm]:
    """The elements `text` introduces, head singular: "further comprising a compression spring
    biasing the latch" -> [compression spring]."""
    out = []
    for m in _INTRODUCING.finditer(text):
        # (a preposition ends the phrase: "a plurality of cells within the implant" introduces cells)
        phrase = re.split(r"[,;:.()]|\s(?=(?:within|into|onto|through|between|under|over|along|across|around|via|"
                          r"against|toward|towards|upon|during|without|inside)\s)", text[m.end() :], maxsplit=1)[0]
        split = _split_subject(f"the {phrase} is")  # "is": the phrase may run to the end of the claim
        if split:
            words = (*split[0][:-1], singular(split[0][-1]))
            out.append(_ChainTerm(words, " ".join(split[0])))  # the surface as written: "cells" stays plural
    return out


def _introducing(candidate: DependentCandidate, chosen: Sequence[ChosenCandidate],
                 introduced: Sequence[list[_ChainTerm]]) -> int | None:
    """The position of the first chosen suggestion that introduces the element `candidate`
    refines (the same head, no modifier it lacks), not drawn from the same sentence; "the cells"
    only where it introduces cells ("one or more cells", "a plurality of cells"), not "a cell"."""
    head = candidate.refines[-1]
    plural = singular(head) != head
    for position, (parent, terms) in enumerate(zip(chosen, introduced, strict=True)):
        if parent.candidate.sentence == candidate.sentence:
            continue  # "further comprising a spring that is steel" and "the spring is steel": one statement
        term = _match_term(list(candidate.refines), terms)
        if (term is not None and set(candidate.refines[:-1]) <= set(term.words[:-1])
                and (not plural or term.surface.split()[-1] == head)):
            return position
    return None


def choose_candidates(
    candidates: Sequence[DependentCandidate],
    *,
    per_claim: int,
    accept: Any = None,
    weights: dict[str, float] | None = None,
) -> list[ChosenCandidate]:
    """The best `per_claim` candidates (scored with `weights`), best first, one per distinct
    limitation, each with what `accept(candidate, ancestors)` makes of it (the checked claim text;
    None rejects it). A candidate refining an element the claim does not name waits until a chosen
    one introduces that element, and depends on it (`ancestors`: (position, chosen) from the
    independent claim down to its parent)."""
    for c in candidates:
        c.score = rank_score(c.features, weights)
    waiting = sorted(candidates, key=lambda c: -c.score)
    seen: set[str] = set()
    # (sentence, element) of the chosen that introduce or refine an element the claim does not name:
    # "further comprising a cover that is hinged" and "wherein the cover is hinged" say one thing
    told: set[tuple[str, tuple[str, ...]]] = set()
    out: list[ChosenCandidate] = []
    chosen_words: list[Counter[str]] = []
    introduced: list[list[_ChainTerm]] = []
    while len(out) < per_claim:
        pick = parent = None
        for k, c in enumerate(waiting):
            parent = _introducing(c, out, introduced) if c.refines else None
            if not c.refines or parent is not None:
                pick = k
                break
        if pick is None:
            break
        best = waiting.pop(pick)
        key = _words_key(best.limitation)
        words = Counter(key.split())
        new_element = (best.sentence, best.refines or best.introduces)
        if key in seen or new_element in told or any(
            chosen.candidate.element == best.element and _token_f1(words, w) >= _NEAR_DUPLICATE
            for chosen, w in zip(out, chosen_words, strict=True)
        ):
            continue
        seen.add(key)
        ancestors: list[tuple[int, ChosenCandidate]] = []
        up = parent
        while up is not None:
            ancestors.insert(0, (up, out[up]))
            up = out[up].parent
        accepted = accept(best, ancestors) if accept is not None else best.limitation
        if accepted is not None:
            out.append(ChosenCandidate(best, accepted, parent))
            chosen_words.append(words)
            introduced.append(_introduced(accepted))
            if new_element[1]:
                told.add(new_element)
    return out


def _checked(parent: Claim, text: str, parser: Any, *, exempt: Sequence[str], inherent: Sequence[str],
             chain: Sequence[tuple[int, str]] = ()) -> str | None:
    """`text` as a dependent claim of `parent`, or of the last of `chain` ((number, text) of the
    suggestions between, `parent`'s dependent first), with antecedent basis (unsupported "the X"
    introduced), or None when it cannot be made to pass."""
    numbers = [parent.number, *(number for number, _ in chain)]
    local = {number: position for position, number in enumerate(numbers, start=1)}

    def renumber(claim: str) -> str:  # "of claim 14" -> "of claim 2" in the claim set checked here
        return re.sub(r"\bof claim (\d+)\b", lambda m: f"of claim {local.get(int(m.group(1)), m.group(1))}", claim,
                      count=1)

    lines = [f"1. {parent.text}", *(f"{position}. {renumber(t)}" for position, (_, t) in enumerate(chain, start=2))]
    last = len(numbers) + 1
    for _ in range(2):
        claim_set = parse_claims_text("\n".join([*lines, f"{last}. {renumber(text)}"]))
        if len(claim_set.claims) != last or claim_set.claims[-1].depends_on != [last - 1]:
            return None
        issues = [i for i in analyse_claims(claim_set, parser, exempt=exempt, inherent=inherent) if i.claim == last]
        # an inherent-attribute note without "of" ("the continuous surface") depends on what the
        # other claims introduce, which a suggestion cannot know: introduced like a missing term
        claim_text = claim_set.claims[-1].text
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
        fixed = _introduce_unsupported(claim_set.claims[-1].text, issues, 0)
        if fixed is None:
            return None
        text = re.sub(rf"\bof claim {last - 1}\b", f"of claim {numbers[-1]}", fixed, count=1)
    return None
