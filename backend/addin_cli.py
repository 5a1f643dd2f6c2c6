"""`patentpane manifest`: the Word add-in's XML manifest for a firm's server (README "Add-in")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _cmd_manifest(args: argparse.Namespace) -> int:
    from backend.addin import DEFAULT_APP_ID, ManifestError, render_manifest
    from backend.settings import get_settings

    settings = get_settings()
    try:
        xml = render_manifest(
            base_url=args.base_url or settings.addin_base_url or "https://localhost:3000",
            app_id=args.app_id or settings.addin_app_id or DEFAULT_APP_ID,
            client_id=args.client_id or None,
            resource=args.resource or None,
        )
    except ManifestError as exc:
        print(f"patentpane: error [{exc.code}]: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.output in (None, "-"):
        sys.stdout.write(xml)
        return EXIT_OK
    out = Path(args.output)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_text(xml, encoding="utf-8")
    tmp.replace(out)
    print(f"manifest written to {out}; upload it under Integrated apps (docs/deployment.md)", file=sys.stderr)
    return EXIT_OK


def add_manifest_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "manifest",
        help="write the Word add-in's manifest for this server",
        description="Write the add-in's XML manifest (upload it in the Microsoft 365 admin center, Integrated apps).",
    )
    p.add_argument("--base-url", help="where Word reaches the server, https://... (default: PATENTPANE_ADDIN_BASE_URL "
                   "or https://localhost:3000)")
    p.add_argument("--app-id", help="the add-in's id, a GUID the firm keeps for good (default: PATENTPANE_ADDIN_APP_ID "
                   "or the development id)")
    p.add_argument("--client-id", help="the add-in's Microsoft Entra app registration: adds WebApplicationInfo")
    p.add_argument("--resource", help="its Application ID URI (default api://<host>/<client id>)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=_cmd_manifest)
