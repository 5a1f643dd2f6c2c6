"""Pydantic models of the batch API's JSON (OpenAPI): status, progress, listing and report.json."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from backend.api.schemas import DocumentSummary, Finding

BatchStatusName = Literal["queued", "running", "done", "failed", "canceled"]
FileStateName = Literal["queued", "running", "done", "failed", "canceled"]


class SeverityCounts(BaseModel):
    error: int
    warning: int
    info: int


class ErrorInfo(BaseModel):
    code: str
    message: str


class BatchOptions(BaseModel):
    jurisdiction: str
    select: list[str]
    ignore: list[str]
    severity: dict[str, str] | None = Field(default=None, description="The firm's severity overrides, if any")


class BatchCreated(BaseModel):
    id: str
    status: BatchStatusName
    files: int = Field(description="Documents queued")
    skipped: int = Field(description="Upload entries that are not documents (listed in the status)")


class Progress(BaseModel):
    total: int
    finished: int = Field(description="Files with an outcome: done + failed")
    queued: int
    running: int
    done: int
    failed: int
    canceled: int


class BatchSummary(BaseModel):
    id: str
    status: BatchStatusName
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="When the batch and its reports are purged")
    options: BatchOptions
    error: ErrorInfo | None = Field(description="Why a `failed` batch could not go on")
    progress: Progress
    findings: SeverityCounts = Field(description="Findings of the files done so far")


class BatchFileState(BaseModel):
    index: int
    name: str
    sha256: str
    size: int
    state: FileStateName
    error: ErrorInfo | None
    counts: SeverityCounts


class Skipped(BaseModel):
    name: str
    reason: str


class BatchStatus(BatchSummary):
    files: list[BatchFileState]
    skipped: list[Skipped]


class BatchList(BaseModel):
    batches: list[BatchSummary]


class ReportSummary(BaseModel):
    files: int
    done: int
    failed: int = Field(description="Files without a result: failed, or canceled before they ran")
    clean: int
    with_findings: int
    findings: SeverityCounts


class ReportFile(BatchFileState):
    categories: dict[str, SeverityCounts]
    document: DocumentSummary | None
    findings: list[Finding]


class BatchReport(BaseModel):
    summary: ReportSummary
    options: BatchOptions
    files: list[ReportFile]
    skipped: list[Skipped]
