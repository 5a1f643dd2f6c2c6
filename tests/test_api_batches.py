"""The batch API on SQLite and PostgreSQL: a batch of 54 generated .docx files (4 bad) run to
completion through the real dispatcher and process pool with its reports checked, zip uploads and
options, tenant isolation, 409 for unfinished batches, cancel and delete, every refused upload with
its code, and nothing stored for a refused upload."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.app import create_app
from backend.batches import intake_limits
from backend.checking import check_docx
from backend.db.models import Batch, BatchFile, Tenant, utcnow
from backend.docx.comments import read_comments
from backend.nlp.config import CheckConfig
from backend.settings import Settings
from tests.apiharness import assert_error, make_settings
from tests.batchharness import BATCHES, batch_app, batch_executor, multipart, wait_for  # noqa: F401
from tests.test_batch import bad_documents, good_documents, zip_of


@pytest.fixture(scope="module")
def bapi(database_url, tmp_path_factory, batch_executor):  # noqa: F811
    with batch_app(database_url=database_url, data_dir=tmp_path_factory.mktemp("batches"),
                   executor=batch_executor) as harness:
        yield harness


@pytest.fixture(scope="module")
def docket() -> dict[str, bytes]:
    """50 applications in every house style, then 4 documents that cannot be checked."""
    return {**good_documents(50), **{name: data for name, (data, _) in bad_documents().items()}}


def storage_of(bapi, batch_id: str) -> Path:
    return bapi.settings.batch_upload_dir.resolve() / batch_id


def test_a_batch_of_54_documents_runs_to_completion_with_its_reports(bapi, docket):
    caller = bapi.caller()
    response = bapi.client.post(BATCHES, headers=caller.headers, files=multipart(docket))
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] == "queued" and created["files"] == 54 and created["skipped"] == 0
    batch_id = created["id"]
    assert response.headers["location"].endswith(f"{BATCHES}/{batch_id}")

    status = wait_for(bapi.client, caller.headers, batch_id)
    assert status["status"] == "done"
    assert status["progress"] == {"total": 54, "finished": 54, "queued": 0, "running": 0, "done": 50,
                                  "failed": 4, "canceled": 0}
    names = list(docket)
    assert [f["name"] for f in status["files"]] == names and [f["index"] for f in status["files"]] == list(range(54))
    assert status["finished_at"] and status["expires_at"] and status["error"] is None

    report = bapi.client.get(f"{BATCHES}/{batch_id}/report.json", headers=caller.headers).json()
    summary = report["summary"]
    assert summary["files"] == 54 and summary["done"] == 50 and summary["failed"] == 4
    assert summary["clean"] + summary["with_findings"] == 50
    files = report["files"]
    # every file exactly once, in upload order, with its own hash
    assert [f["index"] for f in files] == list(range(54)) and [f["name"] for f in files] == names
    assert [f["sha256"] for f in files] == [hashlib.sha256(d).hexdigest() for d in docket.values()]
    expected_codes = {name: code for name, (_, code) in bad_documents().items()}
    for entry in files:
        if entry["name"] in expected_codes:
            assert entry["state"] == "failed" and entry["error"]["code"] == expected_codes[entry["name"]]
            assert entry["findings"] == [] and entry["document"] is None
        else:
            assert entry["state"] == "done" and entry["error"] is None and entry["document"]["claims"] > 0
            counts = {s: sum(1 for f in entry["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
            assert entry["counts"] == counts
            assert sum(sum(by.values()) for by in entry["categories"].values()) == len(entry["findings"])
    totals = {s: sum(f["counts"][s] for f in files) for s in ("error", "warning", "info")}
    assert summary["findings"] == totals == status["findings"]
    assert [f["counts"] for f in status["files"]] == [f["counts"] for f in files]
    # the findings are those of a single check of the same document
    for entry in (files[0], files[7], files[49]):
        single = check_docx(docket[entry["name"]], config=CheckConfig.build(), settings=bapi.settings)
        assert entry["findings"] == json.loads(json.dumps(single.result.to_json()["findings"]))

    response = bapi.client.get(f"{BATCHES}/{batch_id}/report.csv", headers=caller.headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["file"] for r in rows} == set(names)
    for entry in files:
        mine = [r for r in rows if r["file"] == entry["name"]]
        assert sum(int(r["errors"]) + int(r["warnings"]) + int(r["info"]) for r in mine) == len(entry["findings"])
        assert {r["error"] for r in mine} == {entry["error"]["code"] if entry["error"] else ""}

    response = bapi.client.get(f"{BATCHES}/{batch_id}/annotated.zip", headers=caller.headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == names[:50]
        commented = read_comments(archive.read(names[0]))
    assert len([c for c in commented if c.author == "PatentPane"]) == len(files[0]["findings"])

    # the uploads are gone once the batch is done; the annotated copies stay until it expires
    storage = storage_of(bapi, batch_id)
    assert not (storage / "uploads").exists() and len(list((storage / "annotated").glob("*.docx"))) == 50
    listed = bapi.client.get(BATCHES, headers=caller.headers).json()["batches"]
    assert [b["id"] for b in listed] == [batch_id] and listed[0]["progress"]["done"] == 50

    assert bapi.client.delete(f"{BATCHES}/{batch_id}", headers=caller.headers).status_code == 204
    assert_error(bapi.client.get(f"{BATCHES}/{batch_id}", headers=caller.headers), 404, "not_found")
    assert not storage.exists()
    with bapi.database.session() as session:
        assert session.scalar(select(func.count()).where(BatchFile.batch_id == batch_id)) == 0


def test_a_zip_upload_lists_what_it_skipped_and_applies_the_options(bapi):
    caller = bapi.caller()
    docs = good_documents(3)
    entries = {**{f"docket/{n}": d for n, d in docs.items()}, "__MACOSX/._x.docx": b"x", "docket/.DS_Store": b"x",
               "docket/notes.txt": b"x"}
    response = bapi.client.post(BATCHES, headers=caller.headers, data={"select": "AB,claim_form", "ignore": "CF005"},
                                files=multipart({"docket.zip": zip_of(entries)}, "application/zip"))
    assert response.status_code == 202, response.text
    assert response.json()["files"] == 3 and response.json()["skipped"] == 3
    status = wait_for(bapi.client, caller.headers, response.json()["id"])
    assert status["status"] == "done"
    assert {s["reason"] for s in status["skipped"]} == {"macos_metadata", "hidden", "not_docx"}
    report = bapi.client.get(f"{BATCHES}/{status['id']}/report.json", headers=caller.headers).json()
    assert report["options"]["jurisdiction"] == "us" and report["skipped"] == status["skipped"]
    codes = {f["code"] for entry in report["files"] for f in entry["findings"]}
    assert codes and all(c.startswith(("AB", "CF")) for c in codes) and "CF005" not in codes
    assert [f["name"] for f in report["files"]] == [f"docket/{n}" for n in docs]


def test_another_firms_batch_is_not_found(bapi):
    owner, stranger = bapi.caller(), bapi.caller()
    response = bapi.client.post(BATCHES, headers=owner.headers, files=multipart(good_documents(1)))
    batch_id = response.json()["id"]
    wait_for(bapi.client, owner.headers, batch_id)
    for method, path in (("get", ""), ("get", "/report.json"), ("get", "/report.csv"), ("get", "/annotated.zip"),
                         ("post", "/cancel"), ("delete", "")):
        assert_error(bapi.client.request(method, f"{BATCHES}/{batch_id}{path}", headers=stranger.headers),
                     404, "not_found")
    assert bapi.client.get(BATCHES, headers=stranger.headers).json() == {"batches": []}
    assert bapi.client.get(f"{BATCHES}/{batch_id}", headers=owner.headers).status_code == 200
    assert_error(bapi.client.get(f"{BATCHES}/no-such-batch", headers=owner.headers), 404, "not_found")


def running_batch(bapi, tenant_name: str, storage: Path) -> str:
    """A batch another server is working on: file 0 done, file 1 claimed a moment ago elsewhere (so
    this app's dispatcher leaves it alone)."""
    report = {"document": {"claims": 1, "independent_claims": 1, "words": 6}, "claims": [], "findings": []}
    with bapi.database.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
        batch = Batch(tenant_id=tenant.id, status="running", options={"jurisdiction": "us", "select": [], "ignore": []},
                      storage_dir=str(storage), skipped=[], started_at=utcnow())
        batch.files = [
            BatchFile(position=0, name="a.docx", sha256="a" * 64, size=10, state="done", errors=0, warnings=0,
                      infos=0, report=report, finished_at=utcnow(), attempts=1),
            BatchFile(position=1, name="b.docx", sha256="b" * 64, size=12, state="running", attempts=1,
                      claimed_at=utcnow(), claimed_by="another-host:1:test"),
        ]
        session.add(batch)
        session.commit()
        return batch.id


def test_reports_of_a_running_batch_answer_409_and_cancel_keeps_what_was_checked(bapi, tmp_path):
    caller = bapi.caller()
    storage = tmp_path / "running"
    (storage / "uploads").mkdir(parents=True)
    (storage / "annotated").mkdir()
    (storage / "annotated" / "0.docx").write_bytes(b"annotated copy")
    batch_id = running_batch(bapi, caller.tenant, storage)
    for path in ("report.json", "report.csv", "annotated.zip"):
        assert_error(bapi.client.get(f"{BATCHES}/{batch_id}/{path}", headers=caller.headers), 409,
                     "batch_not_finished")
    response = bapi.client.post(f"{BATCHES}/{batch_id}/cancel", headers=caller.headers)
    assert response.status_code == 200, response.text
    status = response.json()
    assert status["status"] == "canceled" and [f["state"] for f in status["files"]] == ["done", "canceled"]
    assert status["progress"]["canceled"] == 1 and status["expires_at"]
    assert not (storage / "uploads").exists()  # the uploads are not needed any more
    report = bapi.client.get(f"{BATCHES}/{batch_id}/report.json", headers=caller.headers).json()
    assert report["summary"]["done"] == 1 and report["files"][1]["error"]["code"] == "canceled"
    archive = zipfile.ZipFile(io.BytesIO(bapi.client.get(f"{BATCHES}/{batch_id}/annotated.zip",
                                                         headers=caller.headers).content))
    assert archive.namelist() == ["a.docx"] and archive.read("a.docx") == b"annotated copy"
    # canceling again leaves it as it is
    again = bapi.client.post(f"{BATCHES}/{batch_id}/cancel", headers=caller.headers).json()
    assert again["status"] == "canceled" and again["finished_at"] == status["finished_at"]
    assert bapi.client.delete(f"{BATCHES}/{batch_id}", headers=caller.headers).status_code == 204
    assert not storage.exists()


def corrupt_zip() -> bytes:
    data = zip_of({"a.docx": b"word " * 2000})
    start = 30 + len("a.docx") + 10  # inside the deflated data of the only entry
    return data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1:]


BAD_UPLOADS = {
    "empty_batch": (422, {"notes.txt": b"x", ".DS_Store": b"x"}),
    "mixed_upload": (422, {"a.zip": zip_of({"a.docx": b"x"}), "b.docx": b"x"}),
    "not_a_zip": (422, {"docket.zip": b"this is not a zip"}),
    "corrupt_zip": (422, {"docket.zip": corrupt_zip()}),
    "zip_bomb": (413, {"docket.zip": zip_of({"big.docx": b"\0" * (3 * 1024 * 1024)})}),
    "unsafe_path": (422, {"docket.zip": zip_of({"../evil.docx": b"x"})}),
}


@pytest.mark.parametrize("code", list(BAD_UPLOADS))
def test_refused_uploads_answer_their_code_and_store_nothing(bapi, code):
    caller = bapi.caller()
    status, files = BAD_UPLOADS[code]
    assert_error(bapi.client.post(BATCHES, headers=caller.headers, files=multipart(files)), status, code)
    with bapi.database.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == caller.tenant))
        assert session.scalar(select(func.count()).where(Batch.tenant_id == tenant.id)) == 0


def test_bad_requests_and_options(bapi):
    caller = bapi.caller()
    one = multipart(good_documents(1))
    assert_error(bapi.client.post(BATCHES, headers=caller.headers, json={"files": []}), 415, "unsupported_media_type")
    assert_error(bapi.client.post(BATCHES, headers=caller.headers, data={"jurisdiction": "us"},
                                  files={"other": ("a.txt", b"x", "text/plain")}), 422, "invalid_request")
    assert_error(bapi.client.post(BATCHES, headers=caller.headers, data={"select": "ZZ9"}, files=one),
                 422, "unknown_rule")
    assert_error(bapi.client.post(BATCHES, headers=caller.headers, data={"jurisdiction": "xx"}, files=one),
                 422, "unknown_jurisdiction")
    assert_error(bapi.client.post(BATCHES, files=one), 401, "unauthenticated")
    assert_error(bapi.client.get(f"{BATCHES}?limit=0", headers=caller.headers), 422, "invalid_request")


def test_batch_limits(database_url, tmp_path, bapi):
    settings = make_settings(database_url=database_url, data_dir=tmp_path, batch_max_files=2,
                             batch_max_bytes=200_000, max_upload_bytes=150_000)
    client = TestClient(create_app(settings))  # no lifespan: nothing runs, only the intake is tested
    caller = bapi.caller()
    docs = good_documents(3)
    assert_error(client.post(BATCHES, headers=caller.headers, files=multipart(docs)), 413, "too_many_files")
    big = {"a.docx": b"x" * 120_000, "b.docx": b"x" * 120_000}
    assert_error(client.post(BATCHES, headers=caller.headers, files=multipart(big)), 413, "batch_too_large")
    assert_error(client.post(BATCHES, headers=caller.headers, files=multipart({"a.docx": b"x" * 160_000})),
                 413, "too_large")
    assert_error(client.post(BATCHES, headers=caller.headers, files=multipart({"a.zip": b"x" * 300_000})),
                 413, "too_large")
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_viewers_read_the_firms_batches_but_do_not_run_or_remove_them(bapi):
    attorney = bapi.caller()
    viewer = bapi.caller(tenant=attorney.tenant, role="viewer")
    batch_id = bapi.client.post(BATCHES, headers=attorney.headers, files=multipart(good_documents(1))).json()["id"]
    wait_for(bapi.client, attorney.headers, batch_id)
    assert bapi.client.get(f"{BATCHES}/{batch_id}", headers=viewer.headers).status_code == 200
    assert bapi.client.get(f"{BATCHES}/{batch_id}/report.csv", headers=viewer.headers).status_code == 200
    assert [b["id"] for b in bapi.client.get(BATCHES, headers=viewer.headers).json()["batches"]] == [batch_id]
    assert_error(bapi.client.post(BATCHES, headers=viewer.headers, files=multipart(good_documents(1))),
                 403, "forbidden")
    assert_error(bapi.client.post(f"{BATCHES}/{batch_id}/cancel", headers=viewer.headers), 403, "forbidden")
    assert_error(bapi.client.delete(f"{BATCHES}/{batch_id}", headers=viewer.headers), 403, "forbidden")
    assert bapi.client.delete(f"{BATCHES}/{batch_id}", headers=attorney.headers).status_code == 204


def test_the_batch_settings_are_documented_with_their_defaults():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = ("check_workers", "batch_workers", "batch_max_files", "batch_max_entries", "batch_max_bytes",
             "batch_max_ratio", "upload_dir", "batch_retention_days")
    for name in names:
        assert name in Settings.model_fields and f"`PATENTPANE_{name.upper()}`" in readme, name
    settings = Settings(data_dir=Path("d"))
    assert settings.batch_upload_dir == Path("d") / "uploads" and settings.batch_retention_days == 30
    limits = intake_limits(settings)
    assert (limits.max_files, limits.max_entries, limits.max_ratio) == (1_000, 10_000, 100)
