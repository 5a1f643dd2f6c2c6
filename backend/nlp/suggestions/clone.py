"""Claim cloning: a claim family converted between method, system and computer-readable-medium
forms (pure: a `ClaimSet` in, numbered claim texts out).

- method -> system: "A system for X, comprising: one or more processors; and memory storing
  instructions that, when executed by the one or more processors, cause the one or more
  processors to: receive ...; and determine ...." (each step's gerund made a base verb);
- method -> crm: "A non-transitory computer-readable medium storing instructions that, when
  executed by one or more processors, cause the one or more processors to: receive ...; ...";
- system/crm (in that processor-and-instructions form) -> method: the steps after "cause the ...
  to:" made gerunds again ("A method for X, comprising: receiving ...; and determining ...");
  system <-> crm swap the preamble.
Dependent claims follow their independent claim: the subject and the claim numbers change
("The system of claim 11, wherein ..."); "further comprising <step>" becomes "wherein the
instructions further cause the one or more processors to <verb> ..." and back. The clone is
numbered from `start` (default: after the last claim), references renumbered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from backend.nlp.structure import Category, Claim, ClaimSet
from backend.nlp.suggestions.context import preamble_subject

__all__ = ["TARGETS", "CloneError", "ClonedClaim", "base_verb", "clone_claims", "gerund"]

TARGETS = ("method", "system", "crm")
_PROCESSOR = "one or more processors"
_SYSTEM_PREAMBLE = "comprising: {p}; and memory storing instructions that, when executed by the {p}, cause the {p} to:"
_CRM_PREAMBLE = (
    "A non-transitory computer-readable medium storing instructions that, when executed by {p}, "
    "cause the {p} to:"
)
_CAUSE = re.compile(
    r"\b(?:cause|causes)\s+(?:the\s+)?(?P<who>(?:one\s+or\s+more\s+|at\s+least\s+one\s+)?(?:computer\s+)?"
    r"(?:processors?|processing\s+devices?|computers?|computing\s+devices?|machines?|systems?))"
    r"\s+to(?:\s+perform\s+(?:operations|steps|a\s+method)\s+(?:comprising|including))?\s*:?\s*",
    re.IGNORECASE,
)
_FURTHER_STEP = re.compile(r"^(?P<lead>.*?claims?\s+\d+[^,]*),\s*further\s+(?:comprising|including)\s*:?\s*(?P<rest>.+)$",
                           re.IGNORECASE | re.DOTALL)
_FURTHER_CAUSE = re.compile(
    r"^(?P<lead>.*?claims?\s+\d+[^,]*),\s*wherein\s+the\s+instructions\s+further\s+cause\s+the\s+[\w\s]+?\s+to\s*:?\s*"
    r"(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)


class CloneError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class ClonedClaim:
    number: int
    text: str
    source: int
    """The claim it was converted from."""

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "source": self.source}


# -- verbs ---------------------------------------------------------------------------------------

_DOUBLE = frozenset(
    {"transmit", "emit", "submit", "omit", "commit", "permit", "admit", "control", "patrol", "refer", "occur",
     "prefer", "equip", "compel", "propel", "expel", "rebut", "input", "output", "format", "plan", "scan", "map",
     "tap", "ship", "drop", "stop", "set", "get", "put", "run", "cut", "hit", "let", "sit", "begin", "swap",
     "trim", "strip", "grip", "slip", "wrap", "trap", "snap", "clip", "step", "tag", "log", "drag", "plug",
     "stir", "skip", "dip", "rub", "shut", "split", "spin", "win", "dim", "pin", "fit", "net", "knit", "quit"}
)  # fmt: skip
_E_STEMS = frozenset(
    {"us", "stor", "receiv", "determin", "generat", "comput", "calculat", "compar", "updat", "creat", "provid",
     "configur", "produc", "captur", "measur", "combin", "defin", "issu", "pars", "encod", "decod", "enabl",
     "disabl", "execut", "manag", "merg", "serv", "shar", "analyz", "mov", "remov", "sav", "clos", "caus",
     "increas", "decreas", "releas", "writ", "replac", "plac", "reduc", "introduc", "sens", "arrang", "chang",
     "charg", "imag", "continu", "queu", "examin", "refin", "deriv", "retriev", "achiev", "observ", "resolv",
     "involv", "approv", "improv", "describ", "invok", "mak", "tak", "distribut", "tim", "nam", "fram", "fil",
     "compil", "rul", "schedul", "scal", "handl", "sampl", "coupl", "assembl", "cycl", "requir", "acquir",
     "secur", "ensur", "compos", "expos", "dispos", "rais", "advis", "revis", "rins", "travers", "dispers",
     "balanc", "enhanc", "advanc", "interfac", "trac", "splic", "slic", "invoic", "includ", "exclud", "decid",
     "divid", "guid", "resid", "evad", "grad", "upgrad", "degrad", "trad", "shap", "typ", "prob", "not",
     "vot", "rot", "rout", "valu", "tun", "zon", "clon", "phon", "lin", "wir", "scor", "ignor", "restor",
     "explor", "prepar", "declar", "squar"}
)  # fmt: skip


def base_verb(gerund_word: str) -> str:
    """ "receiving" -> "receive", "running" -> "run", "applying" -> "apply", "storing" -> "store"."""
    w = gerund_word
    low = w.lower()
    if not low.endswith("ing") or len(low) <= 4:
        return w
    stem = w[:-3]
    s = stem.lower()
    if len(s) >= 2 and s[-1] == s[-2] and s[-1] not in "lsz" and s[:-1] in _DOUBLE:
        return stem[:-1]
    if s.endswith(("y", "ee", "oe")):
        return stem
    if s in ("us",):
        return stem + "e"
    if s in _E_STEMS:
        return stem + "e"
    if re.search(r"(?:at|iz|is|ur|ov|iv|uc|ag|eg|ig|og|ug|ang|ing|ong|inc|anc|enc|rc|rg|dg|bl|cl|dl|fl|gl|kl|pl|tl|zl|"
                 r"ir|or|ar(?<!ear)|ud|id|od|ad|ac|ic|ec|ok|ak|ik|ib|ob|ab|ub|ap|yp|op(?<!lop)|it(?<![aeiou]it)|"
                 r"ot|ut|ir|im|am|om(?<!form)|um|ys|ens|ers|ors|urs|ans|iv|uv|ev|av|ov|ab)$", s) and not s.endswith(
        ("ain", "ein", "oin", "uin", "ord", "ard", "eard", "end", "and", "ind", "ond", "und", "orm", "eat", "oat",
         "uat", "eet", "ait", "uit", "ess", "iss", "ass", "oss", "uss", "ect", "act", "ict", "uct", "ept", "apt",
         "ipt", "opt", "upt", "ort", "art", "ert", "irt", "urt", "ast", "est", "ist", "ost", "ust", "ent", "ant",
         "int", "ont", "unt", "eck", "ack", "ick", "ock", "uck", "ear", "oar", "eir", "air", "oor", "eer",
         "eal", "eil", "ail", "oil", "eel", "ool", "oul", "all", "ell", "ill", "oll", "ull", "ead", "oad",
         "eed", "ood", "aid", "oid", "uid", "ign", "eign", "urn", "ern", "orn", "arn", "awn", "own", "ewn")
    ):
        return stem + "e"
    return stem


def gerund(verb: str) -> str:
    """ "receive" -> "receiving", "run" -> "running", "apply" -> "applying", "see" -> "seeing"."""
    w = verb
    low = w.lower()
    if low.endswith("ie"):
        return w[:-2] + "ying"
    if low.endswith("e") and not low.endswith(("ee", "oe", "ye")) and len(low) > 2:
        return w[:-1] + "ing"
    if low in _DOUBLE:
        return w + w[-1] + "ing"
    return w + "ing"


# -- forms ---------------------------------------------------------------------------------------


def _form(claim: Claim) -> str:
    """ "method", "system" (processor + instructions) or "crm" of an independent claim, else ""."""
    if claim.category == Category.METHOD:
        return "method"
    if not _CAUSE.search(claim.text):
        return ""
    return "crm" if claim.category == Category.CRM else "system"


def _steps(claim: Claim, form: str) -> tuple[str, list[str]]:
    """(purpose words after the subject, e.g. "for processing images", the steps as written)."""
    text = claim.text
    if form == "method":
        body = text[claim.body_start :]
        purpose = _purpose(claim.preamble)
    else:
        m = _CAUSE.search(text)
        assert m is not None
        body = text[m.end() :]
        purpose = _purpose(claim.preamble) if form == "system" else ""
    steps = [s.strip() for s in re.split(r";\s*(?:and\s+|or\s+)?|\n", body) if s.strip()]
    steps = [re.sub(r"^(?:and|or)\s+", "", s).rstrip(".").strip() for s in steps]
    return purpose, [s for s in steps if s]


def _purpose(preamble: str) -> str:
    subject = preamble_subject(preamble)
    text = re.sub(r"^\s*(?:an?|the|one)\s+", "", preamble.strip(), flags=re.IGNORECASE)
    rest = text[len(subject) :].strip() if text.lower().startswith(subject.lower()) else ""
    rest = re.sub(r",?\s*(?:the\s+(?:method|process|system|apparatus)\s*)?$", "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"^,?\s*(?:comprising|including)\s*:?$", "", rest, flags=re.IGNORECASE)
    if re.match(r"^(?:comprising|including|storing|having)\b", rest, re.IGNORECASE):
        return ""
    return rest.strip(" ,")


def _convert_step(step: str, to: str) -> str:
    first, _, rest = step.partition(" ")
    if to == "method":
        if first.lower().endswith("ing"):
            return step
        return (gerund(first) + (" " + rest if rest else "")) if first.isalpha() else step
    if first.lower().endswith("ing") and first.isalpha():
        return base_verb(first) + (" " + rest if rest else "")
    return step


def _join_steps(steps: list[str]) -> str:
    if len(steps) == 1:
        return steps[0]
    return "; ".join(steps[:-1]) + "; and " + steps[-1]


def _independent(claim: Claim, source: str, target: str) -> str:
    purpose, steps = _steps(claim, source)
    steps = [_convert_step(s, target) for s in steps]
    body = _join_steps(steps) + "."
    lead = f" {purpose}" if purpose else ""
    if target == "method":
        return f"A method{lead}, comprising: {body}"
    if target == "system":
        return f"A system{lead}, " + _SYSTEM_PREAMBLE.format(p=_PROCESSOR) + f" {body}"
    return _CRM_PREAMBLE.format(p=_PROCESSOR) + f" {body}"


_SUBJECTS = {"method": "method", "system": "system", "crm": "non-transitory computer-readable medium"}


def _dependent(claim: Claim, target: str, numbers: dict[int, int], source: str) -> str:
    text = " ".join(claim.text.split())
    if claim.dependency_span is None:
        raise CloneError("not_convertible", f"claim {claim.number} has no dependency to follow")
    start, end = claim.dependency_span
    dependency = claim.text[start:end]
    dependency = re.sub(r"\d{1,4}", lambda m: str(numbers.get(int(m.group()), int(m.group()))), dependency)
    rest = " ".join(claim.text[end:].split())
    head = f"The {_SUBJECTS[target]} {dependency.strip()}"
    text = head + (rest if rest.startswith((",", ".")) else " " + rest)
    if source == "method" and target != "method":
        m = _FURTHER_STEP.match(text)
        if m:
            steps = [_convert_step(s.strip(), target) for s in re.split(r";\s*(?:and\s+)?", m.group("rest").rstrip(".")) if s.strip()]
            colon = ":" if len(steps) > 1 else ""
            text = f"{m.group('lead')}, wherein the instructions further cause the {_PROCESSOR} to{colon} {_join_steps(steps)}."
    elif source != "method" and target == "method":
        m = _FURTHER_CAUSE.match(text)
        if m:
            steps = [_convert_step(s.strip(), "method") for s in re.split(r";\s*(?:and\s+)?", m.group("rest").rstrip(".")) if s.strip()]
            text = f"{m.group('lead')}, further comprising{':' if len(steps) > 1 else ''} {_join_steps(steps)}."
    return text


def clone_claims(claims: ClaimSet, *, target: str, source: int | None = None, start: int | None = None) -> list[ClonedClaim]:
    """The family of independent claim `source` (default: the first independent claim that is not
    already in the `target` form and can be converted) in the `target` form, numbered from `start`
    (default: after the last claim)."""
    if target not in TARGETS:
        raise CloneError("unknown_target", f"target must be one of {', '.join(TARGETS)}")
    active = [c for c in claims.active if c.text.strip()]
    if source is None:
        root = next((c for c in active if c.independent and _form(c) and _form(c) != target), None)
        if root is None:
            raise CloneError("not_convertible", f"no independent method, system or medium claim to convert to {target}")
    else:
        root = claims.get(source)
        if root is None or root.canceled or not root.independent:
            raise CloneError("not_convertible", f"claim {source} is not an independent claim")
        if not _form(root):
            raise CloneError(
                "not_convertible",
                f"claim {source} is neither a method nor a processor-and-instructions system or medium claim",
            )
    form = _form(root)
    family = [root]
    members = {root.number}
    for c in active:
        if c is not root and c.depends_on and all(p in members for p in c.depends_on):
            family.append(c)
            members.add(c.number)
    first = start if start is not None else max(c.number_end or c.number for c in claims.claims) + 1
    numbers = {c.number: first + i for i, c in enumerate(family)}
    out = []
    for c in family:
        if c is root:
            text = _independent(c, form, target) if form != target else " ".join(c.text.split())
        else:
            text = _dependent(c, target, numbers, form)
        out.append(ClonedClaim(numbers[c.number], text, c.number))
    return out
