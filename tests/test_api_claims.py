"""POST /api/v1/claims/parse: the claim tree of claims text or of a real .docx."""

from __future__ import annotations

from tests.apiharness import CLAIMS_TEXT, DOCX_TYPE, assert_error

PARSE = "/api/v1/claims/parse"
TEXT = CLAIMS_TEXT + (
    "3. The widget of claim 1 or 2, further comprising a first arm and a second arm.\n"
    "4. (Canceled)\n"
    "5. A method of making a widget, comprising: providing a housing; and attaching a lever to the housing.\n"
)


def test_claims_text_gives_the_tree_and_introduced_terms(api):
    caller = api.caller()
    response = api.client.post(PARSE, headers=caller.headers, json={"text": TEXT})
    assert response.status_code == 200, response.text
    tree = response.json()
    assert tree["independent_claims"] == [1, 5]
    claims = {c["number"]: c for c in tree["claims"]}
    assert set(claims) == {1, 2, 3, 4, 5}

    one = claims[1]
    assert one["independent"] and one["depends_on"] == [] and one["dependents"] == [2, 3]
    assert (
        one["category"] == "apparatus" and one["preamble"] == "A widget" and one["transition"] == "comprising"
    )
    assert one["elements"] == ["a housing", "a lever attached to the housing"]
    assert [t["term"] for t in one["introduces"]] == ["widget", "housing", "lever"]
    lever = one["introduces"][2]
    assert lever["text"] == "a lever" and one["text"][lever["start"] : lever["end"]] == "a lever"
    assert lever["location"]["paragraph"] == 0

    assert claims[2]["depends_on"] == [1] and claims[2]["dependency_form"] == "single"
    # "the lever", "the pin" refer; "claim 1" introduces nothing; the bare "steel" is a term
    assert [t["term"] for t in claims[2]["introduces"]] == ["steel"]
    three = claims[3]
    assert three["depends_on"] == [1, 2] and three["dependency_form"] == "alternative"
    assert [t["term"] for t in three["introduces"]] == ["first arm", "second arm"]
    assert claims[4]["canceled"] and claims[4]["status"] == "canceled" and claims[4]["introduces"] == []
    assert claims[5]["category"] == "method"


def test_docx_upload_gives_the_same_claims(api):
    from tests.test_cli import APPLICATION, make_docx

    caller = api.caller()
    path = make_docx(api.settings.data_dir / "claims.docx", APPLICATION)
    response = api.client.post(
        PARSE, headers=caller.headers, files={"file": ("claims.docx", path.read_bytes(), DOCX_TYPE)}
    )
    assert response.status_code == 200, response.text
    claims = response.json()["claims"]
    assert [(c["number"], c["depends_on"]) for c in claims] == [(1, []), (2, [1])]
    assert [t["term"] for t in claims[0]["introduces"]] == ["widget", "housing", "lever"]
    # locations point into the document's paragraphs (claim 1 is a body paragraph after the heading)
    assert claims[0]["introduces"][1]["location"]["paragraph"] > 5


def test_claims_parse_bad_input(api):
    caller = api.caller()
    assert_error(
        api.client.post(PARSE, headers=caller.headers, json={"text": "No claims in here."}), 422, "no_claims"
    )
    assert_error(api.client.post(PARSE, headers=caller.headers, json={"text": ""}), 422, "empty_text")
    assert_error(
        api.client.post(PARSE, headers=caller.headers, json={"text": TEXT, "select": ["AB"]}),
        422,
        "invalid_request",
    )
    assert_error(
        api.client.post(PARSE, headers=caller.headers, files={"file": ("a.docx", b"not a zip", DOCX_TYPE)}),
        415,
        "not_a_docx",
    )
