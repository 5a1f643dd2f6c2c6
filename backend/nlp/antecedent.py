"""Antecedent-basis analysis of a claim set (used by `rules/antecedent.py`, codes AB...).

Every noun phrase of every claim is classified from a real spaCy parse (tags + a few
dependencies, see `parsing.py`) as

- an *introduction*: "a lever", "an arm", bare "levers" / "data", "a plurality of levers",
  "one or more processors", "two levers", "each lever", "its end", ...;
- a *reference*: "the lever", "said lever", "the plurality of levers", "the at least one processor".

A reference is supported when a term with the same head noun (singular/plural agnostic) whose
words include all the reference's words (ordinals included: "a first lever" supports "the first
lever" and "the lever", never "the second lever"; "a shaft" does not support "the upper shaft")
was introduced earlier in the same claim or anywhere in a claim it depends on, through *every*
dependency chain of a multiply dependent claim.

Noun-phrase extent is computed here (not with `Doc.noun_chunks`): a determiner followed by a run of
modifier/noun tokens; quantifier phrases ("plurality of", "at least one", "one or more", numbers)
are transparent; coordinated modifiers are distributed ("the first and second levers" = "the first
lever" + "the second lever"); a coordinated bare noun inherits the determiner of its first
conjunct ("the lever and shaft").

Findings: AB001 missing antecedent, AB002 inherent attribute ("the length of the rod") without an
explicit antecedent, AB003 ambiguous reference (same term introduced more than once in a chain),
AB004 a missing antecedent of a term used only once whose head noun the chain never uses and no
other claim introduces ("the wrist", "the foliage"): far more often an implicit, inherent or
generic item than a forgotten introduction, so a note, where AB001 (the term is used again, or
reworded from an element the chain names) is an error.
Word lists (exempt phrases, inherent nouns) are passed in by the caller (the engine passes
`ctx.wordlists`; tests and bench scripts use `backend.wordlists.load_wordlists()`): no file I/O here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from backend.nlp.inflection import indefinite_article, singular
from backend.nlp.structure import Claim, ClaimSet, DependencyForm

__all__ = [
    "AntecedentIssue",
    "Mention",
    "analyse_claims",
    "claim_mentions",
]

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

EXEMPT_LIST = "antecedent_exempt"
INHERENT_LIST = "inherent_nouns"
PROPERTY_LIST = "property_nouns"


@dataclass(frozen=True, slots=True)
class _Exempt:
    words: tuple[str, ...]
    mode: str
    """"exact": the phrase ends inside the entry; "prefix": "same ..."; "suffix": "... direction"."""


def _compile_exempt(entries: Iterable[str]) -> list[_Exempt]:
    out = []
    for e in entries:
        e = e.strip().lower()
        mode = "exact"
        if e.endswith("..."):
            mode, e = "prefix", e[:-3].strip()
        elif e.startswith("..."):
            mode, e = "suffix", e[3:].strip()
        words = tuple(e.split())
        if words:
            out.append(_Exempt(words, mode))
    return out


_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


# ---------------------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------------------

NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
MOD_TAGS = frozenset({"JJ", "JJR", "JJS", "VBN", "VBG", "NN", "NNS", "NNP", "NNPS", "CD", "FW", "AFX", "XX"})
REF_DETS = frozenset({"the", "said"})
INTRO_ARTICLES = frozenset({"a", "an"})
INTRO_DETS = frozenset(
    {
        "a", "an", "another", "each", "every", "any", "some", "all", "no", "either", "neither", "both",
        "its", "their", "his", "her", "our", "your", "this", "these", "that", "those", "such",
        "plural", "multiple", "several", "various", "numerous", "many", "few", "other", "further",
        "additional", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "twelve", "first", "second", "third",
    }
)  # fmt: skip
# determiner-like words that stay part of the term when they open a bare phrase
_KEEP_AS_WORD = frozenset({"other", "further", "additional", "first", "second", "third"})
# transparent quantifier phrases (not part of the term)
_QUANT_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("one", "or", "a", "plurality", "of"),
    ("one", "or", "more", "of"),
    ("at", "least", "one", "of"),
    ("only", "one"),
    ("at", "least", "one"),
    ("at", "least", "two"),
    ("at", "most", "one"),
    ("one", "or", "more"),
    ("two", "or", "more"),
    ("plurality", "of"),
    ("multiplicity", "of"),
    ("pair", "of"),
    ("pairs", "of"),
    ("multitude", "of"),
    ("couple", "of"),
    ("plurality",),
    ("plural",),
    ("multiple",),
    ("several",),
    ("various",),
    ("numerous",),
)
# quantifier nouns that are also terms of their own when introduced ("a set of rules" ... "the set")
_QUANT_NOUNS = frozenset({"pair", "plurality", "multiplicity"})
# verbs the tagger sometimes takes for nouns after a noun phrase ("the stream comprises")
_VERB_WORDS = frozenset(
    {"comprising", "comprises", "comprise", "including", "includes", "consisting", "consists",
     "having", "has", "containing", "contains", "wherein", "whereby", "thereof", "therein",
     "thereon", "thereto", "therefrom", "therewith", "thereby", "being", "is", "are"}
)  # fmt: skip
_DROP_WORDS = frozenset(
    {"respective", "corresponding", "aforementioned", "aforesaid", "above-mentioned", "mentioned",
     "recited", "claimed", "entire", "whole", "least", "most", "more", "plural", "multiple",
     "several", "various", "numerous"}
)  # fmt: skip
_COPULA = frozenset({"is", "are", "be", "being", "been", "as", "was", "were", "becomes", "become", "forms"})
_DEPENDENCY_TAIL = re.compile(
    r"^[\s,]*(?:(?:of|in|by|under|per|from)|according\s+to|as\s+(?:\w+\s+){0,3}(?:in|by|to)|"
    r"(?:recited|claimed|defined|described|set\s+forth|specified|disclosed|stated|mentioned)\s+(?:in|by)|"
    r"(?:in\s+)?accordance\s+with)\s+(?:\w+\s+){0,4}?claims?\s*\d",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Mention:
    """One noun phrase of a claim, as the analysis sees it."""

    kind: str
    """"intro" or "ref"."""
    start: int
    end: int
    """Offsets in the claim text of the whole phrase (determiner through head noun)."""
    terms: list[tuple[str, ...]]
    """Normalised terms (lower case, head noun singular, last): one per distributed alternative
    ("the first and second levers" -> [("first", "lever"), ("second", "lever")])."""
    det: str = ""
    plural: bool = False
    head_index: int = -1
    """Token index of the head noun."""
    inherent: bool = False
    """Reference to an inherent attribute: "the length of ...", head in the inherent list."""
    exempt: bool = False
    qualified: bool = False
    """Followed by what tells it apart ("of ...", "which ...", "obtained by ..."): "a surface of the
    plate" and "a surface of the lid" are two terms, not one term introduced twice."""
    predicate: bool = False
    """Introduction after a copula ("is a lever"): not counted as a second introduction."""
    words: tuple[str, ...] = ()
    """Raw lower-case words after the determiner (for the exemption list)."""
    alts: list[tuple[str, ...]] = field(default_factory=list)
    """Another reading of the phrase ("the assembly pivots": ("assembly",), alternative
    ("assembly", "pivot")); a reference is supported when either reading is."""
    soft: frozenset[str] = frozenset()
    """Participle and adjective modifiers ("the captured radiation", "the resulting signal", "the
    integral member"): when the claim chain uses another form of the word ("capturing radiation",
    "a member integrally formed"), a reference whose other words are supported is accepted (the
    modifier restates what the claim already says)."""


# a bare conjunct starting with these is an item of its own, not one more under the determiner
# before it ("the sensor node and associated error range")
_NEW_ITEM_MODIFIERS = frozenset({"associated", "corresponding", "respective", "another", "additional"})

# modifiers that tell two elements apart: never restated description ("the second lever")
_FIXED_MODIFIERS = frozenset(
    {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
     "upper", "lower", "inner", "outer", "left", "right", "front", "rear", "top", "bottom", "new",
     "old", "other", "additional", "further", "next", "previous", "last", "initial", "final", "same"}
)  # fmt: skip

_QUANT_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _pat in _QUANT_PATTERNS:
    _QUANT_BY_FIRST.setdefault(_pat[0], []).append(_pat)


def _quant_mask(lower: Sequence[str]) -> list[bool]:
    mask = [False] * len(lower)
    i = 0
    n = len(lower)
    while i < n:
        for pat in _QUANT_BY_FIRST.get(lower[i], ()):
            k = len(pat)
            if tuple(lower[i : i + k]) == pat:
                for j in range(i, i + k):
                    mask[j] = True
                i += k - 1
                break
        i += 1
    return mask


def _is_label(tok: Any) -> bool:
    t = tok.text
    return (len(t) <= 2 and t.isalpha() and (t.isupper() or len(t) == 1)) or (
        len(t) <= 4 and any(c.isdigit() for c in t) and any(c.isalpha() for c in t)
    )


def _is_mod(tok: Any) -> bool:
    if tok.tag_ in MOD_TAGS:
        return tok.is_alpha or tok.like_num or any(c.isalpha() for c in tok.text)
    return False


def claim_mentions(doc: Any, text: str, *, inherent: frozenset[str] = frozenset()) -> list[Mention]:
    """The noun-phrase mentions of one claim's parse, in text order."""
    toks = list(doc)
    n = len(toks)
    lower = [t.lower_ for t in toks]
    mask = _quant_mask(lower)
    used = [False] * n
    mentions: list[Mention] = []
    # head token index -> mention, for coordinated bare nouns inheriting a determiner
    by_head: dict[int, Mention] = {}

    def next_real(j: int) -> int:
        while j < n and toks[j].is_space:
            j += 1
        return j

    def run_from(j: int) -> tuple[list[int], int]:
        """Indices of the run of modifier tokens starting at j (quantifiers transparent), and the
        index one past it."""
        run: list[int] = []
        while j < n:
            t = toks[j]
            if t.is_space:
                j += 1
                continue
            if lower[j] in _VERB_WORDS or lower[j] in REF_DETS:
                break
            if mask[j] or _is_mod(t):
                if run and _is_label(t) and toks[run[-1]].tag_ in NOUN_TAGS:
                    # "the distance r", "the lever A", "the node N1": a label after a noun ends the run
                    break
                run.append(j)
                j += 1
                continue
            if t.tag_ == "HYPH" or t.text in ("-", "/"):
                nj = next_real(j + 1)
                if run and nj < n and _is_mod(toks[nj]) and t.whitespace_ == "":
                    run.append(j)
                    j += 1
                    continue
                break
            if t.lower_ in ("and", "or", ",", "and/or") and run:
                prev = toks[run[-1]]
                nj = next_real(j + 1)
                if nj < n and lower[nj] in ("and", "or"):
                    nj = next_real(nj + 1)
                nxt = toks[nj] if nj < n else None
                # coordination of modifiers ("first and second levers", "upper and lower plates"):
                # the token before is a modifier, not a noun heading its own phrase
                prev_is_modifier = prev.tag_ in ("JJ", "JJR", "VBN", "CD") or (
                    prev.tag_ in NOUN_TAGS and prev.dep_ in ("compound", "amod", "nmod") and prev.head.i > j
                )
                if prev_is_modifier and nxt is not None and _is_mod(nxt) and not mask[run[-1]]:
                    # the run must go on to a noun after the coordination
                    k = nj
                    while k < n and (_is_mod(toks[k]) or mask[k]):
                        k += 1
                    if any(toks[x].tag_ in NOUN_TAGS for x in range(nj, k)):
                        run.append(j)
                        j += 1
                        continue
                break
            break
        return run, j

    def build(
        det_i: int | None, run: list[int], kind: str, allow_cut: bool = True, head_last: bool = False
    ) -> Mention | None:
        # the parser's head of the phrase cuts the run: "a rear socket opening at", "the stream moves"
        # (the longer reading stays as an alternative: the parser is wrong about as often as the tagger)
        inrun = set(run)
        cut = None
        if allow_cut and det_i is not None:
            dh = toks[det_i].head
            if dh.i in inrun and dh.tag_ in NOUN_TAGS and dh.i != run[-1]:
                cut = dh.i
        elif allow_cut:
            roots = [x for x in run if toks[x].head.i not in inrun or toks[x].head.i == x]
            nroots = [x for x in roots if toks[x].tag_ in NOUN_TAGS]
            if nroots and nroots[0] != run[-1] and len(roots) == 1:
                cut = nroots[0]
        if cut is not None:
            short = build(det_i, [x for x in run if x <= cut], kind, allow_cut=False)
            full = build(det_i, run, kind, allow_cut=False)
            if short is not None:
                if full is not None:
                    short.alts = [*full.terms, *full.alts]
                return short
            return full
        # head: the last noun of the run (a gerund "the heating" only with a determiner)
        head = None
        for x in reversed(run):
            if toks[x].tag_ in NOUN_TAGS and not mask[x]:
                head = x
                break
        if head is None:
            last = toks[run[-1]] if run else None
            if (
                det_i is not None
                and last is not None
                and not mask[run[-1]]
                and (
                    last.tag_ == "VBG"
                    or head_last
                    # "the non-human mammal" tagged all adjectives: the last word is the noun
                    or (last.tag_ == "JJ" and len(run) > 1 and last.lower_ not in _FIXED_MODIFIERS)
                )
            ):
                head = run[-1]
            else:
                return None
        if allow_cut and toks[head].tag_ in ("NNS", "NN", "VBZ", "VBP"):
            # "the front wheel assembly pivots on", "the armrest serving to", "the reservoir form a",
            # "the first sub-task satisfies a": a verb read as a noun (the longer reading stays as an
            # alternative, so a reference is supported when either reading is)
            prev = [x for x in run if x < head and not mask[x]]
            nh = next_real(head + 1)
            h = toks[head]
            verb_form = h.tag_ in ("VBZ", "VBP") or h.lower_.endswith(("s", "ing"))
            object_follows = nh < n and (
                toks[nh].tag_ in ("DT", "PRP$", "CD", "PRP") or lower[nh] in REF_DETS
            )
            verbish = object_follows or (
                nh < n
                and verb_form
                and (
                    (toks[nh].tag_ in ("IN", "RB", "TO", "RBR", "JJR") and lower[nh] != "of")
                    or (toks[nh].tag_ == "VBN" and h.dep_ in ("aux", "auxpass", "ROOT"))
                )
            )
            verbish = verbish or any(ch.dep_ in ("nsubj", "nsubjpass", "dobj", "aux") for ch in h.children)
            prev_ok = bool(prev) and (
                toks[prev[-1]].tag_ in NOUN_TAGS
                # "sub-task": the tagger's adjective before a 3rd-person verb form
                or (toks[prev[-1]].tag_ == "JJ" and verb_form and object_follows)
            )
            if prev_ok and verbish:
                short = build(det_i, [x for x in run if x < head], kind, allow_cut=False, head_last=True)
                full = build(det_i, run, kind, allow_cut=False)
                if short is not None and full is not None:
                    short.alts = full.terms
                    return short
        body = [x for x in run if x <= head]
        # split at coordination of modifiers
        words: list[tuple[int, str]] = []
        for x in body:
            t = toks[x]
            if mask[x] or t.tag_ == "CD" or (t.like_num and not t.is_alpha):
                continue
            if t.tag_ == "HYPH" or t.text in ("-", "/"):
                words.append((x, "-"))
                continue
            words.append((x, t.lower_))
        # join hyphenated words ("computer - readable" -> "computer-readable")
        joined: list[tuple[int, str]] = []
        k = 0
        while k < len(words):
            x, w = words[k]
            if w == "-" and joined and k + 1 < len(words):
                _px, pw = joined.pop()
                joined.append((words[k + 1][0], pw + "-" + words[k + 1][1]))
                k += 2
                continue
            if w == "-":
                k += 1
                continue
            joined.append((x, w))
            k += 1
        if not joined:
            return None
        head_word = joined[-1][1]
        plural = toks[head].tag_ in ("NNS", "NNPS") or (
            head_word != singular(head_word) and toks[head].tag_ != "NNP"
        )
        mods = [w for _, w in joined[:-1]]
        head_sing = singular(head_word) if toks[head].tag_ != "NNP" else head_word
        head_sing = "-".join(singular(p) if i == len(head_sing.split("-")) - 1 else p
                             for i, p in enumerate(head_sing.split("-")))  # fmt: skip
        # coordination: [A, and, B, C] -> (A, C), (B, C)
        terms: list[tuple[str, ...]] = []
        if any(w in ("and", "or", ",", "and/or") for w in mods):
            groups: list[list[str]] = [[]]
            for w in mods:
                if w in ("and", "or", ",", "and/or"):
                    if groups[-1]:
                        groups.append([])
                else:
                    groups[-1].append(w)
            last = groups[-1]
            shared = last[1:] if len(last) > 1 else []
            conjuncts = [g for g in groups[:-1] if g] + [last[:1]] if last else [g for g in groups if g]
            for g in conjuncts:
                terms.append(_norm_term([*g, *shared], head_sing))
        else:
            terms.append(_norm_term(mods, head_sing))
        terms = [t for t in terms if t and t[-1]]
        if not terms:
            return None
        start = toks[det_i].idx if det_i is not None else toks[body[0]].idx
        end = toks[head].idx + len(toks[head].text)
        raw_words = tuple(lower[x] for x in run if not toks[x].is_space)
        m = Mention(
            kind=kind,
            start=start,
            end=end,
            terms=terms,
            det=lower[det_i] if det_i is not None else "",
            plural=plural,
            head_index=head,
            words=raw_words,
            soft=frozenset(
                lower[x]
                for x in body
                if x != head and toks[x].tag_ in ("VBN", "VBG", "JJ") and lower[x] not in _FIXED_MODIFIERS
            ),
        )
        nh = next_real(head + 1)
        m.qualified = nh < n and (
            lower[nh] in ("of", "which", "that", "where", "whose", "wherein")
            or (toks[nh].tag_ == "VBN" and lower[nh] not in _VERB_WORDS)
        )
        # "the dew point of the steam", "the inner cavity of the base": a part or property named by
        # what it belongs to (MPEP 2173.05(e) accepts inherent components), a note rather than an
        # error; "the interface between the core and the clad" for the listed inherent nouns
        if kind == "ref" and nh < n and (lower[nh] == "of" or (lower[nh] == "between" and head_sing in inherent)):
            m.inherent = True
        return m

    i = 0
    while i < n:
        t = toks[i]
        if used[i] or t.is_space:
            i += 1
            continue
        low = lower[i]
        det_kind = None
        if mask[i]:
            pass
        elif low in REF_DETS and (t.tag_ in ("DT", "VBD", "VBN", "JJ", "NNP") or low == "the"):
            nj = next_real(i + 1)
            if nj < n and (mask[nj] or _is_mod(toks[nj])):
                det_kind = "ref"
        elif low in INTRO_DETS and low not in _KEEP_AS_WORD and t.tag_ in ("DT", "PRP$", "PDT", "CD", "JJ"):
            nj = next_real(i + 1)
            if low == "one":
                ok_next = nj < n and toks[nj].tag_ in NOUN_TAGS
            else:
                ok_next = nj < n and (mask[nj] or _is_mod(toks[nj]))
            if ok_next:
                det_kind = "intro"
        if det_kind is not None:
            run, j = run_from(i + 1)
            m = build(i, run, det_kind) if run else None
            if m is not None:
                if det_kind == "intro":
                    pv = i - 1
                    while pv >= 0 and toks[pv].is_space:
                        pv -= 1
                    m.predicate = pv >= 0 and (lower[pv] in _COPULA or toks[i].dep_ == "attr")
                    # "a set of rules": the quantifier noun is a term of its own too
                    if mask[run[0]] and lower[run[0]] in _QUANT_NOUNS | {"sets", "pairs"}:
                        m.terms.append((singular(lower[run[0]]),))
                mentions.append(m)
                by_head[m.head_index] = m
                for x in range(i, m.head_index + 1):
                    used[x] = True
                i = m.head_index + 1
            else:
                used[i] = True
                i += 1
            continue
        if mask[i] or _is_mod(t):
            # a bare phrase: starts here, unless part of a longer run already handled
            run, j = run_from(i)
            m = build(None, run, "intro") if run else None
            if m is None:
                for x in run:
                    used[x] = True
                i = max(j, i + 1)
                continue
            # a bare conjunct of a determined phrase inherits its determiner ("the lever and shaft")
            h = toks[m.head_index]
            if h.dep_ == "conj":
                first = h.head
                while first.dep_ == "conj" and first.head.i < first.i:
                    first = first.head
                parent = by_head.get(first.i)
                between = [toks[x] for x in range(parent.head_index + 1, i)] if parent is not None else []
                first_word = toks[run[0]]
                if (
                    parent is not None
                    and parent.kind == "ref"
                    # "said PCD and other PCDs", "the anode and electrical conductors": a bare plural
                    # after "and" is an introduction of its own
                    and not m.plural
                    # "connected to the cannula and communicating with ...": a verb, not a noun;
                    # "the sensor node and associated error range": a new item that goes with it
                    # "and fit said rim": a verb with its object
                    and not (len(run) == 1 and next_real(run[-1] + 1) < n and (
                        (first_word.lower_.endswith("ing") and first_word.lower_ not in _ING_NOUNS
                         and toks[next_real(run[-1] + 1)].tag_ in ("IN", "TO"))
                        or lower[next_real(run[-1] + 1)] in REF_DETS))
                    and first_word.lower_ not in _NEW_ITEM_MODIFIERS
                    and all(b.is_space or b.lower_ in ("and", "or", ",", "and/or") for b in between)
                    and any(b.lower_ in ("and", "or", "and/or") for b in between)
                ):
                    m.kind = "ref"
                    m.det = parent.det
            mentions.append(m)
            by_head[m.head_index] = m
            for x in range(i, m.head_index + 1):
                used[x] = True
            i = m.head_index + 1
            continue
        i += 1
    # acronyms: "a central processing unit (CPU)" introduces "cpu"
    for m in mentions:
        if m.kind != "intro":
            continue
        rest = text[m.end : m.end + 24]
        am = re.match(r"\s*\(\s*([A-Za-z][A-Za-z0-9\-]{1,11})\s*\)", rest)
        if am and any(c.isupper() for c in am.group(1)):
            acronym = singular(am.group(1).lower())
            m.terms.append((acronym,))
            # "a personal user interface (UI)" also introduces "personal UI"
            for term in list(m.terms[:1]):
                for k in range(2, len(term) + 1):
                    if "".join(w[0] for w in term[-k:]) == acronym.replace("-", "") and k < len(term):
                        m.terms.append((*term[:-k], acronym))
    return mentions


def _norm_term(mods: Sequence[str], head: str) -> tuple[str, ...]:
    return (*[w for w in mods if w not in _DROP_WORDS and w != "'s"], head)


# ---------------------------------------------------------------------------------------------
# Analysis of a claim set
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AntecedentIssue:
    code: str
    """AB001 missing antecedent, AB002 inherent attribute, AB003 ambiguous, AB004 missing
    antecedent of a term used once whose head noun the chain never uses."""
    claim: int
    start: int
    end: int
    """Offsets of the phrase ("the lever") in the claim text."""
    phrase: str
    message: str
    suggestion: str | None = None
    chains: tuple[tuple[int, ...], ...] = ()
    """For AB001 in a multiply dependent claim: the dependency chains lacking the term."""


@dataclass(slots=True)
class _ClaimInfo:
    claim: Claim
    mentions: list[Mention]
    tokens_lower: set[str] = field(default_factory=set)
    verbs_lower: set[str] = field(default_factory=set)
    """Words the tagger read as verbs ("administering"): a dependent claim's "the administration"."""
    doc: Any = None


def _supports(intro: tuple[str, ...], ref: tuple[str, ...]) -> bool:
    if intro[-1] != ref[-1]:
        if "-" not in intro[-1] and "-" not in ref[-1]:
            return False
        # "a ground plane" and "said ground-plane": the hyphen is spelling, not a different term
        intro, ref = _dehyphenated(intro), _dehyphenated(ref)
        if intro[-1] != ref[-1]:
            return False
    if len(ref) == 1:
        return True
    return set(ref[:-1]) <= set(intro[:-1])


@lru_cache(maxsize=65536)
def _dehyphenated(term: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part for word in term for part in word.split("-") if part)


def _article(term: Sequence[str]) -> str:
    return indefinite_article(term[0]) if term else "a"


def _exempt(m: Mention, exempt: list[_Exempt], text: str, det_end: int) -> bool:
    phrase = _WORD_RE.findall(text[det_end : m.end].lower())
    after = _WORD_RE.findall(text[det_end : det_end + 160].lower())
    head = tuple(singular(w) for w in phrase[-2:])
    for e in exempt:
        k = len(e.words)
        if e.mode == "suffix":
            if tuple(singular(w) for w in e.words) == head[-k:]:
                return True
        elif tuple(after[:k]) == e.words and (e.mode == "prefix" or len(phrase) <= k):
            return True
    return False


# a reference followed by its definition: "the amino acid sequence of SEQ ID NO: 2", "the formula (I)"
_DEFINED_TAIL = re.compile(
    r"^\s*(?:(?:of|in|by|as\s+(?:set\s+forth|shown|defined|given|depicted|illustrated)\s+in|according\s+to)\s+)?"
    r"(?:SEQ\.?\s*ID|FIG|formula|equation|table|example|general\s+formula|\(\s*(?:[IVX]+|[A-Z][^)]{0,12})\))"
    r"|^\s*(?::|=|\d|[\"\u201c\u2018'])",
    re.IGNORECASE,
)


def analyse_claims(
    claims: ClaimSet,
    parser: Any,
    *,
    exempt: Iterable[str] = (),
    inherent: Iterable[str] = (),
    properties: Iterable[str] = (),
) -> list[AntecedentIssue]:
    """Antecedent-basis issues of every active claim, in claim order. `parser` is a
    `backend.nlp.parsing.ClaimParser` (or anything with `parse_many(texts) -> [Doc]`)."""
    exempt_c = _compile_exempt(exempt)
    inherent_s = frozenset(singular(w.strip().lower()) for w in inherent if w.strip())
    properties_s = frozenset(singular(w.strip().lower()) for w in properties if w.strip())
    active = [c for c in claims.active if c.text.strip()]
    docs = parser.parse_many([c.text for c in active])
    infos: dict[int, _ClaimInfo] = {}
    for c, doc in zip(active, docs, strict=True):
        ms = claim_mentions(doc, c.text, inherent=inherent_s)
        dep_end = c.dependency_span[0] if c.dependency_span else -1
        for m in ms:
            if m.kind != "ref":
                continue
            after = c.text[m.end : m.end + 80]
            if (
                _DEPENDENCY_TAIL.match(after)
                # the parse cut a hyphenated word ("the co-extruding", "the face-to-back direction"):
                # what the phrase is cannot be told, so nothing is reported on it
                or re.match(r"-\w", after)
                or (not c.independent and m.end <= dep_end and m.start < 3)
                or re.match(r"\s*(?:thereof|therefor|therebetween|of\s+(?:the\s+)?same)\b", after)
                or _DEFINED_TAIL.match(after)
                or (m.terms[0][-1] in _DEFINED_HEADS and re.match(r"\s*(?:\(|\n|\[CHEMICAL)", after))
            ):
                m.exempt = True
            elif len(m.terms[0]) == 1 and _ABSTRACT.search(m.terms[0][-1]) and re.match(r"\s*of\b", after):
                # "the application of", "the inhibition of", "the quality of": a process or property
                # named by what follows, not a claim element
                m.exempt = True
            elif _exempt(m, exempt_c, c.text, _det_end(doc, m)):
                m.exempt = True
        infos.setdefault(
            c.number,
            _ClaimInfo(
                c, ms, {t.lower_ for t in doc}, {t.lower_ for t in doc if t.tag_.startswith("VB")}, doc
            ),
        )
    # the claims that depend on each claim (an AB001/AB004 decision looks for later uses there)
    descendants: dict[int, list[Claim]] = {}
    for c in active:
        for a in _ancestor_set(claims, c):
            descendants.setdefault(a, []).append(c)
    # in how many claims each head noun is introduced ("a spring" in a sibling claim: an element of
    # the invention, not an implicit item)
    intro_heads = {n: {t[-1] for m in i.mentions if m.kind == "intro" for t in m.terms} for n, i in infos.items()}
    claims_introducing = Counter(h for heads in intro_heads.values() for h in heads)
    issues: list[AntecedentIssue] = []
    for c in active:
        info = infos.get(c.number)
        if info is None or info.claim is not c:
            continue
        later = [d.text for d in descendants.get(c.number, ())]
        own = intro_heads[c.number]
        elsewhere = {h for h, k in claims_introducing.items() if k > (h in own)}
        issues.extend(
            _check_claim(claims, c, info, infos, properties_s, later, elsewhere, inherent_heads=inherent_s)
        )
    return issues


_DEFINED_HEADS = frozenset({"formula", "equation", "expression", "structure", "relation", "relationship"})
_ABSTRACT = re.compile(r"(?:tion|sion|ment|ance|ence|ity|ness|ure|age|ing|al|ism|cy|ysis)$")


def _det_end(doc: Any, m: Mention) -> int:
    """Offset just after the determiner of `m` (its start for a bare phrase)."""
    if not m.det:
        return m.start
    for t in doc:
        if t.idx == m.start:
            return t.idx + len(t.text)
    return m.start


def _matches(t: tuple[str, ...], ref: tuple[str, ...], m: Mention) -> bool:
    return _supports(t, ref) or any(_supports(t, a) for a in m.alts)


def _ancestor_set(claims: ClaimSet, c: Claim) -> set[int]:
    seen: set[int] = set()
    todo = list(c.depends_on)
    while todo:
        n = todo.pop()
        if n in seen or n == c.number:
            continue
        seen.add(n)
        parent = claims.get(n)
        if parent is not None:
            todo.extend(parent.depends_on)
    return seen


def _linear_chain(claims: ClaimSet, c: Claim) -> list[int] | None:
    """The ancestors of `c` when each claim on the way has one parent, else None."""
    chain: list[int] = []
    cur = c
    while cur.depends_on:
        if len(cur.depends_on) > 1:
            return None
        n = cur.depends_on[0]
        if n in chain or n == c.number:
            break
        chain.append(n)
        parent = claims.get(n)
        if parent is None:
            break
        cur = parent
    return chain


def _branch_ok(
    claims: ClaimSet,
    num: int,
    ref: tuple[str, ...],
    m: Mention,
    infos: dict[int, _ClaimInfo],
    memo: dict[tuple[int, int, tuple[str, ...]], bool],
    stack: frozenset[int],
) -> bool:
    """Whether every dependency chain through claim `num` (a parent) introduces `ref`."""
    key = (num, id(m), ref)
    if key in memo:
        return memo[key]
    parent = claims.get(num)
    if parent is None or num in stack:
        return False  # missing claim or cycle: the chain ends without the term
    info = infos.get(num)
    ok = info is not None and (
        any(_matches(t, ref, m) for mm in info.mentions for t in (*mm.terms, *mm.alts))
        or _lenient(
            ref, m, [], [(t, mm) for mm in info.mentions for t in (*mm.terms, *mm.alts)], info.tokens_lower
        )
    )
    if not ok and parent.depends_on:
        inner = stack | {num}
        every = any if parent.dependency_form == DependencyForm.CUMULATIVE else all
        ok = every(_branch_ok(claims, p, ref, m, infos, memo, inner) for p in parent.depends_on)
    memo[key] = ok
    return ok


def _check_claim(
    claims: ClaimSet,
    c: Claim,
    info: _ClaimInfo,
    infos: dict[int, _ClaimInfo],
    property_heads: frozenset[str] = frozenset(),
    later_texts: Sequence[str] = (),
    other_claims_words: set[str] = frozenset(),
    *,
    inherent_heads: frozenset[str] = frozenset(),
) -> list[AntecedentIssue]:
    # Every dependency chain must supply the term. The chains are not enumerated (a claim set of
    # "any preceding claim" dependencies has hundreds of thousands): a parent supplies the term
    # when its own text does or, recursively, every parent of it does.
    anc = _ancestor_set(claims, c)
    anc_terms = [
        (t, mm, num)
        for num in anc
        if num in infos
        for mm in infos[num].mentions
        for t in (*mm.terms, *mm.alts)
    ]
    chain_words: set[str] = set().union(*(infos[num].tokens_lower for num in anc if num in infos))
    chain_verbs: set[str] = set().union(*(infos[num].verbs_lower for num in anc if num in infos))
    linear = _linear_chain(claims, c)
    cumulative = c.dependency_form == DependencyForm.CUMULATIVE
    linear_terms = [(t, mm, num) for t, mm, num in anc_terms if linear is not None and num in linear]
    memo: dict[tuple[int, int, tuple[str, ...]], bool] = {}
    local: list[tuple[tuple[str, ...], Mention]] = []
    out: list[AntecedentIssue] = []
    reported_ambiguous: set[tuple[str, ...]] = set()
    text = c.text
    for m in info.mentions:
        if m.kind == "intro" or m.exempt:
            for t in (*m.terms, *m.alts):
                local.append((t, m))
            continue
        # words seen before this mention in this claim, and the chain's verbs (for gerund
        # references: "the heating"); every word of the chain for restated modifiers ("the
        # transcoded stream" after "transcoding the stream" in a parent claim)
        local_words = set(re.findall(r"[a-z]+", text[: m.start].lower()))
        before_words = local_words | chain_verbs
        restate_words = local_words | chain_words
        missing: set[int] = set()
        independent_missing = False
        ambiguous: tuple[str, ...] | None = None
        ambiguous_claims: list[int] = []
        for ref in m.terms:
            if any(_matches(t, ref, m) for t, _ in local):
                found_local = True
            else:
                found_local = False
            if not found_local:
                if _lenient(ref, m, anc_terms, local, before_words, restate_words):
                    continue
                if not c.depends_on:
                    independent_missing = True
                    continue
                for p in c.depends_on:
                    if not _branch_ok(claims, p, ref, m, infos, memo, frozenset({c.number})):
                        missing.add(p)
                if cumulative and len(missing) < len(set(c.depends_on)):
                    # "The material of claim 13, wherein the composition of claim 1 ...": every claim
                    # referred to is incorporated at once, so one of them supplying the term is enough
                    missing = set()
                if missing:
                    continue
            # ambiguity (single chain only): the exact term introduced with "a"/"an" more than once
            if (
                linear is not None
                and ref not in reported_ambiguous
                and not m.qualified
                and not m.plural  # "said layers" after "a plurality of layers" and "a layer"
                and not _cut_short(info.doc, m, ref)
            ):
                found = [(t, mm, num) for t, mm, num in linear_terms if _matches(t, ref, m)]
                found += [(t, mm, c.number) for t, mm in local if _matches(t, ref, m)]
                exact = {
                    id(mm): num
                    for t, mm, num in found
                    if t == ref
                    and mm.kind == "intro"
                    and mm.det in INTRO_ARTICLES
                    and not mm.predicate
                    and not mm.qualified
                }
                if len(exact) >= 2 and len({id(mm) for _, mm, _ in found}) == len(exact):
                    ambiguous = ref
                    ambiguous_claims = sorted(set(exact.values()))
        if (missing or independent_missing) and info.doc is not None:
            # the tagger's noun-phrase extent is wrong about one phrase in twenty ("said latch pivot
            # axis" read as "said latch pivot" + a verb): the words as written, introduced as written
            # ("a latch pivot axis") in every chain that lacks them, are a basis whatever the parse
            written = _written_reference(info.doc, m)
            own = text[: m.start]
            if written and (not independent_missing or _introduced_any(written, [own])):
                missing = {p for p in missing if not _introduced_any(written, [own, *_chain_texts(claims, p)])}
                independent_missing = False
            if cumulative and len(missing) < len(set(c.depends_on)):
                missing = set()
        missing_chains = [(p,) for p in sorted(missing)] + ([()] if independent_missing else [])
        chains = [(p,) for p in c.depends_on] or [()]
        phrase = " ".join(text[m.start : m.end].split())
        loc = (m.start, m.end)
        if missing_chains:
            term = m.terms[0]
            words = " ".join(term)
            if m.plural:
                intro = " ".join((*term[:-1], _plural_form(text, m)))
            else:
                intro = f"{_article(term)} {words}"
            via = ""
            if len(chains) > 1 and len(missing_chains) < len(chains):
                via = " (through claim " + ", ".join(str(ch[0]) for ch in missing_chains if ch) + ")"
            once_new = _named_once_and_new(
                text, m, term, local_words | chain_words | other_claims_words, later_texts
            )
            if m.inherent or (
                len(term) <= 2
                and not m.plural
                and not any(w in _FIXED_MODIFIERS for w in term[:-1])
                # "the viscosity"; "the wall", "the distance" named once and nowhere else: a part
                # or property of something the claim recites
                and (term[-1] in property_heads or (once_new and term[-1] in inherent_heads))
            ):
                out.append(
                    AntecedentIssue(
                        "AB002",
                        c.number,
                        *loc,
                        phrase,
                        f'Inherent attribute "{phrase}" in claim {c.number} has no explicit antecedent{via}',
                        f'Usually acceptable when it is an inherent property of what follows; introduce "{intro}" if in doubt',
                        tuple(missing_chains),
                    )
                )
            elif once_new:
                out.append(
                    AntecedentIssue(
                        "AB004",
                        c.number,
                        *loc,
                        phrase,
                        f'"{phrase}" in claim {c.number} is used once and never introduced{via}: '
                        "an implicit item, or a missing antecedent",
                        f'Nothing to change when it is inherent or implicit ("the wrist" of a wearer); '
                        f'otherwise change to "{intro}"',
                        tuple(missing_chains),
                    )
                )
            else:
                out.append(
                    AntecedentIssue(
                        "AB001",
                        c.number,
                        *loc,
                        phrase,
                        f'No antecedent basis for "{phrase}" in claim {c.number}{via}',
                        f'Introduce "{intro}" earlier, or change to "{intro}"',
                        tuple(missing_chains),
                    )
                )
        elif ambiguous is not None:
            reported_ambiguous.add(ambiguous)
            words = " ".join(ambiguous)
            where = " and ".join(str(x) for x in ambiguous_claims)
            out.append(
                AntecedentIssue(
                    "AB003",
                    c.number,
                    *loc,
                    phrase,
                    f'Ambiguous antecedent for "{phrase}" in claim {c.number}: '
                    f'"{_article(ambiguous)} {words}" is introduced more than once (claim{"s" if len(ambiguous_claims) > 1 else ""} {where})',
                    f'Give the terms distinct names (e.g. "a first {words}", "a second {words}"), or refer back with "the {words}"',
                )
            )
        # a reference counts as a term from here on (no repeated reports)
        for t in (*m.terms, *m.alts):
            local.append((t, m))
    return out


def _named_once_and_new(
    text: str, m: Mention, term: tuple[str, ...], seen_words: set[str], later_texts: Sequence[str]
) -> bool:
    """Whether an unsupported reference is the only use of its term and its head noun is a word
    the claim chain never used before it. Such references are more often implicit or inherent items
    ("the wrist", "the foliage", "the center") than forgotten introductions (on hand-judged findings
    of granted patents about one in five was a real slip, against two in three of the others); a
    term the claims use again ("the spring ... the spring"), a term another claim introduces, or
    a reworded element ("the frame" after "a frame assembly") is a claim element."""
    head = term[-1]
    forms = {head, singular(head), head + "s", head + "es"}
    if head.endswith("y"):
        forms.add(head[:-1] + "ies")
    if seen_words & forms:
        return False
    *mods, _ = (re.escape(w).replace("\\-", "[-\\s]?") for w in term)
    last = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    again = re.compile(
        r"\b(?:the|said|an?)\s+(?:(?:plurality|pair|set|number|multiplicity)\s+of\s+|at\s+least\s+one\s+|"
        r"one\s+or\s+more\s+)?" + "".join(w + r"\s+" for w in mods) + rf"(?:{last})\b",
        re.IGNORECASE,
    )
    return not again.search(text, m.end) and not any(again.search(t) for t in later_texts)


# words that end a noun phrase as written (prepositions, conjunctions, verbs of claim language)
_PHRASE_END = frozenset(
    {"of", "in", "on", "at", "to", "for", "with", "by", "from", "into", "onto", "over", "under", "between",
     "through", "within", "and", "or", "but", "nor", "the", "a", "an", "said", "that", "which", "who",
     "whose", "wherein", "whereby", "where", "when", "while", "such", "so", "as", "is", "are", "was",
     "were", "be", "being", "been", "has", "have", "having", "comprises", "comprising", "comprise",
     "includes", "including", "include", "consisting", "consists", "contains", "containing", "can",
     "may", "must", "will", "shall", "should", "would", "could", "than", "each", "thereof", "therein",
     "thereto", "therebetween", "thereon", "therefrom", "thereby", "about", "along", "across", "against",
     "around", "via", "per", "relative", "adjacent", "configured", "adapted", "operable", "arranged",
     "located", "disposed", "positioned", "coupled", "connected", "attached", "mounted", "formed",
     "defined", "provided", "extending", "if", "then", "upon", "after", "before", "during", "until",
     "above", "below", "beneath", "behind", "toward", "towards", "up", "down", "out", "off", "not",
     "only", "also", "further", "respectively", "together", "both", "either", "all", "any", "its",
     "their", "it", "they", "this", "these", "those", "one"}
)  # fmt: skip
_WRITTEN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_INTRO_WORDS = (
    r"(?:an?|one|two|three|four|another|at\s+least\s+(?:one|two)(?:\s+of)?|one\s+or\s+more(?:\s+of)?|"
    # "a corresponding plurality of", "a first plurality of"
    r"(?:an?\s+(?:[\w-]+\s+)?)?plurality\s+of|multiple|several|(?:an?\s+)?pair\s+of)"
)


_OBJECT_STARTS = frozenset({"the", "a", "an", "said", "each", "at", "one", "its", "their"})


def _written_reference(doc: Any, m: Mention) -> list[list[list[str]]] | None:
    """The readings of reference `m` as written after its determiner, each a list of conjuncts
    (word lists), up to where the phrase must end (a preposition, a verb of claim language,
    punctuation, a reference sign): "said latch pivot axis such that" -> [[["latch", "pivot",
    "axis"]]]; "the path contacts the wall" -> [[["path", "contacts"]], [["path"]]] (a trailing verb
    or not); "said first and second axial ends" -> [[["first", "axial", "ends"], ["second",
    "axial", "ends"]]]. Quantifiers after the determiner are skipped ("the at least one lever")."""
    if not m.det:
        return None
    # (whitespace tokens stand for masked reference signs, "circuit (2)", and line breaks: both end
    # the phrase)
    toks = [t for t in doc if t.idx > m.start]
    lower = [t.lower_ for t in toks]
    mask = _quant_mask(lower)
    i = 0
    while i < len(toks) and mask[i]:
        i += 1
    words, i = _written_words(toks, i)
    if not words:
        return None
    nxt = toks[i] if i < len(toks) else None
    if nxt is not None and nxt.lower_ in ("and", "or") and i + 1 < len(toks) and toks[i + 1].lower_ not in REF_DETS:
        # "said first and second axial ends", "the operation code and function fields": both
        # conjuncts, each with the shared head ("first axial end", "operation code field")
        right, _ = _written_words(toks, i + 1)
        if not right or len(words) + len(right) > 8:
            return None
        readings = [[[*words, *right[1:]], right]] if len(right) > 1 else [[words, right]]
        if len(words) > 1 and words[-1].endswith("s") and right[0].endswith("s") and len(right) == 1:
            readings.append([words[:-1]])  # "the path contacts and moves": two verbs
        return readings
    if nxt is not None and nxt.lower_ in ("/", "and/or"):
        return None
    readings = [[words]]
    last = toks[i - 1] if i > 0 else None
    if len(words) > 1 and (
        (
            nxt is not None
            and nxt.lower_ in _OBJECT_STARTS - {"at", "one"}
        )
        or (last is not None and last.tag_ == "VBZ")
    ):
        # "the path contacts the wall", "the conduit and the reservoir form a circuit": a verb with
        # its object after the noun phrase ("the lever arm at the spring" is still one phrase)
        readings.append([words[:-1]])
    elif (
        len(words) > 1
        and words[-1].endswith("s")
        and not words[-1].endswith("ss")
        and not words[-2].endswith("s")
        and (nxt is None or not _WRITTEN_WORD.fullmatch(nxt.text) or nxt.tag_ in ("IN", "TO", "RB", "DT"))
    ):
        # "the armrest swivels, ...", "the tension meter detects, into ...": a verb the tagger took
        # for a plural noun; read so only when the claims never use the word as a noun
        readings.append([words[:-1], _NotANoun(words[-1])])
    if len(words) > 2 and words[0].endswith("ed"):
        # "the received request signal" after "receiving a request signal": the participle restates
        readings.append([words[1:]])
    return readings


def _written_words(toks: Sequence[Any], i: int) -> tuple[list[str], int]:
    """The words of a noun phrase as written from token `i`, and the index where it ends."""
    words: list[str] = []
    while i < len(toks) and len(words) < 6:
        t = toks[i]
        if t.text == "-" and words and i + 1 < len(toks) and not t.whitespace_ and _WRITTEN_WORD.fullmatch(toks[i + 1].text):
            words[-1] += "-" + toks[i + 1].lower_
            i += 2
            continue
        if t.is_space or not _WRITTEN_WORD.fullmatch(t.text) or (t.lower_ in _PHRASE_END and words):
            break
        if words and t.tag_ in ("VBG", "VBN") and t.dep_ not in ("amod", "compound", "nmod"):
            break  # "the electrodes providing probe landings", "the GPS receiver used as"
        words.append(t.lower_)
        i += 1
    return words, i


def _cut_short(doc: Any, m: Mention, ref: tuple[str, ...]) -> bool:
    """Whether the words written after the determiner go on past the parsed phrase ("the surface
    filling layer" parsed as "the surface"): then the parsed term is not what the claim says."""
    if doc is None:
        return False
    written = _written_reference(doc, m)
    return bool(written) and len(written[0][0]) > len(ref)


@dataclass(frozen=True, slots=True)
class _NotANoun:
    """A condition of a reading: `word` is read as a verb, so the claims must not use it as a noun."""

    word: str


def _introduced_any(readings: Sequence[Sequence[Any]], texts: Sequence[str]) -> bool:
    """Whether every conjunct of one of the readings is introduced as written in `texts`."""
    return any(
        all(
            not _used_as_noun(c.word, texts) if isinstance(c, _NotANoun) else _introduced_in(c, texts)
            for c in reading
        )
        for reading in readings
    )


def _used_as_noun(word: str, texts: Sequence[str]) -> bool:
    """Whether `word` ("swivels") or its singular follows an article or a number in `texts`
    ("a swivel", "two swivels")."""
    pattern = _noun_use_pattern(singular(word))
    return any(pattern.search(t) for t in texts)


@lru_cache(maxsize=4096)
def _noun_use_pattern(sing: str) -> re.Pattern[str]:
    # the word must end the phrase: "a swivel movement" does not use "swivel" as a noun
    return re.compile(
        rf"\b(?:an?|each|one|two|three|plurality\s+of|pair\s+of)\s+(?:[\w-]+\s+){{0,3}}{re.escape(sing)}(?:e?s)?\b"
        + _ENDS_PHRASE,
        re.IGNORECASE,
    )


def _chain_texts(claims: ClaimSet, num: int) -> list[str]:
    """The texts of claim `num` and of every claim it depends on."""
    claim = claims.get(num)
    if claim is None:
        return []
    return [c.text for a in {num} | _ancestor_set(claims, claim) if (c := claims.get(a)) is not None]


def _introduced_in(words: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether `words` are introduced as written ("a latch pivot axis", "at least one conveyance
    circuit (2)", "one or more sensors") in one of `texts`, ending where the phrase ends (so "a
    lever arm" never introduces "the lever"); or, for a compound, with its parts in the other
    order ("a surface of an organic tissue" introduces "the organic tissue surface", "a substrate
    having a top surface" introduces "the substrate top surface")."""
    if not words:
        return False
    return any(pattern.search(text) for pattern in _intro_patterns(tuple(words)) for text in texts)


# nouns in -ing that follow another noun in a compound ("a lever housing", "a ball bearing")
_ING_NOUNS = (
    "housing", "bearing", "casing", "coating", "opening", "fitting", "mounting", "coupling", "bushing",
    "lining", "winding", "spring", "ring", "string", "wing", "ceiling", "building", "drawing", "setting",
    "filling", "sealing", "seating", "spacing", "packing", "tubing", "wiring", "padding", "molding",
    "moulding", "landing", "heading", "fastening", "clothing", "bedding", "railing", "flooring",
    "sheathing", "framing", "piping", "marking", "recording", "reading", "rating", "training", "finishing",
    "plating", "cladding", "shielding", "dressing", "thing", "sling", "topping", "mapping", "listing",
    "timing", "processing", "programming", "printing", "lighting", "heating", "cooling", "routing",
    "signaling", "signalling", "scheduling", "caching", "switching", "sensing", "imaging", "holding",
    "handling", "cutting", "welding", "bonding", "etching", "doping", "binding", "loading", "covering",
    "casting", "facing", "awning", "flashing", "siding", "tiling", "trimming", "edging", "stuffing",
)  # fmt: skip
_ENDS_PHRASE = (
    r"(?=\s*(?:$|[^\w\s-]|\d|(?:" + "|".join(sorted(_PHRASE_END, key=len, reverse=True)) + r"|\w+ed"
    # adjectives after the noun: "a poppet valve moveable relative to", "a device distant from"
    r"|distant|proximate|remote|parallel|perpendicular|opposite|spaced|capable|suitable|responsive"
    r"|(?![\w-]*(?:cable|table|variable|vegetable|consumable|deliverable|receivable|disposable|collectible"
    r"|convertible|stable|constable|bible|crucible)\b)[\w-]+(?:able|ible)"
    # a participle with its object or preposition: "a triisocyanate corresponding to", "a lever
    # housing the spring" (not the nouns in -ing: "a lever housing for the spring")
    r"|(?![\w-]*(?:" + "|".join(_ING_NOUNS) + r")\b)[\w-]+ing(?=\s+(?:to|with|in|on|at|from|for|by|into|onto|the|an?|said|each)\b)"
    # adverbs ("co-axially disposed"), not the nouns that end in -ly
    r"|(?!(?:assembly|supply|family|anomaly|reply|poly|jelly|belly|rally|ally|fly|butterfly|dolly|"
    r"gully|trolley|doily|monopoly)\b)[\w-]+ly)\b))"
)


@lru_cache(maxsize=4096)
def _intro_patterns(words: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    parts = [re.escape(w).replace("\\-", "[-\\s]?") for w in words]
    last = re.escape(singular(words[-1]))
    head = rf"(?:{re.escape(words[-1])}|{last}(?:es|s)?)\b"
    # a compound written as two words, one word or hyphenated ("the foot plate" after "a footplate")
    patterns = [rf"\b{_INTRO_WORDS}\s+" + r"(?:\s+|-|)".join([*parts[:-1], head]) + _ENDS_PHRASE]
    if len(words) >= 2:
        owner = r"\s+".join(parts[:-1])
        patterns.append(rf"\b{_INTRO_WORDS}\s+{head}\s+of\s+(?:(?:an?|the|said)\s+)?{owner}" + _ENDS_PHRASE)
    if len(words) >= 3:
        patterns.append(
            rf"\b{_INTRO_WORDS}\s+{parts[0]}\s+(?:having|with|including|comprising)\s+(?:an?\s+)?"
            + r"\s+".join([*parts[1:-1], head])
            + _ENDS_PHRASE
        )
    if len(words) >= 2:
        rest = r"\s+".join([*parts[1:-1], head])
        # "a first and a second interacting member" introduces "the first interacting member"
        patterns.append(
            rf"\b{_INTRO_WORDS}\s+{parts[0]}\s*,?\s+(?:and|or|and/or)\s+(?:an?\s+)?[\w-]+\s+{rest}" + _ENDS_PHRASE
        )
        # "an ultra-wideband (UWB) transmitter" introduces "the UWB transmitter", "an input direct
        # current (DC) voltage" "the input DC voltage"
        for k in range(len(words) - 1):
            before = "".join(p + r"\s+" for p in parts[:k])
            after = r"\s+".join([*parts[k + 1 : -1], head])
            # "(OOFDMA)-based" for "OOFDMA-based"
            acronym, _, suffix = words[k].partition("-")
            written = re.escape(acronym) + r"[\"\u201d]?\s*\)" + (rf"-{re.escape(suffix)}" if suffix else "")
            patterns.append(
                rf"\b{_INTRO_WORDS}\s+{before}(?:[\w-]+\s+){{1,5}}\(\s*[\"\u201c]?{written}\s+{after}"
                + _ENDS_PHRASE
            )
        # the part introduced on its owner, the owner itself referred to: "said swirler including a
        # forward portion" introduces "said swirler forward portion", "an object having a rigid
        # body with a first end" "said object first end"
        for j in range(1, len(words)):
            # "an annular dome plate having an inner portion" introduces "said dome plate inner portion"
            owner = r"\s+".join(parts[:j])
            part = r"\s+".join([*parts[j:-1], head])
            patterns.append(
                rf"\b(?:the|said|an?|one)\s+(?:[\w-]+\s+){{0,2}}?{owner}\s+(?:having|has|with|including|includes|"
                rf"comprising|comprises|defining|defines)\s*:?\s+"
                # the gap stays inside the owner's own description: no ", and" to another element
                rf"(?:(?:(?!,\s*(?:and|or)\b|\b(?:having|including|comprising)\b)[^;:.]){{0,60}}?\s)?"
                rf"(?:an?|one|at\s+least\s+one)\s+"
                rf"{part}" + _ENDS_PHRASE
            )
        # the first word said after the rest: "a thin film comprising nanoparticles" introduces "the
        # nanoparticle thin film", "a housing made of aluminium" "the aluminium housing"
        patterns.append(
            rf"\b{_INTRO_WORDS}\s+{rest}\s+(?:comprising|of|containing|including|having|made\s+of|formed\s+of|"
            rf"made\s+from|formed\s+from)\s+(?:an?\s+)?(?:[\w-]+\s+){{0,2}}?{parts[0]}(?:e?s)?" + _ENDS_PHRASE
        )
    # one article shared by two nouns: "an ear or nostril" introduces "said nostril"
    patterns.append(
        rf"\b{_INTRO_WORDS}\s+(?:[\w()-]+\s+){{1,3}}(?:or|and|and/or)\s+" + r"\s+".join([*parts[:-1], head]) + _ENDS_PHRASE
    )
    if words[-1] != singular(words[-1]):
        # a bare plural after a preposition or a verb introduces: "for accommodating stacked probe
        # covers", "pictures showing subjects wearing ..."
        patterns.append(
            r"(?:^|[,;:(]\s*|\b(?:for|of|with|to|in|on|from|by|and|or|comprising|including|having|containing|"
            r"[\w-]+ing|[\w-]+ed)\s+)" + r"\s+".join([*parts[:-1], re.escape(words[-1])])
            + r"\b(?:" + _ENDS_PHRASE + r"|(?=\s+[\w-]+ing\b))"
        )
    if len(words) >= 3:
        # the owner after the part: "a right segment of the retainer flange" introduces "the right
        # retainer flange segment"
        for j in range(1, len(words) - 1):
            mods = r"\s+".join(parts[:j])
            owner = r"\s+".join(parts[j:-1])
            patterns.append(
                rf"\b{_INTRO_WORDS}\s+{mods}\s+{head}\s+of\s+(?:(?:an?|the|said)\s+)?{owner}" + _ENDS_PHRASE
            )
    return tuple(re.compile(x, re.IGNORECASE) for x in patterns)


_STEP_HEADS = frozenset({"step", "act", "stage", "operation", "process", "procedure", "phase"})
_NOMINAL_SUFFIXES = ("ation", "ition", "ion", "ing", "ment", "ance", "ence", "ure", "al")


def _stem(word: str) -> str:
    for suf in _NOMINAL_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


def _verb_stem(word: str) -> str:
    for suf in ("ing", "ed"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            w = word[: -len(suf)]
            return w[:-1] if len(w) > 3 and w[-1] == w[-2] else w
    return word


def _lenient(
    ref: tuple[str, ...],
    m: Mention,
    chain_terms: list[tuple[tuple[str, ...], Mention, int]],
    local: list[tuple[tuple[str, ...], Mention]],
    words: set[str],
    restate_words: set[str] | None = None,
) -> bool:
    """Conventions under which an unmatched reference still has a basis."""
    head = ref[-1]
    # "the heating" after "heating the substrate"; "the connection" after "connecting"
    if head.endswith("ing") and (
        head in words or any(w.startswith(_verb_stem(head)) and w != head for w in words)
    ):
        return True
    stem = _stem(head)
    if stem != head:
        stem = stem[:-1] if stem.endswith("e") and len(stem) > 4 else stem  # "measure(ment)" ~ "measuring"
        if any(w.startswith(stem) and w != head for w in words):
            return True
    # "said converting step" after "converting ..."
    if head in _STEP_HEADS and any(w in words for w in ref[:-1]):
        return True
    # "the captured radiation" after "capturing radiation" / "radiation"
    soft = {w for w in m.soft if _restated(w, words if restate_words is None else restate_words)} | (
        m.soft & _RESULT_PARTICIPLES
    )
    if soft and len(ref) > 1:
        hard = (*[w for w in ref[:-1] if w not in soft], head)
        if hard != ref and (
            any(_supports(t, hard) for t, _, _ in chain_terms) or any(_supports(t, hard) for t, _ in local)
        ):
            return True
    return False


def _word_root(word: str) -> str:
    """A crude root shared by a word's inflections and derivations ("modified" -> "modify",
    "integral" -> "integr", "transcoded" -> "transcod")."""
    if word.endswith("ied") and len(word) > 5:
        return word[:-3] + "y"
    for suf in ("ally", "ly", "ing", "ed", "ion", "ive", "able", "ible", "al", "e"):
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            w = word[: -len(suf)]
            return w[:-1] if len(w) > 4 and w[-1] == w[-2] else w
    return word


def _restated(modifier: str, words: set[str]) -> bool:
    """Whether another form of `modifier` occurs in `words` ("transcoded" after "transcoding")."""
    root = _word_root(modifier)
    # a participle may repeat itself: "the stored elements" after "elements stored in a file"
    same_ok = modifier.endswith(("ed", "ing"))
    return len(root) >= 4 and any((same_ok or x != modifier) and x.startswith(root) for x in words)


_RESULT_PARTICIPLES = frozenset(
    {"resulting", "obtained", "determined", "calculated", "computed", "generated", "measured", "detected",
     "received", "selected"}
)  # fmt: skip


def _plural_form(text: str, m: Mention) -> str:
    last = text[m.start : m.end].split()[-1]
    return last.lower() if last.islower() else last
