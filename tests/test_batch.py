"""Batch engine: intake of uploads, the per-file work, the runner on a real process pool, reports."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import pickle
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from backend.batch.executor import InlineExecutor, LocalProcessExecutor
from backend.batch.intake import IntakeLimits, read_directory, read_upload, read_zip
from backend.batch.report import CSV_COLUMNS, annotated_files, build_report, report_csv, write_annotated_zip
from backend.batch.runner import ProgressEvent, run_batch
from backend.batch.work import CheckOptions, FileOutcome, FileState, check_one
from backend.checking import InputError
from tests.docxgen import HOUSE_STYLES, render_docx
from tests.helpers import sample_corpus

MACRO_CT = b"application/vnd.ms-word.document.macroEnabled.main+xml"
MAIN_CT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# -- generated documents -------------------------------------------------------------------------
def zip_of(entries: dict[str, bytes] | list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in entries.items() if isinstance(entries, dict) else entries:
            archive.writestr(name, data)
    return buf.getvalue()


def _small(record: dict, i: int) -> dict:
    """A shortened copy (a few description paragraphs and claims): the batch is about many files."""
    record = copy.deepcopy(record)
    record["description"] = record["description"][: 8 + i % 7]
    record["claims"] = record["claims"][: 3 + i % 6]
    return record


def good_documents(n: int) -> dict[str, bytes]:
    """`n` applications from the corpus sample in every house style, in nested folders."""
    records = [r for r in sample_corpus() if r["claims"] and r["description"]]
    styles = list(HOUSE_STYLES)
    docs = {}
    for i in range(n):
        style = styles[i % len(styles)]
        docs[f"{style}/app-{i:02d}.docx"] = render_docx(_small(records[i % len(records)], i), style, seed=i)
    return docs


def macro_enabled(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(MAIN_CT, MACRO_CT)
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0fake macro storage"
    return zip_of(parts)


def bad_documents() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, the code its check fails with)."""
    record = copy.deepcopy(next(sample_corpus()))
    valid = render_docx(_small(record, 0), "uspto-typed")
    record["claims"] = []
    return {
        "bad/not-a-docx.docx": (b"%PDF-1.4 this is not a zip", "not_a_docx"),
        "bad/macro.docm": (macro_enabled(valid), "macro_enabled"),
        "bad/empty.docx": (b"", "not_a_docx"),
        "bad/no-claims.docx": (render_docx(_small(record, 0), "ep-style"), "no_claims"),
    }


def fake_outcome(*, name: str, data: bytes, options: CheckOptions, index: int) -> FileOutcome:
    return FileOutcome(index=index, name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                       state=FileState.DONE)


def crashing_task(*, name: str, data: bytes, options: CheckOptions, index: int) -> FileOutcome:
    """Test-only task run in pool workers: b"crash" kills its worker every time, b"once:PATH" the
    first time only (PATH marks that it happened), anything else succeeds."""
    if data == b"crash":
        os._exit(3)
    if data.startswith(b"once:"):
        marker = Path(data[5:].decode())
        if not marker.exists():
            marker.write_text("crashed")
            os._exit(3)
    time.sleep(0.05)
    return fake_outcome(name=name, data=data, options=options, index=index)


def slow_task(*, name: str, data: bytes, options: CheckOptions, index: int) -> FileOutcome:
    time.sleep(0.3)
    return fake_outcome(name=name, data=data, options=options, index=index)


def failing_task(*, name: str, data: bytes, options: CheckOptions, index: int) -> FileOutcome:
    raise RuntimeError("secret claim text")


# -- a whole batch through the real process pool ----------------------------------------------------
def test_batch_of_54_documents_on_two_workers_matches_single_checks():
    from backend.checking import check_docx
    from backend.docx.package import open_package

    good = good_documents(50)
    bad = bad_documents()
    junk = {"__MACOSX/uspto-typed/._app-00.docx": b"\0\5\26\7", ".DS_Store": b"\0\0\0\1Bud1", "notes.txt": b"hi"}
    intake = read_zip(source=zip_of({**good, **{n: d for n, (d, _) in bad.items()}, **junk}))
    assert len(intake.documents) == 54
    assert {(s.name, s.reason) for s in intake.skipped} == {
        ("__MACOSX/uspto-typed/._app-00.docx", "macos_metadata"), (".DS_Store", "hidden"), ("notes.txt", "not_docx"),
    }

    events: list[ProgressEvent] = []
    options = CheckOptions()
    with LocalProcessExecutor(workers=2) as executor:
        assert len(executor.warm_up()) == 2
        outcomes = list(run_batch(documents=intake.documents, options=options, executor=executor,
                                  on_progress=events.append))

    assert sorted(o.index for o in outcomes) == list(range(54))
    report = json.loads(json.dumps(build_report(outcomes=outcomes, skipped=intake.skipped, options=options)))
    assert report["summary"]["files"] == 54 and report["summary"]["failed"] == 4
    assert report["skipped"][0] == {"name": "__MACOSX/uspto-typed/._app-00.docx", "reason": "macos_metadata"}
    csv_rows = list(csv.DictReader(io.StringIO(report_csv(outcomes=outcomes))))
    assert tuple(csv_rows[0]) == CSV_COLUMNS

    totals: Counter[str] = Counter()
    for doc, entry in zip(intake.documents, report["files"], strict=True):
        assert (entry["index"], entry["name"], entry["size"]) == (doc.index, doc.name, len(doc.data))
        assert entry["sha256"] == hashlib.sha256(doc.data).hexdigest()
        rows = [r for r in csv_rows if r["file"] == doc.name]
        assert rows and all(r["sha256"] == entry["sha256"] and r["state"] == entry["state"] for r in rows)
        if doc.name in bad:
            code = bad[doc.name][1]
            assert entry["state"] == "failed" and entry["error"]["code"] == code, entry["error"]
            assert entry["findings"] == [] and entry["categories"] == {}
            assert rows == [dict(zip(CSV_COLUMNS, (doc.name, entry["sha256"], "failed", code, "", "0", "0", "0"),
                                     strict=True))]
            continue
        single = check_docx(doc.data, config=options.config()).result
        assert entry["state"] == "done" and entry["error"] is None
        assert entry["findings"] == single.to_json()["findings"]
        assert entry["document"] == single.to_json()["document"]
        assert entry["counts"] == single.counts()
        by_category = Counter((f.category, str(f.severity)) for f in single.findings)
        assert entry["categories"] == {
            c: {s: by_category[(c, s)] for s in ("error", "warning", "info")} for c in sorted({c for c, _ in by_category})
        }
        if single.findings:
            assert {r["category"]: (int(r["errors"]), int(r["warnings"]), int(r["info"])) for r in rows} == {
                c: (by["error"], by["warning"], by["info"]) for c, by in entry["categories"].items()
            }
        else:
            assert [(r["category"], r["errors"]) for r in rows] == [("", "0")]
        totals.update(single.counts())
    assert report["summary"]["findings"] == dict(totals)

    archive_bytes = io.BytesIO()
    assert write_annotated_zip(files=annotated_files(outcomes), target=archive_bytes) == 50
    with zipfile.ZipFile(archive_bytes) as archive:
        assert archive.namelist() == [d.name for d in intake.documents if d.name in good]
        for entry in report["files"][:50:7]:
            package = open_package(archive.read(entry["name"]))
            comments = package.parts.get("word/comments.xml", b"").count(b'w:author="PatentPane"')
            assert comments == len(entry["findings"])

    finals = [e for e in events if e.state in (FileState.DONE, FileState.FAILED)]
    assert [e.finished for e in finals] == list(range(1, 55)) and all(e.total == 54 for e in events)
    assert {e.index for e in events if e.state == FileState.RUNNING} == set(range(54))
    assert all(e.outcome is not None for e in finals)


# -- the runner: crashes and cancellation ----------------------------------------------------------
def _docs(payloads: list[tuple[str, bytes]]):
    return read_upload(files=payloads).documents


def test_a_worker_that_crashes_once_is_recovered_and_the_document_retried(tmp_path):
    documents = _docs([("a.docx", b"a"), ("once.docx", f"once:{tmp_path / 'crashed'}".encode()),
                       ("b.docx", b"b"), ("c.docx", b"c"), ("d.docx", b"d")])
    events: list[ProgressEvent] = []
    with LocalProcessExecutor(workers=2, initializer=None) as executor:
        outcomes = list(run_batch(documents=documents, options=CheckOptions(), executor=executor,
                                  task=crashing_task, on_progress=events.append))
        assert executor.restarts == 1
    assert (tmp_path / "crashed").exists()
    assert sorted((o.index, o.state) for o in outcomes) == [(i, "done") for i in range(5)]
    assert any(e.state == FileState.QUEUED and e.name == "once.docx" for e in events)


def test_a_document_that_crashes_its_worker_twice_fails_alone():
    documents = _docs([("a.docx", b"a"), ("crash.docx", b"crash"), ("b.docx", b"b"), ("c.docx", b"c")])
    events: list[ProgressEvent] = []
    with LocalProcessExecutor(workers=2, initializer=None) as executor:
        outcomes = list(run_batch(documents=documents, options=CheckOptions(), executor=executor,
                                  task=crashing_task, on_progress=events.append))
        assert executor.restarts == 2  # after the first crash, and after the retry of crash.docx alone
    states = {o.name: (o.state, o.error.code if o.error else None) for o in outcomes}
    assert states == {"a.docx": ("done", None), "b.docx": ("done", None), "c.docx": ("done", None),
                      "crash.docx": ("failed", "worker_crashed")}
    assert not any(e.state == FileState.CANCELED for e in events)


def test_cancellation_stops_the_batch_quickly():
    documents = _docs([(f"f{i:02d}.docx", b"x%d" % i) for i in range(20)])
    cancel = threading.Event()
    events: list[ProgressEvent] = []
    outcomes = []
    with LocalProcessExecutor(workers=2, initializer=None) as executor:
        started = time.monotonic()
        for outcome in run_batch(documents=documents, options=CheckOptions(), executor=executor,
                                 task=slow_task, cancel=cancel, on_progress=events.append):
            outcomes.append(outcome)
            cancel.set()
        elapsed = time.monotonic() - started
    assert 1 <= len(outcomes) < 20 and elapsed < 5
    canceled = {e.index for e in events if e.state == FileState.CANCELED}
    assert canceled == set(range(20)) - {o.index for o in outcomes}


def test_closing_the_generator_cancels_the_rest_inline():
    documents = _docs([(f"f{i}.docx", b"x") for i in range(5)])
    events: list[ProgressEvent] = []
    batch = run_batch(documents=documents, options=CheckOptions(), executor=InlineExecutor(), task=fake_outcome,
                      on_progress=events.append)
    first = next(batch)
    batch.close()
    assert first.index == 0
    assert sorted(e.index for e in events if e.state == FileState.CANCELED) == [1, 2, 3, 4]


def test_a_task_that_raises_fails_its_file_without_leaking_text(caplog):
    documents = _docs([("a.docx", b"a"), ("b.docx", b"b")])
    outcomes = list(run_batch(documents=documents, options=CheckOptions(), executor=InlineExecutor(),
                              task=failing_task))
    assert [(o.state, o.error.code) for o in outcomes] == [("failed", "internal_error")] * 2
    assert "secret" not in caplog.text and all("secret" not in o.error.message for o in outcomes)


# -- the unit of work --------------------------------------------------------------------------------
def test_check_one_internal_error_is_an_outcome_without_the_text(monkeypatch, caplog):
    import backend.checking

    def broken(data, **kwargs):
        raise ValueError("the claimed widget comprising a secret lever")

    monkeypatch.setattr(backend.checking, "check_docx", broken)
    outcome = check_one(name="x.docx", data=b"data", options=CheckOptions(), index=7)
    assert (outcome.index, outcome.state, outcome.error.code) == (7, "failed", "internal_error")
    assert outcome.sha256 == hashlib.sha256(b"data").hexdigest() and outcome.size == 4
    assert "secret" not in outcome.error.message and "secret" not in caplog.text
    assert "ValueError" in caplog.text


def test_check_one_outcome_pickles_and_counts_add_up():
    name, data = next(iter(good_documents(1).items()))
    outcome = check_one(name=name, data=data, options=CheckOptions.build(ignore=["fees"]), index=3)
    assert outcome.state == FileState.DONE and outcome.annotated and outcome.result
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    assert sum(outcome.counts.values()) == len(outcome.result["findings"]) > 0
    assert {c: sum(by.values()) for c, by in outcome.category_counts.items()} == Counter(
        f["category"] for f in outcome.result["findings"])
    assert "fees" not in outcome.category_counts
    assert outcome.without_annotated().annotated is None


@pytest.mark.parametrize("kwargs, code", [
    ({"select": ["ZZ999"]}, "unknown_rule"), ({"jurisdiction": "jp"}, "unknown_jurisdiction"),
])
def test_options_are_validated_up_front(kwargs, code):
    with pytest.raises(InputError) as exc:
        CheckOptions.build(**kwargs)
    assert exc.value.code == code


def test_options_round_trip_through_json():
    options = CheckOptions.build(jurisdiction="EP", select=["AB,claim_form"], ignore=["CF005"])
    assert options == CheckOptions(jurisdiction="ep", select=("AB", "claim_form"), ignore=("CF005",))
    assert CheckOptions.from_json(json.loads(json.dumps(options.to_json()))) == options


# -- intake -----------------------------------------------------------------------------------------
def _code(fn, **kwargs) -> str:
    with pytest.raises(InputError) as exc:
        fn(**kwargs)
    return exc.value.code


def test_zip_intake_names_order_skips_and_duplicates():
    entries = [
        ("docket/", b""), ("docket/2024/A.docx", b"1"), ("docket/2024/a.DOCX", b"2"), ("win\\sub\\b.docx", b"3"),
        ("dup.docx", b"4"), ("dup.docx", b"5"), ("./c.dotx", b"6"), ("legacy.doc", b"7"),
        ("__MACOSX/docket/._A.docx", b"m"), ("docket/.hidden/x.docx", b"h"), ("~$lock.docx", b"l"),
        ("readme.pdf", b"p"), ("nested.zip", b"z"),
    ]
    with pytest.warns(UserWarning):  # zipfile warns about the duplicate name, which is the point
        data = zip_of(entries)
    intake = read_zip(source=data)
    assert [(d.index, d.name, d.data) for d in intake.documents] == [
        (0, "docket/2024/A.docx", b"1"), (1, "docket/2024/a (2).DOCX", b"2"), (2, "win/sub/b.docx", b"3"),
        (3, "dup.docx", b"4"), (4, "dup (2).docx", b"5"), (5, "c.dotx", b"6"), (6, "legacy.doc", b"7"),
    ]
    assert all(d.sha256 == hashlib.sha256(d.data).hexdigest() and d.size == len(d.data) for d in intake.documents)
    assert [(s.name, s.reason) for s in intake.skipped] == [
        ("__MACOSX/docket/._A.docx", "macos_metadata"), ("docket/.hidden/x.docx", "hidden"),
        ("~$lock.docx", "word_lock_file"), ("readme.pdf", "not_docx"), ("nested.zip", "not_docx"),
    ]


@pytest.mark.parametrize("name", [
    "../evil.docx", "docket/../../evil.docx", "/etc/evil.docx", "C:\\evil.docx", "..\\evil.docx",
    "../notes.txt", "bad\x01name.docx",
])
def test_zip_path_traversal_is_refused(name):
    assert _code(read_zip, source=zip_of([("ok.docx", b"1"), (name, b"2")])) == "unsafe_path"


def test_zip_bombs_and_limits():
    bomb = zip_of({"bomb.docx": b"\0" * (20 * 1024 * 1024)})
    assert _code(read_zip, source=bomb) == "zip_bomb"
    many = zip_of({f"f{i}.docx": b"x" for i in range(6)})
    assert _code(read_zip, source=many, limits=IntakeLimits(max_entries=5)) == "too_many_entries"
    assert _code(read_zip, source=many, limits=IntakeLimits(max_files=5)) == "too_many_files"
    big = zip_of({"a.docx": os.urandom(3000), "b.docx": os.urandom(3000)})
    assert _code(read_zip, source=big, limits=IntakeLimits(max_total_bytes=5000)) == "zip_bomb"
    assert len(read_zip(source=big, limits=IntakeLimits(max_total_bytes=6000)).documents) == 2


def test_zip_member_that_inflates_past_its_declared_size_is_refused():
    data = bytearray(zip_of({"a.docx": b"A" * 5000}))
    # shrink the declared uncompressed size in the central directory (offset 24 of the entry)
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    assert _code(read_zip, source=bytes(data)) in ("zip_bomb", "corrupt_zip")


def test_zip_other_bad_archives():
    assert _code(read_zip, source=b"not a zip at all") == "not_a_zip"
    assert _code(read_zip, source=zip_of({"notes.txt": b"x", ".DS_Store": b"y"})) == "empty_batch"
    corrupt = bytearray(zip_of({"a.docx": os.urandom(2000)}, compression=zipfile.ZIP_STORED))
    corrupt[100] ^= 0xFF  # inside the stored data: the CRC no longer matches
    assert _code(read_zip, source=bytes(corrupt)) == "corrupt_zip"
    locked = bytearray(zip_of({"locked.docx": b"x"}))
    locked[6] |= 0x1  # the "encrypted" flag, in the local header and in the central directory
    locked[locked.rfind(b"PK\x01\x02") + 8] |= 0x1
    assert _code(read_zip, source=bytes(locked)) == "encrypted"


def test_upload_of_many_files_or_one_zip():
    intake = read_upload(files=[("a.docx", b"1"), ("A.docx", b"2"), ("folder\\b.docx", b"3"), ("x.pdf", b"4")])
    assert [d.name for d in intake.documents] == ["a.docx", "A (2).docx", "folder/b.docx"]
    assert [(s.name, s.reason) for s in intake.skipped] == [("x.pdf", "not_docx")]
    zipped = read_upload(files=[("docket.ZIP", zip_of({"d/a.docx": b"1"}))])
    assert [d.name for d in zipped.documents] == ["d/a.docx"]
    assert _code(read_upload, files=[("docket.zip", zip_of({"a.docx": b"1"})), ("b.docx", b"2")]) == "mixed_upload"
    assert _code(read_upload, files=[("../a.docx", b"1")]) == "unsafe_path"
    assert _code(read_upload, files=[("x.pdf", b"1")]) == "empty_batch"
    assert _code(read_upload, files=[("a.docx", b"1" * 10), ("b.docx", b"2" * 10)],
                 limits=IntakeLimits(max_total_bytes=15)) == "batch_too_large"


def test_directory_intake_prunes_hidden_and_excluded_folders(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / ".git").mkdir()
    (tmp_path / "in" / "out" / "annotated").mkdir(parents=True)
    (tmp_path / "in" / "b.docx").write_bytes(b"b")
    (tmp_path / "in" / "sub" / "a.docx").write_bytes(b"a")
    (tmp_path / "in" / ".git" / "x.docx").write_bytes(b"g")
    (tmp_path / "in" / "out" / "annotated" / "b.docx").write_bytes(b"annotated")
    (tmp_path / "in" / "notes.txt").write_text("n")
    intake = read_directory(path=tmp_path / "in", exclude=[tmp_path / "in" / "out"])
    assert [(d.name, d.data) for d in intake.documents] == [("b.docx", b"b"), ("sub/a.docx", b"a")]
    assert [(s.name, s.reason) for s in intake.skipped] == [(".git/", "hidden"), ("notes.txt", "not_docx")]
    assert _code(read_directory, path=tmp_path / "in", limits=IntakeLimits(max_entries=3)) == "too_many_entries"
    (tmp_path / "empty").mkdir()
    assert _code(read_directory, path=tmp_path / "empty") == "empty_batch"


# -- reports ------------------------------------------------------------------------------------------
def _outcome(index: int, name: str, **kwargs) -> FileOutcome:
    return FileOutcome(index=index, name=name, sha256=f"h{index}", size=10, **kwargs)


def test_csv_has_a_row_per_file_and_category_and_neutralises_formulas():
    from backend.batch.work import FileError

    outcomes = [
        _outcome(2, "=HYPERLINK(1).docx", state=FileState.FAILED, error=FileError("not_a_docx", "not a zip")),
        _outcome(0, "a.docx", state=FileState.DONE, counts={"error": 2, "warning": 1, "info": 0},
                 category_counts={"terminology": {"error": 0, "warning": 1, "info": 0},
                                  "antecedent_basis": {"error": 2, "warning": 0, "info": 0}},
                 result={"document": {"claims": 1}, "findings": [{"code": "AB001"}] * 3}, annotated=b"A"),
        _outcome(1, "clean.docx", state=FileState.DONE, result={"document": {"claims": 2}, "findings": []},
                 annotated=b"C"),
    ]
    rows = list(csv.reader(io.StringIO(report_csv(outcomes=outcomes))))
    assert rows == [
        list(CSV_COLUMNS),
        ["a.docx", "h0", "done", "", "antecedent_basis", "2", "0", "0"],
        ["a.docx", "h0", "done", "", "terminology", "0", "1", "0"],
        ["clean.docx", "h1", "done", "", "", "0", "0", "0"],
        ["'=HYPERLINK(1).docx", "h2", "failed", "not_a_docx", "", "0", "0", "0"],
    ]
    report = build_report(outcomes=outcomes)
    assert report["summary"] == {"files": 3, "done": 2, "failed": 1, "clean": 1, "with_findings": 1,
                                 "findings": {"error": 2, "warning": 1, "info": 0}}
    assert [f["name"] for f in report["files"]] == ["a.docx", "clean.docx", "=HYPERLINK(1).docx"]
    assert report["files"][2]["error"] == {"code": "not_a_docx", "message": "not a zip"}
    assert report["files"][2]["document"] is None and report["files"][2]["findings"] == []
    buf = io.BytesIO()
    assert write_annotated_zip(files=annotated_files(outcomes), target=buf) == 2
    with zipfile.ZipFile(buf) as archive:
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == [("a.docx", b"A"), ("clean.docx", b"C")]


def test_both_executors_implement_the_interface():
    from backend.batch.executor import Executor, default_workers

    assert isinstance(InlineExecutor(), Executor)
    executor = LocalProcessExecutor(workers=1, initializer=None)
    try:
        assert isinstance(executor, Executor) and executor.capacity == 1
    finally:
        executor.shutdown()
    assert default_workers() >= 1
