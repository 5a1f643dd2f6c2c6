"""`patentpane` command line: check, rules, serve, batch, draft, manifest, db, users, keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
MAX_INPUT_BYTES = 200 * 1024 * 1024


def _fail(message: str, code: str = "bad_input") -> int:
    print(f"patentpane: error [{code}]: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _cmd_check(args: argparse.Namespace) -> int:
    from backend.checking import InputError, check_docx, check_text
    from backend.nlp.config import CheckConfig, ConfigError
    from backend.nlp.rules import registered_rules

    try:
        config = CheckConfig.build(jurisdiction=args.jurisdiction, select=args.select, ignore=args.ignore)
        config.validate(registered_rules())
    except ConfigError as exc:
        return _fail(str(exc), exc.code)

    paths = input_and_output(args)
    if isinstance(paths, int):
        return paths
    src, out = paths

    data = src.read_bytes()
    try:
        if src.suffix.lower() in (".txt", ".text"):
            if out is not None:
                return _fail("-o needs a .docx input", "output_needs_docx")
            result = check_text(data.decode("utf-8", errors="replace"), config=config)
            annotated = None
        else:
            checked = check_docx(data, config=config, annotate=out is not None)
            result, annotated = checked.result, checked.annotated
    except InputError as exc:
        return _fail(f"{src}: {exc.message}", exc.code)

    if out is not None and annotated is not None:
        tmp = out.with_name(out.name + ".partial")
        tmp.write_bytes(annotated)
        tmp.replace(out)

    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for f in result.findings:
            where = f"claim {f.claim}" if f.claim is not None else f"paragraph {f.location.paragraph + 1}"
            print(f"{src.name}:{where}:{f.location.start + 1}: {f.code} [{f.severity}] {f.message}")
            if f.suggestion:
                print(f"    suggestion: {f.suggestion}")
        counts = result.counts()
        active = result.claims.active
        print(
            f"{len(active)} claims ({sum(1 for c in active if c.independent)} independent); "
            f"{len(result.findings)} findings: {counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} info"
            + (f"; annotated copy written to {out}" if out is not None else "")
        )
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def input_and_output(args: argparse.Namespace) -> tuple[Path, Path | None] | int:
    """`args.input` (an existing file, not too large) and `args.output` (never the input), or the
    exit code of the refusal (printed)."""
    src = Path(args.input)
    if not src.is_file():
        return _fail(f"{src}: no such file", "not_found")
    if src.stat().st_size > MAX_INPUT_BYTES:
        return _fail(f"{src}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB", "too_large")
    out = Path(args.output) if args.output else None
    if out is not None and out.resolve() == src.resolve():
        return _fail("the output must be a new file: the input document is never modified", "output_is_input")
    return src, out


def _cmd_rules(args: argparse.Namespace) -> int:
    from backend.nlp.rules import registered_rules

    rules = registered_rules()
    if args.code:
        r = rules.get(args.code.upper())
        if r is None:
            return _fail(f"unknown rule code {args.code!r}; run 'patentpane rules' for the list", "unknown_rule")
        print(f"{r.code} {r.name} ({r.category}, {r.severity}; {', '.join(sorted(r.jurisdictions))})")
        print(r.summary)
        print()
        print(r.doc)
        print()
        print(f"Authority: {r.authority.citation} <{r.authority.url}>")
        if r.fix_title:
            print(f"Fix: {r.fix_title}")
        return EXIT_CLEAN
    if args.format == "markdown":
        print("| code | name | category | severity | jurisdictions | summary | authority |")
        print("|---|---|---|---|---|---|---|")
        for r in rules.values():
            print(f"| {r.code} | {r.name} | {r.category} | {r.severity} | {', '.join(sorted(r.jurisdictions))} "
                  f"| {r.summary.replace('|', '/')} | [{r.authority.citation}]({r.authority.url}) |")
        return EXIT_CLEAN
    width = max(len(r.name) for r in rules.values())
    for r in rules.values():
        print(f"{r.code}  {r.category:<20} {r.severity:<8} {r.name:<{width}}  {r.summary}")
    return EXIT_CLEAN


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from backend.auth.cli import first_start
    from backend.security.tls import ensure_localhost_certificate, trust_instructions
    from backend.settings import get_settings

    settings = get_settings()
    first_start(settings)
    ssl = {}
    if not args.no_tls and settings.tls_cert and settings.tls_key:
        ssl = {"ssl_certfile": str(settings.tls_cert), "ssl_keyfile": str(settings.tls_key)}
    elif not args.no_tls and args.self_signed:
        local = ensure_localhost_certificate(settings.data_dir)
        if local.created:
            print(trust_instructions(local.ca), file=sys.stderr)
        ssl = {"ssl_certfile": str(local.cert), "ssl_keyfile": str(local.key)}
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        **ssl,
    )
    return EXIT_CLEAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="patentpane", description="Draft and check patent applications.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="check a patent application (.docx, or .txt claims/application text)")
    p.add_argument("input", metavar="IN.docx")
    p.add_argument("-o", "--output", metavar="OUT.docx", help="write a copy carrying one Word comment per finding")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--jurisdiction", default="us", help="rule profile: us (default) or ep")
    p.add_argument("--select", action="append", default=[], help="codes, prefixes or categories to run (comma-separated)")
    p.add_argument("--ignore", action="append", default=[], help="codes, prefixes or categories to skip (comma-separated)")
    p.set_defaults(func=_cmd_check)

    from backend.batch.cli import add_batch_parser

    add_batch_parser(sub)

    from backend.draft_cli import add_draft_parser

    add_draft_parser(sub)

    from backend.assist_cli import add_assist_parsers

    add_assist_parsers(sub)

    from backend.addin_cli import add_manifest_parser

    add_manifest_parser(sub)

    p = sub.add_parser("rules", help="list the rules, or document one")
    p.add_argument("code", nargs="?")
    p.add_argument("--format", choices=("text", "markdown"), default="text")
    p.set_defaults(func=_cmd_rules)

    p = sub.add_parser("serve", help="start the API server")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--no-tls", action="store_true", help="plain HTTP even when a certificate is configured")
    p.add_argument(
        "--self-signed",
        action="store_true",
        help="HTTPS with a certificate for localhost made in the data dir (when none is configured)",
    )
    p.set_defaults(func=_cmd_serve)

    from backend.db.cli import add_db_parsers

    add_db_parsers(sub)

    from backend.auth.cli import add_identity_parsers

    add_identity_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
