"""The batch dispatcher: runs the queued files of every batch, in the server process's background.

One `BatchDispatcher` per app (started and stopped by the app's lifespan; nothing happens at import
time). Its thread never checks a document itself: it claims files in the database, submits
`backend.batch.work.check_one` to an `Executor` (the embedded default: a `LocalProcessExecutor`, so
the checks run in worker processes, outside the web server's event loop and its GIL) and writes each
outcome as it arrives. The executor stays an interface: a distributed one plugs in unchanged.

Claims. A file is claimed with one conditional UPDATE (``queued`` -> ``running`` where the state is
still ``queued``; ``claimed_at``, ``claimed_by`` = host:pid:token, ``attempts + 1``), so two
dispatchers (two server processes on one database) never run the same file. The outcome is written
with another conditional UPDATE (only while the file is still ``running`` under this claim): the
counts, the report JSON, the categories and ``done``/``failed``, together with the batch's ``done``
when it was the last file, in one transaction. The annotated copy is written to disk first. An
outcome whose claim was lost (the batch was canceled or deleted, or the claim was recovered by
another dispatcher) is dropped, so no file is ever reported twice.

Fairness: files are claimed by position across batches (the first file of every batch, then the
second, ...), so a batch of 1,000 files does not hold back a colleague's batch of 3.

Restarts. The dispatcher refreshes ``claimed_at`` of its claims (a lease). At start and then every
`maintenance_s` it puts back to ``queued`` the ``running`` files whose claim is stale: claimed by a
process of this host that no longer exists (at start also by an earlier dispatcher of this very
process), or not refreshed for `lease_s`. A clean stop puts its own running files back at once (their attempt is
not counted). A file claimed `MAX_CLAIMS` times without an outcome fails with ``worker_crashed``.

Lost workers: when a worker process dies, every file it held comes back with the executor's
`worker_lost` error. Each is put back in the queue; a file being retried runs alone (nothing else is
submitted meanwhile), so a file that kills its worker a second time is certainly the culprit and
fails with ``worker_crashed``, and the bystanders succeed.

Also here: uploads are deleted once their batch is finished, and expired batches are purged
(`Settings.batch_retention_days`). Logs name batch and file ids, never file names or content.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from concurrent.futures import CancelledError
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from backend.batch.executor import (
    Executor,
    LocalProcessExecutor,
    TaskFuture,
    default_workers,
    warm_worker_niced,
)
from backend.batch.runner import WORKER_CRASHED_MESSAGE, Task
from backend.batch.work import (
    INTERNAL_ERROR_MESSAGE,
    CheckOptions,
    FileOutcome,
    FileState,
    check_one,
    failed_outcome,
)
from backend.batches import (
    FINISHED_STATUSES,
    UNFINISHED_FILE_STATES,
    UNFINISHED_STATUSES,
    UPLOAD_MISSING_MESSAGE,
    annotated_path,
    clip_message,
    finish_times,
    purge_expired_batches,
    remove_tree,
    upload_path,
    uploads_dir,
    write_atomically,
)
from backend.db.engine import Database
from backend.db.models import Batch, BatchFile, utcnow
from backend.settings import Settings

log = logging.getLogger("patentpane.batches")

MAX_CLAIMS = 3
"""Claims of one file that ended without an outcome (its server died each time) before it fails."""
LOST_WORKER_LIMIT = 2
"""Lost worker processes one file may cost before it fails with ``worker_crashed``."""
HOST = socket.gethostname()[:60]
BATCH_NICENESS = 10
"""Batch worker processes yield the CPU to the server and to interactive checks (`os.nice`)."""


@dataclass(frozen=True, slots=True)
class _Claim:
    file_id: str
    batch_id: str
    position: int
    name: str
    attempts: int
    """Claims of the file so far, this one included."""
    storage: str
    options: dict[str, Any]
    alone: bool


def _unfinished_files_of(batch_id: Any) -> Any:
    return exists().where(BatchFile.batch_id == batch_id, BatchFile.state.in_(UNFINISHED_FILE_STATES))


class BatchDispatcher:
    """See the module docstring. `executor`: use this one (not shut down here); default: a
    `LocalProcessExecutor` of `settings.batch_workers` processes, made when the first file is
    claimed. `task` replaces `check_one` (tests)."""

    def __init__(
        self,
        *,
        database: Database,
        settings: Settings,
        executor: Executor | None = None,
        task: Task = check_one,
        poll_s: float = 1.0,
        lease_s: float = 600.0,
        maintenance_s: float = 60.0,
        purge_s: float = 3600.0,
    ) -> None:
        self.database = database
        self.settings = settings
        self.task = task
        self.poll_s = poll_s
        self.lease_s = lease_s
        self.maintenance_s = maintenance_s
        self.purge_s = purge_s
        self.worker_id = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._executor = executor
        self._owns_executor = executor is None
        self._events: queue.SimpleQueue[TaskFuture | None] = queue.SimpleQueue()
        self._in_flight: dict[TaskFuture, _Claim] = {}
        self._stopping = threading.Event()
        self._requeue_on_stop = True
        self._thread: threading.Thread | None = None
        self._logged: dict[str, float] = {}
        self.recovered = threading.Event()
        """Set once the start-up recovery has run (tests wait on it)."""

    # -- control (any thread) -------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="patentpane-batches", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """There may be new work (a batch was created): look now instead of at the next poll."""
        self._events.put(None)

    def stop(self, *, requeue: bool = True, timeout: float = 60.0) -> None:
        """Stop claiming, drop the files being checked (put back in the queue unless `requeue` is
        False, which leaves them as a crashed server would) and shut an owned executor down."""
        self._requeue_on_stop = requeue
        self._stopping.set()
        self._events.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def capacity(self) -> int:
        if self._executor is not None:
            return self._executor.capacity
        return self.settings.batch_workers or default_workers()

    # -- the thread -----------------------------------------------------------------------------
    def _run(self) -> None:
        next_maintenance = next_purge = 0.0
        while not self._stopping.is_set():
            try:
                now = time.monotonic()
                if not self.recovered.is_set():
                    self.recover(startup=True)
                    self.recovered.set()
                if now >= next_maintenance:
                    self._maintain()
                    next_maintenance = now + self.maintenance_s
                if now >= next_purge:
                    with self.database.session() as session:
                        purged = purge_expired_batches(session)
                    if purged:
                        log.info("purged %d expired batches", purged)
                    next_purge = now + self.purge_s
                self._fill()
                self._wait()
            except Exception as exc:  # noqa: BLE001 -- the dispatcher outlives a bad moment (db down)
                self._log_throttled(exc)
                self._stopping.wait(min(5.0, self.poll_s * 5))
        self._shutdown()

    def _log_throttled(self, exc: BaseException) -> None:
        kind = type(exc).__name__
        now = time.monotonic()
        if now - self._logged.get(kind, -1e9) >= 60:
            self._logged[kind] = now
            log.error("batch dispatcher: %s (retrying)", kind)

    def _wait(self) -> None:
        try:
            item = self._events.get(timeout=self.poll_s)
        except queue.Empty:
            return
        while True:
            if item is not None:
                self._handle(item)
            try:
                item = self._events.get_nowait()
            except queue.Empty:
                return

    def _executor_now(self) -> Executor:
        if self._executor is None:
            self._executor = LocalProcessExecutor(workers=self.settings.batch_workers,
                                                  initializer=partial(warm_worker_niced, BATCH_NICENESS))
        return self._executor

    # -- claiming -------------------------------------------------------------------------------
    def _fill(self) -> None:
        if self._stopping.is_set() or any(c.alone for c in self._in_flight.values()):
            return
        free = 2 * self.capacity - len(self._in_flight)
        if free <= 0:
            return
        with self.database.session() as session:
            rows = session.execute(
                select(BatchFile.id, BatchFile.batch_id, BatchFile.position, BatchFile.name,
                       BatchFile.attempts, Batch.storage_dir, Batch.options)
                .join(Batch, Batch.id == BatchFile.batch_id)
                .where(BatchFile.state == "queued", Batch.status.in_(UNFINISHED_STATUSES))
                .order_by(BatchFile.position, Batch.created_at, BatchFile.batch_id)
                .limit(free)
            ).all()
            for row in rows:
                alone = row.attempts >= 1  # a retry after a lost worker or a dead server
                if alone and self._in_flight:
                    return  # wait until the others are done, then run it alone
                claim = self._claim(session, row, alone=alone)
                if claim is not None:
                    self._submit(claim)
                if alone or self._stopping.is_set():
                    return

    def _claim(self, session: Session, row: Any, *, alone: bool) -> _Claim | None:
        now = utcnow()
        claimed = session.execute(
            update(BatchFile).where(BatchFile.id == row.id, BatchFile.state == "queued")
            .values(state="running", claimed_at=now, claimed_by=self.worker_id, attempts=BatchFile.attempts + 1)
        ).rowcount
        if claimed != 1:
            session.rollback()
            return None
        session.execute(
            update(Batch).where(Batch.id == row.batch_id, Batch.status == "queued")
            .values(status="running", started_at=now)
        )
        session.commit()
        return _Claim(file_id=row.id, batch_id=row.batch_id, position=row.position, name=row.name,
                      attempts=row.attempts + 1, storage=row.storage_dir or "", options=row.options,
                      alone=alone)

    def _submit(self, claim: _Claim) -> None:
        try:
            data = upload_path(claim.storage, claim.position).read_bytes()
        except OSError:
            self._upload_missing(claim)
            return
        executor = self._executor_now()
        try:
            future = executor.submit(self.task, name=claim.name, data=data,
                                     options=CheckOptions.from_json(claim.options), index=claim.position)
        except Exception as exc:
            if not executor.worker_lost(exc):
                self._release([claim], undo_attempt=True)
                raise
            executor.restart()
            self._release([claim], undo_attempt=True)
            return
        self._in_flight[future] = claim
        future.add_done_callback(self._events.put)  # from the executor's thread: only a queue put

    def _upload_missing(self, claim: _Claim) -> None:
        if claim.storage and uploads_dir(claim.storage).is_dir():
            self._record(claim, failed_outcome(index=claim.position, name=claim.name, data=b"",
                                               code="upload_missing", message=UPLOAD_MISSING_MESSAGE))
            return
        log.error("batch %s: its uploads are gone; the batch failed", claim.batch_id)
        finished_at, expires_at = finish_times(self.settings)
        with self.database.session() as session:
            session.execute(
                update(BatchFile)
                .where(BatchFile.batch_id == claim.batch_id, BatchFile.state.in_(UNFINISHED_FILE_STATES))
                .values(state="failed", finished_at=finished_at, error_code="upload_missing",
                        error_message=UPLOAD_MISSING_MESSAGE, claimed_by=None)
            )
            session.execute(
                update(Batch).where(Batch.id == claim.batch_id, Batch.status.in_(UNFINISHED_STATUSES))
                .values(status="failed", error_code="upload_missing", finished_at=finished_at,
                        expires_at=expires_at)
            )
            session.commit()

    # -- outcomes -------------------------------------------------------------------------------
    def _handle(self, future: TaskFuture) -> None:
        claim = self._in_flight.pop(future, None)
        if claim is None:
            return
        try:
            outcome: FileOutcome = future.result()
        except CancelledError:
            self._release([claim], undo_attempt=True)
            return
        except Exception as exc:  # noqa: BLE001 -- whatever went wrong costs this one file
            executor = self._executor
            if executor is not None and executor.worker_lost(exc):
                executor.restart()
                if claim.attempts < LOST_WORKER_LIMIT:
                    self._release([claim], undo_attempt=False)  # retried alone
                    return
                log.warning("batch file %s lost its worker twice: failed as worker_crashed", claim.file_id)
                outcome = failed_outcome(index=claim.position, name=claim.name, data=b"",
                                         code="worker_crashed", message=WORKER_CRASHED_MESSAGE)
            else:
                log.error("batch file %s: the task failed: %s", claim.file_id, type(exc).__name__)
                outcome = failed_outcome(index=claim.position, name=claim.name, data=b"",
                                         code="internal_error", message=INTERNAL_ERROR_MESSAGE)
        self._record(claim, outcome)

    def _record(self, claim: _Claim, outcome: FileOutcome) -> None:
        """Store one outcome (and the batch's end when it was the last file) in one transaction."""
        if outcome.state == FileState.DONE and outcome.annotated is not None and claim.storage:
            write_atomically(annotated_path(claim.storage, claim.position), outcome.annotated)
        finished_at, expires_at = finish_times(self.settings)
        with self.database.session() as session:
            stored = session.execute(
                update(BatchFile)
                .where(BatchFile.id == claim.file_id, BatchFile.state == "running",
                       BatchFile.claimed_by == self.worker_id)
                .values(
                    state=str(outcome.state),
                    finished_at=finished_at,
                    errors=outcome.counts.get("error", 0),
                    warnings=outcome.counts.get("warning", 0),
                    infos=outcome.counts.get("info", 0),
                    report=outcome.result,
                    categories=outcome.category_counts or None,
                    error_code=outcome.error.code if outcome.error else None,
                    error_message=clip_message(outcome.error.message) if outcome.error else None,
                )
            ).rowcount
            if stored != 1:
                session.rollback()  # canceled, deleted, or recovered by another dispatcher: dropped
                if session.get(Batch, claim.batch_id) is None:
                    remove_tree(claim.storage)
                return
            ended = session.execute(
                update(Batch)
                .where(Batch.id == claim.batch_id, Batch.status.in_(UNFINISHED_STATUSES),
                       ~_unfinished_files_of(claim.batch_id))
                .values(status="done", finished_at=finished_at, expires_at=expires_at)
            ).rowcount
            session.commit()
        if ended:
            remove_tree(uploads_dir(claim.storage))

    def _release(self, claims: list[_Claim], *, undo_attempt: bool) -> None:
        """Put claimed files back in the queue (an attempt that never ran is not counted)."""
        if not claims:
            return
        with self.database.session() as session:
            session.execute(
                update(BatchFile)
                .where(BatchFile.id.in_([c.file_id for c in claims]), BatchFile.state == "running",
                       BatchFile.claimed_by == self.worker_id)
                .values(state="queued", claimed_by=None, claimed_at=None,
                        attempts=BatchFile.attempts - 1 if undo_attempt else BatchFile.attempts)
            )
            session.commit()

    # -- maintenance ----------------------------------------------------------------------------
    def _maintain(self) -> None:
        with self.database.session() as session:
            if self._in_flight:  # the lease: our claims are alive
                session.execute(
                    update(BatchFile).where(BatchFile.claimed_by == self.worker_id, BatchFile.state == "running")
                    .values(claimed_at=utcnow())
                )
                session.commit()
        self.recover()
        self._finish_complete_batches()

    def _claimer_is_gone(self, claimed_by: str | None, *, startup: bool) -> bool:
        if not claimed_by:
            return True
        host, _, rest = claimed_by.partition(":")
        pid_text = rest.partition(":")[0]
        if host != HOST or not pid_text.isdigit():
            return False  # another machine: only the lease tells
        pid = int(pid_text)
        if pid == os.getpid():
            # at start-up: an earlier dispatcher of this process (an app stopped without cleaning
            # up); later: a sibling app's dispatcher in this process, alive (ours is excluded)
            return startup
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False

    def recover(self, *, startup: bool = False) -> int:
        """Put back in the queue the running files of dead claimers (see the module docstring);
        at start-up also delete the uploads that finished batches left behind. Returns how many."""
        stale_before = utcnow() - timedelta(seconds=self.lease_s)
        with self.database.session() as session:
            claimers = session.scalars(
                select(BatchFile.claimed_by).distinct()
                .where(BatchFile.state == "running", or_(BatchFile.claimed_by.is_(None),
                                                        BatchFile.claimed_by != self.worker_id))
            ).all()
            gone = [c for c in claimers if c and self._claimer_is_gone(c, startup=startup)]
            stale = and_(
                BatchFile.state == "running",
                or_(BatchFile.claimed_by.is_(None), BatchFile.claimed_by.in_(gone),
                    and_(BatchFile.claimed_by != self.worker_id, BatchFile.claimed_at < stale_before)),
            )
            finished_at = utcnow()
            failed = session.execute(
                update(BatchFile).where(stale, BatchFile.attempts >= MAX_CLAIMS)
                .values(state="failed", finished_at=finished_at, error_code="worker_crashed",
                        error_message=clip_message(WORKER_CRASHED_MESSAGE), claimed_by=None)
            ).rowcount
            requeued = session.execute(
                update(BatchFile).where(stale).values(state="queued", claimed_by=None, claimed_at=None)
            ).rowcount
            session.commit()
            leftovers = []
            if startup:
                leftovers = session.scalars(
                    select(Batch.storage_dir).where(Batch.status.in_(FINISHED_STATUSES),
                                                    Batch.storage_dir.is_not(None))
                ).all()
        for storage in leftovers:
            if storage and uploads_dir(storage).exists():
                remove_tree(uploads_dir(storage))
        if requeued or failed:
            log.warning("recovered %d batch files left running by a stopped server (%d failed)",
                        requeued + failed, failed)
            self._finish_complete_batches()
        return requeued + failed

    def _finish_complete_batches(self) -> None:
        """Mark done the batches whose files all have an outcome (two dispatchers finishing a
        batch's last two files at the same moment can each miss it)."""
        finished_at, expires_at = finish_times(self.settings)
        with self.database.session() as session:
            complete = session.execute(
                select(Batch.id, Batch.storage_dir)
                .where(Batch.status.in_(UNFINISHED_STATUSES), ~_unfinished_files_of(Batch.id))
            ).all()
            ended = []
            for batch_id, storage in complete:
                if session.execute(
                    update(Batch).where(Batch.id == batch_id, Batch.status.in_(UNFINISHED_STATUSES),
                                        ~_unfinished_files_of(batch_id))
                    .values(status="done", finished_at=finished_at, expires_at=expires_at)
                ).rowcount:
                    ended.append(storage)
            session.commit()
        for storage in ended:
            if storage:
                remove_tree(uploads_dir(storage))

    # -- stopping -------------------------------------------------------------------------------
    def _shutdown(self) -> None:
        claims = list(self._in_flight.values())
        for future in list(self._in_flight):
            future.cancel()
        self._in_flight.clear()
        if self._requeue_on_stop:
            try:
                self._release(claims, undo_attempt=True)
            except Exception as exc:  # noqa: BLE001 -- the next start recovers them anyway
                self._log_throttled(exc)
        if self._owns_executor and self._executor is not None:
            self._executor.shutdown(wait=self._requeue_on_stop, cancel_pending=True)
            self._executor = None
