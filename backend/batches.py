"""The batch service: batches of a tenant in the database, their files on disk, their reports.

A batch is created from an upload (many .docx files or one .zip, read by `backend.batch.intake`):
each document is written to ``<upload dir>/<batch id>/uploads/<index>.docx`` and gets a
`BatchFile` row in state ``queued``; the batch answers at once and the dispatcher
(`backend.batch_dispatcher`, in the server process) has the documents checked in worker processes.
The uploaded documents are deleted as soon as the batch is finished (done, failed or canceled); the
reports (in the database) and the annotated copies (``<batch id>/annotated/<index>.docx``) stay
until the batch expires (`Settings.batch_retention_days` after it finished), then are purged.

Statuses: ``queued`` (no file started), ``running``, ``done`` (every file has an outcome, ``done``
or ``failed``), ``failed`` (the batch itself could not go on: its stored uploads are gone,
``upload_missing``), ``canceled`` (`cancel_batch`: unfinished files are ``canceled``). Reports
exist for finished batches only (`BatchNotFinished` otherwise).

Every function takes the caller's tenant: another tenant's batch is `BatchNotFound`, exactly like a
batch that does not exist. Nothing here logs a file name or any document content.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from backend.audit import record_audit_event
from backend.auth import Principal
from backend.batch.intake import IntakeLimits, SkippedEntry, read_upload
from backend.batch.report import build_report, report_csv, write_annotated_zip
from backend.batch.work import SEVERITIES, CheckOptions, FileError, FileOutcome, FileState
from backend.checking import InputError
from backend.db.models import Batch, BatchFile, new_id, utcnow
from backend.nlp.config import ConfigError
from backend.rule_settings import load_rule_settings, request_config
from backend.settings import Settings

UNFINISHED_FILE_STATES = ("queued", "running")
UNFINISHED_STATUSES = ("queued", "running")
FINISHED_STATUSES = ("done", "failed", "canceled")
CANCELED_MESSAGE = "the batch was canceled before this document was checked"
UPLOAD_MISSING_MESSAGE = "the stored upload of this document is gone (the upload folder was removed)"
ERROR_MESSAGE_LENGTH = 500


class BatchNotFound(LookupError):
    """No batch with this id in the caller's tenant."""


class BatchNotFinished(Exception):
    """A report was asked for while the batch still runs."""


def intake_limits(settings: Settings) -> IntakeLimits:
    return IntakeLimits(
        max_files=settings.batch_max_files,
        max_entries=settings.batch_max_entries,
        max_total_bytes=settings.batch_max_bytes,
        max_ratio=settings.batch_max_ratio,
    )


@dataclass(frozen=True, slots=True)
class BatchUpload:
    """The files of a batch request (multipart `files`, or one .zip) and its check options."""

    files: Sequence[tuple[str, bytes]]
    jurisdiction: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


# -- storage -------------------------------------------------------------------------------------
def uploads_dir(storage: str | Path) -> Path:
    return Path(storage) / "uploads"


def annotated_dir(storage: str | Path) -> Path:
    return Path(storage) / "annotated"


def upload_path(storage: str | Path, position: int) -> Path:
    return uploads_dir(storage) / f"{position}.docx"


def annotated_path(storage: str | Path, position: int) -> Path:
    return annotated_dir(storage) / f"{position}.docx"


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def remove_tree(path: str | Path | None) -> None:
    if path:
        shutil.rmtree(path, ignore_errors=True)


# -- creating ------------------------------------------------------------------------------------
def batch_options(
    session: Session, *, principal: Principal, jurisdiction: str | None, select_: Iterable[str],
    ignore: Iterable[str],
) -> CheckOptions:
    """The tenant's rule settings narrowed by the request (as for one interactive check); raises
    InputError (`unknown_rule`, `unknown_jurisdiction`) so that a bad option refuses the batch."""
    from backend.nlp.rules import registered_rules

    try:
        config = request_config(
            load_rule_settings(session, tenant_id=principal.tenant_id),
            jurisdiction=jurisdiction, select_=select_, ignore=ignore,
        )
        config.validate(registered_rules())
    except ConfigError as exc:
        raise InputError(exc.code, str(exc)) from None
    return CheckOptions.of_config(config)


def create_batch(session: Session, *, principal: Principal, upload: BatchUpload, settings: Settings) -> Batch:
    """Read the upload, store its documents, and queue one file per document (commits). Raises
    InputError for a refused upload (the intake codes) or bad options; nothing is stored then."""
    options = batch_options(session, principal=principal, jurisdiction=upload.jurisdiction,
                            select_=upload.select, ignore=upload.ignore)
    intake = read_upload(files=upload.files, limits=intake_limits(settings))
    batch_id = new_id()
    storage = settings.batch_upload_dir.resolve() / batch_id
    try:
        for document in intake.documents:
            write_atomically(upload_path(storage, document.index), document.data)
        batch = Batch(
            id=batch_id,
            tenant_id=principal.tenant_id,
            user_id=principal.user_id,
            status="queued",
            options=options.to_json(),
            storage_dir=str(storage),
            skipped=[{"name": s.name, "reason": s.reason} for s in intake.skipped],
        )
        batch.files = [
            BatchFile(position=d.index, name=d.name, sha256=d.sha256, size=d.size, state="queued")
            for d in intake.documents
        ]
        session.add(batch)
        session.commit()
    except BaseException:
        session.rollback()
        remove_tree(storage)
        raise
    record_audit_event(session, principal=principal, action="batch.create", document=None,
                       counts={"files": len(intake.documents), "skipped": len(intake.skipped)})
    return batch


# -- reading -------------------------------------------------------------------------------------
def get_batch(session: Session, *, tenant_id: str, batch_id: str) -> Batch:
    batch = session.scalar(select(Batch).where(Batch.id == batch_id, Batch.tenant_id == tenant_id))
    if batch is None:
        raise BatchNotFound(batch_id)
    return batch


def _file_error(row: BatchFile) -> dict[str, str] | None:
    if row.error_code is None:
        return None
    return {"code": row.error_code, "message": row.error_message or ""}


def _counts(row: BatchFile) -> dict[str, int]:
    return {"error": row.errors or 0, "warning": row.warnings or 0, "info": row.infos or 0}


def _summary(batch: Batch, states: dict[str, int], findings: dict[str, int]) -> dict[str, Any]:
    total = sum(states.values())
    finished = states.get("done", 0) + states.get("failed", 0)
    return {
        "id": batch.id,
        "status": batch.status,
        "created_at": batch.created_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
        "expires_at": batch.expires_at,
        "options": batch.options,
        "error": {"code": batch.error_code, "message": _batch_error_message(batch.error_code)}
        if batch.error_code else None,
        "progress": {
            "total": total,
            "finished": finished,
            **{state: states.get(state, 0) for state in ("queued", "running", "done", "failed", "canceled")},
        },
        "findings": findings,
    }


def _batch_error_message(code: str | None) -> str:
    return UPLOAD_MISSING_MESSAGE if code == "upload_missing" else (code or "")


def batch_status(session: Session, *, tenant_id: str, batch_id: str) -> dict[str, Any]:
    """Status, progress (files by state), findings by severity, every file's state and counts."""
    batch = get_batch(session, tenant_id=tenant_id, batch_id=batch_id)
    rows = session.scalars(
        select(BatchFile).where(BatchFile.batch_id == batch.id).order_by(BatchFile.position)
    ).all()
    states: dict[str, int] = {}
    findings = dict.fromkeys(SEVERITIES, 0)
    files = []
    for row in rows:
        states[row.state] = states.get(row.state, 0) + 1
        counts = _counts(row)
        for severity, n in counts.items():
            findings[severity] += n
        files.append({
            "index": row.position, "name": row.name, "sha256": row.sha256, "size": row.size,
            "state": row.state, "error": _file_error(row), "counts": counts,
        })
    return {**_summary(batch, states, findings), "files": files, "skipped": batch.skipped or []}


def list_batches(session: Session, *, tenant_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The tenant's batches, newest first, with progress and findings (no per-file entries)."""
    batches = session.scalars(
        select(Batch).where(Batch.tenant_id == tenant_id)
        .order_by(Batch.created_at.desc(), Batch.id).limit(limit)
    ).all()
    if not batches:
        return []
    ids = [b.id for b in batches]
    states: dict[str, dict[str, int]] = {}
    findings: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(BatchFile.batch_id, BatchFile.state, func.count(), func.sum(BatchFile.errors),
               func.sum(BatchFile.warnings), func.sum(BatchFile.infos))
        .where(BatchFile.batch_id.in_(ids)).group_by(BatchFile.batch_id, BatchFile.state)
    ).all()
    for batch_id, state, count, errors, warnings, infos in rows:
        states.setdefault(batch_id, {})[state] = count
        total = findings.setdefault(batch_id, dict.fromkeys(SEVERITIES, 0))
        for severity, n in zip(SEVERITIES, (errors, warnings, infos), strict=True):
            total[severity] += int(n or 0)
    return [
        _summary(b, states.get(b.id, {}), findings.get(b.id, dict.fromkeys(SEVERITIES, 0))) for b in batches
    ]


# -- reports -------------------------------------------------------------------------------------
def _finished_batch(session: Session, *, tenant_id: str, batch_id: str) -> Batch:
    batch = get_batch(session, tenant_id=tenant_id, batch_id=batch_id)
    if batch.status not in FINISHED_STATUSES:
        raise BatchNotFinished(batch.status)
    return batch


def file_outcome(row: BatchFile) -> FileOutcome:
    """A stored file as the batch engine's outcome (without the annotated bytes)."""
    error = _file_error(row)
    return FileOutcome(
        index=row.position,
        name=row.name,
        sha256=row.sha256,
        size=row.size,
        state=FileState(row.state),
        error=FileError(**error) if error else None,
        counts=_counts(row),
        category_counts=row.categories or {},
        result=row.report,
    )


def _outcomes(session: Session, batch: Batch) -> list[FileOutcome]:
    rows = session.scalars(
        select(BatchFile).where(BatchFile.batch_id == batch.id).order_by(BatchFile.position)
    ).all()
    return [file_outcome(row) for row in rows]


def batch_report(session: Session, *, tenant_id: str, batch_id: str) -> dict[str, Any]:
    """report.json of a finished batch (the shape of `patentpane batch`'s, `backend.batch.report`)."""
    batch = _finished_batch(session, tenant_id=tenant_id, batch_id=batch_id)
    skipped = [SkippedEntry(name=s["name"], reason=s["reason"]) for s in batch.skipped or []]
    return build_report(outcomes=_outcomes(session, batch), skipped=skipped,
                        options=CheckOptions.from_json(batch.options))


def batch_report_csv(session: Session, *, tenant_id: str, batch_id: str) -> str:
    """report.csv of a finished batch: one row per file and category."""
    batch = _finished_batch(session, tenant_id=tenant_id, batch_id=batch_id)
    return report_csv(outcomes=_outcomes(session, batch))


def batch_annotated_zip(session: Session, *, tenant_id: str, batch_id: str) -> Path:
    """annotated.zip of a finished batch (the annotated copy of every checked file under its batch
    name), built once and kept beside the copies until the batch is purged."""
    batch = _finished_batch(session, tenant_id=tenant_id, batch_id=batch_id)
    if batch.storage_dir is None:
        raise BatchNotFound(batch_id)
    target = Path(batch.storage_dir) / "annotated.zip"
    if target.is_file():
        return target
    rows = session.execute(
        select(BatchFile.position, BatchFile.name)
        .where(BatchFile.batch_id == batch.id, BatchFile.state == "done").order_by(BatchFile.position)
    ).all()
    storage = batch.storage_dir

    def files() -> Iterable[tuple[str, bytes]]:
        for position, name in rows:
            path = annotated_path(storage, position)
            if path.is_file():
                yield name, path.read_bytes()

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".annotated-", suffix=".zip", delete=False) as tmp:
        try:
            write_annotated_zip(files=files(), target=tmp)
        except BaseException:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, target)
    return target


# -- ending --------------------------------------------------------------------------------------
def finish_times(settings: Settings) -> tuple[datetime, datetime]:
    """(finished_at, expires_at) for a batch finishing now."""
    now = utcnow()
    return now, now + timedelta(days=settings.batch_retention_days)


def cancel_batch(session: Session, *, principal: Principal, batch_id: str, settings: Settings) -> Batch:
    """Stop a queued or running batch: its unfinished files become `canceled` (results of files
    being checked right now are dropped); finished files keep their outcome and the reports cover
    them. A finished batch is left as it is. Commits; the uploads are deleted."""
    batch = get_batch(session, tenant_id=principal.tenant_id, batch_id=batch_id)
    finished_at, expires_at = finish_times(settings)
    changed = session.execute(
        update(Batch).where(Batch.id == batch.id, Batch.status.in_(UNFINISHED_STATUSES))
        .values(status="canceled", finished_at=finished_at, expires_at=expires_at)
    ).rowcount
    if changed:
        session.execute(
            update(BatchFile)
            .where(BatchFile.batch_id == batch.id, BatchFile.state.in_(UNFINISHED_FILE_STATES))
            .values(state="canceled", finished_at=finished_at, error_code="canceled",
                    error_message=CANCELED_MESSAGE, claimed_by=None)
        )
    session.commit()
    session.refresh(batch)
    if changed:
        remove_tree(uploads_dir(batch.storage_dir) if batch.storage_dir else None)
        record_audit_event(session, principal=principal, action="batch.cancel", document=None)
    return batch


def delete_batch(session: Session, *, principal: Principal, batch_id: str) -> None:
    """Cancel and remove a batch: its rows (files cascade) and everything it stored on disk."""
    batch = get_batch(session, tenant_id=principal.tenant_id, batch_id=batch_id)
    storage = batch.storage_dir
    files = session.scalar(select(func.count()).where(BatchFile.batch_id == batch.id)) or 0
    session.execute(delete(Batch).where(Batch.id == batch.id))
    session.commit()
    remove_tree(storage)
    record_audit_event(session, principal=principal, action="batch.delete", document=None,
                       counts={"files": files})


def purge_expired_batches(session: Session, *, now: datetime | None = None, limit: int = 100) -> int:
    """Delete finished batches whose retention ran out (rows and files on disk); returns how many."""
    now = now or utcnow()
    expired = session.execute(
        select(Batch.id, Batch.storage_dir).where(Batch.expires_at.is_not(None), Batch.expires_at < now)
        .order_by(Batch.expires_at).limit(limit)
    ).all()
    purged = 0
    for batch_id, storage in expired:
        purged += session.execute(
            delete(Batch).where(Batch.id == batch_id, Batch.expires_at < now)
        ).rowcount
        session.commit()
        remove_tree(storage)
    return purged


def clip_message(message: str) -> str:
    return message if len(message) <= ERROR_MESSAGE_LENGTH else message[: ERROR_MESSAGE_LENGTH - 3] + "..."
