"""Claim text -> description text: the claims' own words, with the article the description needs,
reference numerals after the terms, and no claim-only phrasing ("said", "of claim 1", "(a)").

Nothing here invents words: every edit is an article ("a"/"an"/"the"), a numeral, or the removal of
claim formalities. The noun phrases come from the antecedent analysis
(`backend.nlp.antecedent.claim_mentions`) over the shared spaCy parse, with two repairs that
matter for numbering: a phrase that starts with the step's verb ("determining first and second
levers") loses the verb, and a phrase that runs through a participle ("a memory storing
instructions") is cut in two ("a memory" + "instructions").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.nlp.antecedent import claim_mentions
from backend.nlp.inflection import indefinite_article, singular
from backend.nlp.structure import Claim

Key = tuple[str, ...]
"""A term as the analysis normalises it: lower case, head noun singular and last."""
AMBIGUOUS = "~"
"""First word of the key of a reference that could name several terms ("said levers" after "first
and second levers"): it matches no numbered term."""

_VERB_TAGS = frozenset({"VB", "VBG", "VBZ", "VBP", "VBD"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_QUANTIFIER_WORDS = frozenset(
    {"one", "or", "more", "at", "least", "plurality", "multiplicity", "of", "multiple", "several", "various",
     "numerous", "respective", "corresponding", "said", "the", "a", "an"}
)  # fmt: skip
_NOT_TERMS = frozenset({"claim", "claims", "fig", "figs", "figure", "figures"})
# participles that relate two elements ("a memory storing instructions") rather than name one
# ("a processing unit"): the tagger often reads them as modifiers
_RELATION_PARTICIPLES = frozenset(
    {"storing", "having", "comprising", "including", "containing", "defining", "carrying", "holding",
     "extending", "forming", "connecting", "coupling", "receiving", "executing", "providing", "supporting",
     "surrounding", "enclosing", "using", "indicating", "representing", "identifying", "specifying",
     "describing", "encoding", "embodying", "bearing", "accommodating", "retaining"}
)  # fmt: skip
_QUANTIFIER_NOUNS = frozenset({"plurality", "multiplicity", "pair", "set"})

# a claim reference inside a claim ("of claim 1", "according to any one of claims 1 to 3")
CLAIM_REFERENCE_RE = re.compile(
    r"\s*,?\s*(?:as\s+(?:claimed|defined|recited|set\s+forth|described)\s+in|according\s+to|in\s+accordance\s+with"
    r"|of|in|as\s+in|per)\s+(?:any\s+(?:one\s+)?(?:of\s+)?(?:the\s+)?(?:preceding\s+)?)?claims?"
    r"(?:\s*\d{1,4}(?:\s*(?:,|or|and|to|through|-|\u2013)\s*(?:claims?\s*)?\d{1,4})*)?\b",
    re.IGNORECASE,
)
_FIGURE_REFERENCE_RE = re.compile(r"\s*\((?:see\s+|as\s+shown\s+in\s+)?FIG(?:URE)?S?\.?\s*[\w\s,.-]{1,20}\)", re.IGNORECASE)
"""A figure reference in parentheses in a claim ("(FIG. 3)"): the draft's figures are its own."""
_REFERENCE_SIGN_RE = re.compile(
    r"\s*\(\s*\d{1,4}[a-z']?(?:\s*(?:[,;]|and|-|\u2013)\s*\d{1,4}[a-z']?)*\s*\)(?!\w)"
)
_SIGN_AFTER_RE = re.compile(r"\s*\(\s*(\d{1,4})\s*\)")
_LABEL_RE = re.compile(r"^\s*(?:\(\s*(?:[a-zA-Z]|[ivxIVX]{1,4}|\d{1,2})\s*\)|(?:[a-zA-Z]|\d{1,2})[.)])\s+")
_LEADING_CONJUNCTION_RE = re.compile(r"^(?:and|or|and/or)\b\s*", re.IGNORECASE)
_TRAILING_RE = re.compile(r"(?:[\s,;:.]+|\s+(?:and|or|and/or))+$", re.IGNORECASE)
_SAID_RE = re.compile(r"\b([Ss])aid(?=\s+[\w\u201c\"'])")
_SPACES_RE = re.compile(r"[ \t\r\n]+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,;:.)])")


@dataclass(slots=True)
class TermSpan:
    """One noun phrase of a claim, as the generator edits it."""

    start: int
    """Offset of the phrase in the claim text (its determiner included)."""
    end: int
    """Offset just after the head noun: where a reference numeral goes."""
    det_end: int
    """Offset just after the determiner (== start when there is none)."""
    det: str
    keys: list[Key]
    """One term per conjunct ("first and second levers": two)."""
    intro: bool
    plural: bool
    alts: list[Key] = field(default_factory=list)
    nominal: bool = True
    """The head is a noun, not a gerund ("leftward pivoting"): only nouns get numerals."""
    after_modifier: bool = False
    """A bare phrase right after a word that already determines it ("its forwardly extended
    orientation", "the flange's segments"): never given an article."""
    sign: int | None = None
    """The reference sign the claim itself gives the term ("a lever (12)")."""
    predicate: bool = False
    """A bare phrase after a copula ("the pin is steel"): says what something is, names no part."""


def _key_from_tokens(tokens: Sequence[Any]) -> Key | None:
    words: list[str] = []
    for t in tokens:
        low = t.lower_
        if t.is_space or t.is_punct and low not in ("-",):
            continue
        if low in _QUANTIFIER_WORDS or t.tag_ in ("DT", "PRP$", "CD"):
            continue
        if low == "-" and words:
            words[-1] += "-"
            continue
        if words and words[-1].endswith("-"):
            words[-1] += low
        else:
            words.append(low)
    words = [w.strip("-") for w in words if w.strip("-")]
    if not words:
        return None
    return (*words[:-1], singular(words[-1]))


def term_spans(claim: Claim, doc: Any) -> list[TermSpan]:
    """The noun phrases of `claim` (parse `doc`), in text order, repaired for numbering."""
    tokens = list(doc)
    dep = claim.dependency_span
    out: list[TermSpan] = []
    for m in claim_mentions(doc, claim.text):
        if dep is not None and m.start < dep[1] and m.end > dep[0] and m.start >= dep[0]:
            continue
        if not m.terms or m.terms[0][-1] in _NOT_TERMS:
            continue
        span_tokens = [t for t in tokens if m.start <= t.idx < m.end and not t.is_space]
        if not span_tokens:
            continue
        det_end = m.start
        body = span_tokens
        det = m.det
        if det and span_tokens[0].lower_ == det:
            det_end = span_tokens[0].idx + len(span_tokens[0].text)
            body = span_tokens[1:]
        elif det:
            det = ""  # a conjunct sharing the determiner of the phrase before ("the plate or disk")
        keys = [tuple(k) for k in m.terms]
        if len(keys) > 1:
            # "a plurality of routes" also introduces "plurality" (for the antecedent rules): not
            # an element of its own here
            keys = [k for k in keys if not (len(k) == 1 and k[0] in _QUANTIFIER_NOUNS)] or keys[:1]
        if not det and len(body) == 1 and _verb_at_element_start(claim.text, tokens, body[0]):
            continue  # "determine, based on the request, ...": a step's verb the tagger took for a noun
        start = m.start
        # a step's verb read as part of the phrase: "determining first and second levers"
        dropped: list[str] = []
        while not det and body and body[0].tag_ in _VERB_TAGS and body[0].dep_ not in ("amod", "compound"):
            dropped.append(body[0].lower_)
            body = body[1:]
        if dropped:
            if not body or not any(t.tag_ in _NOUN_TAGS for t in body):
                continue
            start = det_end = body[0].idx
            first = list(keys[0])
            while first and dropped and first[0] == dropped[0]:
                first.pop(0)
                dropped.pop(0)
            if not first:
                continue
            keys[0] = tuple(first)
        # a participle inside the phrase: "a memory storing instructions" -> "a memory" + "instructions"
        cut = next(
            (
                k
                for k in range(1, len(body) - 1)
                if body[k].tag_ == "VBG"
                and (body[k].dep_ not in ("amod", "compound") or body[k].lower_ in _RELATION_PARTICIPLES)
                and body[k - 1].tag_ in _NOUN_TAGS
                and len(keys) == 1
            ),
            None,
        )
        if cut is not None:
            head_key = _key_from_tokens(body[:cut])
            tail_key = _key_from_tokens(body[cut + 1 :])
            if head_key and tail_key:
                head_end = body[cut - 1].idx + len(body[cut - 1].text)
                out.append(TermSpan(start, head_end, det_end, det, [head_key], m.kind == "intro", False))
                tail_start = body[cut + 1].idx
                out.append(TermSpan(tail_start, m.end, tail_start, "", [tail_key], True, m.plural))
                continue
        if out and _continues(claim.text, out[-1], m):
            # "the candidate routes" parsed as "the candidate" + "routes": the longer reading
            previous = out[-1]
            longer = next((a for a in previous.alts if a[-1] == keys[0][-1]), None)
            if longer is not None:
                previous.end, previous.keys, previous.plural, previous.alts = m.end, [longer], m.plural, []
                continue
        head = tokens[m.head_index] if 0 <= m.head_index < len(tokens) else body[-1]
        sign = _SIGN_AFTER_RE.match(claim.text, m.end)
        out.append(
            TermSpan(
                start=start,
                end=m.end,
                det_end=det_end,
                det=det,
                keys=keys,
                intro=m.kind == "intro",
                plural=m.plural,
                alts=[tuple(a) for a in m.alts],
                nominal=head.tag_ in _NOUN_TAGS,
                after_modifier=not det and _determined_before(tokens, body[0]),
                sign=int(sign.group(1)) if sign else None,
                predicate=not det and _after_copula(tokens, body[0]),
            )
        )
    return out


_COPULAS = frozenset({"is", "are", "was", "were", "be", "being", "been", "becomes", "become"})


def _after_copula(tokens: Sequence[Any], first: Any) -> bool:
    j = first.i - 1
    while j >= 0 and (tokens[j].is_space or tokens[j].tag_ in ("RB", "JJ")):
        j -= 1
    return j >= 0 and tokens[j].lower_ in _COPULAS


def _determined_before(tokens: Sequence[Any], first: Any) -> bool:
    j = first.i - 1
    while j >= 0 and tokens[j].is_space:
        j -= 1
    if j < 0:
        return False
    return tokens[j].tag_ in ("RB", "PRP$", "DT", "POS", "JJ", "JJR", "JJS", "CD", "VBN") or tokens[j].text in ("'", "\u2019")


def _verb_at_element_start(text: str, tokens: Sequence[Any], token: Any) -> bool:
    """A lone word opening a list item and followed by its object or a comma ("; determine, based
    on ...", "; transmit a route"): a verb, whatever the tag."""
    j = token.i - 1
    while j >= 0 and (tokens[j].is_space or tokens[j].lower_ in ("and", "or")):
        j -= 1
    previous_end = tokens[j].idx + len(tokens[j].text) if j >= 0 else 0
    opens = j < 0 or tokens[j].text in (";", ":") or "\n" in text[previous_end : token.idx]
    following = next((t for t in tokens[token.i + 1 :] if not t.is_space), None)
    return opens and following is not None and (following.text == "," or following.tag_ in ("DT", "PRP$"))


def _continues(text: str, previous: TermSpan, m: Any) -> bool:
    """Whether mention `m` (bare) starts right after `previous` ends (one space between)."""
    return not m.det and m.kind == "intro" and m.start - previous.end <= 1 and text[previous.end : m.start].strip() == ""


def element_spans(claim: Claim) -> list[tuple[int, int]]:
    """(start, end) in the claim text of each element of the body: split at top-level ";" and line
    breaks, without labels ("(a)"), leading "and" or trailing punctuation."""
    text = claim.text
    if not claim.transition:
        return []
    pieces: list[tuple[int, int]] = []
    depth = 0
    last = claim.body_start
    for i in range(claim.body_start, len(text)):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ";\n":
            pieces.append((last, i))
            last = i + 1
    pieces.append((last, len(text)))
    out = []
    for s, e in pieces:
        s, e = trim_span(text, s, e)
        if e > s and not _LEADING_CONJUNCTION_RE.fullmatch(text[s:e]):
            out.append((s, e))
    return out


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Without surrounding space, a leading label or conjunction, and trailing punctuation."""
    while True:
        before = (s, e)
        while s < e and text[s].isspace():
            s += 1
        label = _LABEL_RE.match(text[s:e])
        if label:
            s += label.end()
        conj = _LEADING_CONJUNCTION_RE.match(text[s:e])
        if conj and e - s > conj.end():
            s += conj.end()
        trailing = _TRAILING_RE.search(text[s:e])
        if trailing and trailing.start() > 0:
            e = s + trailing.start()
        if (s, e) == before:
            return s, e


def pluralize(word: str) -> str:
    """Plural of an English noun by simple rules ("truck" -> "trucks", "assembly" -> "assemblies")."""
    low = word.lower()
    if low.endswith(("means", "series", "species", "apparatus", "data")) or singular(low) != low:
        return word
    if low.endswith("medium"):
        return word[:-2] + "a"
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return word[:-1] + "ies"
    if low.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    return word + "s"


def same_term(known: Key, ref: Key) -> bool:
    """Whether reference `ref` ("the lever") may designate the introduced term `known` ("a first
    lever"): same head noun, and every word of the reference among the term's."""
    return known[-1] == ref[-1] and set(ref[:-1]) <= set(known[:-1])


def resolve_key(span: TermSpan, known: Iterable[Key]) -> Key:
    """The term a phrase designates: its own for an introduction; for a reference, the known term
    it names (exactly, or the only one it can name), else its own."""
    own = span.keys[0]
    if span.intro:
        return own
    known = list(known)
    for candidate in (own, *span.alts):
        if candidate in known:
            return candidate
    matches = [k for k in known if same_term(k, own)]
    if len(matches) == 1:
        return matches[0]
    return own


def resolve_in_chain(span: TermSpan, chain: Sequence[Key], known: Iterable[Key]) -> Key:
    """The term a phrase designates, looked up in its claim's chain first: "said levers" after
    "first and second levers" names those, never a "lever" of another claim."""
    key = resolve_key(span, chain)
    if span.intro or key in chain:
        return key
    if any(k[-1] == key[-1] for k in chain):
        return (AMBIGUOUS, *key)  # several terms of the chain could be meant: none is numbered
    return resolve_key(span, known)


def clean_text(text: str) -> str:
    """Claim formalities out: reference signs in parentheses, "said", labels, doubled spaces."""
    text = _REFERENCE_SIGN_RE.sub("", _FIGURE_REFERENCE_RE.sub("", text))
    text = _SAID_RE.sub(lambda m: "The" if m.group(1) == "S" else "the", text)
    text = text.replace(":", ",") if text.rstrip().endswith(":") else text
    text = re.sub(r"\s*:\s*(?=\S)", " ", text)  # "cause the processor to: receive" -> "to receive"
    text = _SPACES_RE.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    return text.strip()


def strip_end(text: str) -> str:
    match = _TRAILING_RE.search(text)
    return text[: match.start()] if match and match.start() > 0 else text


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def join_list(items: Sequence[str], *, separator: str = ", ", conjunction: str = "and") -> str:
    """"a", "a and b", "a, b, and c" (with ";" separators when an item has commas)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2 and separator == ", ":
        return f"{items[0]} {conjunction} {items[1]}"
    return separator.join(items[:-1]) + f"{separator}{conjunction} {items[-1]}"


@dataclass(slots=True)
class Rendered:
    text: str
    numerals: list[int]
    keys: list[Key]
    """Terms mentioned, in order."""


@dataclass(slots=True)
class ClaimText:
    """One claim with its noun phrases: renders any part of it in description language."""

    claim: Claim
    spans: list[TermSpan]

    def render(
        self,
        start: int,
        end: int,
        *,
        introduced: set[Key],
        numbers: dict[Key, int] | None = None,
        chain: Iterable[Key] = (),
    ) -> Rendered:
        """Claim text [start, end) in description language. `introduced`: terms the reader already
        knows in this section (updated: their phrases take "the"; new ones "a"/"an"; with numerals,
        a term is known once its numeral was written). `numbers`: numerals to write after the
        terms (none in the summary and the abstract). `chain`: the terms of this claim and the
        claims it depends on, which a reference names first."""
        text = self.claim.text
        chain_keys = list(chain)
        known_keys = [*introduced, *(numbers or {})]
        edits: list[tuple[int, int, str]] = []
        numerals: list[int] = []
        keys_used: list[Key] = []
        dep = self.claim.dependency_span
        if dep is not None and start <= dep[0] and dep[1] <= end:
            edits.append((dep[0], dep[1], ""))
        for span in self.spans:
            if span.start < start or span.end > end:
                continue
            if dep is not None and span.start < dep[1] and span.end > dep[0]:
                continue
            if len(span.keys) == 1:
                keys = [resolve_in_chain(span, chain_keys, known_keys)]
            else:
                keys = list(span.keys)
            keys_used.extend(keys)
            word_after = text[span.det_end : span.end].split()
            first_word = word_after[0] if word_after else ""
            det = span.det.lower()
            already = all(_known(k, introduced, numbers) for k in keys)
            if already:
                if det in ("a", "an"):
                    edits.append((span.start, span.det_end, _case_like(text[span.start], "the")))
                elif (
                    not det
                    and span.intro
                    and not span.after_modifier
                    and not span.predicate
                    and not first_word[:1].isdigit()
                    and not re.search(r"\bof\s+$", text[max(0, span.start - 4) : span.start])
                    and (span.plural or first_word.lower() in ("one", "at", "plurality"))
                ):
                    edits.append((span.start, span.start, "the "))
                elif det == "said":
                    edits.append((span.start, span.det_end, _case_like(text[span.start], "the")))
            elif det in ("the", "said") and not span.intro:
                seen_words = {w for k in (*introduced, *chain_keys) for w in k} | set(
                    re.findall(r"[a-z]+", text[: span.start].lower())
                )
                if all(k[-1] not in seen_words for k in keys):
                    if first_word.lower() == "plurality" or not span.plural:
                        article = "a" if first_word.lower() == "plurality" else indefinite_article(first_word)
                        edits.append((span.start, span.det_end, _case_like(text[span.start], article)))
                    else:
                        edits.append((span.start, _skip_space(text, span.det_end), ""))
                elif det == "said":
                    edits.append((span.start, span.det_end, _case_like(text[span.start], "the")))
            elif det == "said":
                edits.append((span.start, span.det_end, _case_like(text[span.start], "the")))
            introduced.update(keys)
            if numbers:
                introduced.update(numeral_marker(numbers[k]) for k in keys if k in numbers)
                found = [numbers[k] for k in keys if k in numbers]
                if (
                    found
                    and len(found) == len(keys)
                    and span.nominal
                    and not span.predicate
                    and not re.match(r" ?\d|['\u2019\w-]", text[span.end : span.end + 2])
                ):
                    numerals.extend(n for n in found if n not in numerals)
                    edits.append((span.end, span.end, " " + join_list([str(n) for n in found])))
        out = _apply(text, start, end, edits)
        out = CLAIM_REFERENCE_RE.sub("", out)
        return Rendered(clean_text(out), numerals, keys_used)


def numeral_marker(numeral: int) -> Key:
    """What `introduced` holds once a numeral was written (a term is introduced with its numeral)."""
    return ("#", str(numeral))


def _known(key: Key, introduced: set[Key], numbers: dict[Key, int] | None) -> bool:
    if numbers and key in numbers:
        return numeral_marker(numbers[key]) in introduced
    return key in introduced


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _case_like(first: str, word: str) -> str:
    return word.capitalize() if first.isupper() else word


def _apply(text: str, start: int, end: int, edits: list[tuple[int, int, str]]) -> str:
    """`text[start:end]` with the edits (start, end, replacement) applied; insertions at one offset
    keep their order."""
    out: list[str] = []
    pos = start
    for s, e, replacement in sorted(edits, key=lambda x: (x[0], x[1])):
        if s < pos:
            continue  # overlapping edit (a removed claim reference): the first wins
        out.append(text[pos:s])
        out.append(replacement)
        pos = max(pos, e)
    out.append(text[pos:end])
    return "".join(out)
