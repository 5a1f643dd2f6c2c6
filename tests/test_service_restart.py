"""A real server (`patentpane serve` in a subprocess) killed with SIGKILL in the middle of a batch, and
a new server on the same data directory and database: the batch completes and every file appears
exactly once in the report, each checked again only if the dead server held it."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import select

from backend.db.engine import Database
from backend.db.models import BatchFile
from tests.apiharness import DOCX_TYPE
from tests.serverharness import Server
from tests.test_batch import good_documents


def progress(client: httpx.Client, url: str) -> dict:
    response = client.get(url)
    response.raise_for_status()
    return response.json()


def test_a_killed_server_loses_no_batch(tmp_path):
    docs = good_documents(12)
    env = {"PATENTPANE_BATCH_WORKERS": "1", "PATENTPANE_CHECK_WORKERS": "0"}
    server = Server(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'patentpane.db'}", extra_env=env)
    server.migrate()
    key = server.api_key()
    server.start()
    try:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=60) as client:
            response = client.post("/api/v1/batches", files=[("files", (n, d, DOCX_TYPE)) for n, d in docs.items()])
            assert response.status_code == 202, response.text
            status_url = f"/api/v1/batches/{response.json()['id']}"
            deadline = time.monotonic() + 120
            while progress(client, status_url)["progress"]["finished"] < 2:
                assert time.monotonic() < deadline, server.log_tail()
                time.sleep(0.05)
    finally:
        server.kill()  # the server and its worker processes, without a chance to clean up

    database = Database.from_url(server.database_url)
    with database.session() as session:
        states = dict(session.execute(select(BatchFile.position, BatchFile.state)).all())
    held = {p for p, s in states.items() if s == "running"}
    assert held and any(s == "queued" for s in states.values()), states

    restarted = Server(data_dir=tmp_path, database_url=server.database_url, extra_env=env)
    restarted.start()
    try:
        with httpx.Client(base_url=restarted.url, headers={"X-API-Key": key}, timeout=60) as client:
            deadline = time.monotonic() + 120
            while (status := progress(client, status_url))["status"] in ("queued", "running"):
                assert time.monotonic() < deadline, restarted.log_tail()
                time.sleep(0.1)
            assert status["status"] == "done" and status["progress"]["done"] == 12
            report = client.get(f"{status_url}/report.json").json()
    finally:
        restarted.stop()
    assert [f["index"] for f in report["files"]] == list(range(12))
    assert [f["name"] for f in report["files"]] == list(docs)
    with database.session() as session:
        attempts = dict(session.execute(select(BatchFile.position, BatchFile.attempts)).all())
    database.dispose()
    assert {p for p, n in attempts.items() if n == 2} == held and set(attempts.values()) <= {1, 2}
