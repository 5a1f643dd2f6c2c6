"""English noun inflection shared by the rules (one place, so that antecedent basis, claim support
and reference numerals agree on what "the same word" is)."""

from __future__ import annotations

from functools import lru_cache

IRREGULAR_PLURALS = {
    "teeth": "tooth", "feet": "foot", "men": "man", "women": "woman", "children": "child",
    "mice": "mouse", "geese": "goose", "people": "person", "indices": "index", "vertices": "vertex",
    "matrices": "matrix", "apices": "apex", "axes": "axis", "analyses": "analysis", "bases": "base",
    "crises": "crisis", "theses": "thesis", "hypotheses": "hypothesis", "diagnoses": "diagnosis",
    "phenomena": "phenomenon", "criteria": "criterion", "media": "medium", "data": "data",
    "means": "means", "series": "series", "species": "species", "apparatus": "apparatus",
    "lumens": "lumen", "lumina": "lumen", "foramina": "foramen", "stimuli": "stimulus",
    "nuclei": "nucleus", "radii": "radius", "foci": "focus", "fungi": "fungus",
    "bacteria": "bacterium", "strata": "stratum", "dice": "die", "lives": "life", "knives": "knife",
    "wives": "wife", "leaves": "leaf", "halves": "half", "shelves": "shelf", "calves": "calf",
    "wolves": "wolf", "loaves": "loaf",
}  # fmt: skip
# words ending in "s" that are not plurals: glass, bus, axis, porous, optics, analysis
_S_KEEP = ("ss", "us", "is", "ous", "ics", "sis", "xis")
_OES_KEEP = frozenset({"shoes", "toes", "hoes", "canoes"})


@lru_cache(maxsize=200_000)
def singular(word: str) -> str:
    """Lower-case singular of an English noun by simple inflection rules ("springs" -> "spring",
    "assemblies" -> "assembly", "boxes" -> "box"); other words come back lower-cased."""
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if len(w) <= 3 or not w.endswith("s") or w.endswith(_S_KEEP):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    if w.endswith("oes") and w not in _OES_KEEP and len(w) > 5:
        return w[:-2]
    return w[:-1]


def indefinite_article(word: str) -> str:
    """"a" or "an" before `word` (by sound, roughly: "an LED", "a user", "an hour")."""
    w = word.strip("\"'\u201c\u2018(")
    if not w:
        return "a"
    low = w.lower()
    if w[:2].isupper() and w.isalpha() or (len(w) == 1 and w.isalpha()):
        return "an" if low[0] in "aefhilmnorsx" else "a"
    if low.startswith(("uni", "use", "usu", "usa", "uti", "eu", "one", "once", "ubiq", "ure", "uro")):
        return "a"
    if low.startswith(("hour", "honest", "honor", "heir")):
        return "an"
    return "an" if low[0] in "aeiou" else "a"
