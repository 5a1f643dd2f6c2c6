"""`patentpane draft IN(.docx|.txt) [-o OUT.docx] [--format text|json] [--rewrite]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0


def _cmd_draft(args: argparse.Namespace) -> int:
    from backend.checking import InputError
    from backend.cli import _fail, input_and_output
    from backend.drafting import draft_docx, draft_text, draft_to_new_docx, insert_draft
    from backend.settings import get_settings

    paths = input_and_output(args)
    if isinstance(paths, int):
        return paths
    src, out = paths
    settings = get_settings()
    rewrite = True if args.rewrite else None
    data = src.read_bytes()
    try:
        if src.suffix.lower() in (".txt", ".text"):
            text = data.decode("utf-8", errors="replace")
            if out is not None:
                result = draft_to_new_docx(text, settings=settings, rewrite=rewrite)
            else:
                result = draft_text(text, settings=settings, rewrite=rewrite)
        else:
            result = draft_docx(data, settings=settings, rewrite=rewrite)
            if out is not None:
                result.docx = insert_draft(data, result.draft)
    except InputError as exc:
        return _fail(f"{src}: {exc.message}", exc.code)

    if out is not None and result.docx is not None:
        tmp = out.with_name(out.name + ".partial")
        tmp.write_bytes(result.docx)
        tmp.replace(out)
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.draft.to_text())
    _summary(result, out)
    return EXIT_OK


def _summary(result: Any, out: Path | None) -> None:
    paragraphs = sum(len(s.paragraphs) for s in result.draft.sections)
    line = (
        f"{len(result.claims.active)} claims; {len(result.draft.figures)} figures, {len(result.draft.numerals)} "
        f"reference numerals, {paragraphs} paragraphs in {result.seconds:.2f} s"
    )
    if result.rewrite is not None:
        line += f"; language model: {result.rewrite.accepted}/{result.rewrite.paragraphs} paragraphs rephrased"
    if out is not None:
        line += f"; tracked changes written to {out}"
    print(line, file=sys.stderr)


def add_draft_parser(sub: Any) -> None:
    p = sub.add_parser(
        "draft", help="draft the description, summary, figure list and abstract from the claims (.docx or .txt)"
    )
    p.add_argument("input", metavar="IN.docx|IN.txt")
    p.add_argument("-o", "--output", metavar="OUT.docx", help="write the document with the draft as tracked changes")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--rewrite", action="store_true", help="let the local language model rephrase (checked) paragraphs")
    p.set_defaults(func=_cmd_draft)
