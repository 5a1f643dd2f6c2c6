"""Every error the API answers is `{"error": {"code": ..., "message": ...}}` with a stable code.

Handlers: `ApiError` (raised by routes and dependencies), HTTPException (Starlette's own 404/405
and the like), RequestValidationError (422 `invalid_request`), `InputError` from the checking
service and `ConfigError` from the engine (each code with its status), `AuthError` (401), and a
catch-all that answers 500 `internal_error` without a traceback, exception message or document
text, and logs only the exception type and stack frames (exception messages may quote documents).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.auth import AuthError
from backend.checking import InputError
from backend.nlp.config import ConfigError

logger = logging.getLogger("patentpane.api")

INPUT_ERROR_STATUS = {
    "not_a_docx": 415,
    "macro_enabled": 415,
    "unsupported_media_type": 415,
    "encrypted": 422,
    "corrupt": 422,
    "no_claims": 422,
    "empty_text": 422,
    "zip_bomb": 413,
    "too_large": 413,
    "unknown_rule": 422,
    "unknown_jurisdiction": 422,
    "unknown_severity": 422,
    "conflicting_selectors": 422,
    # batch uploads (backend.batch.intake)
    "batch_too_large": 413,
    "too_many_files": 413,
    "too_many_entries": 413,
    "not_a_zip": 422,
    "corrupt_zip": 422,
    "unsafe_path": 422,
    "mixed_upload": 422,
    "empty_batch": 422,
    # claims assistant (backend.assistant)
    "not_convertible": 422,
    "unknown_target": 422,
    "no_language_model": 422,
    # drafting (backend.drafting): the firm's template does not compile or fails to render
    "template_error": 422,
}
"""HTTP status of each stable input/config error code (others: 400)."""

HTTP_STATUS_CODES = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing (`unauthenticated`) or invalid credentials (`invalid_api_key`, `invalid_token`, "
    "`token_expired`, `invalid_audience`, `invalid_issuer`, `insufficient_claims`, `mfa_required`, ...)",
    403: "The caller's role may not do this (`forbidden`), or the token's firm or scope is not allowed",
    404: "No such resource",
    409: "The batch is still running: its reports are not ready (`batch_not_finished`)",
    413: "Upload larger than `max_upload_bytes` (`too_large`) or a zip bomb (`zip_bomb`)",
    415: "Not a .docx (`not_a_docx`), a macro-enabled document (`macro_enabled`) or an unsupported "
    "request content type (`unsupported_media_type`)",
    422: "Invalid request (`invalid_request`), unknown rule or jurisdiction (`unknown_rule`, "
    "`unknown_jurisdiction`), or a document that cannot be checked (`encrypted`, `corrupt`, `no_claims`, "
    "`empty_text`), or a drafting template that does not compile or render (`template_error`)",
    429: "Too many attempts (`too_many_attempts`); `Retry-After` says when to try again",
    500: "Internal error (`internal_error`); the message carries a reference for the server log",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring the error body for each status."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS.get(s, "Error")} for s in (*statuses, 500)}


def _validation_message(errors: list[Any]) -> str:
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "request"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message)


async def _input_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError | ConfigError)
    code = exc.code
    return error_response(INPUT_ERROR_STATUS.get(code, 400), code, getattr(exc, "message", None) or str(exc))


async def _auth_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return error_response(exc.status, exc.code, exc.message, headers=exc.headers or None)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # a body the framework cannot parse (Starlette/FastAPI say 400) is an invalid request like any other
    status = 422 if exc.status_code == 400 else exc.status_code
    code = HTTP_STATUS_CODES.get(status, f"http_{status}")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(status, code, message, headers=getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    # pydantic's error entries carry the offending input: never echo it (it may be document text)
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "invalid_request", _validation_message(list(exc.errors())))


class CatchAllMiddleware:
    """Answers 500 `internal_error` for any exception nothing else handled, and does not re-raise it
    (the server would log its message, which may quote a document)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # noqa: BLE001  (the last line of defence: answer, never re-raise)
            reference = uuid.uuid4().hex[:12]
            logger.error(
                "internal error %s: %s on %s %s\n%s",
                reference,
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            if not started:
                response = error_response(500, "internal_error", f"internal error (reference {reference})")
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(ConfigError, _input_error)
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(CatchAllMiddleware)
