"""Batches: POST /batches (202, checked in the background), status, listing, reports, cancel, delete.

Every route is scoped to the caller's tenant: another firm's batch id answers 404 `not_found`, as a
batch that does not exist. Any user of the firm reads its batches; creating, canceling and deleting
need the attorney or admin role (403 `forbidden` for viewers). Reports of a batch that is still queued or running answer 409
`batch_not_finished` (poll `GET /batches/{id}` until its status is done, failed or canceled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile

from backend.api.batch_schemas import BatchCreated, BatchList, BatchReport, BatchStatus
from backend.api.deps import AppSettings, AttorneyUser, CurrentUser, DbSession
from backend.api.errors import ApiError, error_responses
from backend.api.routes.check import attachment
from backend.api.uploads import FORM_OVERHEAD_BYTES, _limited, _read_upload, parsed_form
from backend.batches import (
    BatchNotFinished,
    BatchNotFound,
    BatchUpload,
    batch_annotated_zip,
    batch_report,
    batch_report_csv,
    batch_status,
    cancel_batch,
    create_batch,
    delete_batch,
    list_batches,
)
from backend.settings import Settings

router = APIRouter(prefix="/batches", tags=["batches"])
T = TypeVar("T")
PART_OVERHEAD_BYTES = 512
"""Room per multipart part (boundary and headers) on top of the documents themselves."""


def _found(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call a batch service function; its lookups become the API's errors."""
    try:
        return fn(*args, **kwargs)
    except BatchNotFound:
        raise ApiError(404, "not_found", "no such batch") from None
    except BatchNotFinished:
        raise ApiError(409, "batch_not_finished", "the batch is still running: its reports are not ready") from None


def _form_strings(form: Any, name: str) -> tuple[str, ...]:
    return tuple(v for v in form.getlist(name) if isinstance(v, str) and v.strip())


async def read_batch_request(request: Request, *, settings: Settings) -> BatchUpload:
    """The files (multipart field `files`, repeated, or one .zip) and options of a batch request."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "send multipart/form-data (field 'files')")
    limit = settings.batch_max_bytes + FORM_OVERHEAD_BYTES + PART_OVERHEAD_BYTES * settings.batch_max_files
    async with parsed_form(_limited(request, limit), max_files=settings.batch_max_entries, max_fields=50) as form:
        uploads = [v for v in form.getlist("files") if isinstance(v, UploadFile)]
        if not uploads:
            raise ApiError(422, "invalid_request", "multipart field 'files' (.docx files or one .zip) is required")
        files = []
        for upload in uploads:
            name = upload.filename or ""
            per_file = settings.batch_max_bytes if name.lower().endswith(".zip") else settings.max_upload_bytes
            files.append((name, await _read_upload(upload, per_file)))
        jurisdiction = form.get("jurisdiction")
        return BatchUpload(
            files=files,
            jurisdiction=jurisdiction if isinstance(jurisdiction, str) and jurisdiction.strip() else None,
            select=_form_strings(form, "select"),
            ignore=_form_strings(form, "ignore"),
        )


def _request_body_openapi() -> dict[str, Any]:
    strings = {"type": "array", "items": {"type": "string"}}
    properties = {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": ".docx files (repeat the field), or exactly one .zip of them"},
        "jurisdiction": {"type": "string", "description": "`us` or `ep`; default: the tenant's"},
        "select": {**strings, "description": "Rules to run (repeatable)"},
        "ignore": {**strings, "description": "Rules to skip (repeatable)"},
    }
    schema = {"type": "object", "properties": properties, "required": ["files"]}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


@router.post(
    "",
    status_code=202,
    response_model=BatchCreated,
    summary="Queue a batch of .docx files (or one .zip of them) for checking",
    responses=error_responses(401, 403, 413, 415, 422),
    openapi_extra=_request_body_openapi(),
)
async def create(
    request: Request, response: Response, principal: AttorneyUser, session: DbSession, settings: AppSettings
) -> Any:
    """Stores the documents and answers at once; the checks run in the background in worker
    processes. Poll `GET /batches/{id}`. The tenant's rule settings apply, narrowed by the options.
    Refused uploads: `too_many_files`, `too_many_entries`, `batch_too_large`, `zip_bomb`, `not_a_zip`,
    `corrupt_zip`, `encrypted`, `unsafe_path`, `mixed_upload`, `empty_batch`."""
    upload = await read_batch_request(request, settings=settings)
    return await queue_batch(request, response, principal=principal, session=session, upload=upload, settings=settings)


async def queue_batch(
    request: Request, response: Response, *, principal: Any, session: Any, upload: BatchUpload, settings: Settings
) -> dict[str, Any]:
    """Store the batch, wake the dispatcher, and answer 202's body with its `Location` (uploads
    and OneDrive/SharePoint selections alike)."""
    batch = await run_in_threadpool(create_batch, session, principal=principal, upload=upload, settings=settings)
    dispatcher = getattr(request.app.state, "batch_dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()
    response.headers["Location"] = f"/api/v1/batches/{batch.id}"
    return {"id": batch.id, "status": batch.status, "files": len(batch.files), "skipped": len(batch.skipped or [])}


@router.get("", response_model=BatchList, responses=error_responses(401, 422))
def list_all(
    principal: CurrentUser, session: DbSession, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> Any:
    """The tenant's batches, newest first, with their progress."""
    return {"batches": list_batches(session, tenant_id=principal.tenant_id, limit=limit)}


@router.get("/{batch_id}", response_model=BatchStatus, responses=error_responses(401, 404))
def status(batch_id: str, principal: CurrentUser, session: DbSession) -> Any:
    """Status (`queued`, `running`, `done`, `failed`, `canceled`), progress, findings by severity,
    and every file's state and counts."""
    return _found(batch_status, session, tenant_id=principal.tenant_id, batch_id=batch_id)


@router.get("/{batch_id}/report.json", response_model=BatchReport, responses=error_responses(401, 404, 409))
def report_json(batch_id: str, principal: CurrentUser, session: DbSession) -> Any:
    """The report of a finished batch, as `patentpane batch` writes report.json."""
    return _found(batch_report, session, tenant_id=principal.tenant_id, batch_id=batch_id)


@router.get(
    "/{batch_id}/report.csv",
    response_class=Response,
    responses={200: {"description": "One row per file and category with findings",
                     "content": {"text/csv": {"schema": {"type": "string"}}}},
               **error_responses(401, 404, 409)},
)
def report_csv(batch_id: str, principal: CurrentUser, session: DbSession) -> Response:
    """Columns file, sha256, state, error, category, errors, warnings, info."""
    text = _found(batch_report_csv, session, tenant_id=principal.tenant_id, batch_id=batch_id)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": attachment(f"batch-{batch_id}.csv")})


@router.get(
    "/{batch_id}/annotated.zip",
    response_class=FileResponse,
    responses={200: {"description": "The annotated copy of every checked file under its batch name",
                     "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
               **error_responses(401, 404, 409)},
)
def annotated_zip(batch_id: str, principal: CurrentUser, session: DbSession) -> FileResponse:
    path = _found(batch_annotated_zip, session, tenant_id=principal.tenant_id, batch_id=batch_id)
    return FileResponse(path, media_type="application/zip", filename=f"batch-{batch_id}-annotated.zip")


@router.post("/{batch_id}/cancel", response_model=BatchStatus, responses=error_responses(401, 403, 404))
def cancel(batch_id: str, principal: AttorneyUser, session: DbSession, settings: AppSettings) -> Any:
    """Stop a queued or running batch; what was checked stays in its reports (a finished batch is
    left as it is)."""
    _found(cancel_batch, session, principal=principal, batch_id=batch_id, settings=settings)
    return batch_status(session, tenant_id=principal.tenant_id, batch_id=batch_id)


@router.delete(
    "/{batch_id}", status_code=204, response_class=Response, responses=error_responses(401, 403, 404)
)
def remove(batch_id: str, principal: AttorneyUser, session: DbSession) -> Response:
    """Cancel the batch and remove it: its files, reports and annotated copies."""
    _found(delete_batch, session, principal=principal, batch_id=batch_id)
    return Response(status_code=204)
