"""Interactive work (POST /check, /check/annotate, /claims/parse, the claims assistant's suggestions,
clones and fixes, drafting) in a small pool of worker processes.

A check is CPU-bound Python (spaCy, the rules, OOXML). Run in the server's own threads, it holds the
GIL against the event loop: with four users checking at once, GET /health took 56 ms (median) and
up to half a second (bench/service_concurrency.py). Here the work runs in `Settings.check_workers`
processes (default: half the usable cores, 1 to 4) and the server only waits for the answer, so it
stays responsive, and several checks really run in parallel. Batches have their own pool (the
batch dispatcher's), so a docket never queues in front of a user's check.

The pool is one per server process, made at the first check (its workers load the spaCy model once
each); `check_workers = 0` runs the checks in the calling thread instead. Database work (the
tenant's settings, the audit trail) stays in the server: only documents and results cross.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from backend.batch.executor import LocalProcessExecutor, warm_worker_niced
from backend.checking import InputError
from backend.nlp.config import ConfigError
from backend.settings import Settings

T = TypeVar("T")
MAX_DEFAULT_WORKERS = 4
CHECK_NICENESS = 5
"""Check workers yield the CPU to the server (so /health stays fast) but not to batches (10)."""

_pools: dict[int, LocalProcessExecutor] = {}
_pools_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Refused:
    """A bad input met in a worker (InputError and ConfigError do not survive pickling)."""

    code: str
    message: str
    config: bool


def _call(*, task: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """Runs in a worker process."""
    try:
        return task(**kwargs)
    except InputError as exc:
        return _Refused(exc.code, exc.message, config=False)
    except ConfigError as exc:
        return _Refused(exc.code, str(exc), config=True)


def default_check_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_WORKERS, cores // 2))


def check_pool(settings: Settings) -> LocalProcessExecutor | None:
    """The process's pool for interactive checks (None when `check_workers` is 0)."""
    workers = settings.check_workers if settings.check_workers is not None else default_check_workers()
    if workers == 0:
        return None
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = LocalProcessExecutor(
                workers=workers, initializer=partial(warm_worker_niced, CHECK_NICENESS)
            )
        return pool


def run_check(settings: Settings, task: Callable[..., T], /, **kwargs: Any) -> T:
    """`task(**kwargs)` in the interactive pool, waiting for it (call from a worker thread, never
    from the event loop). InputError and ConfigError raised by the task are raised here. A check
    that loses its worker process is retried once in a fresh pool."""
    pool = check_pool(settings)
    if pool is None:
        return task(**kwargs)
    for attempt in (1, 2):
        try:
            out = pool.submit(_call, task=task, kwargs=kwargs).result()
            break
        except Exception as exc:
            if attempt == 2 or not pool.worker_lost(exc):
                raise
            pool.restart()
    if isinstance(out, _Refused):
        raise ConfigError(out.code, out.message) if out.config else InputError(out.code, out.message)
    return out
