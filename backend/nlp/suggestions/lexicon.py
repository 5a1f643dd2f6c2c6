"""The claim-language lexicon that helps rank suggested dependent claims (pure: the weights come in
as data, see backend.assistant.dependent_lexicon).

Which of a claim's many description-drawn candidates did the attorney actually claim? The hand-made
features of RANKING_WEIGHTS (summary paragraph, "in some embodiments", repeated, ...) say where a
sentence stands, not what it says. The lexicon is a logistic regression over the candidate's own
words, fitted on corpus documents (bench/fit_dependent_lexicon.py; never the ones
bench/assist_dependent.py measures) where each candidate is labelled by whether it matches a real
dependent claim: words and word pairs of the limitation, the sentence's opening words, how the
limitation joins the claim, the refined element's head, the first words after it, and the
sentence's other words. In the shipped fit, a sentence that says "wherein", "embodiment",
"preferably" or "aspect" and a limitation that "comprises", is "selected from" or gives "about" a
value weigh up; the past tense of worked examples ("was", "were"), sentences leaning on "this",
"these" or "such", figures and "then" weigh down. Its score is one ranking feature ("lexicon")
beside the others.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

__all__ = ["DependentLexicon", "candidate_tokens"]

_WORD = re.compile(r"[a-z]+|\d+")
_LETTERS = re.compile(r"[a-z]+")


def candidate_tokens(*, element: str, limitation: str, sentence: str, kind: str) -> Iterator[str]:
    """The lexicon's features of one candidate, each a string ("u:aluminium" a word of the
    limitation, "b:made_of" a word pair, "o:in_some_embodiments" the sentence's first three words,
    "k:further" the join, "e:housing" the element's head, "p:is_made" the two words after it,
    "s:shown" a word of the sentence the limitation left out); a token may repeat."""
    words = _WORD.findall(limitation.lower())
    sentence_words = _LETTERS.findall(sentence.lower())
    head = element.split()[-1].lower() if element else ""
    yield from ("u:" + w for w in words)
    yield from ("b:" + a + "_" + b for a, b in pairwise(words))
    yield "o:" + "_".join(sentence_words[:3])
    yield "o1:" + (sentence_words[0] if sentence_words else "")
    yield "k:" + kind
    yield "e:" + head
    if head in words:
        at = words.index(head)
        yield "p:" + "_".join(words[at + 1 : at + 3])
    yield from ("s:" + w for w in set(sentence_words) - set(words))


@dataclass(frozen=True, slots=True)
class DependentLexicon:
    """Token weights and a bias; `score` is the log-odds that a candidate is a claimed one."""

    weights: dict[str, float]
    bias: float = 0.0

    def score(self, *, element: str, limitation: str, sentence: str, kind: str) -> float:
        tokens = set(candidate_tokens(element=element, limitation=limitation, sentence=sentence, kind=kind))
        return self.bias + sum(self.weights.get(t, 0.0) for t in tokens)

    def to_json(self) -> dict[str, Any]:
        return {"format": "patentpane-dependent-lexicon/1", "bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DependentLexicon:
        if data.get("format") != "patentpane-dependent-lexicon/1":
            raise ValueError("not a dependent-claim lexicon (format patentpane-dependent-lexicon/1)")
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        bias = float(data.get("bias", 0.0))
        if not all(math.isfinite(v) for v in (bias, *weights.values())):
            raise ValueError("a dependent-claim lexicon weight is not a finite number")
        return cls(weights, bias)
