"""Suggested dependent claims (backend/nlp/suggestions/dependent.py, POST /claims/suggest-dependent):
grammatical claims, numbered after the last claim, citing their paragraph, with antecedent basis."""

from __future__ import annotations

import re

from backend.nlp.claims import parse_claims_text
from backend.nlp.parsing import shared_parser
from backend.nlp.suggestions.dependent import assertive, suggest_dependent_claims
from backend.wordlists import load_wordlists
from tests.apiharness import assert_error
from tests.corpus import claim_lines
from tests.helpers import check_text, sample_corpus

SUGGEST = "/api/v1/claims/suggest-dependent"
CLAIMS = (
    "1. A latch assembly comprising: a housing; a latch pivotally mounted in the housing; and a lever coupled to "
    "the latch.\n"
    "2. The latch assembly of claim 1, wherein the lever is steel.\n"
)
DESCRIPTION = [
    (0, "SUMMARY"),
    (1, "In some embodiments, the latch includes a spring biasing the latch toward a closed position."),
    (2, "The housing 12 may be formed of aluminium. As shown in FIG. 2, the lever 18 rotates."),
    (3, "In some embodiments, the latch assembly further comprises a cover attached to the housing."),
    (4, "The lever 18 can be made of plastic. The weather was fine."),
]


def suggest(claims: str, description, **kwargs):
    wl = load_wordlists()
    return suggest_dependent_claims(
        parse_claims_text(claims), description, parser=shared_parser(), exempt=wl.get("antecedent_exempt"),
        inherent=wl.get("inherent_nouns"), **kwargs,
    )


def test_description_sentences_become_dependent_claims():
    out = suggest(CLAIMS, DESCRIPTION, summary_paragraphs=[1])
    texts = {s.text: s for s in out}
    assert "The latch assembly of claim 1, wherein the housing is formed of aluminium." in texts
    assert "The latch assembly of claim 1, wherein the lever is made of plastic." in texts
    assert "The latch assembly of claim 1, further comprising a cover attached to the housing." in texts
    spring = next(s for s in out if "spring" in s.text)
    # "a spring" is introduced, "the latch" refers to claim 1's latch
    assert spring.text == ("The latch assembly of claim 1, wherein the latch includes a spring biasing the latch "
                           "toward a closed position.")
    assert spring.paragraph == 1 and spring.element == "latch"
    # ranked (summary and "in some embodiments" first), numbered after the last claim in that order
    assert out[0] is spring
    assert [s.number for s in out] == list(range(3, 3 + len(out)))
    assert texts["The latch assembly of claim 1, wherein the housing is formed of aluminium."].paragraph == 2
    assert not any("rotates" in s.text or "weather" in s.text for s in out)  # a figure's sentence, no element


def test_modal_verbs_become_assertive():
    assert assertive("may be formed of steel", plural=False) == "is formed of steel"
    assert assertive("can optionally include a spring", plural=False) == "includes a spring"
    assert assertive("may comprise two arms", plural=True) == "comprise two arms"
    assert assertive("could carry a load", plural=False) == "carries a load"


def test_suggestions_are_claims_that_pass_the_checks():
    """The claim set with every suggestion added: no antecedent-basis, dependency or claim-form finding."""
    out = suggest(CLAIMS, DESCRIPTION, summary_paragraphs=[1])
    text = CLAIMS + "".join(f"{s.number}. {s.text}\n" for s in out)
    result = check_text(text, select=("AB001", "AB003", "CD", "CF001", "CN"))
    assert result.findings == []
    for s in out:
        assert re.fullmatch(r"The latch assembly of claim 1(, wherein the .+|, further comprising .+)\.", s.text)


def test_real_corpus_suggestions_pass_the_checks():
    checked = 0
    for record in list(sample_corpus())[:8]:
        lines = claim_lines(record)
        claims = parse_claims_text("\n".join(lines))
        independents = "\n".join(f"{c.number}. {' '.join(c.text.split())}" for c in claims.active if c.independent)
        paragraphs = [(i, p["text"]) for i, p in enumerate(record["description"]) if p["type"] == "paragraph"]
        out = suggest(independents, paragraphs, per_claim=5)
        if not out:
            continue
        text = independents + "\n" + "".join(f"{s.number}. {s.text}\n" for s in out)
        result = check_text(text, select=("AB001", "AB003", "CD", "CF001"))
        new = {s.number for s in out}
        assert not [f for f in result.findings if f.claim in new], [f.message for f in result.findings]
        for s in out:
            assert s.text.endswith(".") and s.text.count(".") >= 1 and f"of claim {s.parent}," in s.text
            assert 0 <= s.paragraph < len(record["description"])
        checked += len(out)
    assert checked >= 5


def test_suggest_api(api):
    caller = api.caller()
    description = "\n".join(text for _, text in DESCRIPTION)
    response = api.client.post(SUGGEST, headers=caller.headers, json={"claims": CLAIMS, "description": description})
    assert response.status_code == 200, response.text
    suggestions = response.json()["suggestions"]
    assert suggestions and suggestions[0]["number"] == 3 and suggestions[0]["claim"].startswith("3. The latch")
    assert {"paragraph", "paragraph_number", "sentence", "element", "limitation", "score"} <= set(suggestions[0])
    assert_error(api.client.post(SUGGEST, headers=caller.headers, json={"claims": "", "description": "x"}), 422,
                 "no_claims")
    assert_error(api.client.post(SUGGEST, json={"claims": CLAIMS, "description": "x"}), 401, "unauthenticated")
