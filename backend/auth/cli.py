"""`patentpane users add|list|disable|enable|reset-mfa|reset-password|enrol-totp` and `patentpane keys
create|list|revoke` (alias `apikey`), added to the command line by `backend.cli.build_parser`; and
`first_start()`, which `patentpane serve` runs: the first administrator of an empty database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from backend.db.models import ROLES

EXIT_OK, EXIT_ERROR = 0, 2


def _fail(message: str, code: str) -> int:
    print(f"patentpane: error [{code}]: {message}", file=sys.stderr)
    return EXIT_ERROR


def _settings() -> Any:
    from backend.settings import get_settings

    return get_settings()


def _session(args: argparse.Namespace) -> Any:
    from backend.db.engine import Database

    return Database.from_url(args.database_url or _settings().database_url).session()


def _find_user(session: Any, *, email: str, tenant: str | None) -> Any:
    from sqlalchemy import select

    from backend.db.models import Tenant, User

    query = select(User).join(User.tenant).where(User.email == email.strip().lower())
    if tenant:
        query = query.where(Tenant.name == tenant)
    users = session.scalars(query.limit(2)).all()
    return users[0] if len(users) == 1 else None


def _only_tenant(session: Any) -> str | None:
    from sqlalchemy import select

    from backend.db.models import Tenant

    names = session.scalars(select(Tenant.name).limit(2)).all()
    return names[0] if len(names) == 1 else None


def _print_enrolment(enrolment: Any, *, email: str) -> None:
    import segno

    print(f"Scan this with an authenticator app for {email} (or add the key by hand):")
    segno.make(enrolment.otpauth_uri, error="m").terminal(compact=True)
    print(enrolment.otpauth_uri)
    print(f"key: {enrolment.secret}")


def _cmd_users(args: argparse.Namespace) -> int:
    from backend.auth import AuthError
    from backend.auth.local import LocalAuth, confirm_user_enrolment
    from backend.auth.totp import start_enrolment
    from backend.auth.users import create_local_account, list_users, reset_mfa, reset_password, set_disabled

    with _session(args) as session:
        try:
            if args.users_command == "add":
                tenant = args.tenant or _only_tenant(session) or _settings().local_tenant
                account = create_local_account(
                    session,
                    tenant_name=tenant,
                    email=args.email,
                    role=args.role,
                    display_name=args.display_name,
                    settings=_settings(),
                )
                print(f"created {account.user.email} ({account.user.role}) of {tenant}", file=sys.stderr)
                print("one-time password (shown once; the user enrols TOTP with it):", file=sys.stderr)
                print(account.password)
                return EXIT_OK
            if args.users_command == "list":
                for user in list_users(session):
                    if args.tenant and user.tenant.name != args.tenant:
                        continue
                    kind = "local" if user.password_hash else "entra" if user.external_subject else "key"
                    mfa = "totp" if user.totp_confirmed_at else "-"
                    state = "disabled" if user.disabled_at else "active"
                    seen = f"{user.last_sign_in_at:%Y-%m-%d %H:%M}" if user.last_sign_in_at else "never"
                    print(f"{user.email}  {user.tenant.name}  {user.role}  {kind}  {mfa}  {state}  last sign-in {seen}")
                return EXIT_OK
            user = _find_user(session, email=args.email, tenant=args.tenant)
            if user is None:
                return _fail(f"no single user {args.email!r} (give --tenant when in several firms)", "not_found")
            if args.users_command in ("disable", "enable"):
                set_disabled(session, user=user, disabled=args.users_command == "disable")
                print(f"{user.email} of {user.tenant.name}: {args.users_command}d")
            elif args.users_command == "reset-mfa":
                reset_mfa(session, user=user)
                print(f"{user.email} of {user.tenant.name}: second factor reset; enrol again at next sign-in")
            elif args.users_command == "reset-password":
                password = reset_password(session, user=user, settings=_settings())
                print(
                    f"{user.email} of {user.tenant.name}: new one-time password (shown once; sessions ended, "
                    "second factor reset, lockout lifted):",
                    file=sys.stderr,
                )
                print(password)
            else:  # enrol-totp: on the server itself, no password needed
                local = LocalAuth.from_settings(_settings())
                if args.code:
                    codes = confirm_user_enrolment(session, local, user=user, code=args.code)
                    if codes is None:
                        return _fail("that code does not confirm a pending enrolment", "invalid_code")
                    print("TOTP enrolled. Recovery codes (shown once; each works once):", file=sys.stderr)
                    print("\n".join(codes))
                    return EXIT_OK
                if user.totp_confirmed_at is not None:
                    return _fail("a second factor is enrolled; reset-mfa first", "mfa_already_enrolled")
                _print_enrolment(start_enrolment(session, box=local.box, user=user), email=user.email)
                print(f"then: patentpane users enrol-totp {user.email} --code CODE", file=sys.stderr)
        except AuthError as exc:
            return _fail(exc.message, exc.code)
    return EXIT_OK


def _cmd_keys(args: argparse.Namespace) -> int:
    from backend.auth.apikeys import create_api_key, list_api_keys, revoke_api_key

    with _session(args) as session:
        if args.keys_command == "create":
            tenant = args.tenant or _only_tenant(session)
            if tenant is None:
                return _fail("several firms: name one with --tenant", "tenant_required")
            created = create_api_key(
                session,
                tenant_name=tenant,
                email=args.email,
                name=args.name,
                role=args.role,
                display_name=args.display_name,
            )
            key = created.key
            owner = key.user.email if key.user is not None else "service key"
            print(f"created API key {key.prefix} ({key.role}, {owner}) of {key.tenant.name}", file=sys.stderr)
            print("the key is shown once; store it now:", file=sys.stderr)
            print(created.secret)
            return EXIT_OK
        if args.keys_command == "list":
            for key in list_api_keys(session, tenant_name=args.tenant):
                state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
                used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                owner = key.user.email if key.user is not None else "(service)"
                print(
                    f"{key.prefix}  {key.tenant.name}  {owner}  {key.role}  {key.name or '-'}  "
                    f"created {key.created_at:%Y-%m-%d %H:%M}  last used {used}  {state}"
                )
            return EXIT_OK
        key = revoke_api_key(session, prefix=args.prefix)
        if key is None:
            return _fail(f"no API key with prefix {args.prefix!r}", "not_found")
        session.commit()
        print(f"revoked API key {key.prefix} of {key.tenant.name}")
        return EXIT_OK


def first_start(settings: Any) -> None:
    """Local accounts on an empty database: create the first administrator and say how to enrol."""
    from sqlalchemy.exc import SQLAlchemyError

    from backend.auth.users import ensure_first_admin
    from backend.db.engine import Database

    if settings.auth != "local":
        return
    db = Database.from_url(settings.database_url)
    try:
        with db.session() as session:
            created = ensure_first_admin(session, settings=settings)
    except SQLAlchemyError as exc:  # not migrated: the server logs it; nothing to create yet
        print(f"patentpane: cannot create the first administrator ({type(exc).__name__})", file=sys.stderr)
        return
    finally:
        db.dispose()
    if created is None:
        return
    account, path = created
    email = account.user.email
    print(
        "\n".join(
            [
                f"First administrator: {email} of {settings.local_tenant}.",
                f"Its one-time password is in {path.resolve()} (readable only by you).",
                "Enrol an authenticator app (TOTP is required to sign in):",
                f"  .venv/bin/patentpane users enrol-totp {email}            # shows the QR code",
                f"  .venv/bin/patentpane users enrol-totp {email} --code CODE  # confirms; prints recovery codes",
                "or from the add-in / POST /api/v1/auth/totp/enrol with the email and password.",
            ]
        ),
        file=sys.stderr,
    )


def add_identity_parsers(sub: Any) -> None:
    url_help = "database URL (default: the DATABASE_URL setting)"

    p = sub.add_parser(
        "users", help="accounts: add (local, prints a one-time password), list, disable, reset-mfa, reset-password"
    )
    users = p.add_subparsers(dest="users_command", required=True)
    add = users.add_parser("add", help="a local account (password + TOTP)")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, default="attorney")
    add.add_argument("--tenant", help="the firm (default: the only one, else PATENTPANE_LOCAL_TENANT)")
    add.add_argument("--display-name", default="")
    listing = users.add_parser("list", help="every user: firm, role, sign-in kind, second factor, state")
    listing.add_argument("--tenant")
    for name, text in (
        ("disable", "disable a user (sessions end, their keys stop)"),
        ("enable", "enable a disabled user"),
        ("reset-mfa", "forget a user's TOTP enrolment and recovery codes"),
        ("reset-password", "a new one-time password for a local account (sessions end, TOTP is enrolled again)"),
        ("enrol-totp", "enrol TOTP on the server: shows the QR code; --code confirms"),
    ):
        cmd = users.add_parser(name, help=text)
        cmd.add_argument("email")
        cmd.add_argument("--tenant")
        if name == "enrol-totp":
            cmd.add_argument("--code", help="the app's code: confirms the enrolment, prints recovery codes")
    for cmd in users.choices.values():
        cmd.add_argument("--database-url", help=url_help)
    p.set_defaults(func=_cmd_users)

    p = sub.add_parser("keys", aliases=["apikey"], help="API keys: create (prints the key once), list, revoke")
    keys = p.add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="a service key of a firm with a role (--email: a person's key)")
    create.add_argument("--role", choices=ROLES, help="the key's role (with --email also the person's; default attorney)")
    create.add_argument("--tenant", help="the firm's name (default: the only firm)")
    create.add_argument("--email", help="a person's key (user created when missing)")
    create.add_argument("--name", default="", help="what the key is for")
    create.add_argument("--display-name")
    create.add_argument("--database-url", help=url_help)
    listing = keys.add_parser("list", help="every key (never the secrets)")
    listing.add_argument("--tenant")
    listing.add_argument("--database-url", help=url_help)
    revoke = keys.add_parser("revoke", help="revoke a key by its prefix (or the whole key)")
    revoke.add_argument("prefix")
    revoke.add_argument("--database-url", help=url_help)
    p.set_defaults(func=_cmd_keys)
