"""Round trip on real patents in several house styles: read, check, annotate, reopen.

The annotated copy must lose nothing: untouched parts byte-identical, the text unchanged, people's
comments and tracked changes kept, and every finding anchored on exactly its words.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from backend.docx.comments import annotate, read_comments
from backend.docx.reader import read_docx
from backend.nlp.engine import check
from backend.wordlists import load_wordlists
from tests.docxgen import COMMENT_AUTHOR, HOUSE_STYLES, REVISION_AUTHOR, expected_text, render_docx
from tests.helpers import sample_corpus

# Parts the annotator may rewrite; everything else must come back byte for byte.
REWRITABLE = re.compile(
    r"^(word/document\.xml|word/comments(Extended|Ids|Extensible)?\.xml|word/_rels/document\.xml\.rels|\[Content_Types\]\.xml)$"
)


def _records() -> list[dict]:
    keyed = [
        r for r in sample_corpus()
        if r["claims"] and all(c.get("depends_on") is not None for c in r["claims"])
        and not any(c.get("num_end") for c in r["claims"]) and len(r["description"]) < 120
    ]
    return keyed[:2]


RECORDS = _records()
CASES = [(style, i) for style in HOUSE_STYLES for i in range(len(RECORDS))]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _revisions(xml: bytes) -> list[tuple[str, str]]:
    return re.findall(rb'<w:(ins|del) [^>]*w:author="([^"]*)"', xml)


@pytest.fixture(scope="module")
def wordlists():
    return load_wordlists()


def test_sample_has_records():
    assert len(RECORDS) == 2


@pytest.mark.parametrize("style, which", CASES)
def test_round_trip(style, which, wordlists, tmp_path):
    record = RECORDS[which]
    data = render_docx(record, style, seed=which)
    original = bytes(data)

    doc = read_docx(data)
    texts = [p.text for p in doc.text.paragraphs]
    assert texts == [t for t in expected_text(record, style, seed=which) if t]

    result = check(doc.text, wordlists=wordlists)
    # claims as the attorney numbered them, with the dependencies of the USPTO markup
    got = {c.number: c.depends_on for c in result.claims if not c.canceled}
    key = {c["num"]: sorted(c["depends_on"]) for c in record["claims"] if "cancel" not in c["text"].lower()[:20]}
    assert got == key
    assert result.findings, "real applications always draw some findings (fees, terminology...)"

    annotated = annotate(data, result.findings)
    assert data == original  # bytes in, bytes out

    before, after = _parts(data), _parts(annotated)
    assert list(after)[: len(before)] == list(before)  # zip order kept, new parts appended
    for name, content in before.items():
        if not REWRITABLE.match(name):
            assert after[name] == content, f"{name} changed"
    assert [p.text for p in read_docx(annotated).text.paragraphs] == texts
    assert _revisions(after["word/document.xml"]) == _revisions(before["word/document.xml"])

    comments = read_comments(annotated)
    ours = [c for c in comments if c.author == "PatentPane"]
    theirs = [c for c in comments if c.author != "PatentPane"]
    assert len(ours) == len(result.findings)
    for comment, finding in zip(ours, result.findings):
        assert comment.text.startswith(f"[{finding.code}] {finding.message}")
        if finding.text:
            assert comment.anchored_text == finding.text
    if HOUSE_STYLES[style].comment:
        assert [c.author for c in theirs] == [COMMENT_AUTHOR]
    if HOUSE_STYLES[style].tracked_changes:
        assert {a.decode() for _, a in _revisions(after["word/document.xml"])} == {REVISION_AUTHOR}

    # checking the annotated copy again replaces our comments and keeps people's
    again = annotate(annotated, result.findings)
    comments2 = read_comments(again)
    assert len([c for c in comments2 if c.author == "PatentPane"]) == len(result.findings)
    assert [c for c in comments2 if c.author != "PatentPane"] == theirs
    assert [p.text for p in read_docx(again).text.paragraphs] == texts
    (tmp_path / f"{style}-{which}.docx").write_bytes(again)


@pytest.mark.libreoffice
def test_annotated_copies_open_in_libreoffice(wordlists, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (libreoffice-writer) is installed by `make test`"
    record = RECORDS[0]
    files = []
    for style in HOUSE_STYLES:
        data = render_docx(record, style)
        result = check(read_docx(data).text, wordlists=wordlists)
        path = tmp_path / f"{style}.docx"
        path.write_bytes(annotate(data, result.findings))
        files.append(path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "odt", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for path in files:
        odt = out / (path.stem + ".odt")
        assert odt.exists(), proc.stdout + proc.stderr
        with zipfile.ZipFile(odt) as z:
            content = z.read("content.xml").decode()
        assert content.count("<office:annotation ") >= 1
        assert "PatentPane" in content
