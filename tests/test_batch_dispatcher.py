"""The batch dispatcher on SQLite and PostgreSQL: a restart in the middle of a batch (the real API and
process pool), claims that are never taken twice, lost workers, recovery of dead servers' claims, a
clean stop, deleted and canceled batches, missing uploads, and retention."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from backend.auth import Principal
from backend.auth.apikeys import authenticate_api_key, create_api_key
from backend.batch.executor import InlineExecutor, LocalProcessExecutor
from backend.batch.work import CheckOptions, FileOutcome
from backend.batch_dispatcher import HOST, BatchDispatcher
from backend.batches import BatchUpload, create_batch, delete_batch, get_batch, purge_expired_batches
from backend.db.engine import Database
from backend.db.models import Batch, BatchFile, utcnow
from backend.settings import Settings
from tests.batchharness import BATCHES, batch_app, batch_executor, multipart, wait_for  # noqa: F401
from tests.test_batch import crashing_task, fake_outcome, good_documents


# -- the real thing: stop a server in the middle of a batch, start another one -------------------------
def test_a_restart_in_the_middle_of_a_batch_loses_nothing_and_repeats_nothing(
    database_url, tmp_path, batch_executor  # noqa: F811
):
    docs = good_documents(16)
    with batch_app(database_url=database_url, data_dir=tmp_path, executor=batch_executor) as first:
        caller = first.caller()
        batch_id = first.client.post(BATCHES, headers=caller.headers, files=multipart(docs)).json()["id"]
        deadline = time.monotonic() + 120
        while first.client.get(f"{BATCHES}/{batch_id}", headers=caller.headers).json()["progress"]["finished"] < 3:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        # the server dies: its dispatcher stops where it is, its claims stay `running`
        first.client.app.state.batch_dispatcher.stop(requeue=False)
        stopped = first.client.get(f"{BATCHES}/{batch_id}", headers=caller.headers).json()
        assert stopped["status"] == "running" and stopped["progress"]["running"] >= 1, stopped["progress"]
        left_running = {f["index"] for f in stopped["files"] if f["state"] == "running"}

    with batch_app(database_url=database_url, data_dir=tmp_path, executor=batch_executor) as second:
        status = wait_for(second.client, caller.headers, batch_id)
        assert status["status"] == "done" and status["progress"]["done"] == 16
        report = second.client.get(f"{BATCHES}/{batch_id}/report.json", headers=caller.headers).json()
        assert [f["index"] for f in report["files"]] == list(range(16))
        assert [f["name"] for f in report["files"]] == list(docs)
        assert all(f["state"] == "done" and f["document"] for f in report["files"])
        with second.database.session() as session:
            attempts = dict(session.execute(
                select(BatchFile.position, BatchFile.attempts).where(BatchFile.batch_id == batch_id)).all())
        # the files the dead server held ran again (once more), every other file exactly once
        assert {i for i, n in attempts.items() if n == 2} == left_running
        assert all(n == 1 for i, n in attempts.items() if i not in left_running)


# -- the dispatcher alone, with fake work -------------------------------------------------------------
class ThreadExecutor:
    """The Executor protocol over threads (a task may block on an event)."""

    def __init__(self, workers: int = 1) -> None:
        self.capacity = workers
        self.pool = ThreadPoolExecutor(workers)

    def submit(self, fn: Callable[..., Any], /, **kwargs: Any) -> Future:
        return self.pool.submit(fn, **kwargs)

    def worker_lost(self, exc: BaseException) -> bool:
        return False

    def restart(self) -> None:
        pass

    def shutdown(self, *, wait: bool = True, cancel_pending: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_pending)


@pytest.fixture(autouse=True)
def quiet_queue(database_url):
    """The test database is shared by the tests of this process: a batch another test left
    unfinished would be claimed by this test's dispatcher."""
    database = Database.from_url(database_url)
    with database.session() as session:
        session.execute(update(BatchFile).where(BatchFile.state.in_(("queued", "running")))
                        .values(state="canceled", claimed_by=None))
        session.execute(update(Batch).where(Batch.status.in_(("queued", "running"))).values(status="canceled"))
        session.commit()
    database.dispose()


@pytest.fixture
def db(database_url):
    database = Database.from_url(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url)


def principal(db: Database) -> Principal:
    with db.session() as session:
        created = create_api_key(session, tenant_name=f"Firm {uuid.uuid4().hex[:10]}",
                                 email=f"{uuid.uuid4().hex[:8]}@firm.example", role="admin")
        return authenticate_api_key(session, presented=created.secret)


def new_batch(db: Database, settings: Settings, files: dict[str, bytes], who: Principal | None = None) -> Batch:
    with db.session() as session:
        return create_batch(session, principal=who or principal(db),
                            upload=BatchUpload(files=list(files.items())), settings=settings)


def files_of(db: Database, batch_id: str) -> list[BatchFile]:
    with db.session() as session:
        return list(session.scalars(select(BatchFile).where(BatchFile.batch_id == batch_id)
                                    .order_by(BatchFile.position)))


def status_of(db: Database, batch_id: str) -> str | None:
    with db.session() as session:
        batch = session.get(Batch, batch_id)
        return batch.status if batch is not None else None


def wait_until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def dispatcher(db: Database, settings: Settings, executor: Any, task: Callable[..., FileOutcome]) -> BatchDispatcher:
    return BatchDispatcher(database=db, settings=settings, executor=executor, task=task, poll_s=0.05)


def test_two_dispatchers_never_run_the_same_file(db, settings):
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def counting(*, name: str, data: bytes, options: CheckOptions, index: int) -> FileOutcome:
        with lock:
            calls[name] += 1
        time.sleep(0.005)
        return fake_outcome(name=name, data=data, options=options, index=index)

    one, two = (dispatcher(db, settings, InlineExecutor(), counting) for _ in range(2))
    for d in (one, two):
        d.start()
        assert d.recovered.wait(30)
    try:
        batch = new_batch(db, settings, {f"f{i:02d}.docx": b"doc %d" % i for i in range(40)})
        one.wake()
        two.wake()
        wait_until(lambda: status_of(db, batch.id) == "done")
    finally:
        one.stop()
        two.stop()
    assert sorted(calls) == [f"f{i:02d}.docx" for i in range(40)] and set(calls.values()) == {1}
    claimers = {f.claimed_by for f in files_of(db, batch.id)}
    assert claimers <= {one.worker_id, two.worker_id}


def test_a_file_that_kills_its_worker_twice_fails_and_the_others_survive(db, settings, tmp_path):
    marker = tmp_path / "crashed-once"
    batch = new_batch(db, settings, {"a.docx": b"fine", "crash.docx": b"crash", "b.docx": b"fine too",
                                     "once.docx": f"once:{marker}".encode()})
    executor = LocalProcessExecutor(workers=1, initializer=None)
    d = dispatcher(db, settings, executor, crashing_task)
    d.start()
    try:
        wait_until(lambda: status_of(db, batch.id) == "done", timeout=120)
    finally:
        d.stop()
        executor.shutdown(cancel_pending=True)
    files = {f.name: f for f in files_of(db, batch.id)}
    assert files["crash.docx"].state == "failed" and files["crash.docx"].error_code == "worker_crashed"
    assert files["crash.docx"].attempts == 2
    assert all(files[n].state == "done" for n in ("a.docx", "b.docx", "once.docx")) and marker.exists()
    assert executor.restarts >= 2


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_recovery_requeues_dead_servers_claims_only(db, settings):
    batch = new_batch(db, settings, {f"f{i}.docx": b"x" for i in range(6)})
    now, old = utcnow(), utcnow() - timedelta(hours=2)
    dead = f"{HOST}:{dead_pid()}:abcd"
    claims = [  # (claimed_by, claimed_at, attempts) per position; 5 stays queued
        (dead, now, 1),                       # a dead process of this host: back to the queue
        ("other-host:7:abcd", now, 1),        # another machine, lease fresh: left alone
        ("other-host:8:abcd", old, 1),        # another machine, lease expired: back to the queue
        (dead, now, 3),                       # claimed 3 times without an outcome: failed
        (f"{HOST}:{os.getpid()}:earlier", now, 1),  # an earlier dispatcher of this process
    ]
    with db.session() as session:
        for position, (by, at, attempts) in enumerate(claims):
            session.execute(update(BatchFile).where(BatchFile.batch_id == batch.id, BatchFile.position == position)
                            .values(state="running", claimed_by=by, claimed_at=at, attempts=attempts))
        session.commit()
    d = dispatcher(db, settings, InlineExecutor(), fake_outcome)
    assert d.recover(startup=True) == 4
    files = files_of(db, batch.id)
    assert [f.state for f in files] == ["queued", "running", "queued", "failed", "queued", "queued"]
    assert files[3].error_code == "worker_crashed" and files[1].claimed_by == "other-host:7:abcd"
    assert [f.attempts for f in files] == [1, 1, 1, 3, 1, 0]


def test_a_clean_stop_puts_its_files_back_and_a_deleted_batch_leaves_nothing(db, settings):
    batch = new_batch(db, settings, {f"f{i}.docx": b"x" for i in range(3)})

    def blocked_run() -> tuple[BatchDispatcher, ThreadExecutor, threading.Event]:
        release = threading.Event()

        def blocking(*, name: str, data: bytes, options: CheckOptions, index: int) -> FileOutcome:
            release.wait(30)
            return fake_outcome(name=name, data=data, options=options, index=index)

        executor = ThreadExecutor(workers=1)
        d = dispatcher(db, settings, executor, blocking)
        d.start()
        wait_until(lambda: [f.state for f in files_of(db, batch.id)].count("running") == 2)
        return d, executor, release

    d, executor, release = blocked_run()
    d.stop()
    assert [(f.state, f.attempts, f.claimed_by) for f in files_of(db, batch.id)] == [("queued", 0, None)] * 3
    release.set()
    executor.shutdown()

    # deleted while its files are being checked: the outcomes are dropped, nothing is left on disk
    d, executor, release = blocked_run()
    storage = Path(get_storage(db, batch.id))
    with db.session() as session:
        delete_batch(session, principal=owner_of(db, batch.id), batch_id=batch.id)
    release.set()
    executor.shutdown()  # the outcomes have arrived
    time.sleep(0.2)
    d.stop()
    assert not storage.exists() and status_of(db, batch.id) is None


def get_storage(db: Database, batch_id: str) -> str:
    with db.session() as session:
        return session.get(Batch, batch_id).storage_dir


def owner_of(db: Database, batch_id: str) -> Principal:
    with db.session() as session:
        batch = session.get(Batch, batch_id)
        return Principal(user_id=batch.user_id, tenant_id=batch.tenant_id, role="admin", auth_method="api_key")


def test_a_batch_whose_uploads_are_gone_fails(db, settings):
    batch = new_batch(db, settings, {"a.docx": b"x", "b.docx": b"y"})
    shutil.rmtree(get_storage(db, batch.id))
    d = dispatcher(db, settings, InlineExecutor(), fake_outcome)
    d.start()
    try:
        wait_until(lambda: status_of(db, batch.id) == "failed")
    finally:
        d.stop()
    with db.session() as session:
        assert get_batch(session, tenant_id=batch.tenant_id, batch_id=batch.id).error_code == "upload_missing"
    assert {(f.state, f.error_code) for f in files_of(db, batch.id)} == {("failed", "upload_missing")}


def test_finished_batches_lose_their_uploads_then_expire(db, settings):
    who = principal(db)
    keep, expire = (new_batch(db, settings, {"a.docx": b"x"}, who) for _ in range(2))
    d = dispatcher(db, settings, InlineExecutor(), fake_outcome)
    d.start()
    try:
        wait_until(lambda: status_of(db, keep.id) == status_of(db, expire.id) == "done")
    finally:
        d.stop()
    for batch in (keep, expire):
        storage = Path(get_storage(db, batch.id))
        assert storage.exists() and not (storage / "uploads").exists()
    with db.session() as session:
        finished = session.get(Batch, keep.id)
        assert finished.expires_at - finished.finished_at == timedelta(days=settings.batch_retention_days)
        session.execute(update(Batch).where(Batch.id == expire.id).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
        assert purge_expired_batches(session) == 1
    assert status_of(db, expire.id) is None and not Path(expire.storage_dir).exists()
    assert status_of(db, keep.id) == "done" and Path(keep.storage_dir).exists()
