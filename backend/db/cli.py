"""`patentpane db upgrade|current` and `patentpane apikey create|list|revoke` (added to the
command line by `backend.cli.build_parser`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from backend.db.models import ROLES


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


def _session(args: argparse.Namespace) -> Any:
    from backend.db.engine import Database

    return Database.from_url(_database_url(args)).session()


def _cmd_apikey(args: argparse.Namespace) -> int:
    from backend.auth.apikeys import create_api_key, list_api_keys, revoke_api_key

    with _session(args) as session:
        if args.apikey_command == "create":
            created = create_api_key(
                session,
                tenant_name=args.tenant,
                email=args.email,
                name=args.name,
                role=args.role,
                display_name=args.display_name,
            )
            key = created.key
            print(
                f"created API key {key.prefix} for {key.user.email} ({key.user.role}) of {key.tenant.name}",
                file=sys.stderr,
            )
            print("the key is shown once; store it now:", file=sys.stderr)
            print(created.secret)
            return 0
        if args.apikey_command == "list":
            for key in list_api_keys(session, tenant_name=args.tenant):
                state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
                used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                print(
                    f"{key.prefix}  {key.tenant.name}  {key.user.email}  {key.user.role}  "
                    f"{key.name or '-'}  created {key.created_at:%Y-%m-%d %H:%M}  last used {used}  {state}"
                )
            return 0
        key = revoke_api_key(session, prefix=args.prefix)
        if key is None:
            print(f"patentpane: error [not_found]: no API key with prefix {args.prefix!r}", file=sys.stderr)
            return 2
        print(f"revoked API key {key.prefix} of {key.user.email} ({key.tenant.name})")
        return 0


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

    p = sub.add_parser("apikey", help="API keys: create (prints the key once), list, revoke")
    key_sub = p.add_subparsers(dest="apikey_command", required=True)
    create = key_sub.add_parser("create", help="create a key (and the tenant and user when missing)")
    create.add_argument("--tenant", required=True, help="the firm's name")
    create.add_argument("--email", required=True)
    create.add_argument("--name", default="", help="what the key is for")
    create.add_argument("--role", choices=ROLES, help="set the user's role (new users: member)")
    create.add_argument("--display-name")
    create.add_argument("--database-url", help=url_help)
    listing = key_sub.add_parser("list", help="every key (never the secrets)")
    listing.add_argument("--tenant")
    listing.add_argument("--database-url", help=url_help)
    revoke = key_sub.add_parser("revoke", help="revoke a key by its prefix (or the whole key)")
    revoke.add_argument("prefix")
    revoke.add_argument("--database-url", help=url_help)
    p.set_defaults(func=_cmd_apikey)
