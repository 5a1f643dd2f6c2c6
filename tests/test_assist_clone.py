"""Claim cloning (backend/nlp/suggestions/clone.py, POST /claims/clone): method <-> system <-> CRM,
dependent claims kept and renumbered, no antecedent or dependency finding; round trips on real claims."""

from __future__ import annotations

import re

import pytest

from backend.nlp.claims import parse_claims_text
from backend.nlp.structure import Category
from backend.nlp.suggestions.clone import CloneError, base_verb, clone_claims, gerund
from tests.apiharness import assert_error
from tests.corpus import claim_lines
from tests.helpers import check_text, sample_corpus

CLONE = "/api/v1/claims/clone"
METHOD = (
    "1. A method for processing images, comprising: receiving an image from a camera; determining a region of "
    "the image; and storing the region in a memory.\n"
    "2. The method of claim 1, wherein the region is rectangular.\n"
    "3. The method of claim 1, further comprising transmitting the region to a server.\n"
    "4. The method of claim 3, wherein the server is remote.\n"
)


def text_of(cloned) -> str:
    return "".join(f"{c.number}. {c.text}\n" for c in cloned)


def test_method_to_system_and_crm():
    system = clone_claims(parse_claims_text(METHOD), target="system")
    assert [c.number for c in system] == [5, 6, 7, 8] and [c.source for c in system] == [1, 2, 3, 4]
    assert system[0].text == (
        "A system for processing images, comprising: one or more processors; and memory storing instructions that, "
        "when executed by the one or more processors, cause the one or more processors to: receive an image from a "
        "camera; determine a region of the image; and store the region in a memory."
    )
    assert system[2].text == ("The system of claim 5, wherein the instructions further cause the one or more "
                              "processors to transmit the region to a server.")
    assert system[3].text == "The system of claim 7, wherein the server is remote."
    crm = clone_claims(parse_claims_text(METHOD), target="crm", start=1)
    assert crm[0].text.startswith("A non-transitory computer-readable medium storing instructions that, when executed "
                                  "by one or more processors, cause the one or more processors to: receive an image")
    assert crm[1].text == "The non-transitory computer-readable medium of claim 1, wherein the region is rectangular."
    parsed = parse_claims_text(text_of(crm))
    assert parsed.get(1).category == Category.CRM and parsed.get(4).depends_on == [3]
    for cloned in (system, crm):
        combined = METHOD + text_of(cloned) if cloned[0].number > 1 else text_of(cloned)
        assert check_text(combined, select=("AB001", "AB003", "CD", "CF001", "CF005", "CF006")).findings == []


def test_round_trip_method_system_method():
    system = clone_claims(parse_claims_text(METHOD), target="system", start=1)
    back = clone_claims(parse_claims_text(text_of(system)), target="method", start=1)
    assert text_of(back) == METHOD
    crm = clone_claims(parse_claims_text(METHOD), target="crm", start=1)
    back = clone_claims(parse_claims_text(text_of(crm)), target="method", start=1)
    assert text_of(back) == METHOD.replace("A method for processing images,", "A method,")


def test_verbs():
    for word in ("receiving", "determining", "running", "applying", "storing", "transmitting", "using", "filtering",
                 "identifying", "mapping", "computing", "obtaining"):
        assert gerund(base_verb(word)) == word
    assert [base_verb(w) for w in ("receiving", "running", "applying", "using", "mapping")] == [
        "receive", "run", "apply", "use", "map"]


def _normal(text: str) -> str:
    text = re.sub(r"\s*;\s*(?:and\s+)?", "; ", text.replace("comprising:", "comprising"))
    return " ".join(text.split()).rstrip(".")


def test_round_trip_on_real_corpus_claims():
    """Method claim families of the committed sample: method -> system -> method gives the same steps
    and dependent claims back, and the system form adds no antecedent or dependency finding."""
    families = 0
    for record in sample_corpus():
        claims = parse_claims_text("\n".join(" ".join(line.split()) for line in claim_lines(record)))
        for root in claims.active:
            if not (root.independent and root.category == Category.METHOD and root.elements
                    and all(e.split()[0].lower().endswith("ing") for e in root.elements)):
                continue
            system = clone_claims(claims, target="system", source=root.number, start=1)
            system_text = text_of(system)
            back = clone_claims(parse_claims_text(system_text), target="method", start=1)
            original = [c for c in claims.active if c.number in {s.source for s in system}]
            assert len(back) == len(original)
            steps = [_normal(e) for e in root.elements]
            assert [_normal(e) for e in parse_claims_text(text_of(back)).get(1).elements] == steps
            for b, o in zip(back[1:], original[1:], strict=True):
                assert _normal(b.text.split(",", 1)[1]) == _normal(" ".join(o.text.split()).split(",", 1)[1])
            # the system form finds no more antecedent or dependency problems than the method form had
            after = check_text(system_text, select=("AB001", "CD"))
            method = check_text(text_of(back), select=("AB001", "CD"))
            assert len(after.findings) <= len(method.findings)
            families += 1
    assert families >= 2


def test_errors():
    with pytest.raises(CloneError) as err:
        clone_claims(parse_claims_text("1. A device comprising a housing and a lever.\n"), target="method")
    assert err.value.code == "not_convertible"
    with pytest.raises(CloneError):
        clone_claims(parse_claims_text(METHOD), target="system", source=2)


def test_clone_api(api):
    caller = api.caller()
    response = api.client.post(CLONE, headers=caller.headers, json={"claims": METHOD, "target": "crm"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["number"] for c in body["claims"]] == [5, 6, 7, 8] and body["findings"] == []
    assert body["text"].startswith("5. A non-transitory computer-readable medium")
    assert_error(api.client.post(CLONE, headers=caller.headers, json={"claims": "1. A device comprising a lever.",
                                                                      "target": "method"}), 422, "not_convertible")
    assert_error(api.client.post(CLONE, headers=caller.headers, json={"claims": METHOD, "target": "kit"}), 422,
                 "invalid_request")
