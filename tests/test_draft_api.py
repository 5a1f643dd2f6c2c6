"""POST /api/v1/draft and /draft/docx, `patentpane draft`, and the language-model guard."""

from __future__ import annotations

import json
import os

import pytest

from backend.docx.reader import read_docx
from backend.docx.tracked import tracked_insertions
from backend.drafting import default_model_path, draft_text, rephraser
from backend.nlp.claims import parse_claims_text
from backend.nlp.generation.grounding import claim_vocabulary
from backend.nlp.generation.rewrite import check_rewrite, rewrite_draft
from backend.nlp.parsing import shared_parser
from backend.settings import Settings
from tests.apiharness import CLAIMS_TEXT, DOCX_TYPE, assert_error
from tests.docxgen import render_docx
from tests.helpers import sample_corpus

DRAFT = "/api/v1/draft"
DRAFT_DOCX = "/api/v1/draft/docx"


@pytest.fixture(scope="module")
def application() -> bytes:
    return render_docx(min(sample_corpus(), key=lambda r: len(str(r))), "uspto-typed")


def test_draft_from_claims_text(api):
    caller = api.caller()
    response = api.client.post(DRAFT, headers=caller.headers, json={"text": CLAIMS_TEXT})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Widget" and body["claims"] == 2
    sections = {s["section"]: s for s in body["sections"]}
    assert list(sections) == [
        "title", "technical_field", "background", "summary", "brief_description_of_drawings",
        "detailed_description", "abstract",
    ]
    detailed = sections["detailed_description"]["paragraphs"]
    walk = [p for p in detailed if p["kind"] == "generated"]
    assert walk[1] == {
        "text": "The widget 100 includes a housing 102.",
        "kind": "generated",
        "source_claims": [1],
        "numerals": [{"numeral": 100, "term": "widget"}, {"numeral": 102, "term": "housing"}],
        "rewritten": False,
    }
    assert any(p["kind"] == "placeholder" and p["text"].startswith("[Describe") for p in detailed)
    assert body["figures"] == [
        {"figure": 1, "kind": "block_diagram", "claims": [1, 2], "subject": "widget", "numeral": 100}
    ]
    assert {"numeral": 102, "term": "housing", "figure": 1, "claims": [1], "kind": "element"} in body["numerals"]
    assert body["rewrite"] is None


def test_draft_docx_returns_the_tracked_copy(api, application):
    caller = api.caller()
    files = {"file": ("Widget app.docx", application, DOCX_TYPE)}
    response = api.client.post(DRAFT, headers=caller.headers, files=files)
    assert response.status_code == 200, response.text
    response = api.client.post(DRAFT_DOCX, headers=caller.headers, files=files)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_TYPE
    assert 'filename="Widget app-draft.docx"' in response.headers["content-disposition"]
    assert {a for a, _, _ in tracked_insertions(response.content)} == {"PatentPane"}
    # claims text gets a new document holding the claims
    response = api.client.post(DRAFT_DOCX, headers=caller.headers, json={"text": CLAIMS_TEXT})
    assert response.status_code == 200, response.text
    texts = [p.text for p in read_docx(response.content).text.paragraphs]
    assert texts[0] == "Widget" and "1. A widget comprising: a housing; and a lever attached to the housing." in texts


def test_draft_errors(api):
    caller = api.caller()
    assert_error(api.client.post(DRAFT, json={"text": CLAIMS_TEXT}), 401, "unauthenticated")
    assert_error(api.client.post(DRAFT, headers=caller.headers, json={"text": "  "}), 422, "empty_text")
    assert_error(
        api.client.post(DRAFT, headers=caller.headers, json={"text": "No claims here, only prose."}), 422, "no_claims"
    )
    assert_error(api.client.post(DRAFT, headers=caller.headers, json={"txt": "x"}), 422, "invalid_request")
    assert_error(
        api.client.post(DRAFT_DOCX, headers={**caller.headers, "Content-Type": "text/plain"}, content=b"x"),
        415,
        "unsupported_media_type",
    )


def test_cli_draft_text_json_and_docx(tmp_path, capsys):
    from backend.cli import main

    claims = tmp_path / "claims.txt"
    claims.write_text(CLAIMS_TEXT, encoding="utf-8")
    out = tmp_path / "draft.docx"
    assert main(["draft", str(claims), "--format", "json", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    body = json.loads(captured.out)
    assert body["title"] == "Widget" and body["figures"][0]["kind"] == "block_diagram"
    assert "tracked changes written to" in captured.err
    assert next(p.text for p in read_docx(out.read_bytes()).text.paragraphs) == "Widget"
    assert main(["draft", str(claims)]) == 0
    assert capsys.readouterr().out.startswith("Widget\n\nTECHNICAL FIELD\n")
    assert main(["draft", str(tmp_path / "missing.txt")]) == 2
    captured = capsys.readouterr()
    assert "error [not_found]" in captured.err and "Traceback" not in captured.err
    assert main(["draft", str(claims), "-o", str(claims)]) == 2
    assert "error [output_is_input]" in capsys.readouterr().err


def broken_templates(directory, kind: str) -> tuple[str, int]:
    """A firm's template directory whose phrases.j2 does not compile (`syntax`) or fails while
    rendering the title (`render`: a lookup whose error would quote the claims' subject);
    (the file name, the broken line)."""
    from backend.drafting import DEFAULT_TEMPLATES_DIR

    phrases = (DEFAULT_TEMPLATES_DIR / "phrases.j2").read_text(encoding="utf-8")
    good = "{{ subject | title_case }}"
    broken = {"syntax": "{{ subject | title_case }", "render": "{{ {}[subject] }}"}[kind]
    assert good in phrases
    line = phrases[: phrases.index(good)].count("\n") + 1
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "phrases.j2").write_text(phrases.replace(good, broken, 1), encoding="utf-8")
    return "phrases.j2", line


@pytest.mark.parametrize("kind", ["syntax", "render"])
def test_a_broken_firm_template_is_a_422_naming_file_and_line(api, tmp_path, kind):
    from sqlalchemy import select

    from backend.api.deps import get_app_settings
    from backend.db.models import AuditEvent, Tenant

    name, line = broken_templates(tmp_path / "templates", kind)
    settings = api.settings.model_copy(update={"draft_templates_dir": tmp_path / "templates"})
    app = api.client.app
    app.dependency_overrides[get_app_settings] = lambda: settings
    caller = api.caller()
    try:
        responses = [
            api.client.post(DRAFT, headers=caller.headers, json={"text": CLAIMS_TEXT}),
            api.client.post(DRAFT_DOCX, headers=caller.headers, json={"text": CLAIMS_TEXT}),
        ]
    finally:
        app.dependency_overrides.pop(get_app_settings, None)
    for response in responses:
        assert_error(response, 422, "template_error")
        message = response.json()["error"]["message"]
        assert f"{name}, line {line}" in message
        assert "widget" not in message.lower() and "housing" not in message.lower()  # no document text
    with api.database.session() as session:
        events = session.scalars(
            select(AuditEvent)
            .join(Tenant, Tenant.id == AuditEvent.tenant_id)
            .where(Tenant.name == caller.tenant, AuditEvent.action.in_(("draft", "draft.docx")))
        )
        outcomes = {(e.action, e.outcome) for e in events}
    assert outcomes == {("draft", "template_error"), ("draft.docx", "template_error")}
    # the same server with its own templates drafts as before
    assert api.client.post(DRAFT, headers=caller.headers, json={"text": CLAIMS_TEXT}).status_code == 200


@pytest.fixture
def templates_env(monkeypatch):
    """Set PATENTPANE_DRAFT_TEMPLATES_DIR for the CLI (its settings are cached per process)."""
    from backend.settings import get_settings

    def use(directory) -> None:
        monkeypatch.setenv("PATENTPANE_DRAFT_TEMPLATES_DIR", str(directory))
        get_settings.cache_clear()

    yield use
    monkeypatch.delenv("PATENTPANE_DRAFT_TEMPLATES_DIR", raising=False)
    get_settings.cache_clear()


def test_cli_draft_with_a_broken_template_fails_in_one_line(tmp_path, capsys, templates_env):
    from backend.cli import main

    claims = tmp_path / "claims.txt"
    claims.write_text(CLAIMS_TEXT, encoding="utf-8")
    name, line = broken_templates(tmp_path / "templates", "syntax")
    templates_env(tmp_path / "templates")
    assert main(["draft", str(claims)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (message,) = captured.err.splitlines()
    assert message.startswith("patentpane: error [template_error]: ") and f"{name}, line {line}" in message
    assert "Traceback" not in captured.err and "widget" not in message.lower()
    templates_env(tmp_path / "missing")
    assert main(["draft", str(claims)]) == 2
    (message,) = capsys.readouterr().err.splitlines()
    assert message.startswith("patentpane: error [template_error]: ") and "not found" in message


CLAIMS = parse_claims_text(CLAIMS_TEXT)
ORIGINAL = "The widget 100 also includes a lever 104 attached to the housing 102."


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("The widget 100 further comprises a lever 104 that is attached to the housing 102.", None),
        ("The widget 100 also includes a lever 104 attached to the housing.", "numerals"),
        ("The widget 100 also includes a lever 104 attached to the housing 102 by a bolt.", "new_terms"),
        ("The widget 100 also includes an arm 104 attached to the housing 102.", "terms"),
        ("The widget 100 also includes a lever 104 attached to said housing 102.", "said"),
        ("", "empty"),
    ],
)
def test_rewrite_guard_keeps_terms_and_numerals(candidate, reason):
    vocabulary = claim_vocabulary(CLAIMS)
    assert check_rewrite(ORIGINAL, candidate, parser=shared_parser(), vocabulary=vocabulary) == reason


def test_rewrite_keeps_the_template_text_when_the_model_loses_something():
    result = draft_text(CLAIMS_TEXT, settings=Settings())
    before = {id(p): p.text for s in result.draft.sections for p in s.paragraphs}

    def drop_numerals(text: str) -> str:
        return text.replace(" 102", "")

    report = rewrite_draft(result.draft, result.claims, rephrase=drop_numerals, parser=shared_parser())
    after = {id(p): p for s in result.draft.sections for p in s.paragraphs}
    changed = [p for i, p in after.items() if p.text != before[i]]
    assert all(p.rewritten and "102" not in before[id(p)] for p in changed)
    assert report.rejected.get("numerals", 0) >= 1 and report.paragraphs >= report.accepted
    assert all(" 102" in p.text for p in after.values() if "102" in before[id(p)])


@pytest.mark.skipif(
    os.environ.get("PATENTPANE_TEST_LLM") != "1" or default_model_path() is None,
    reason="loads the SmolLM2 model (about 30 s): set PATENTPANE_TEST_LLM=1",
)
def test_local_model_rewrite_is_guarded():
    result = draft_text(CLAIMS_TEXT, settings=Settings(draft_rewrite=True))
    assert result.rewrite is not None and result.rewrite.paragraphs > 0
    for section in result.draft.sections:
        for p in section.paragraphs:
            assert "said" not in p.text.lower().split()
    assert rephraser(Settings()) is rephraser(Settings())
