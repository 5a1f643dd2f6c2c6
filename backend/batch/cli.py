"""`patentpane batch DIR_OR_ZIP [-o OUT_DIR]`: check every document of a folder or a .zip.

Exit codes as `patentpane check`: 0 every document checked and clean, 1 findings or failed
documents, 2 bad input (the whole batch refused: missing path, no documents, zip bomb, unsafe
names, unknown rule, ...), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from backend.batch.runner import ProgressEvent
from backend.batch.work import FileOutcome, FileState


def add_batch_parser(sub: Any) -> None:
    """Register the `batch` subcommand on the `patentpane` subparsers."""
    p = sub.add_parser("batch", help="check every .docx of a folder or a .zip (reports + annotated copies)")
    p.add_argument("input", metavar="DIR_OR_ZIP")
    p.add_argument("-o", "--output", metavar="OUT_DIR",
                   help="write report.json, report.csv and annotated/ (one commented copy per document) here")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes (default: all cores but one; 1 checks in this process)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json prints report.json on stdout")
    p.add_argument("--jurisdiction", default="us", help="rule profile: us (default) or ep")
    p.add_argument("--select", action="append", default=[], help="codes, prefixes or categories to run")
    p.add_argument("--ignore", action="append", default=[], help="codes, prefixes or categories to skip")
    p.set_defaults(func=run_batch_command)


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not a TTY (logs, CI)."""

    def __init__(self, stream: TextIO, *, width: int = 30) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.width = width
        self.failed = 0
        self.started = time.monotonic()
        self._drawn = False

    def update(self, event: ProgressEvent) -> None:
        if event.state == FileState.FAILED:
            self.failed += 1
        if not self.enabled or event.state not in (FileState.DONE, FileState.FAILED, FileState.RUNNING):
            return
        filled = self.width * event.finished // max(event.total, 1)
        failed = f", {self.failed} failed" if self.failed else ""
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {event.finished}/{event.total} files"
            f"{failed}  {time.monotonic() - self.started:.0f}s "
        )
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def _describe(outcome: FileOutcome) -> str:
    if outcome.state == FileState.FAILED and outcome.error is not None:
        return f"{outcome.name}: failed [{outcome.error.code}] {outcome.error.message}"
    if not outcome.findings:
        return f"{outcome.name}: clean"
    c = outcome.counts
    return f"{outcome.name}: {c['error']} errors, {c['warning']} warnings, {c['info']} info"


def run_batch_command(args: argparse.Namespace) -> int:
    from backend.batch.executor import InlineExecutor, LocalProcessExecutor, default_workers
    from backend.batch.intake import read_directory, read_upload, read_zip
    from backend.batch.report import build_report, report_csv
    from backend.batch.runner import ExecutorUnavailable, run_batch
    from backend.batch.work import CheckOptions
    from backend.checking import InputError
    from backend.cli import EXIT_CLEAN, EXIT_FINDINGS, _fail

    if args.jobs is not None and args.jobs < 1:
        return _fail("--jobs must be at least 1", "bad_jobs")
    src = Path(args.input)
    out = Path(args.output) if args.output else None
    if out is not None and out.exists() and not out.is_dir():
        return _fail(f"{out}: exists and is not a folder", "output_not_a_folder")
    try:
        options = CheckOptions.build(jurisdiction=args.jurisdiction, select=args.select, ignore=args.ignore)
        if src.is_dir():
            intake = read_directory(path=src, exclude=[out] if out is not None else [])
        elif src.is_file() and src.suffix.lower() == ".zip":
            intake = read_zip(source=src)
        elif src.is_file():
            intake = read_upload(files=[(src.name, src.read_bytes())])
        else:
            return _fail(f"{src}: no such file or folder", "not_found")
    except InputError as exc:
        return _fail(f"{src}: {exc.message}", exc.code)

    documents = intake.documents
    jobs = min(args.jobs or default_workers(), len(documents))
    executor = InlineExecutor() if jobs == 1 else LocalProcessExecutor(workers=jobs)
    bar = ProgressBar(sys.stderr)
    cancel = threading.Event()
    outcomes: list[FileOutcome] = []
    batch = run_batch(documents=documents, options=options, executor=executor, on_progress=bar.update,
                      cancel=cancel)
    try:
        for outcome in batch:
            if out is not None and outcome.annotated is not None:
                _write_atomically(out / "annotated" / outcome.name, outcome.annotated)
            outcomes.append(outcome.without_annotated())  # the copy is on disk: keep memory flat
    except ExecutorUnavailable as exc:
        return _fail(str(exc), "executor_unavailable")
    except OSError as exc:
        return _fail(f"cannot write the output: {exc}", "output_error")
    finally:
        cancel.set()
        batch.close()
        bar.close()
        # after Ctrl-C, running workers are abandoned rather than waited for
        executor.shutdown(wait=len(outcomes) == len(documents), cancel_pending=True)

    report = build_report(outcomes=outcomes, skipped=intake.skipped, options=options)
    if out is not None:
        try:
            _write_atomically(out / "report.json",
                              json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8"))
            _write_atomically(out / "report.csv", report_csv(outcomes=outcomes).encode("utf-8"))
        except OSError as exc:
            return _fail(f"cannot write the reports: {exc}", "output_error")

    if args.format == "json":
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for outcome in sorted(outcomes, key=lambda o: o.index):
            print(_describe(outcome))
        s = report["summary"]
        skipped = f" ({len(intake.skipped)} other entries skipped)" if intake.skipped else ""
        print(
            f"{s['files']} files{skipped}: {s['with_findings']} with findings, {s['clean']} clean, "
            f"{s['failed']} failed; {s['findings']['error']} errors, {s['findings']['warning']} warnings, "
            f"{s['findings']['info']} info"
            + (f"; reports and annotated copies written to {out}" if out is not None else "")
        )
    return EXIT_CLEAN if all(o.state == FileState.DONE and not o.findings for o in outcomes) else EXIT_FINDINGS
