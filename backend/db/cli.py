"""`patentpane db upgrade|current` (added to the command line by `backend.cli.build_parser`; API
keys and users: `backend.auth.cli`)."""

from __future__ import annotations

import argparse
from typing import Any


def _database_url(args: argparse.Namespace) -> str:
    from backend.settings import get_settings

    return args.database_url or get_settings().database_url


def _safe_url(url: str) -> str:
    from backend.db.engine import normalise_url

    return normalise_url(url).render_as_string(hide_password=True)


def _cmd_db(args: argparse.Namespace) -> int:
    from backend.db.migrate import current_revision, head_revision, upgrade

    url = _database_url(args)
    if args.db_command == "upgrade":
        upgrade(url=url, revision=args.revision)
        print(f"database {_safe_url(url)} is at revision {current_revision(url=url)}")
        return 0
    current, head = current_revision(url=url), head_revision()
    state = "up to date" if current == head else f"behind (newest: {head}); run `patentpane db upgrade`"
    print(f"{current or 'empty (no revision)'}: {state}")
    return 0 if current == head else 1


def add_db_parsers(sub: Any) -> None:
    url_help = "database URL (default: the DATABASE_URL setting)"

    p = sub.add_parser("db", help="database schema: upgrade (apply migrations) or show the current revision")
    db_sub = p.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply every migration (make run does this before serving)")
    up.add_argument("--revision", default="head")
    up.add_argument("--database-url", help=url_help)
    cur = db_sub.add_parser("current", help="the schema revision (exit 1 when not the newest)")
    cur.add_argument("--database-url", help=url_help)
    p.set_defaults(func=_cmd_db)
