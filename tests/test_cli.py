"""The `patentpane` command as a user runs it: real files, a real process, real exit codes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

APPLICATION = [
    ("Heading 1", "WIDGET WITH LEVER"),
    ("Heading 1", "BACKGROUND"),
    (None, "[0001] Widgets are known."),
    ("Heading 1", "SUMMARY"),
    (None, "[0002] A widget has a housing and a lever."),
    ("Heading 1", "BRIEF DESCRIPTION OF THE DRAWINGS"),
    (None, "[0003] FIG. 1 shows a widget 10."),
    ("Heading 1", "DETAILED DESCRIPTION"),
    (None, "[0004] As shown in FIG. 1, the widget 10 comprises a housing 12 and a lever 14 attached to the housing 12. The lever 14 pivots on a pin 16."),
    ("Heading 1", "CLAIMS"),
    (None, "1. A widget comprising: a housing; and a lever attached to the housing."),
    (None, "2. The widget of claim 1, wherein the lever pivots on the pin and the pin is steel."),
    ("Heading 1", "ABSTRACT"),
    (None, "A widget has a housing and a lever attached to the housing."),
]


def make_docx(path: Path, paragraphs=APPLICATION) -> Path:
    d = docx.Document()
    for style, text in paragraphs:
        d.add_paragraph(text, style=style) if style else d.add_paragraph(text)
    d.save(path)
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def app_docx(tmp_path_factory) -> Path:
    return make_docx(tmp_path_factory.mktemp("cli") / "app.docx")


def test_check_json_shape_and_exit_code(app_docx):
    before = hashlib.sha256(app_docx.read_bytes()).hexdigest()
    proc = run("check", str(app_docx), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["document"]["claims"] == 2 and out["document"]["independent_claims"] == 1
    assert out["document"]["words"] > 50
    assert [(c["number"], c["depends_on"], c["independent"]) for c in out["claims"]] == [(1, [], True), (2, [1], False)]
    assert out["claims"][0]["category"] == "apparatus"
    pin = [f for f in out["findings"] if f["code"] == "AB001"]
    assert len(pin) == 1 and pin[0]["claim"] == 2 and pin[0]["text"] == "the pin"
    f = pin[0]
    assert set(f) >= {"code", "category", "severity", "message", "claim", "text", "location", "suggestion"}
    assert f["category"] == "antecedent_basis" and f["severity"] == "error"
    assert set(f["location"]) == {"paragraph", "start", "end"}
    assert hashlib.sha256(app_docx.read_bytes()).hexdigest() == before


def test_check_text_output_and_select(app_docx):
    proc = run("check", str(app_docx), "--select", "AB")
    assert proc.returncode == 1
    assert 'AB001 [error]' in proc.stdout and '"the pin"' in proc.stdout
    assert "2 claims (1 independent)" in proc.stdout
    proc = run("check", str(app_docx), "--ignore", "AB,reference_numeral,claim_support,terminology,fees")
    assert "AB001" not in proc.stdout


def test_check_writes_annotated_copy(app_docx, tmp_path):
    out = tmp_path / "annotated.docx"
    before = app_docx.read_bytes()
    proc = run("check", str(app_docx), "-o", str(out), "--select", "AB")
    assert proc.returncode == 1, proc.stderr
    assert app_docx.read_bytes() == before
    with zipfile.ZipFile(out) as z:
        comments = z.read("word/comments.xml").decode()
    assert "[AB001]" in comments and 'w:author="PatentPane"' in comments


def test_clean_document_exits_zero(tmp_path):
    paragraphs = [p for p in APPLICATION if not p[1].startswith("2.")]
    path = make_docx(tmp_path / "clean.docx", paragraphs)
    proc = run("check", str(path), "--select", "AB,claim_numbering,claim_dependency")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _docm(app_docx: Path) -> bytes:
    with zipfile.ZipFile(app_docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0fake macro storage"
    return _zip(parts)


@pytest.mark.parametrize(
    "name, make, code",
    [
        ("notes.docx", lambda p: b"just some text, not a zip", "not_a_docx"),
        ("other.docx", lambda p: _zip({"hello.txt": b"hi"}), "not_a_docx"),
        ("macro.docm", _docm, "macro_enabled"),
        ("secret.docx", lambda p: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "encrypted"),
        ("bomb.docx", lambda p: _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (20 * 1024 * 1024)}), "zip_bomb"),
        ("noclaims.docx", lambda p: make_docx(p.parent / "nc.docx", APPLICATION[:9]).read_bytes(), "no_claims"),
    ],
)
def test_bad_input_exit_2_without_traceback(tmp_path, app_docx, name, make, code):
    path = tmp_path / name
    path.write_bytes(make(app_docx) if name == "macro.docm" else make(path))
    proc = run("check", str(path))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"[{code}]" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_missing_file_and_bad_options(tmp_path, app_docx):
    assert run("check", str(tmp_path / "nope.docx")).returncode == 2
    proc = run("check", str(app_docx), "--select", "ZZ999")
    assert proc.returncode == 2 and "[unknown_rule]" in proc.stderr
    proc = run("check", str(app_docx), "--jurisdiction", "xx")
    assert proc.returncode == 2 and "[unknown_jurisdiction]" in proc.stderr
    proc = run("check", str(app_docx), "-o", str(app_docx))
    assert proc.returncode == 2 and "[output_is_input]" in proc.stderr


def test_rules_listing_and_documentation():
    proc = run("rules")
    assert proc.returncode == 0
    lines = proc.stdout.strip().splitlines()
    assert any(line.startswith("AB001") and "antecedent_basis" in line and "error" in line for line in lines)
    proc = run("rules", "AB001")
    assert proc.returncode == 0
    for heading in ("What it does", "Why it matters", "Example", "Authority: MPEP"):
        assert heading in proc.stdout
    assert run("rules", "ZZ999").returncode == 2
