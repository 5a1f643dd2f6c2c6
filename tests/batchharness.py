"""Helpers of the batch service tests: one warmed process pool per test process (apps take it as their
`batch_executor`, so each app does not pay the workers' model load), apps on a test database,
uploads and polling."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.batch.executor import LocalProcessExecutor
from backend.db.engine import Database
from tests.apiharness import DOCX_TYPE, ApiHarness, make_settings

BATCHES = "/api/v1/batches"
FINISHED = ("done", "failed", "canceled")


@pytest.fixture(scope="session")
def batch_executor() -> Iterator[LocalProcessExecutor]:
    """One worker process with the model loaded, shared by every batch app of this test process."""
    executor = LocalProcessExecutor(workers=1)
    executor.warm_up()
    yield executor
    executor.shutdown(wait=True, cancel_pending=True)


@contextmanager
def batch_app(*, database_url: str, data_dir: Path, executor: LocalProcessExecutor,
              **settings: object) -> Iterator[ApiHarness]:
    """An app whose dispatcher runs (the lifespan is entered) on `executor`."""
    config = make_settings(database_url=database_url, data_dir=data_dir, **settings)
    database = Database.from_url(database_url)
    try:
        with TestClient(create_app(config, batch_executor=executor)) as client:
            yield ApiHarness(client=client, database=database, settings=config)
    finally:
        database.dispose()


def multipart(files: dict[str, bytes], content_type: str = DOCX_TYPE) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, content_type)) for name, data in files.items()]


def wait_for(client: TestClient, headers: dict[str, str], batch_id: str, *, timeout: float = 180,
             until: tuple[str, ...] = FINISHED) -> dict:
    """Poll the batch's status until it is one of `until`; returns the last status."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"{BATCHES}/{batch_id}", headers=headers)
        assert response.status_code == 200, response.text
        status = response.json()
        if status["status"] in until:
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"batch still {status['status']} after {timeout} s: {status['progress']}")
        time.sleep(0.1)
