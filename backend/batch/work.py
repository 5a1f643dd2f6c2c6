"""The unit of batch work: check one document, never raise for it.

`check_one(name=, data=, options=, index=)` is a pure function of picklable inputs returning a
picklable `FileOutcome`, so that any executor can run it in another process (or on another
machine) and the batch service can persist each outcome as it arrives. Running it twice on the same
input gives the same outcome, so re-running a file after a crash or a restart is harmless: the
service keys outcomes by (batch id, `index`).

A bad document is an outcome, not an exception: ``state == "failed"`` with the checker's stable
code (``not_a_docx``, ``macro_enabled``, ``encrypted``, ``zip_bomb``, ``corrupt``, ``no_claims``,
...). Any other exception becomes ``internal_error`` with a fixed message: exception texts can
quote the document, so none of it reaches the outcome or the log (only the exception type and the
code location are logged).
"""

from __future__ import annotations

import hashlib
import logging
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from backend.checking import InputError
from backend.nlp.config import CheckConfig, ConfigError

log = logging.getLogger(__name__)

SEVERITIES = ("error", "warning", "info")
INTERNAL_ERROR_MESSAGE = "internal error while checking this document"


class FileState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to check: the batch-wide equivalent of `patentpane check`'s options."""

    jurisdiction: str = "us"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    """Severity overrides (selector, level): a firm's rule settings (the batch service sets them)."""

    @classmethod
    def build(cls, *, jurisdiction: str = "us", select: Iterable[str] = (),
              ignore: Iterable[str] = ()) -> CheckOptions:
        """Validated options (comma-separated values split); raises InputError with the config's
        code (``unknown_jurisdiction``, ``unknown_rule``) so that a batch is refused up front
        instead of failing every file."""
        from backend.nlp.rules import registered_rules

        try:
            config = CheckConfig.build(jurisdiction=jurisdiction, select=select, ignore=ignore)
            config.validate(registered_rules())
        except ConfigError as exc:
            raise InputError(exc.code, str(exc)) from None
        return cls(jurisdiction=config.jurisdiction, select=config.select, ignore=config.ignore)

    @classmethod
    def of_config(cls, config: CheckConfig) -> CheckOptions:
        """The options of a resolved configuration (e.g. a tenant's settings narrowed by a request)."""
        return cls(
            jurisdiction=config.jurisdiction,
            select=config.select,
            ignore=config.ignore,
            severity=tuple(sorted((s, str(level)) for s, level in config.severity.items())),
        )

    def config(self) -> CheckConfig:
        return CheckConfig.build(jurisdiction=self.jurisdiction, select=self.select, ignore=self.ignore,
                                 severity=dict(self.severity))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"jurisdiction": self.jurisdiction, "select": list(self.select),
                               "ignore": list(self.ignore)}
        if self.severity:
            out["severity"] = dict(self.severity)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckOptions:
        return cls(
            jurisdiction=data.get("jurisdiction", "us"),
            select=tuple(data.get("select", ())),
            ignore=tuple(data.get("ignore", ())),
            severity=tuple(sorted(data.get("severity", {}).items())),
        )


@dataclass(frozen=True, slots=True)
class FileError:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class FileOutcome:
    index: int
    name: str
    sha256: str
    size: int
    state: FileState
    """DONE or FAILED."""
    error: FileError | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    """Findings by severity (every severity present, zeros included)."""
    category_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Category -> severity -> findings; only categories with findings."""
    result: dict[str, Any] | None = None
    """`CheckResult.to_json()` when DONE."""
    annotated: bytes | None = field(default=None, repr=False)
    """The annotated copy (findings as Word comments) when DONE."""
    elapsed_s: float = 0.0

    @property
    def findings(self) -> int:
        return sum(self.counts.values())

    def without_annotated(self) -> FileOutcome:
        """The same outcome without the annotated bytes (once they are written somewhere)."""
        return replace(self, annotated=None)


def failed_outcome(*, index: int, name: str, data: bytes, code: str, message: str,
                   elapsed_s: float = 0.0) -> FileOutcome:
    return FileOutcome(
        index=index, name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        state=FileState.FAILED, error=FileError(code=code, message=message), elapsed_s=elapsed_s,
    )


def check_one(*, name: str, data: bytes, options: CheckOptions, index: int = 0) -> FileOutcome:
    """Check one document with the annotated copy; never raises for a bad document."""
    from backend.checking import check_docx

    started = time.perf_counter()
    try:
        checked = check_docx(data, config=options.config(), annotate=True)
    except (InputError, ConfigError) as exc:
        message = exc.message if isinstance(exc, InputError) else str(exc)
        return failed_outcome(index=index, name=name, data=data, code=exc.code, message=message,
                              elapsed_s=time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 -- a bug must cost one file, not the batch
        frames = "; ".join(f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__))
        log.error("internal error checking file %d (sha256 %s): %s at %s",
                  index, hashlib.sha256(data).hexdigest()[:12], type(exc).__name__, frames)
        return failed_outcome(index=index, name=name, data=data, code="internal_error",
                              message=INTERNAL_ERROR_MESSAGE,
                              elapsed_s=time.perf_counter() - started)
    result = checked.result
    by_category: dict[str, dict[str, int]] = {}
    for finding in result.findings:
        by_category.setdefault(finding.category, dict.fromkeys(SEVERITIES, 0))[str(finding.severity)] += 1
    return FileOutcome(
        index=index,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        state=FileState.DONE,
        counts=result.counts(),
        category_counts=dict(sorted(by_category.items())),
        result=result.to_json(),
        annotated=checked.annotated,
        elapsed_s=time.perf_counter() - started,
    )
