"""OneDrive/SharePoint documents through Microsoft Graph, on behalf of the signed-in Entra user:
POST /graph/documents says which documents a selection names (names, sizes, SHA-256; never their
text); POST /graph/batches queues them as a batch, like an upload to POST /batches."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from backend.api.batch_schemas import BatchCreated
from backend.api.deps import AppIdentity, AppSettings, AttorneyUser, DbSession, UserAssertion
from backend.api.errors import ApiError, error_responses
from backend.api.routes.batches import queue_batch
from backend.auth.tokens import ca_verify
from backend.batches import BatchUpload
from backend.graph import DriveItemRef, GraphDocument, GraphError, fetch_graph_documents

router = APIRouter(prefix="/graph", tags=["graph"])


class DriveItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_id: str = Field(min_length=1, max_length=400)
    drive_id: str | None = Field(default=None, max_length=400, description="None: the user's OneDrive")


class GraphSelection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[DriveItem] = Field(default_factory=list, max_length=1000)
    folder: DriveItem | None = Field(default=None, description="Take the .docx files directly in this folder")


class GraphDocumentInfo(BaseModel):
    name: str
    item_id: str
    drive_id: str | None
    size: int
    sha256: str


class GraphBatchRequest(GraphSelection):
    jurisdiction: str | None = Field(default=None, max_length=8, description="`us` or `ep`; default: the tenant's")
    select: list[str] = Field(default_factory=list, max_length=200, description="Rules to run")
    ignore: list[str] = Field(default_factory=list, max_length=200, description="Rules to skip")


async def _download(
    body: GraphSelection, *, principal: Any, assertion: str, identity: Any, settings: Any
) -> list[GraphDocument]:
    if not body.items and body.folder is None:
        raise ApiError(422, "invalid_request", "name drive items or a folder")
    try:
        return await run_in_threadpool(
            fetch_graph_documents,
            broker=identity.obo,
            principal=principal,
            assertion=assertion,
            graph_url=settings.graph_url,
            items=[DriveItemRef(item_id=i.item_id, drive_id=i.drive_id) for i in body.items],
            folder=DriveItemRef(item_id=body.folder.item_id, drive_id=body.folder.drive_id) if body.folder else None,
            max_bytes=settings.max_upload_bytes,
            verify=ca_verify(settings.entra_ca_bundle),
        )
    except GraphError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None


@router.post(
    "/batches",
    status_code=202,
    response_model=BatchCreated,
    summary="Queue a batch of OneDrive/SharePoint documents (drive items or a folder's .docx files)",
    responses=error_responses(400, 401, 403, 404, 413, 422),
)
async def graph_batch(
    body: GraphBatchRequest,
    request: Request,
    response: Response,
    principal: AttorneyUser,
    assertion: UserAssertion,
    identity: AppIdentity,
    session: DbSession,
    settings: AppSettings,
) -> Any:
    """Downloads the selection as the caller (on-behalf-of) and queues it exactly as an upload to
    `POST /batches` (same limits, options and reports; poll `GET /batches/{id}`)."""
    documents = await _download(body, principal=principal, assertion=assertion, identity=identity, settings=settings)
    upload = BatchUpload(
        files=[(d.name, d.data) for d in documents],
        jurisdiction=body.jurisdiction,
        select=tuple(body.select),
        ignore=tuple(body.ignore),
    )
    return await queue_batch(request, response, principal=principal, session=session, upload=upload, settings=settings)


@router.post("/documents", response_model=list[GraphDocumentInfo], responses=error_responses(400, 401, 403, 404, 413))
async def graph_documents(
    body: GraphSelection,
    principal: AttorneyUser,
    assertion: UserAssertion,
    identity: AppIdentity,
    settings: AppSettings,
) -> Any:
    """Download the selected drive items as the caller (on-behalf-of). A claims challenge from
    Entra ID or Graph answers 401 `insufficient_claims` with the claims in `WWW-Authenticate`."""
    documents = await _download(body, principal=principal, assertion=assertion, identity=identity, settings=settings)
    return [
        {
            "name": d.name,
            "item_id": d.item.item_id,
            "drive_id": d.item.drive_id,
            "size": len(d.data),
            "sha256": hashlib.sha256(d.data).hexdigest(),
        }
        for d in documents
    ]
