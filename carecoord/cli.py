"""The `carecoord` command: set-up, demo, backup, content checks and reminders from the server's shell."""

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
    warnings = [f"warning: {warning}" for warning in quality.warnings(library)]
    if args.json:
        print(json.dumps({"counts": library.counts(), "errors": problems, "warnings": warnings}, indent=2))
    else:
        for problem in problems + warnings:
            print(problem)
        counts = library.counts()
        print(f"{counts['modules']} modules, {counts['lessons']} lessons, {counts['checks']} knowledge checks, "
              f"{counts['cases']} cases in {counts['phases']} phases, {counts['domains']} domains, {counts['competencies']} competencies; {count(len(problems), 'problem')}, "
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


def cmd_remind(args) -> int:
    """Tell people by e-mail what waits for them (run from cron, e.g. hourly): expire observation requests
    past their time, queue a reminder for each new thing that waits, send the queue, one e-mail per person.

    Exit status: 0 when everything queued was sent (or mail is off), 1 when the mail server could not be
    used (the reminders wait for the next run) or something else failed, 2 for a setting that is wrong.
    """
    from carecoord import mailer

    db, now = _open(args), clock.utcnow()
    try:
        config = mailer.settings()
    except mailer.ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.dry_run:
        return _remind_dry_run(db, now, config)
    from carecoord.store import observations, reminders

    expired = observations.expire_requests(db, now)
    if expired:
        print(f"Expired {count(expired, 'observation request')} past their time.")
    if config is None:
        print("E-mail is off (CARECOORD_SMTP_HOST is not set): no reminders queued or sent.")
        return 0
    queued, failed = _queue_reminders(db, now)
    sent, messages, unreachable, refused = _send_reminders(db, config, now)
    waiting = reminders.status(db, accounts.SYSTEM).waiting
    print(f"Reminders: queued {queued}, sent {sent} in {count(messages, 'e-mail')}, waiting {waiting}.")
    if unreachable:
        print(f"error: {unreachable}; {count(waiting, 'reminder')} {'waits' if waiting == 1 else 'wait'} "
              "for the next run", file=sys.stderr)
    for problem in refused + failed:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if unreachable or refused or failed else 0


def _new_reminders(db, library, now):
    """(recipient, the person, [(key, line text)] not queued before) for everyone who is mailed reminders."""
    from carecoord import waiting
    from carecoord.store import reminders

    for recipient in reminders.recipients(db, accounts.SYSTEM):
        person = accounts.load_person(db, recipient.id)
        if person is None:
            continue
        try:
            found = waiting.items(db, person, library, now, waiting.timezone_of(person))
        except Exception as error:  # one person's odd records must not stop everyone's reminders
            yield recipient, person, error
            continue
        queued = reminders.queued_keys(db, accounts.SYSTEM, person.id)
        yield recipient, person, [(key, item.text) for item in found for key in item.keys if key not in queued]


def _library():
    from carecoord.content import load_library

    return load_library()


def _queue_reminders(db, now) -> tuple[int, list[str]]:
    """Queue each new thing that waits; how many were queued, and what failed."""
    from carecoord import mailer
    from carecoord.store import reminders

    queued, failed = 0, []
    for recipient, _person, new in _new_reminders(db, _library(), now):
        if isinstance(new, Exception):
            failed.append(f"could not work out what waits for person {recipient.id}: {new}")
            continue
        with database.write(db):
            for key, text in new:
                queued += reminders.queue(db, accounts.SYSTEM, recipient.id, key, mailer.SUBJECT, text, now)
    return queued, failed


def _lines(queued) -> list[tuple[str, str]]:
    """A message's lines from a person's unsent reminders: per kind, the newest line (its count is the latest),
    in the order the app lists the kinds."""
    from carecoord import waiting

    newest: dict[str, str] = {}
    for reminder in sorted(queued, key=lambda r: (r.created_at, r.id)):
        newest[reminder.kind] = reminder.body
    order = list(waiting.PAGE_OF_KIND)
    kinds = sorted(newest, key=lambda kind: order.index(kind) if kind in order else len(order))
    return [(newest[kind], waiting.PAGE_OF_KIND.get(kind, "")) for kind in kinds]


def _send_reminders(db, config, now) -> tuple[int, int, str, list[str]]:
    """Send every unsent reminder, one e-mail per person. (reminders sent, e-mails sent, why the server could
    not be used or "", messages the server refused); what was not sent waits, its attempt counted."""
    from carecoord import mailer
    from carecoord.store import reminders

    pending = reminders.unsent(db, accounts.SYSTEM)
    if not pending:
        return 0, 0, "", []
    try:
        connection = mailer.Connection(config)
    except mailer.MailError as error:
        reminders.record_failure(db, accounts.SYSTEM, [r.id for queued in pending.values() for r in queued],
                                 str(error))
        return 0, 0, str(error), []
    sent = messages = 0
    refused: list[str] = []
    people = list(pending.items())
    try:
        for number, (recipient, queued) in enumerate(people):
            ids = [r.id for r in queued]
            try:
                message = mailer.reminder_message(config, mailer.recipient(recipient.display_name, recipient.email),
                                                  _lines(queued))
            except ValueError as error:
                reminders.record_failure(db, accounts.SYSTEM, ids, f"the address cannot be used: {error}")
                refused.append(f"person {recipient.id}: the e-mail address cannot be used")
                continue
            try:
                connection.send(message)
            except mailer.MailError as error:
                if error.unreachable:
                    reminders.record_failure(db, accounts.SYSTEM,
                                             [r.id for _, rest in people[number:] for r in rest], str(error))
                    return sent, messages, str(error), refused
                reminders.record_failure(db, accounts.SYSTEM, ids, str(error))
                refused.append(f"person {recipient.id}: {error}")
                continue
            reminders.mark_sent(db, accounts.SYSTEM, ids, now)
            sent, messages = sent + len(ids), messages + 1
    finally:
        connection.close()
    return sent, messages, "", refused


def _remind_dry_run(db, now, config) -> int:
    """What a run would send now, changing nothing."""
    from carecoord.store import reminders

    if config is None:
        print("E-mail is off (CARECOORD_SMTP_HOST is not set); were it on, a run would send this:")
    pending = reminders.unsent(db, accounts.SYSTEM)
    unsent = {recipient.id: queued for recipient, queued in pending.items()}
    people = 0
    for recipient, _person, new in _new_reminders(db, _library(), now):
        if isinstance(new, Exception):
            print(f"error: could not work out what waits for person {recipient.id}: {new}", file=sys.stderr)
            continue
        waiting_lines = [line for line, _ in _lines(unsent.get(recipient.id, []))]
        new_lines = list(dict.fromkeys(text for _, text in new))
        if not waiting_lines and not new_lines:
            continue
        people += 1
        print(f"To {recipient.email} (person {recipient.id}):")
        for line in waiting_lines:
            print(f"  - {line} (queued before, not yet sent)")
        for line in new_lines:
            print(f"  - {line}")
    print(f"Would send {count(people, 'e-mail')}; nothing was queued, sent or changed.")
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
    from carecoord import migrations

    db = database.connect(args.db)
    waiting = migrations.pending(db)
    database.migrate(db)
    if waiting:
        print(f"Applied {count(len(waiting), 'migration')}: {', '.join(waiting)}. The schema is up to date.")
    else:
        print("Nothing to apply: the schema was already up to date.")
    return 0


def cmd_keys_init(args) -> int:
    """Make the credential signing key once (never on first use: two processes would race to make two)."""
    import os

    from carecoord import badges, public

    path = args.path or public.signing_key_path()
    if path is None:
        print(f"error: give --path FILE or set {public.SIGNING_KEY}", file=sys.stderr)
        return 2
    path = Path(path).expanduser()
    if path.exists():
        print(f"error: {path} exists already; a new key would make every credential issued so far unverifiable. "
              "Move it away first if you really mean to replace it.", file=sys.stderr)
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # only the owner reads it
        with os.fdopen(descriptor, "wb") as key_file:
            key_file.write(badges.new_signing_key())
    except OSError as error:
        print(f"error: cannot write {path}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"Made the signing key at {path} (readable by its owner only). Keep it out of the database's backups; "
          f"back it up on its own. Set {public.SIGNING_KEY}={path} for the app, the public server and cron.")
    return 0


def cmd_xapi_send(args) -> int:
    """Send the learning records that wait to the LRS (run from cron, or with --loop)."""
    import time

    from carecoord import lrs, outbox, public

    try:
        settings = lrs.settings()
        base = public.base_url()
    except (lrs.ConfigurationError, public.ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if settings is None or base is None:
        print("xAPI is off: set CARECOORD_PUBLIC_URL and CARECOORD_XAPI_ENDPOINT to send learning records.")
        return 0
    db = _open(args)
    while True:
        result = outbox.send_due(db, settings, clock.utcnow)
        print(f"Sent {count(result.sent, 'statement')} to {settings.describe()}"
              + (f"; {count(result.refused, 'statement')} refused (see `carecoord xapi status`)" if result.refused else "")
              + (f"; the LRS could not be reached: {result.unavailable}" if result.unavailable else "") + ".")
        if not args.loop:
            return 1 if result.unavailable else 0
        time.sleep(max(1.0, args.every))


def cmd_xapi_status(args) -> int:
    """What waits for the LRS and why."""
    from carecoord.store import records

    status = records.status(_open(args))
    print(f"Waiting: {status.waiting} (of which {status.failing} failed at least once); sent: {status.sent}.")
    if status.oldest_waiting:
        print(f"Oldest waiting since {clock.iso(status.oldest_waiting)}; next attempt {clock.iso(status.next_attempt)}.")
    if status.last_error:
        print(f"Last error: {status.last_error}")
    return 0


def cmd_credentials_issue(args) -> int:
    """Sign the credentials earned while the installation could not sign (no key or no public address yet)."""
    from carecoord.content import load_library
    from carecoord.store import credentials

    if not credentials.can_issue():
        from carecoord import public

        for problem in public.problems():
            print(f"error: {problem}", file=sys.stderr)
        return 2
    signed = credentials.issue_waiting(_open(args), load_library(), clock.utcnow())
    print(f"Signed {count(signed, 'credential')}.")
    return 0


def cmd_verify(args) -> int:
    """Verify a credential (a baked PNG badge or a VC-JWT file) against its issuer's published keys."""
    import urllib.request

    from carecoord import badges

    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    try:
        with args.file.open("rb") as handle:  # never more than a badge may be: a huge file is not read whole
            data = handle.read(badges.MAX_PNG_BYTES + 1)
        token = badges.credential_text(data)
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2

    def fetch(url: str) -> dict:
        if not url.startswith(("https://", "http://")):
            raise LookupError(f"{url} is not a web address")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (http(s) only, checked above)
            return json.loads(answer.read(1_000_000))

    from carecoord import public

    own = public.addresses()
    trusted = None if args.any_issuer or own is None else {own.issuer}
    result = badges.verify(token, fetch_json=fetch, now=clock.utcnow(), trusted_issuers=trusted)
    for name, passed, detail in result.checks:
        print(f"{'ok' if passed else 'FAILED'}  {name}: {detail}")
    print("VALID: " + result.reason if result.ok else "NOT VALID: " + result.reason)
    return 0 if result.ok else 1


def cmd_serve_public(args) -> int:
    """Serve the public JSON (issuer, keys, revocation list, achievements) for the reverse proxy."""
    from carecoord import public, public_server
    from carecoord.content import load_library

    if public.base_url() is None:
        print(f"error: set {public.PUBLIC_URL} first: every document names things by it", file=sys.stderr)
        return 2
    library = load_library()
    _open(args).close()  # the schema brought up to date once; each request then only connects
    server = public_server.make_server(args.host, args.port, lambda: database.connect(args.db), lambda: library)
    print(f"Serving {public.base_url()}/public/ on http://{args.host}:{server.server_address[1]}/public/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
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
    remind = command("remind", help="e-mail people what waits for them (run from cron); "
                                     "exit 1 when the mail server cannot be used")
    remind.add_argument("--dry-run", action="store_true", help="print what would be sent; change nothing")
    remind.set_defaults(handler=cmd_remind)

    keys = command("keys", help="the credential signing key")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_init = keys_commands.add_parser("init", help="make the signing key once; refuses to replace one")
    keys_init.add_argument("--path", type=Path, default=None, help="where (default: $CARECOORD_SIGNING_KEY)")
    keys_init.set_defaults(handler=cmd_keys_init)

    xapi = command("xapi", help="learning records for the learning record store (xAPI)")
    xapi_commands = xapi.add_subparsers(dest="xapi_command", required=True)
    send = xapi_commands.add_parser("send", parents=[db_after], help="send what waits (run from cron, or --loop)")
    send.add_argument("--loop", action="store_true", help="keep sending, every --every seconds")
    send.add_argument("--every", type=float, default=60.0, help="seconds between rounds with --loop (default 60, "
                      "at least 1)")
    send.set_defaults(handler=cmd_xapi_send)
    xapi_commands.add_parser("status", parents=[db_after], help="what waits and what failed"
                             ).set_defaults(handler=cmd_xapi_status)

    creds = command("credentials", help="Open Badges credentials")
    creds_commands = creds.add_subparsers(dest="credentials_command", required=True)
    creds_commands.add_parser("issue", parents=[db_after], help="sign credentials earned while signing was off"
                              ).set_defaults(handler=cmd_credentials_issue)

    verify = command("verify", help="verify a credential (a badge PNG or a VC-JWT file); exit 1 if not valid")
    verify.add_argument("file", type=Path)
    verify.add_argument("--any-issuer", action="store_true",
                        help="accept an issuer other than this installation's ($CARECOORD_PUBLIC_URL)")
    verify.set_defaults(handler=cmd_verify)

    serve = command("serve-public", help="serve the issuer profile, keys, revocation list and achievements")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8502)
    serve.set_defaults(handler=cmd_serve_public)
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
