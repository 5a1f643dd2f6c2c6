"""Batch reports from outcomes: report.json, report.csv and annotated.zip.

report.json::

    {"summary": {"files": 52, "done": 48, "failed": 4, "clean": 3, "with_findings": 45,
                 "findings": {"error": 120, "warning": 301, "info": 77}},
     "options": {"jurisdiction": "us", "select": [], "ignore": []},
     "files": [{"index": 0, "name": "docket/app.docx", "sha256": "...", "size": 48123,
                "state": "done", "error": null,
                "counts": {"error": 2, "warning": 5, "info": 1},
                "categories": {"antecedent_basis": {"error": 2, "warning": 0, "info": 1}, ...},
                "document": {"claims": 20, "independent_claims": 3, "words": 11234},
                "findings": [ ... as in `patentpane check --format json` ... ]},
               {"index": 1, "name": "bad.docx", "state": "failed",
                "error": {"code": "not_a_docx", "message": "..."}, "counts": {...zeros},
                "categories": {}, "document": null, "findings": []}],
     "skipped": [{"name": "__MACOSX/._app.docx", "reason": "macos_metadata"}]}

report.csv: one row per file and category with findings, columns `CSV_COLUMNS`; a file without
findings, and a failed file, still gets one row (empty category, zero counts; a failed file's code
in ``error``). Files are in batch order (`index`), categories alphabetical.

annotated.zip: the annotated copy of every checked file under its batch name (folders kept);
failed files are absent; nothing else is in the archive.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from backend.batch.intake import SkippedEntry
from backend.batch.work import SEVERITIES, CheckOptions, FileOutcome, FileState

CSV_COLUMNS = ("file", "sha256", "state", "error", "category", "errors", "warnings", "info")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a fixed timestamp: the same outcomes give the same archive bytes
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def file_entry(outcome: FileOutcome) -> dict[str, Any]:
    result = outcome.result or {}
    return {
        "index": outcome.index,
        "name": outcome.name,
        "sha256": outcome.sha256,
        "size": outcome.size,
        "state": str(outcome.state),
        "error": {"code": outcome.error.code, "message": outcome.error.message} if outcome.error else None,
        "counts": dict(outcome.counts),
        "categories": {c: dict(by) for c, by in outcome.category_counts.items()},
        "document": result.get("document"),
        "findings": result.get("findings", []),
    }


def build_report(
    *,
    outcomes: Iterable[FileOutcome],
    skipped: Iterable[SkippedEntry] = (),
    options: CheckOptions | None = None,
) -> dict[str, Any]:
    files = sorted(outcomes, key=lambda o: o.index)
    done = [o for o in files if o.state == FileState.DONE]
    return {
        "summary": {
            "files": len(files),
            "done": len(done),
            "failed": len(files) - len(done),
            "clean": sum(1 for o in done if not o.findings),
            "with_findings": sum(1 for o in done if o.findings),
            "findings": {s: sum(o.counts.get(s, 0) for o in files) for s in SEVERITIES},
        },
        "options": (options or CheckOptions()).to_json(),
        "files": [file_entry(o) for o in files],
        "skipped": [{"name": s.name, "reason": s.reason} for s in skipped],
    }


def _cell(value: str) -> str:
    # File names come from the uploader; a spreadsheet would run "=HYPERLINK(...)" as a formula.
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_rows(outcomes: Iterable[FileOutcome]) -> Iterator[tuple[str | int, ...]]:
    """The rows of report.csv after the header (see the module docstring)."""
    for o in sorted(outcomes, key=lambda o: o.index):
        head = (_cell(o.name), o.sha256, str(o.state), o.error.code if o.error else "")
        if not o.category_counts:
            yield (*head, "", 0, 0, 0)
        for category, by in sorted(o.category_counts.items()):
            yield (*head, category, by.get("error", 0), by.get("warning", 0), by.get("info", 0))


def report_csv(*, outcomes: Iterable[FileOutcome]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(outcomes))
    return out.getvalue()


def annotated_files(outcomes: Iterable[FileOutcome]) -> Iterator[tuple[str, bytes]]:
    """(name, annotated bytes) of the checked files, in batch order."""
    for o in sorted(outcomes, key=lambda o: o.index):
        if o.state == FileState.DONE and o.annotated is not None:
            yield o.name, o.annotated


def write_annotated_zip(
    *, files: Iterable[tuple[str, bytes]], target: str | os.PathLike[str] | BinaryIO
) -> int:
    """Write annotated.zip from (batch name, bytes) pairs (`annotated_files`, or the service's stored
    copies); returns the number of files written."""
    count = 0
    # Stored, not deflated: a .docx is already a deflated zip, compressing it again gains ~nothing.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
            count += 1
    return count
