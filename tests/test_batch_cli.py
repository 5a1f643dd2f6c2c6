"""`patentpane batch` as a user runs it: folders and zips in, reports and annotated copies out."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backend.batch.cli import ProgressBar
from backend.batch.runner import ProgressEvent
from backend.batch.work import FileState
from backend.cli import main
from tests.test_batch import bad_documents, good_documents, zip_of


@pytest.fixture(scope="module")
def docket(tmp_path_factory) -> Path:
    """A folder: three applications in nested folders, a non-docx, a hidden file and a bad document."""
    root = tmp_path_factory.mktemp("docket")
    for name, data in good_documents(3).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "bad.docx").write_bytes(bad_documents()["bad/not-a-docx.docx"][0])
    (root / "notes.txt").write_text("not a document")
    (root / ".~lock.app.docx#").write_text("lock")
    return root


def test_batch_folder_writes_reports_and_annotated_copies(docket, tmp_path, capsys):
    out = docket / "checked"  # inside the input folder: a second run must not read it back
    try:
        assert main(["batch", str(docket), "-o", str(out), "--jobs", "1"]) == 1
        stdout = capsys.readouterr().out
        assert "bad.docx: failed [not_a_docx]" in stdout
        assert "4 files (2 other entries skipped): 3 with findings, 0 clean, 1 failed" in stdout
        report = json.loads((out / "report.json").read_text())
        names = [f["name"] for f in report["files"]]
        assert names == ["bad.docx", "bold-caps-elements/app-02.docx", "firm-word-numbering/app-01.docx",
                         "uspto-typed/app-00.docx"]
        assert sorted(p.relative_to(out / "annotated").as_posix() for p in (out / "annotated").rglob("*.docx")) == \
            sorted(names[1:])
        rows = list(csv.DictReader(io.StringIO((out / "report.csv").read_text())))
        assert {r["file"] for r in rows} == set(names)
        for entry in report["files"][1:]:
            with zipfile.ZipFile(out / "annotated" / entry["name"]) as annotated:
                comments = annotated.read("word/comments.xml").count(b'w:author="PatentPane"')
            assert comments == len(entry["findings"]) > 0

        assert main(["batch", str(docket), "-o", str(out), "--jobs", "1", "--format", "json"]) == 1
        again = json.loads(capsys.readouterr().out)
        assert [f["name"] for f in again["files"]] == names
        assert again["files"] == report["files"]
    finally:
        import shutil

        shutil.rmtree(out, ignore_errors=True)


def test_batch_clean_documents_exit_zero(docket, capsys):
    assert main(["batch", str(docket / "uspto-typed"), "--select", "TI001", "--jobs", "1"]) == 0
    assert "1 files: 0 with findings, 1 clean, 0 failed" in capsys.readouterr().out


def test_batch_zip_end_to_end_in_a_real_process_with_two_workers(tmp_path):
    archive = tmp_path / "docket.zip"
    archive.write_bytes(zip_of({**good_documents(4), "__MACOSX/._x.docx": b"junk"}))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "backend.cli", "batch", str(archive), "-o", str(out), "--jobs", "2",
         "--select", "AB,claim_numbering"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""  # no bar: stderr is not a terminal
    assert "4 files (1 other entries skipped)" in proc.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["options"] == {"jurisdiction": "us", "select": ["AB", "claim_numbering"], "ignore": []}
    assert {c for f in report["files"] for c in f["categories"]} <= {"antecedent_basis", "claim_numbering"}
    assert len(list((out / "annotated").rglob("*.docx"))) == 4


@pytest.mark.parametrize("make, extra, code", [
    (lambda p: p / "missing", [], "not_found"),
    (lambda p: p, [], "empty_batch"),
    (lambda p: _write(p / "bomb.zip", zip_of({"bomb.docx": b"\0" * (20 * 1024 * 1024)})), [], "zip_bomb"),
    (lambda p: _write(p / "evil.zip", zip_of({"../evil.docx": b"x"})), [], "unsafe_path"),
    (lambda p: _write(p / "fake.zip", b"not a zip"), [], "not_a_zip"),
    (lambda p: _write(p / "a.docx", b"x"), ["--select", "ZZ999"], "unknown_rule"),
    (lambda p: _write(p / "a.docx", b"x"), ["--jobs", "0"], "bad_jobs"),
])
def test_batch_bad_input_exits_2_with_a_code(tmp_path, capsys, make, extra, code):
    assert main(["batch", str(make(tmp_path)), *extra]) == 2
    err = capsys.readouterr().err
    assert f"patentpane: error [{code}]: " in err and "Traceback" not in err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_only_on_a_terminal():
    events = [ProgressEvent(0, "a.docx", FileState.RUNNING, 0, 2),
              ProgressEvent(0, "a.docx", FileState.FAILED, 1, 2),
              ProgressEvent(1, "b.docx", FileState.DONE, 2, 2)]
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar(stream, width=10)
        for event in events:
            bar.update(event)
        bar.close()
    assert pipe.getvalue() == ""
    assert "\r[#####.....] 1/2 files, 1 failed" in terminal.getvalue()
    assert terminal.getvalue().rstrip().endswith("s") and "[##########] 2/2 files, 1 failed" in terminal.getvalue()
