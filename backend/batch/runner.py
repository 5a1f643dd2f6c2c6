"""Run a batch: submit one task per document to an executor and yield outcomes as they complete.

`run_batch` is a generator; the caller decides what to do with each `FileOutcome` as it arrives
(the CLI writes the annotated copy and draws its progress bar; the batch service stores it under
(batch id, `outcome.index`)). Nothing is kept after an outcome is yielded, so memory stays bounded
by the executor's window, not by the batch.

For a service that must survive restarts: the unit of work is one file, `work.check_one`, and it is
idempotent. After a restart the service calls `run_batch` again with only the documents that have
no stored outcome (each keeps its original `index`); an outcome stored twice for the same (batch id,
index) is the same outcome, so an upsert makes the re-run harmless. A service may also skip this
runner and submit `check_one` to an `Executor` itself.

Lost workers. When a worker process dies (a segfault in a native library, the OOM killer,
`os._exit`), a process pool fails every task it was running or holding with `BrokenProcessPool`,
so the culprit cannot be told from the bystanders. Each of those documents is therefore retried
once, *alone*, after the executor is restarted: a bystander then succeeds, and a document that kills
its worker again is certainly the culprit and fails with ``worker_crashed``. New documents are held
back while retries run; the serial retries cost time only after a crash. ("Alone" means alone in
this batch: a service that shares one executor among concurrent batches can, when two documents
crash workers at the same moment, see a bystander fail with ``worker_crashed``.)

Cancellation: set the `cancel` event (from any thread). No new task is submitted, tasks not yet
started are cancelled, running ones are abandoned (their results are ignored), every unfinished
document gets a ``canceled`` progress event and the generator returns. Closing the generator
early has the same effect.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass

from backend.batch.executor import Executor, TaskFuture
from backend.batch.intake import Document
from backend.batch.work import (
    INTERNAL_ERROR_MESSAGE,
    CheckOptions,
    FileOutcome,
    FileState,
    check_one,
    failed_outcome,
)

log = logging.getLogger(__name__)

Task = Callable[..., FileOutcome]
"""Called as ``task(name=, data=, options=, index=)``; module-level so that it pickles."""

WORKER_CRASHED_MESSAGE = (
    "the worker process checking this document stopped, also when the document was retried alone "
    "(it may be too large or trigger a bug); the other documents were not affected"
)


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    index: int
    name: str
    state: FileState
    """RUNNING (submitted), QUEUED (to be retried after a lost worker), DONE, FAILED or CANCELED."""
    finished: int
    """Documents with an outcome so far (done + failed)."""
    total: int
    outcome: FileOutcome | None = None
    """The outcome, with DONE and FAILED."""


class ExecutorUnavailable(RuntimeError):
    """The executor lost its workers again right after a restart: it cannot run anything."""


def run_batch(
    *,
    documents: Sequence[Document],
    options: CheckOptions,
    executor: Executor,
    on_progress: Callable[[ProgressEvent], None] | None = None,
    cancel: threading.Event | None = None,
    task: Task = check_one,
    window: int | None = None,
    poll_s: float = 0.1,
) -> Iterator[FileOutcome]:
    """Yield one `FileOutcome` per document, in completion order (see the module docstring).

    `window` is how many tasks are submitted at once (default: twice the executor's capacity, so
    that a worker never waits for the next document). `on_progress` is called in the caller's
    thread. `task` replaces `check_one` (tests; a service that wraps it)."""
    total = len(documents)
    window = window or max(1, 2 * executor.capacity)
    pending: deque[Document] = deque(documents)
    suspects: deque[Document] = deque()
    in_flight: dict[TaskFuture, tuple[Document, bool]] = {}  # future -> (document, running alone)
    completed: queue.SimpleQueue[TaskFuture] = queue.SimpleQueue()
    finished = 0
    needs_restart = False
    failed_submits_after_restart = 0

    def emit(doc: Document, state: FileState, outcome: FileOutcome | None = None) -> None:
        if on_progress is not None:
            on_progress(ProgressEvent(doc.index, doc.name, state, finished, total, outcome))

    def submit(doc: Document, *, alone: bool) -> bool:
        nonlocal needs_restart
        try:
            future = executor.submit(task, name=doc.name, data=doc.data, options=options, index=doc.index)
        except Exception as exc:
            if not executor.worker_lost(exc):
                raise
            needs_restart = True
            return False
        in_flight[future] = (doc, alone)
        future.add_done_callback(completed.put)  # from the executor's thread: only a queue put
        emit(doc, FileState.RUNNING)
        return True

    try:
        while pending or suspects or in_flight:
            if cancel is not None and cancel.is_set():
                return
            if needs_restart and not in_flight:
                if failed_submits_after_restart >= 2:
                    raise ExecutorUnavailable("the executor loses its workers as soon as it is restarted")
                executor.restart()
                needs_restart = False
            if not needs_restart:
                # a retry runs alone (a window of one), so that a second crash names its culprit
                source, alone, limit = (suspects, True, 1) if suspects else (pending, False, window)
                while source and len(in_flight) < limit:
                    if not submit(source[0], alone=alone):
                        failed_submits_after_restart += 1
                        break
                    source.popleft()
                    failed_submits_after_restart = 0
            if not in_flight:
                continue  # a failed submit: restart first
            try:
                future = completed.get(timeout=poll_s)
            except queue.Empty:
                continue
            doc, alone = in_flight.pop(future)
            try:
                outcome = future.result()
            except CancelledError:
                # not by us (we cancel only on the way out): another user of a shared executor
                # restarted it; the document did not run, so it simply goes back in the queue
                pending.appendleft(doc)
                emit(doc, FileState.QUEUED)
                continue
            except Exception as exc:  # noqa: BLE001 -- whatever went wrong costs this one file
                if executor.worker_lost(exc):
                    needs_restart = True
                    if not alone:
                        suspects.append(doc)
                        emit(doc, FileState.QUEUED)
                        continue
                    log.warning("file %d lost its worker twice: failed as worker_crashed", doc.index)
                    outcome = failed_outcome(index=doc.index, name=doc.name, data=doc.data,
                                             code="worker_crashed", message=WORKER_CRASHED_MESSAGE)
                else:
                    # the task raised (check_one never does) or its result did not come back
                    log.error("file %d: the task failed: %s", doc.index, type(exc).__name__)
                    outcome = failed_outcome(index=doc.index, name=doc.name, data=doc.data,
                                             code="internal_error", message=INTERNAL_ERROR_MESSAGE)
            finished += 1
            emit(doc, outcome.state, outcome)
            yield outcome
    finally:
        leftovers = [doc for doc, _ in in_flight.values()] + list(suspects) + list(pending)
        for future in in_flight:
            future.cancel()
        for doc in sorted(leftovers, key=lambda d: d.index):
            emit(doc, FileState.CANCELED)
