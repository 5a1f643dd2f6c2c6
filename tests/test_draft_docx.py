"""Inserting a draft into a .docx as tracked changes (backend.docx.tracked): under existing
headings or new ones in 37 CFR 1.77(b) order, every other part byte-identical, existing text
untouched, the insertions read back as present, and LibreOffice shows them as insertions."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest

from backend.docx.reader import read_docx
from backend.docx.tracked import insert_sections, new_document, tracked_insertions
from backend.drafting import draft_docx, draft_to_new_docx
from backend.nlp.sections import find_sections
from backend.nlp.structure import SectionKind
from backend.settings import Settings
from tests.docxgen import HOUSE_STYLES, render_docx
from tests.helpers import sample_corpus

SECTIONS = [
    ("title", "", ["Widget"]),
    ("technical_field", "TECHNICAL FIELD", ["The present disclosure relates generally to widgets."]),
    ("summary", "SUMMARY", ["In one aspect, a widget includes a lever.", "In some embodiments, the lever is red."]),
    ("detailed_description", "DETAILED DESCRIPTION", ["The widget 100 includes a lever 102."]),
    ("abstract", "ABSTRACT", ["A widget includes a lever."]),
]
DATE = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _texts(data: bytes) -> list[str]:
    return [p.text for p in read_docx(data).text.paragraphs]


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@pytest.fixture(scope="module")
def record() -> dict:
    return min(sample_corpus(), key=lambda r: len(str(r)))


def test_claims_only_document_gets_every_section_in_filing_order():
    data = new_document(["1. A widget comprising a lever.", "2. The widget of claim 1, wherein the lever is red."])
    out = insert_sections(data, SECTIONS, date=DATE)
    assert _texts(out) == [
        "Widget",
        "TECHNICAL FIELD",
        "The present disclosure relates generally to widgets.",
        "SUMMARY",
        "In one aspect, a widget includes a lever.",
        "In some embodiments, the lever is red.",
        "DETAILED DESCRIPTION",
        "The widget 100 includes a lever 102.",
        "What is claimed is:",
        "1. A widget comprising a lever.",
        "2. The widget of claim 1, wherein the lever is red.",
        "ABSTRACT",
        "A widget includes a lever.",
    ]
    kinds = [s.kind for s in find_sections(read_docx(out).text).sections]
    assert kinds == [
        SectionKind.TITLE,
        SectionKind.TECHNICAL_FIELD,
        SectionKind.SUMMARY,
        SectionKind.DETAILED_DESCRIPTION,
        SectionKind.CLAIMS,
        SectionKind.ABSTRACT,
    ]
    insertions = tracked_insertions(out)
    assert len(insertions) == 11
    assert {(a, d) for a, d, _ in insertions} == {("PatentPane", "2024-05-06T07:08:09Z")}
    xml = _parts(out)["word/document.xml"].decode()
    ids = re.findall(r'<w:ins w:id="(\d+)"', xml)
    assert len(ids) == len(set(ids)) == 22  # paragraph marks and runs, each its own revision
    assert "<w:pageBreakBefore/>" in xml  # the abstract starts a new page


@pytest.mark.parametrize("style", ["uspto-typed", "firm-word-numbering"])
def test_existing_document_keeps_every_part_and_every_paragraph(record, style):
    if style not in HOUSE_STYLES:
        pytest.skip(f"no house style {style}")
    data = render_docx(record, style)
    original = bytes(data)
    result = draft_docx(data, settings=Settings(), insert=True)
    out = result.docx
    assert data == original
    before, after = _parts(data), _parts(out)
    assert list(after) == list(before)
    assert [n for n in before if before[n] != after[n]] == ["word/document.xml"]
    old, new = _texts(data), _texts(out)
    assert _is_subsequence(old, new)  # nothing existing altered, removed or reordered
    generated = [p.text for s in result.draft.sections for p in s.paragraphs if s.kind != SectionKind.TITLE]
    assert _is_subsequence(generated, new)
    assert len(new) == len(old) + len(generated) + sum(
        1 for s in result.draft.sections if s.kind == SectionKind.TECHNICAL_FIELD  # the one new heading
    )
    # each section under its existing heading
    sections = find_sections(read_docx(out).text).sections
    summary = next(s for s in sections if s.kind == SectionKind.SUMMARY)
    assert new[summary.start] == result.draft.section(SectionKind.SUMMARY).paragraphs[0].text
    # people's revisions are kept; ours are PatentPane's
    authors = {a for a, _, _ in tracked_insertions(out)}
    assert "PatentPane" in authors


@pytest.mark.libreoffice
def test_insertions_open_in_libreoffice_as_tracked_changes(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (libreoffice-writer) is installed by `make test`"
    result = draft_to_new_docx("1. A widget comprising a housing and a lever.\n", settings=Settings())
    path = tmp_path / "draft.docx"
    path.write_bytes(result.docx)
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "odt", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(tmp_path / "draft.odt") as z:
        content = z.read("content.xml").decode()
    assert "<text:tracked-changes" in content and "<text:insertion>" in content
    assert "<dc:creator>PatentPane</dc:creator>" in content
    assert "The widget 100 includes a housing 102 and a lever 104." in content
