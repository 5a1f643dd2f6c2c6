"""Corpus records (../shared/corpus README) as the engine sees them: shared by tests and bench/."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from backend.nlp.document import DocumentText, Paragraph

REPO = Path(__file__).resolve().parents[1]
FULL_CORPUS = REPO.parent / "shared" / "corpus" / "us-patents.jsonl.gz"
SAMPLE_CORPUS = REPO / "tests" / "data" / "corpus-sample.jsonl.gz"


def read_corpus(path: Path | str | None = None) -> Iterator[dict]:
    """Records of `path` (default: the full corpus when present, else the committed sample)."""
    path = Path(path) if path else (FULL_CORPUS if FULL_CORPUS.exists() else SAMPLE_CORPUS)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def claim_lines(record: dict) -> list[str]:
    """The claims as typed "N. text" paragraphs (canceled ranges as "N-M. text")."""
    lines = []
    for claim in record["claims"]:
        number = f"{claim['num']}-{claim['num_end']}" if claim.get("num_end") else f"{claim['num']}"
        lines.append(f"{number}. {claim['text']}")
    return lines


def record_paragraphs(record: dict) -> list[tuple[str, str]]:
    """(kind, text) pairs in document order; kind is "heading" or "paragraph"."""
    out: list[tuple[str, str]] = [("title", record["title"])]
    number = 0
    for item in record["description"]:
        if item["type"] == "heading":
            out.append(("heading", item["text"]))
        else:
            # numbered "[0001]", "[0002]", ... as a filed application shows them (the records' own
            # "num" is the XML paragraph id, which grants do not print)
            number += 1
            out.append(("paragraph", f"[{number:04d}] {item['text']}"))
    out.append(("heading", "What is claimed is:"))
    for line in claim_lines(record):
        out.extend(("claim", part) for part in line.split("\n"))  # elements as separate paragraphs
    if record.get("abstract"):
        out.append(("heading", "ABSTRACT"))
        out.append(("paragraph", record["abstract"]))
    return out


def record_document(record: dict) -> DocumentText:
    """A DocumentText as the docx reader would produce for a plainly typed application: headings
    in a heading style, "[0001]" numbers typed, each claim element in its own paragraph."""
    return document_from_paragraphs(record_paragraphs(record))


def document_from_paragraphs(pairs: list[tuple[str, str]]) -> DocumentText:
    """A DocumentText of (kind, text) pairs as `record_paragraphs` gives them."""
    paragraphs = []
    for kind, text in pairs:
        text = " ".join(text.split()) if kind != "claim" else text.strip()
        if not text:
            continue
        paragraphs.append(
            Paragraph(
                index=len(paragraphs),
                text=text,
                style={"title": "Title", "heading": "Heading 1"}.get(kind, "Normal"),
                heading_level=1 if kind == "heading" else None,
            )
        )
    return DocumentText(paragraphs)
