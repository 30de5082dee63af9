"""The `carecoord` command: set-up, demo, backup and content checks from the server's shell."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from carecoord import clock, db as database, demo
from carecoord.store import accounts
from carecoord.wording import count


def _open(args) -> database.Database:
    return database.open_database(args.db)


def cmd_create_admin(args) -> int:
    db = _open(args)
    password = args.password or getpass.getpass("Password (at least 10 characters): ")
    try:
        accounts.create_person(db, accounts.SYSTEM, username=args.username, display_name=args.name or args.username,
                               email=args.email, password=password, is_admin=True, now=clock.utcnow())
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Administrator {args.username!r} created.")
    return 0


def cmd_demo(args) -> int:
    db = _open(args)
    if accounts.demo_loaded(db):
        print("The demo practice is already loaded.")
        return 0
    context = demo.load(db, clock.utcnow())
    print(f"Demo practice loaded with {len(context.people)} accounts; every demo password is {demo.DEMO_PASSWORD!r}.")
    return 0


def cmd_remove_demo(args) -> int:
    """Delete the demo practice and every demo account, as the Practices page does (audited)."""
    db = _open(args)
    if not accounts.demo_loaded(db):
        print("There is no demo practice to remove.")
        return 0
    if not args.yes:
        try:
            answer = input("Delete the demo practice and every demo account with their history? [y/N] ")
        except EOFError:  # no terminal to ask: only --yes removes
            answer = ""
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing removed.")
            return 1
    removed = accounts.remove_demo(db, accounts.SYSTEM, clock.utcnow())
    print(f"Removed the demo practice and {count(removed, 'demo account')}.")
    return 0


def cmd_backup(args) -> int:
    db = _open(args)
    try:
        target = database.backup(db, args.path)
    except (database.BackupError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not database.integrity_ok(target):
        print(f"error: the copy at {target} failed its integrity check", file=sys.stderr)
        return 1
    print(f"Backed up {database.describe(args.db)} to {target}.")
    return 0


def cmd_validate(args) -> int:
    """Check every content file (and, with --db, that stored records name known content)."""
    from carecoord.content import load_library, quality
    from carecoord.store import cases, learning, stories

    library = load_library(args.content)
    problems = [str(error) for error in library.errors]
    if args.check_db:
        known = library.known_ids()
        db = _open(args)
        referenced = learning.referenced_content_ids(db) | cases.referenced_ids(db) | stories.referenced_ids(db)
        for item_id in sorted(referenced):
            if item_id not in known:
                problems.append(f"{database.describe(args.db)}: id {item_id!r} is used "
                                "by stored records but is not in the content library and not listed as retired")
    warnings = [f"warning: {cue}" for cue in quality.length_cues(library)]
    if args.json:
        print(json.dumps({"counts": library.counts(), "errors": problems, "warnings": warnings}, indent=2))
    else:
        for problem in problems + warnings:
            print(problem)
        counts = library.counts()
        print(f"{counts['modules']} modules, {counts['lessons']} lessons, {counts['checks']} knowledge checks, "
              f"{counts['domains']} domains, {counts['competencies']} competencies; {count(len(problems), 'problem')}, "
              f"{count(len(warnings), 'warning')}.", file=sys.stderr)
    return 1 if problems else 0


def cmd_purge(args) -> int:
    """Apply the retention periods (run daily, e.g. from cron): withdrawn stories' text after 30 days,
    ended sign-in records after 90 days."""
    from carecoord.store import stories

    db, now = _open(args), clock.utcnow()
    purged = stories.purge_due(db, accounts.SYSTEM, now)
    print(f"Purged the text of {purged} withdrawn story(ies).")
    old = accounts.purge_old_sign_ins(db, now)
    print(f"Deleted {count(old, 'sign-in record')} that ended more than {accounts.SIGN_IN_RECORDS_KEPT.days} days ago.")
    return 0


def cmd_copy(args) -> int:
    """Copy the SQLite database into an empty PostgreSQL database, and check every table."""
    from carecoord import transfer

    if not database.is_postgres_url(args.to):
        print("error: --to takes a postgresql:// URL", file=sys.stderr)
        return 2
    if database.is_postgres_url(args.db) or (args.db is None and database.database_url()):
        print("error: copy reads the SQLite file: name it with --db (or $CARECOORD_DB)", file=sys.stderr)
        return 2
    source = database.connect(args.db if args.db is not None else database.database_path())
    try:
        target = database.connect(args.to)
    except database.ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        source.close()
        return 1
    try:
        checks = transfer.copy_database(source, target, lambda table, rows: print(f"  {table}: {rows} rows"))
    except transfer.CopyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        source.close()
        target.close()
    failed = [check for check in checks if not check.ok]
    for check in failed:
        print(f"error: {check.table}: {check.source_rows} rows here, {check.target_rows} there; "
              f"checksums {check.source_checksum[:12]} and {check.target_checksum[:12]}", file=sys.stderr)
    if failed:
        return 1
    print(f"Copied {sum(c.source_rows for c in checks)} rows in {len(checks)} tables to "
          f"{database.describe(args.to)}; every table has the same rows and checksum on both sides.")
    return 0


def cmd_migrate(args) -> int:
    _open(args)
    print("The database schema is up to date.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    db_help = ("database file or postgresql:// URL (default: $CARECOORD_DATABASE_URL, else $CARECOORD_DB, "
               "else data/carecoord.db)")
    parser = argparse.ArgumentParser(prog="carecoord", description=__doc__)
    parser.add_argument("--db", default=None, help=db_help)
    # `--db` is taken before or after the command: after it, it overrides only when given.
    db_after = argparse.ArgumentParser(add_help=False)
    db_after.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[db_after], **kwargs)

    create_admin = command("create-admin", help="create an administrator account")
    create_admin.add_argument("username")
    create_admin.add_argument("--name", help="display name (default: the username)")
    create_admin.add_argument("--email")
    create_admin.add_argument("--password", help="omit to be asked without echo")
    create_admin.set_defaults(handler=cmd_create_admin)

    command("demo", help="load the demo practice").set_defaults(handler=cmd_demo)

    remove_demo = command("remove-demo", help="delete the demo practice and every demo account")
    remove_demo.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    remove_demo.set_defaults(handler=cmd_remove_demo)

    backup = command("backup", help="copy the live database consistently to PATH")
    backup.add_argument("path", type=Path)
    backup.set_defaults(handler=cmd_backup)

    validate = command("validate", help="check the content files; exit 1 on any problem")
    validate.add_argument("--json", action="store_true", help="print counts and problems as JSON")
    validate.add_argument("--check-db", action="store_true",
                          help="also fail when the database names content ids the library lacks")
    validate.add_argument("--content", type=Path, default=None,
                          help="content root (default: $CARECOORD_CONTENT, else the project folder)")
    validate.set_defaults(handler=cmd_validate)

    copy = command("copy", help="copy the SQLite database into an empty PostgreSQL database")
    copy.add_argument("--to", required=True, metavar="postgresql://...", help="the empty target database")
    copy.set_defaults(handler=cmd_copy)

    command("migrate", help="bring the database schema up to date").set_defaults(handler=cmd_migrate)
    command("purge", help="delete the text of stories withdrawn 30 or more days ago"
                        ).set_defaults(handler=cmd_purge)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except database.ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
