"""POST /api/v1/check and /check/annotate with real generated .docx uploads: the same JSON as
`patentpane check --format json`, options, the annotated copy, every bad-input code, the upload
limit, and the audit trail (hashes and counts, never text)."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile

import docx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.checking import check_docx
from backend.db.models import AuditEvent
from backend.docx.comments import read_comments
from backend.nlp.config import CheckConfig
from tests.apiharness import CLAIMS_TEXT, DOCX_TYPE, assert_error, make_settings
from tests.docxgen import render_docx
from tests.helpers import sample_corpus

CHECK = "/api/v1/check"
ANNOTATE = "/api/v1/check/annotate"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.fixture(scope="module")
def record() -> dict:
    return min(sample_corpus(), key=lambda r: len(json.dumps(r)))


@pytest.fixture(scope="module")
def application(record) -> bytes:
    return render_docx(record, "uspto-typed")


def rezip(
    data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def upload(data: bytes, name: str = "application.docx", **fields) -> dict:
    return {"files": {"file": (name, data, DOCX_TYPE)}, "data": fields}


def test_docx_upload_answers_what_the_cli_prints(api, application):
    caller = api.caller()
    response = api.client.post(CHECK, headers=caller.headers, **upload(application))
    assert response.status_code == 200, response.text
    expected = check_docx(application, config=CheckConfig.build(), settings=api.settings).result.to_json()
    assert response.json() == json.loads(json.dumps(expected))
    # same keys in the same order as `patentpane check --format json`
    assert list(response.json()) == ["document", "claims", "findings"]
    findings = response.json()["findings"]
    assert findings and list(findings[0]) == list(expected["findings"][0])


def test_options_narrow_the_check(api, application):
    caller = api.caller()
    response = api.client.post(
        CHECK, headers=caller.headers, **upload(application, select="AB,CF", ignore="CF005")
    )
    assert response.status_code == 200
    codes = {f["code"] for f in response.json()["findings"]}
    assert codes and all(c.startswith(("AB", "CF")) for c in codes) and "CF005" not in codes

    response = api.client.post(
        CHECK,
        headers=caller.headers,
        json={"text": CLAIMS_TEXT, "select": ["antecedent_basis"], "jurisdiction": "ep"},
    )
    assert response.status_code == 200
    findings = response.json()["findings"]
    assert [(f["code"], f["text"], f["claim"]) for f in findings] == [("AB001", "the pin", 2)]
    assert response.json()["document"]["claims"] == 2


def test_annotate_returns_the_commented_copy(api, application):
    caller = api.caller()
    response = api.client.post(
        ANNOTATE, headers=caller.headers, **upload(application, name="Widget app.docx")
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_TYPE
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="Widget app-checked.docx"' in disposition
    comments = [c for c in read_comments(response.content) if c.author == "PatentPane"]
    assert len(comments) == int(response.headers["x-patentpane-findings"]) > 0
    assert all(c.text.startswith("[") for c in comments)
    assert response.content != application


def test_annotate_needs_a_docx(api):
    caller = api.caller()
    assert_error(
        api.client.post(ANNOTATE, headers=caller.headers, json={"text": CLAIMS_TEXT}),
        415,
        "unsupported_media_type",
    )


def no_claims_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("WIDGET", style="Title")
    d.add_paragraph("BACKGROUND", style="Heading 1")
    d.add_paragraph("Widgets are known. This document has a description and no claims at all.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def encrypted_docx() -> bytes:
    # what Word writes for a password-protected .docx: a compound file with EncryptionInfo
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HH", 0x3E, 3) + b"\0" * 486
    return header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 2 + "EncryptedPackage".encode("utf-16-le")


BAD_INPUTS = {
    "not_a_docx": (lambda app: b"Just some text pretending to be a document.", 415),
    "legacy_doc": (
        lambda app: (
            bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 512
        ),
        415,
    ),
    "macro_enabled": (
        lambda app: rezip(
            app,
            replace={
                "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(app))
                .read("[Content_Types].xml")
                .replace(MAIN.encode(), MACRO_MAIN.encode())
            },
        ),
        415,
    ),
    "encrypted": (lambda app: encrypted_docx(), 422),
    "zip_bomb": (lambda app: rezip(app, add={"word/media/big.bin": b"\0" * (11 * 1024 * 1024)}), 413),
    "corrupt": (lambda app: rezip(app, replace={"word/document.xml": b"<w:document><w:body>"}), 422),
    "no_claims": (lambda app: no_claims_docx(), 422),
}
EXPECTED_CODE = {"legacy_doc": "not_a_docx"}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_documents_answer_their_code(api, application, case):
    make, status = BAD_INPUTS[case]
    caller = api.caller()
    data = make(application)
    response = api.client.post(
        CHECK,
        headers=caller.headers,
        **upload(data, name="bad.docm" if case == "macro_enabled" else "bad.docx"),
    )
    assert_error(response, status, EXPECTED_CODE.get(case, case))
    # the annotate route refuses the same way
    assert_error(
        api.client.post(ANNOTATE, headers=caller.headers, **upload(data)),
        status,
        EXPECTED_CODE.get(case, case),
    )


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        (
            {"content": b"1. A widget.", "headers": {"content-type": "text/plain"}},
            415,
            "unsupported_media_type",
        ),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "invalid_request"),
        ({"content": b"\xff\xfe{}", "headers": {"content-type": "application/json"}}, 422, "invalid_request"),
        ({"json": {"txt": CLAIMS_TEXT}}, 422, "invalid_request"),
        ({"json": ["not", "an", "object"]}, 422, "invalid_request"),
        ({"json": {"text": CLAIMS_TEXT, "select": "AB"}}, 422, "invalid_request"),
        ({"json": {"text": "   \n "}}, 422, "empty_text"),
        ({"json": {"text": "A description without any claims."}}, 422, "no_claims"),
        ({"json": {"text": CLAIMS_TEXT, "select": ["ZZ9"]}}, 422, "unknown_rule"),
        ({"json": {"text": CLAIMS_TEXT, "jurisdiction": "jp"}}, 422, "unknown_jurisdiction"),
        (
            {"data": {"jurisdiction": "us"}, "files": {"other": ("a.txt", b"x", "text/plain")}},
            422,
            "invalid_request",
        ),
    ],
    ids=[
        "text-plain",
        "bad-json",
        "not-utf8",
        "no-text-field",
        "json-array",
        "select-not-list",
        "empty-text",
        "no-claims-text",
        "unknown-rule",
        "unknown-jurisdiction",
        "no-file-field",
    ],
)
def test_bad_requests_answer_their_code(api, kwargs, status, code):
    caller = api.caller()
    response = api.client.post(
        CHECK, **{**kwargs, "headers": {**caller.headers, **kwargs.get("headers", {})}}
    )
    assert_error(response, status, code)
    assert "pivots" not in response.text  # never echoes the submitted text


def test_validation_errors_do_not_echo_the_input(api):
    caller = api.caller()
    response = api.client.post(
        CHECK, headers=caller.headers, json={"text": "SECRET CLAIM WORDS", "unknown": "x"}
    )
    assert_error(response, 422, "invalid_request")
    assert "SECRET" not in response.text and "unknown" in response.json()["error"]["message"]


@pytest.fixture(scope="module")
def small_limit_client(database_url, tmp_path_factory):
    settings = make_settings(
        database_url=database_url, data_dir=tmp_path_factory.mktemp("small"), max_upload_bytes=10_000
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_uploads_over_the_limit_are_refused(api, small_limit_client, application):
    assert len(application) > 10_000
    caller = api.caller()
    assert_error(
        small_limit_client.post(CHECK, headers=caller.headers, **upload(application)), 413, "too_large"
    )
    assert_error(
        small_limit_client.post(ANNOTATE, headers=caller.headers, **upload(application)), 413, "too_large"
    )
    assert_error(
        small_limit_client.post(CHECK, headers=caller.headers, json={"text": "x" * 20_000}), 413, "too_large"
    )

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 1000

    response = small_limit_client.post(
        CHECK, headers={**caller.headers, "content-type": "application/json"}, content=chunks()
    )
    assert_error(response, 413, "too_large")
    # under the limit still works
    response = small_limit_client.post(CHECK, headers=caller.headers, json={"text": CLAIMS_TEXT})
    assert response.status_code == 200


def test_every_check_is_audited_by_hash_without_text(api, application, record):
    caller = api.caller()
    ok = api.client.post(CHECK, headers=caller.headers, **upload(application))
    api.client.post(CHECK, headers=caller.headers, json={"text": "no claims here, only words"})
    api.client.post(ANNOTATE, headers=caller.headers, **upload(application))
    with api.database.session() as session:
        me = api.client.get("/api/v1/me", headers=caller.headers).json()
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tenant_id == me["tenant_id"], AuditEvent.action.startswith("check"))
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.outcome) for e in events] == [
            ("check", "ok"),
            ("check", "no_claims"),
            ("check.annotate", "ok"),
        ]
        first = events[0]
        assert first.user_id == me["user_id"]
        assert first.document_sha256 == hashlib.sha256(application).hexdigest()
        assert first.document_size == len(application)
        summary = ok.json()["document"]
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in ok.json()["findings"]:
            counts[f["severity"]] += 1
        assert first.counts == {"claims": summary["claims"], **counts}
        assert events[1].document_sha256 == hashlib.sha256(b"no claims here, only words").hexdigest()
        stored = json.dumps(
            [[getattr(e, c.key) for c in AuditEvent.__table__.columns] for e in events], default=str
        )
    claim_words = record["claims"][0]["text"][:40]
    assert claim_words not in stored and "only words" not in stored
