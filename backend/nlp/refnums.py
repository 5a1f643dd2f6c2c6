"""Pure text helpers for the description checks: word normalisation, a positional vocabulary of
the description, reference-numeral extraction and figure-reference extraction.

Everything here is regex based and linear in the length of the text (no spaCy): a 500-page
description is tokenised in well under a second.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from backend.nlp.inflection import singular

# --------------------------------------------------------------------------------------------
# Word normalisation (`singular` is shared with the other rules: backend/nlp/inflection.py)
# --------------------------------------------------------------------------------------------


_SUFFIXES = tuple(
    sorted(
        [
            "ionally",
            "ional",
            "ments",
            "ment",
            "nesses",
            "ness",
            "ities",
            "ity",
            "ables",
            "able",
            "ibles",
            "ible",
            "ably",
            "ibly",
            "ingly",
            "ings",
            "ing",
            "ions",
            "ion",
            "ively",
            "ive",
            "ives",
            "ically",
            "ical",
            "icals",
            "ally",
            "als",
            "al",
            "ers",
            "er",
            "ors",
            "or",
            "ants",
            "ant",
            "ents",
            "ent",
            "ances",
            "ance",
            "ences",
            "ence",
            "ised",
            "ized",
            "ises",
            "izes",
            "ise",
            "ize",
            "ied",
            "ies",
            "ed",
            "es",
            "ly",
            "ic",
            "ics",
            "s",
            "e",
            "y",
        ],
        key=len,
        reverse=True,
    )
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A cheap, deliberately lax stem: inflection and common derivational suffixes removed, so
    that "rotatable", "rotation", "rotating" and "rotates" share "rotat". Used only to decide
    whether two words are *related*, never for display."""
    w = singular(word)
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    for suf in ("ion", "al", "iz", "is"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiousl":
        w = w[:-1]  # "shipp(ing)" -> "ship"
    return w


WORD_RE = re.compile(r"[A-Za-z]+")
"""Alphabetic word pieces; hyphens, apostrophes and digits split words (as spaCy does for
hyphenated compounds)."""


@dataclass(slots=True)
class Vocabulary:
    """Stems of a text with their token positions (paragraph breaks leave a gap, so that proximity
    never spans two paragraphs)."""

    positions: dict[str, list[int]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    """Lower-case singular forms of every word."""
    prefixes: set[str] = field(default_factory=set)
    """First five letters of every word of six letters or more (see `related`)."""
    sorted_words: list[str] | None = None

    @classmethod
    def build(cls, texts: Iterable[str]) -> Vocabulary:
        vocab = cls()
        pos = 0
        positions = vocab.positions
        words = vocab.words
        for text in texts:
            for m in WORD_RE.finditer(text):
                w = m.group()
                s = singular(w)
                words.add(s)
                if len(s) >= 6:
                    vocab.prefixes.add(s[:5])
                positions.setdefault(stem(w), []).append(pos)
                pos += 1
            pos += 100
        return vocab

    def has(self, word: str) -> bool:
        return stem(word) in self.positions

    def uses_noun(self, noun: str) -> bool:
        """Whether the text uses `noun`: in the singular or plural, as the start of a longer word
        ("circuit" in "circuitry", "window" in "windowed"), or in another form sharing its stem
        ("connection" / "connected", "spacing" / "spaced")."""
        s = singular(noun)
        if s in self.words:
            return True
        if len(s) < 4:
            return False
        if self.sorted_words is None:
            self.sorted_words = sorted(self.words)
        words = self.sorted_words
        i = bisect_left(words, s)
        if i < len(words) and words[i].startswith(s) and len(words[i]) - len(s) <= 4:
            return True
        # another form of the same word: "connection" / "connected", "uniformity" / "uniform"; not
        # for an agent noun, a thing of its own ("processor" is not "processing", "heater" not "heating")
        root = stem(noun)
        return len(root) >= 4 and not s.endswith(("or", "er")) and root in self.positions

    def related(self, word: str) -> bool:
        """Laxer than `has`: also true when a description word of six letters or more starts with
        the same five letters ("determination" / "determining", "underying" / "underlying")."""
        if self.has(word):
            return True
        s = singular(word)
        return s in self.words or (len(s) >= 6 and s[:5] in self.prefixes)

    def near(self, a: str, b: str, window: int = 6) -> bool:
        """True when a word related to `a` occurs within `window` tokens of one related to `b`."""
        pa = self.positions.get(stem(a))
        pb = self.positions.get(stem(b))
        if not pa or not pb:
            return False
        if len(pa) > len(pb):
            pa, pb = pb, pa
        for p in pa:
            i = bisect_left(pb, p - window)
            if i < len(pb) and pb[i] <= p + window and pb[i] != p:
                return True
            if i + 1 < len(pb) and pb[i] == p and pb[i + 1] <= p + window:
                return True
        return False


# --------------------------------------------------------------------------------------------
# Reference numerals
# --------------------------------------------------------------------------------------------

NUMERAL = r"\d{1,4}(?:[A-Za-z](?![A-Za-z]))?(?:['\u2032\u2019]{1,3}|\s?\u2033)?"
_NUMERAL_RE = re.compile(
    rf"(?<![\w.,/:$#\[\u2013\u2014+=<>±-])(?P<paren>\()?(?P<num>{NUMERAL})(?(paren)\))"
    r"(?![\w%°×/\]]|[.,:]\d|\s*[-\u2013\u2014~]\s*\d|\s*(?:\.\s*)?(?:to|through|thru)\s+\d)"
)
_LIST_CONT_RE = re.compile(
    rf"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|and/or)\s+|/)\(?(?P<num>{NUMERAL})\)?"
    r"(?![\w%°×/\]]|[.,:]\d|\s*[-\u2013\u2014~]\s*\d)"
)
_TERM_WORDS_RE = re.compile(r"((?:[A-Za-z][A-Za-z\-]*[ \u00a0]+){1,5})\(?$")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "said",
        "this",
        "that",
        "these",
        "those",
        "each",
        "every",
        "any",
        "all",
        "both",
        "either",
        "neither",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "such",
        "another",
        "other",
        "same",
        "some",
        "several",
        "many",
        "few",
        "more",
        "most",
        "less",
        "least",
        "only",
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "with",
        "without",
        "for",
        "into",
        "onto",
        "over",
        "under",
        "between",
        "among",
        "amongst",
        "through",
        "throughout",
        "via",
        "about",
        "around",
        "within",
        "along",
        "across",
        "against",
        "toward",
        "towards",
        "upon",
        "after",
        "before",
        "during",
        "than",
        "as",
        "per",
        "near",
        "behind",
        "beyond",
        "below",
        "above",
        "beneath",
        "inside",
        "outside",
        "up",
        "down",
        "off",
        "out",
        "and",
        "or",
        "nor",
        "but",
        "whereas",
        "while",
        "when",
        "where",
        "which",
        "who",
        "whose",
        "whom",
        "wherein",
        "whereby",
        "thereof",
        "therein",
        "if",
        "then",
        "so",
        "thus",
        "hence",
        "also",
        "further",
        "furthermore",
        "now",
        "here",
        "there",
        "not",
        "no",
        "yes",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "has",
        "have",
        "had",
        "having",
        "include",
        "includes",
        "included",
        "including",
        "comprise",
        "comprises",
        "comprised",
        "comprising",
        "contain",
        "contains",
        "contained",
        "containing",
        "provide",
        "provides",
        "provided",
        "providing",
        "show",
        "shows",
        "shown",
        "showing",
        "illustrate",
        "illustrates",
        "illustrated",
        "illustrating",
        "depict",
        "depicts",
        "depicted",
        "depicting",
        "see",
        "seen",
        "use",
        "uses",
        "used",
        "using",
        "designate",
        "designates",
        "designated",
        "label",
        "labels",
        "labeled",
        "labelled",
        "denote",
        "denotes",
        "denoted",
        "indicate",
        "indicates",
        "indicated",
        "numbered",
        "referenced",
        "reference",
        "references",
        "represented",
        "represents",
        "represent",
        "identified",
        "generally",
        "respectively",
        "approximately",
        "roughly",
        "nearly",
        "almost",
        "substantially",
        "essentially",
        "exactly",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "hundred",
        "thousand",
        "number",
        "numbers",
        "total",
        "up",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "eg",
        "ie",
        "can",
        "may",
        "might",
        "must",
        "will",
        "would",
        "shall",
        "should",
        "could",
        "do",
        "does",
        "did",
        "done",
        "get",
        "gets",
        "got",
        "like",
        "unlike",
        "including",
        "except",
        "plus",
        "minus",
        "times",
        "equal",
        "equals",
        "equaling",
        "equalling",
        "exceed",
        "exceeds",
        "exceeding",
        "reach",
        "reaches",
        "reaching",
        "being",
        "becomes",
        "become",
        "set",
        "sets",
        "although",
        "though",
        "because",
        "since",
        "unless",
        "until",
        "whether",
        "once",
        "however",
        "hereinafter",
        "hereafter",
    ]
)
"""Words that end a reference-numeral term when walking back from the numeral."""

UNITS = frozenset(
    [
        "mm",
        "cm",
        "m",
        "km",
        "nm",
        "um",
        "µm",
        "μm",
        "mil",
        "mils",
        "in",
        "inch",
        "inches",
        "ft",
        "foot",
        "feet",
        "yd",
        "mile",
        "miles",
        "mg",
        "g",
        "kg",
        "lb",
        "lbs",
        "oz",
        "ton",
        "tons",
        "t",
        "mol",
        "mmol",
        "µmol",
        "μmol",
        "umol",
        "nmol",
        "pmol",
        "mole",
        "moles",
        "m2",
        "m3",
        "ml",
        "mL",
        "l",
        "L",
        "µl",
        "μl",
        "ul",
        "dl",
        "cc",
        "gal",
        "liter",
        "liters",
        "litre",
        "litres",
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "ms",
        "msec",
        "µs",
        "μs",
        "us",
        "ns",
        "ps",
        "min",
        "mins",
        "minute",
        "minutes",
        "h",
        "hr",
        "hrs",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "yr",
        "yrs",
        "hz",
        "khz",
        "mhz",
        "ghz",
        "thz",
        "Hz",
        "kHz",
        "MHz",
        "GHz",
        "THz",
        "rpm",
        "rps",
        "v",
        "mv",
        "kv",
        "µv",
        "V",
        "mV",
        "kV",
        "a",
        "ma",
        "µa",
        "A",
        "mA",
        "w",
        "kw",
        "mw",
        "W",
        "kW",
        "MW",
        "GW",
        "wh",
        "kwh",
        "Wh",
        "kWh",
        "j",
        "kj",
        "J",
        "kJ",
        "cal",
        "kcal",
        "ohm",
        "ohms",
        "Ω",
        "kΩ",
        "MΩ",
        "f",
        "pf",
        "nf",
        "µf",
        "uF",
        "pF",
        "nF",
        "µF",
        "pa",
        "kpa",
        "mpa",
        "gpa",
        "psi",
        "bar",
        "mbar",
        "atm",
        "torr",
        "Pa",
        "kPa",
        "MPa",
        "GPa",
        "db",
        "dB",
        "dbm",
        "dBm",
        "deg",
        "degree",
        "degrees",
        "°c",
        "°f",
        "c",
        "f",
        "k",
        "K",
        "°C",
        "°F",
        "percent",
        "pct",
        "ppm",
        "ppb",
        "wt",
        "vol",
        "mole%",
        "v/v",
        "w/w",
        "bit",
        "bits",
        "byte",
        "bytes",
        "kb",
        "mb",
        "gb",
        "tb",
        "KB",
        "MB",
        "GB",
        "TB",
        "kbps",
        "mbps",
        "gbps",
        "Mbps",
        "Gbps",
        "x",
        "fold",
        "times",
        "px",
        "pixels",
        "pixel",
        "dpi",
        "lines",
        "mesh",
        "gauge",
        "awg",
        "cps",
        "cp",
        "cP",
        "mPa",
        "nt",
        "bp",
        "kb",
        "kDa",
        "da",
        "Da",
        "kda",
        "aa",
        "mM",
        "µM",
        "μM",
        "uM",
        "nM",
        "pM",
        "M",
        "N",
        "nm%",
    ]
)

NUMERAL_LABELS_DEFAULT = frozenset(
    [
        "fig",
        "figs",
        "figure",
        "figures",
        "step",
        "steps",
        "block",
        "blocks",
        "operation",
        "operations",
        "act",
        "acts",
        "claim",
        "claims",
        "paragraph",
        "paragraphs",
        "para",
        "paras",
        "table",
        "tables",
        "example",
        "examples",
        "formula",
        "formulas",
        "formulae",
        "equation",
        "equations",
        "eq",
        "eqs",
        "expression",
        "expressions",
        "scheme",
        "schemes",
        "no",
        "nos",
        "seq",
        "id",
        "sequence",
        "sequences",
        "col",
        "cols",
        "column",
        "columns",
        "line",
        "lines",
        "row",
        "rows",
        "page",
        "pages",
        "chapter",
        "chapters",
        "section",
        "sections",
        "embodiment",
        "embodiments",
        "aspect",
        "aspects",
        "version",
        "versions",
        "release",
        "type",
        "types",
        "class",
        "classes",
        "group",
        "groups",
        "grade",
        "grades",
        "phase",
        "lane",
        "lanes",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "hour",
        "hours",
        "minute",
        "minutes",
        "time",
        "sample",
        "samples",
        "run",
        "runs",
        "test",
        "tests",
        "trial",
        "trials",
        "experiment",
        "experiments",
        "patient",
        "patients",
        "subject",
        "subjects",
        "case",
        "cases",
        "compound",
        "compounds",
        "intermediate",
        "intermediates",
        "preparation",
        "preparations",
        "note",
        "notes",
        "appendix",
        "annex",
        "exhibit",
        "level",
        "levels",
        "generation",
        "mode",
        "modes",
        "order",
        "degree",
        "series",
        "batch",
        "lot",
        "protocol",
        "round",
        "rounds",
        "cycle",
        "cycles",
        "iteration",
        "iterations",
        "chromosome",
        "chromosomes",
        "exon",
        "exons",
        "intron",
        "position",
        "positions",
        "residue",
        "residues",
        "amino",
        "acid",
        "acids",
        "clone",
        "clones",
        "strain",
        "peak",
        "peaks",
        "entry",
        "entries",
        "item",
        "items",
        "option",
        "options",
        "rule",
        "rules",
        "condition",
        "conditions",
        "scenario",
        "scenarios",
        "method",
        "methods",
        "process",
        "processes",
        "procedure",
        "procedures",
        "synthesis",
        "route",
        "pat",
        "patent",
        "patents",
        "ser",
        "application",
        "applications",
        "publication",
        "publications",
        "art",
        "article",
        "articles",
        "standard",
        "standards",
        "rev",
        "revision",
        "model",
        "models",
        "number",
        "size",
        "sizes",
        "pH",
        "ph",
        "approx",
        "about",
        "appl",
        "app",
        "ref",
        "refs",
        "reference",
        "references",
        "tab",
        "tbl",
        "citation",
        "citations",
        "literature",
    ]
)
"""Words before a number that make it a label, not a reference numeral ("FIG. 1", "step 202",
"claim 3", "Example 4"); extended by the word list `numeral_labels`."""


def numeral_base(numeral: str) -> str:
    """ "12a" -> "12", "12'" -> "12"."""
    m = re.match(r"\d+", numeral)
    return m.group() if m else numeral


@dataclass(frozen=True, slots=True)
class RefMention:
    """A reference numeral with the term written before it, in one paragraph."""

    paragraph: int
    numeral: str
    """As written, normalised: "12", "12a", "12'"."""
    term: str
    """Normalised term: lower case, singular head, articles dropped ("drive shaft")."""
    start: int
    """Start of the term (or of the numeral when there is no term)."""
    end: int
    """End of the numeral."""
    num_start: int
    strong: bool
    """Singular term written directly before this numeral (not a plural term, not a list item)."""
    before: str = ""
    """The word before the term, lower case ("the", "a", "of", ...), "" when none."""

    @property
    def base(self) -> str:
        return numeral_base(self.numeral)

    @property
    def head(self) -> str:
        return self.term.rsplit(" ", 1)[-1]


def _normalise_numeral(num: str) -> str:
    num = num.replace("\u2032", "'").replace("\u2019", "'").replace("\u2033", "''").replace(" ", "")
    m = re.match(r"(\d+)([A-Za-z]?)('*)", num)
    if not m:
        return num
    digits, letter, primes = m.groups()
    return str(int(digits)) + letter.lower() + primes if digits.isdigit() else num


_NUMERAL_WORDS = frozenset({"numeral", "numerals", "sign", "signs", "character", "characters", "designation"})


def _term_before(text: str, pos: int, labels: frozenset[str]) -> tuple[str, int, bool, str] | None:
    """The noun phrase immediately before `pos`: (normalised term, start offset, plural, the word
    before the term in lower case or "")."""
    before = text[max(0, pos - 80) : pos]
    m = _TERM_WORDS_RE.search(before)
    if not m:
        return None
    chunk = m.group(1)
    words = [(w.group(), w.start()) for w in re.finditer(r"[A-Za-z][A-Za-z\-]*", chunk)]
    kept: list[tuple[str, int]] = []
    prev = ""
    for i in range(len(words) - 1, -1, -1):
        w, off = words[i]
        lw = w.lower()
        if lw in STOPWORDS or (lw.endswith("ly") and len(lw) > 4 and kept):
            prev = lw
            break
        if lw == "s" and kept and m.start(1) + off > 0 and before[m.start(1) + off - 1] in "'\u2019":
            prev = "'s"  # "the cable's opening 116": the term is "opening"
            break
        kept.append((w, off))
        if len(kept) == 3:
            # three words kept: the word before them ("the data augmentation engine 16"), or the
            # one before that for a longer name cut short ("the big gas flow channel 16"), is still
            # the determiner of the term
            for w2, _ in reversed(words[max(0, i - 2) : i]):
                if w2.lower() in STOPWORDS:
                    prev = w2.lower()
                    break
            break
    if not kept:
        return None
    kept.reverse()
    head = kept[-1][0]
    lhead = head.lower()
    if lhead in labels or lhead in STOPWORDS or lhead in ORDINALS or len(head) < 2 or lhead.endswith("ly"):
        return None
    if any(w.lower() in labels for w, _ in kept[:-1]) and lhead in ("no", "nos", "id"):
        return None
    if lhead.endswith(("ed", "ing")) and lhead in _VERBISH:
        return None
    if lhead in _NUMERAL_WORDS:
        return None  # "indicated by reference numeral 32": the numeral has no term here
    plural = singular(head) != lhead and not head.isupper()
    norm = " ".join([w.lower() for w, _ in kept[:-1]] + [singular(head) if not head.isupper() else lhead])
    start = max(0, pos - 80) + m.start(1) + kept[0][1]
    return norm, start, plural, prev


ORDINALS = frozenset(
    [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "last",
        "next",
        "previous",
        "final",
        "initial",
        "other",
        "additional",
        "further",
        "same",
    ]
)
ORDINALS |= frozenset(
    ("left", "right", "upper", "lower", "inner", "outer", "top", "bottom", "front", "rear")
    + ("corresponding", "respective", "single", "double", "accessible", "given", "new", "old")
)
"""Words that modify a term ("the left arm 12") but are never a term's head ("the left 12")."""
_VERBISH = frozenset(
    [
        "added",
        "moved",
        "rotated",
        "positioned",
        "located",
        "disposed",
        "arranged",
        "mounted",
        "attached",
        "connected",
        "coupled",
        "formed",
        "made",
        "placed",
        "defined",
        "received",
        "inserted",
        "secured",
        "fixed",
        "held",
        "supported",
        "extended",
        "spaced",
        "rotating",
        "moving",
        "sliding",
        "extending",
    ]
)


_IN_PREPOSITION_RE = re.compile(
    r"\s?in\s+(?!(?:diameter|length|width|height|depth|thick|thickness|long|wide|high|deep|tall|by|x"
    r"|square|cubic|radius|size|apart|per|and|or|to)\b)[A-Za-z]"
)
"""After a number, "in" followed by a word is the preposition ("the lever 12 in FIG. 2", "the
spring 14 in the housing"), not inches ("12 in. long", "4 in diameter", "2 in by 3 in")."""


_LEGEND_ENTRY_RE = re.compile(
    rf"(?P<num>{NUMERAL})\s*[:=\-\u2013\u2014.]?\s+(?P<term>[A-Za-z][A-Za-z\-'/&() ]*?[A-Za-z)])"
    rf"\s*(?:[;,.]\s*|\s+(?=\d)|$)"
)
_PARA_NUMBER_RE = re.compile(r"\s*(?:\[\d{1,5}\]|\(\d{1,5}\))?\s*")


def _legend_entries(text: str) -> list[re.Match[str]] | None:
    """The entries of a list of reference signs written numeral first, one paragraph ("10 vertical
    food cooker 11 upper warming portion 12 support frame ..."; "10 connecting member; 12a rib;"),
    or None when `text` is not such a list. Walking back from each numeral would pair it with the
    previous entry's term."""
    pos = _PARA_NUMBER_RE.match(text).end()
    entries = []
    while pos < len(text):
        m = _LEGEND_ENTRY_RE.match(text, pos)
        if not m:
            return None
        words = m.group("term").lower().split()
        if len(words) > 6 or sum(1 for w in words if w in STOPWORDS) > 1:
            return None
        entries.append(m)
        pos = m.end()
    return entries if len(entries) >= 3 else None


def reference_mentions(paragraph: int, text: str, labels: frozenset[str]) -> Iterator[RefMention]:
    """Reference numerals of one description paragraph with their terms.

    "the drive shaft 12" -> ("drive shaft", "12"); "springs 14a and 14b" -> two weak mentions of
    "spring"; "FIG. 3", "step 202", "10 mm", "12-18", "Ser. No. 12/345,678", "claim 1" and
    "[0023]" are not reference numerals. Numerals without a term before them are yielded with
    term "" (they still count as used). A list of reference signs written numeral first ("10
    cooker 11 lid 12 frame") yields each numeral with the term after it, as weak mentions."""
    if text[:1].isdigit() or text[:1] in "[(":
        legend = _legend_entries(text)
        if legend is not None:
            for e in legend:
                words = e.group("term").split()
                cut = next((i for i, w in enumerate(words) if w.lower() in STOPWORDS), len(words))
                words = words[:cut] or words  # "71 apertures in fire pan": "aperture"
                term = " ".join([w.lower() for w in words[-3:-1]] + [singular(words[-1].lower())])
                num = _normalise_numeral(e.group("num"))
                yield RefMention(paragraph, num, term, e.start(), e.end("num"), e.start("num"), False)
            return
    pos = 0
    n = len(text)
    while pos < n:
        m = _NUMERAL_RE.search(text, pos)
        if not m:
            return
        pos = m.end()
        raw = m.group("num")
        after = text[m.end() : m.end() + 12]
        unit = re.match(r"\s?([^\s,;.)]+)", after)
        if (
            unit
            and (unit.group(1) in UNITS or unit.group(1).lower() in UNITS)
            and not (unit.group(1) == "in" and _IN_PREPOSITION_RE.match(text, m.end()))
        ):
            continue
        if (
            raw[-1:].isalpha()
            and raw[:-1].isdigit()
            and (raw[-1] in "xX" or raw[-1] in "DS" and len(raw) <= 3)
        ):
            continue  # "2x", "3D", "16S"
        if not m.group("paren") and text[m.start() - 1 : m.start()] == "(":
            continue  # "(10 mg/ml)", "(1 eq.)": a value in parentheses
        num = _normalise_numeral(raw)
        if len(num) == 4 and num.isdigit() and 1800 <= int(num) <= 2100:
            continue  # a year
        found = _term_before(text, m.start(), labels)
        if found is None:
            # numeral without a term: still a use of the numeral, unless a label precedes it
            prev = re.search(r"([A-Za-z]+)\.?\s*\(?$", text[max(0, m.start() - 20) : m.start()])
            if prev and prev.group(1).lower() in labels:
                continue
            yield RefMention(paragraph, num, "", m.start("num"), m.end(), m.start("num"), False)
            continue
        term, start, plural, before = found
        # "(12)" in a description is often a citation; "channel/runner 46" names one element twice
        strong = not plural and not m.group("paren") and text[start - 1 : start] != "/"
        yield RefMention(paragraph, num, term, start, m.end(), m.start("num"), strong, before)
        # list continuation: "springs 14a and 14b", "waveguides 120, 130, 140"
        while True:
            c = _LIST_CONT_RE.match(text, pos)
            if not c:
                break
            pos = c.end()
            cnum = _normalise_numeral(c.group("num"))
            if cnum[-1:] in "xX":
                break
            yield RefMention(paragraph, cnum, term, c.start("num"), c.end("num"), c.start("num"), False)


_PAREN_CLAIM_RE = re.compile(
    rf"(?P<word>[A-Za-z][A-Za-z\-]*)\s*\(\s*(?P<nums>{NUMERAL}(?:\s*(?:,|;|and|or|/)\s*{NUMERAL})*)\s*\)"
)


CLAIM_PAREN_LABELS = frozenset(
    {"fig", "figs", "figure", "figures", "step", "steps", "stage", "stages", "claim", "claims",
     "paragraph", "paragraphs", "para", "table", "tables", "example", "examples", "formula",
     "formulas", "formulae", "equation", "equations", "eq", "eqs", "expression", "expressions",
     "relation", "relations", "relationship", "inequality", "inequalities", "condition",
     "conditions", "requirement", "requirements", "scheme", "schemes", "compound", "compounds",
     "intermediate", "intermediates", "group", "groups", "moiety", "no", "nos", "seq", "id",
     "embodiment", "embodiments", "aspect", "aspects", "item", "items", "case", "cases", "type",
     "class", "pat", "patent", "patents", "publication", "application", "ref", "refs", "position",
     "positions", "residue", "residues", "sequence", "sequences", "ph", "cycle", "cycles", "time", "times",
     "mode", "modes", "phase", "phases", "level", "levels"}
)  # fmt: skip
"""Words after which a parenthesised number in a claim is a label, not a reference numeral
("compound of formula (1)", "a step (2) of heating", "satisfying condition (3)"). Narrower than
`NUMERAL_LABELS_DEFAULT`: "a subject (12)", "a sample (12)", "a model (12)" carry a reference
numeral, though "subject 12", "sample 12" in a description are labels."""


def claim_numerals(
    text: str, labels: frozenset[str], paren_labels: frozenset[str] | None = None
) -> Iterator[tuple[str, int, int, str, bool]]:
    """Reference numerals in claim text: parenthesised "(12)", "(12, 14)" after a word, and bare
    "lever 12". Yields (numeral, start, end, term, parenthesised) with offsets of the numeral in
    `text`. `paren_labels` (default `labels`) are the words that make a parenthesised number a
    label."""
    seen: set[int] = set()
    paren_labels = labels if paren_labels is None else paren_labels
    for m in _PAREN_CLAIM_RE.finditer(text):
        word = m.group("word").lower()
        if word in paren_labels or word in STOPWORDS:
            continue
        for n in re.finditer(NUMERAL, m.group("nums")):
            s = m.start("nums") + n.start()
            seen.add(s)
            yield _normalise_numeral(n.group()), s, s + len(n.group()), singular(word), True
    for mention in reference_mentions(0, text, labels):
        if mention.term and mention.num_start not in seen:
            yield mention.numeral, mention.num_start, mention.end, mention.term, False


_ANY_NUMBER_RE = re.compile(r"(?<![\d])\d{1,4}(?![\d])")


def numbers_in(texts: Iterable[str]) -> set[str]:
    """Every 1-4 digit number written anywhere (base form, no leading zeros)."""
    out: set[str] = set()
    for text in texts:
        for m in _ANY_NUMBER_RE.finditer(text):
            out.add(str(int(m.group())))
    return out


# --------------------------------------------------------------------------------------------
# Figure references
# --------------------------------------------------------------------------------------------

_FIG_ID = r"\d{1,3}(?:[A-Za-z](?![A-Za-z])|\s?\([A-Za-z]\))?['\u2032]?"
_LETTER_END = r"(?:\s*[-\u2013\u2014]\s*[A-Z](?![A-Za-z]))?"
_FIG_RE = re.compile(
    rf"\b(?P<kw>FIGS?|Figs?|figs?|FIGURES?|Figures?|figures?)(?:\.|\b)\s*(?P<list>{_FIG_ID}{_LETTER_END}"
    rf"(?:(?:\s*(?:,\s*(?:and|or|&)?|and|or|&|to|through|thru|[-\u2013\u2014])\s*)"
    rf"(?:(?:FIGS?|Figs?|FIGURES?|Figures?)\.?\s*)?(?:{_FIG_ID}{_LETTER_END}|\([A-Za-z]\)))*)"
)
_FIG_ITEM_RE = re.compile(
    rf"(?P<id>{_FIG_ID}|(?<=[-\u2013\u2014])\s*[A-Z](?![A-Za-z])|\([A-Za-z]\))|(?P<sep>,\s*(?:and|or|&)?|\band\b|\bor\b|&|\bto\b|\bthrough\b|\bthru\b|[-\u2013\u2014])"
)


@dataclass(frozen=True, slots=True)
class FigureMention:
    paragraph: int
    figure: str
    """Normalised id: "1", "2A", "3'"."""
    start: int
    end: int
    """The span of the figure reference as written ("FIGS. 2A-2C")."""


def _norm_fig(fid: str) -> str:
    fid = fid.replace("\u2032", "'").replace(" ", "")
    fid = re.sub(r"\(([A-Za-z])\)", r"\1", fid)
    m = re.match(r"(\d+)(.*)", fid)
    return (str(int(m.group(1))) + m.group(2).upper()) if m else fid.upper()


def _expand(a: str, b: str) -> list[str]:
    b = b.strip()
    ma = re.fullmatch(r"(\d+)([A-Z]?)'?", a)
    mb = re.fullmatch(r"(\d+)?([A-Z]?)'?", b)
    if not ma or not mb:
        return [a, b]
    na, la = int(ma.group(1)), ma.group(2)
    nb = int(mb.group(1)) if mb.group(1) else na
    lb = mb.group(2)
    if not la and lb and not mb.group(1):
        return [a, f"{na}{lb}"]
    if la and lb and na == nb and la <= lb and ord(lb) - ord(la) <= 26:
        return [f"{na}{chr(c)}" for c in range(ord(la), ord(lb) + 1)]
    if not la and not lb and na <= nb and nb - na <= 50:
        return [str(i) for i in range(na, nb + 1)]
    if la and lb and na < nb and nb - na <= 50:  # "2A-4B": endpoints and the whole figures between
        return [f"{na}{la}", *[str(i) for i in range(na + 1, nb)], f"{nb}{lb}"]
    return [a, b]


def figure_mentions(paragraph: int, text: str) -> Iterator[FigureMention]:
    """Figure references of one paragraph, ranges expanded: "FIGS. 2A-2C" -> 2A, 2B, 2C;
    "Figures 1-3" -> 1, 2, 3; "FIGS. 5, 6 and 7" -> 5, 6, 7."""
    for m in _FIG_RE.finditer(text):
        plural = m.group("kw").lower().endswith("s") and m.group("kw").lower() != "fig"
        lst = m.group("list")
        lst = re.sub(r"(?:FIGS?|Figs?|FIGURES?|Figures?)\.?\s*", "", lst)
        ids: list[str] = []
        pending_range = False
        for item in _FIG_ITEM_RE.finditer(lst):
            if item.group("sep") is not None:
                sep = item.group("sep").strip().lower()
                if not plural and sep.startswith(","):
                    break  # "In FIG. 5, 12 denotes ...": the list ends at the comma
                pending_range = sep in ("-", "\u2013", "\u2014", "to", "through", "thru")
                continue
            fid = _norm_fig(item.group("id"))
            if fid[:1].isalpha() and ids:  # "FIGS. 2 (A) and (B)": a view letter of the previous figure
                fid = figure_base(ids[-1]) + fid
            if pending_range and ids:
                ids.extend(_expand(ids.pop(), fid))
            else:
                ids.append(fid)
            pending_range = False
        end = m.end()
        for fid in dict.fromkeys(ids):
            yield FigureMention(paragraph, fid, m.start(), end)


def figure_base(fid: str) -> str:
    m = re.match(r"\d+", fid)
    return m.group() if m else fid


def figure_covered(fid: str, others: set[str]) -> bool:
    """Whether figure `fid` is covered by a set of figure ids: the same id, or "2" vs "2A"."""
    if fid in others:
        return True
    base = figure_base(fid)
    if fid != base:
        return base in others
    return any(figure_base(o) == base for o in others)
