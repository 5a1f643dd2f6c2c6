"""Reading a document request: a multipart .docx upload (field `file`, options as form fields) or
a JSON body (`{"text": ...}` plus options), never more than `max_upload_bytes`.

The body is counted as it arrives (whatever Content-Length says, and for chunked uploads too), so an
oversized upload is refused with 413 `too_large` without being stored first.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message

from backend.api.errors import ApiError
from backend.documents import DocumentInput

FORM_OVERHEAD_BYTES = 64 * 1024
"""Room for multipart boundaries, headers and option fields on top of the document itself."""
READ_CHUNK_BYTES = 1024 * 1024
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TextRequest(BaseModel):
    """Claims or application text (one paragraph per line)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="Plain text, one paragraph per line")


class CheckTextRequest(TextRequest):
    """Text to check, with the request's options (they narrow the tenant's rule settings)."""

    jurisdiction: str | None = Field(default=None, description="`us` or `ep`; default: the tenant's")
    select: list[str] = Field(
        default_factory=list, description="Codes, prefixes, categories or rule names to run"
    )
    ignore: list[str] = Field(
        default_factory=list, description="Codes, prefixes, categories or rule names to skip"
    )


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the upload is larger than {limit} bytes")


class _LimitedBody:
    """An ASGI `receive` that refuses to deliver more than `limit` body bytes."""

    def __init__(self, request: Request, limit: int) -> None:
        self.receive = request.receive
        self.limit = limit
        self.received = 0

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise _too_large(self.limit)
        return message


def _limited(request: Request, limit: int) -> Request:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    return Request(request.scope, receive=_LimitedBody(request, limit))


@asynccontextmanager
async def parsed_form(request: Request, *, max_files: int, max_fields: int) -> AsyncIterator[FormData]:
    """The multipart form of `request`; a malformed one (or one with too many parts) is 422
    `invalid_request` (Starlette would answer 400)."""
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields)
    except HTTPException as exc:
        raise ApiError(422, "invalid_request", f"malformed multipart body: {exc.detail}") from None
    try:
        yield form
    finally:
        await form.close()


def _options(form: Any, name: str) -> tuple[str, ...]:
    return tuple(v for v in form.getlist(name) if isinstance(v, str) and v.strip())


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_document_request(
    request: Request, *, max_bytes: int, allow_text: bool = True, options: bool = True
) -> DocumentInput:
    """The document (and options) of a request; ApiError 413/415/422 when it has none acceptable."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        limited = _limited(request, max_bytes + FORM_OVERHEAD_BYTES)
        async with parsed_form(limited, max_files=1, max_fields=20) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(422, "invalid_request", "multipart field 'file' (a .docx) is required")
            data = await _read_upload(upload, max_bytes)
            jurisdiction = form.get("jurisdiction")
            return DocumentInput(
                docx=data,
                filename=upload.filename,
                jurisdiction=jurisdiction if isinstance(jurisdiction, str) and jurisdiction.strip() else None,
                select=_options(form, "select") if options else (),
                ignore=_options(form, "ignore") if options else (),
            )
    if content_type == "application/json" and allow_text:
        body = bytearray()
        async for chunk in _limited(request, max_bytes).stream():
            body.extend(chunk)
        model = CheckTextRequest if options else TextRequest
        try:
            parsed = json.loads(body)
        except ValueError:  # not JSON, or not UTF-8
            raise ApiError(422, "invalid_request", "the body is not valid JSON") from None
        try:
            payload = model.model_validate(parsed)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_input=False)) from None
        if isinstance(payload, CheckTextRequest):
            return DocumentInput(
                text=payload.text,
                jurisdiction=payload.jurisdiction,
                select=tuple(payload.select),
                ignore=tuple(payload.ignore),
            )
        return DocumentInput(text=payload.text)
    accepted = "multipart/form-data (field 'file')" + (" or application/json" if allow_text else "")
    raise ApiError(415, "unsupported_media_type", f"send {accepted}")


def request_body_openapi(*, allow_text: bool = True, options: bool = True) -> dict[str, Any]:
    """The OpenAPI requestBody of `read_document_request` (the route reads the body itself)."""
    properties: dict[str, Any] = {"file": {"type": "string", "format": "binary", "description": "The .docx"}}
    if options:
        properties |= {
            "jurisdiction": {"type": "string", "description": "`us` or `ep`; default: the tenant's"},
            "select": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Rules to run (repeatable)",
            },
            "ignore": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Rules to skip (repeatable)",
            },
        }
    content: dict[str, Any] = {
        "multipart/form-data": {"schema": {"type": "object", "properties": properties, "required": ["file"]}}
    }
    if allow_text:
        model = CheckTextRequest if options else TextRequest
        content["application/json"] = {"schema": model.model_json_schema()}
    return {"requestBody": {"required": True, "content": content}}
