"""Where batch work runs: the `Executor` interface and its two embedded implementations.

The interface (a `Protocol`: anything with these members qualifies, no base class needed):

- ``submit(fn, /, **kwargs) -> TaskFuture``: run ``fn(**kwargs)`` somewhere; ``fn`` and the
  arguments are picklable (a module-level function such as `backend.batch.work.check_one`).
  A `TaskFuture` has ``add_done_callback``, ``result``, ``cancel`` and ``done`` like
  `concurrent.futures.Future`.
- ``capacity``: how many tasks run at once (the runner keeps about twice that many submitted, so
  memory stays bounded and cancellation is quick).
- ``worker_lost(exc) -> bool``: whether an exception raised by a future means that the process
  running the task died (rather than the task raising). The runner then retries the task once, alone.
- ``restart()``: make the executor usable again after a lost worker.
- ``shutdown(*, wait=True, cancel_pending=False)``.

Implementations here:

- `LocalProcessExecutor`, the embedded default: a `ProcessPoolExecutor` sized to the machine (all
  usable cores but one, at least one), started with the ``forkserver`` context where available
  (``spawn`` elsewhere): never ``fork``, which would copy the server's threads and locks (uvicorn,
  torch) into a child. Each worker loads the spaCy model and the word lists once, in its initializer.
- `InlineExecutor`: runs each task in the calling thread when it is submitted (tests, ``--jobs 1``).

A distributed executor (dask.distributed) would implement the same members over a
``distributed.Client``: ``submit`` -> ``client.submit(fn, pure=False, **kwargs)`` (a
``distributed.Future`` already has add_done_callback/result/cancel/done), ``capacity`` -> the
cluster's worker threads, ``worker_lost`` -> ``isinstance(exc, distributed.KilledWorker)``,
``restart`` -> nothing (the scheduler replaces dead workers itself), ``shutdown`` ->
``client.close()``; the per-worker warm-up becomes a ``WorkerPlugin`` whose ``setup`` calls
`warm_worker`. The documents travel as bytes in the task arguments, so workers need no shared disk.
Not implemented: nothing in this package depends on dask.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol, Self, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class TaskFuture(Protocol):
    def add_done_callback(self, fn: Callable[[Any], object], /) -> None: ...
    def result(self, timeout: float | None = None) -> Any: ...
    def cancel(self) -> bool: ...
    def done(self) -> bool: ...


@runtime_checkable
class Executor(Protocol):
    @property
    def capacity(self) -> int: ...
    def submit(self, fn: Callable[..., Any], /, **kwargs: Any) -> TaskFuture: ...
    def worker_lost(self, exc: BaseException) -> bool: ...
    def restart(self) -> None: ...
    def shutdown(self, *, wait: bool = True, cancel_pending: bool = False) -> None: ...


def default_workers() -> int:
    """All usable cores but one (left to the web server and the database), at least one."""
    try:
        cores = len(os.sched_getaffinity(0))  # respects CPU pinning (containers, taskset)
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


def default_start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def warm_worker() -> None:
    """Worker initializer: load the spaCy model and the word lists once per process.

    Best effort: if loading fails, the failure shows up as each file's ``internal_error`` instead
    of an initializer crash, which would break the pool and look like a crashing document.
    """
    # Ctrl-C in the CLI reaches the whole process group; the parent cancels the batch, the
    # workers finish (or are abandoned) quietly instead of printing one traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One BLAS/OpenMP thread per worker: the pool already uses every core it is given.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        from backend.nlp.parsing import shared_parser
        from backend.settings import get_settings
        from backend.wordlists import load_wordlists

        settings = get_settings()
        load_wordlists(settings.wordlist_dir)
        shared_parser(settings.spacy_model).parse("A widget comprising a lever.")
    except Exception as exc:  # noqa: BLE001 -- see the docstring
        log.error("worker warm-up failed: %s", type(exc).__name__)


def warm_worker_niced(niceness: int) -> None:
    """`warm_worker` at a lower CPU priority (`os.nice`): the server's own pools use it (through
    `functools.partial`) so that the web server always gets the CPU before its checks, and the
    interactive checks before batches."""
    try:
        os.nice(niceness)
    except (AttributeError, OSError):  # not on this platform, or not allowed
        pass
    warm_worker()


def _check_in(directory: str, expected: int, timeout: float) -> int:
    """Warm-up task: mark this worker present, then hold it until `expected` workers are: a worker
    busy here cannot take a second check-in, so each of them runs exactly one."""
    Path(directory, str(os.getpid())).touch()
    deadline = time.monotonic() + timeout
    while len(os.listdir(directory)) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid()


class LocalProcessExecutor:
    """A local process pool; see the module docstring."""

    def __init__(
        self,
        *,
        workers: int | None = None,
        start_method: str | None = None,
        initializer: Callable[[], None] | None = warm_worker,
        max_tasks_per_child: int | None = None,
    ) -> None:
        self._workers = workers if workers is not None else default_workers()
        if self._workers < 1:
            raise ValueError("workers must be at least 1")
        self._context = multiprocessing.get_context(start_method or default_start_method())
        self._initializer = initializer
        self._max_tasks_per_child = max_tasks_per_child
        self._lock = threading.Lock()  # the service may share one executor among batch threads
        self._pool = self._new_pool()
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        # Processes start on demand at the first submits (forkserver/spawn pools do that), so
        # creating the pool costs nothing until there is work.
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=self._context,
            initializer=self._initializer,
            max_tasks_per_child=self._max_tasks_per_child,
        )

    @property
    def capacity(self) -> int:
        return self._workers

    def submit(self, fn: Callable[..., Any], /, **kwargs: Any) -> Future:
        with self._lock:
            return self._pool.submit(fn, **kwargs)

    def worker_lost(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        """Replace the pool if it is broken. A no-op on a healthy pool, so that several runners
        sharing this executor, which all saw the same crash, restart it once between them."""
        with self._lock:
            if not getattr(self._pool, "_broken", True):  # CPython's flag; absent: assume broken
                return
            old, self._pool = self._pool, self._new_pool()
            self.restarts += 1
        old.shutdown(wait=False, cancel_futures=True)

    def warm_up(self, *, timeout: float = 120) -> list[int]:
        """Start every worker now and wait until each has run its initializer (servers call this at
        startup so that the first batch does not pay the model loads); returns the workers' pids."""
        with tempfile.TemporaryDirectory(prefix="patentpane-warm-up-") as directory:
            futures = [self._pool.submit(_check_in, directory, self._workers, timeout)
                       for _ in range(self._workers)]
            return sorted({f.result(timeout=timeout) for f in futures})

    def shutdown(self, *, wait: bool = True, cancel_pending: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_pending)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(wait=True, cancel_pending=True)


class InlineExecutor:
    """Runs each task synchronously inside `submit` (one process: tests, ``patentpane batch --jobs 1``)."""

    capacity = 1

    def submit(self, fn: Callable[..., Any], /, **kwargs: Any) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(**kwargs))
        except Exception as exc:  # noqa: BLE001 -- delivered through the future, as a pool does
            future.set_exception(exc)
        return future

    def worker_lost(self, exc: BaseException) -> bool:
        return False

    def restart(self) -> None:
        pass

    def shutdown(self, *, wait: bool = True, cancel_pending: bool = False) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
