"""The checking service: one place that turns input (a .docx or text) into a checked result.

The CLI and the API both call these keyword-only functions; they own no OOXML and no NLP of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.engine import CheckResult, check
from backend.settings import Settings, get_settings
from backend.wordlists import load_wordlists


class InputError(Exception):
    """Input the user must fix; `code` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class DocxCheck:
    result: CheckResult
    annotated: bytes | None = None
    """The annotated copy (findings as Word comments) when asked for."""


def _run(document: DocumentText, *, config: CheckConfig, settings: Settings) -> CheckResult:
    from backend.nlp.parsing import shared_parser

    result = check(
        document,
        config=config,
        wordlists=load_wordlists(settings.wordlist_dir),
        parser=shared_parser(settings.spacy_model),
    )
    if not result.claims.claims:
        raise no_claims_error()
    return result


def no_claims_error() -> InputError:
    return InputError("no_claims", "no claims found: expected a claims section (e.g. 'What is claimed is:' "
                      "followed by numbered claims '1. A ...')")


def read_docx_text(data: bytes) -> DocumentText:
    """The text of a .docx as the engine reads it; bad packages raise InputError (DocxError's code)."""
    from backend.docx.package import DocxError
    from backend.docx.reader import read_docx

    try:
        return read_docx(data).text
    except DocxError as exc:
        raise InputError(exc.code, exc.message) from None


def read_plain_text(text: str) -> DocumentText:
    """Plain text (one paragraph per line) as a document; empty text raises InputError."""
    if not text.strip():
        raise InputError("empty_text", "the text is empty")
    return DocumentText.from_text(text)


def check_docx(
    data: bytes, *, config: CheckConfig, annotate: bool = False, settings: Settings | None = None
) -> DocxCheck:
    from backend.docx.comments import annotate as annotate_docx

    settings = settings or get_settings()
    result = _run(read_docx_text(data), config=config, settings=settings)
    annotated = annotate_docx(data, result.findings) if annotate else None
    return DocxCheck(result=result, annotated=annotated)


def check_text(text: str, *, config: CheckConfig, settings: Settings | None = None) -> CheckResult:
    return _run(read_plain_text(text), config=config, settings=settings or get_settings())
