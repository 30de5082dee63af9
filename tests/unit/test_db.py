import sqlite3
import threading

import pytest

from carecoord import db as database
from carecoord.db import IntegrityError


def test_every_connection_has_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    connection = database.open_database(tmp_path / "x.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_default_path_is_under_data_and_env_overrides(monkeypatch, tmp_path):
    monkeypatch.delenv("CARECOORD_DB", raising=False)
    assert str(database.database_path()) == "data/carecoord.db"
    monkeypatch.setenv("CARECOORD_DB", str(tmp_path / "deep" / "folder" / "c.db"))
    connection = database.open_database()
    assert (tmp_path / "deep" / "folder" / "c.db").exists()
    connection.conn.close()


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "x.db"
    database.open_database(path).conn.close()
    connection = database.open_database(path)
    names = [r[0] for r in connection.execute("SELECT name FROM _sqlite_migrations")]
    assert names == sorted(set(names), key=names.index)  # each applied once
    assert "m001_accounts" in names


def test_write_rolls_back_everything_on_error(db):
    db.execute("CREATE TABLE t (x INTEGER NOT NULL)")
    with pytest.raises(IntegrityError):
        with database.write(db):
            db.execute("INSERT INTO t VALUES (1)")
            db.execute("INSERT INTO t VALUES (NULL)")
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_nested_writes_join_the_outer_transaction(db):
    db.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError):
        with database.write(db):
            db.execute("INSERT INTO t VALUES (1)")
            with database.write(db):
                db.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0


THREADS, WRITES, ROWS_PER_WRITE = 16, 50, 3


def test_concurrent_writers_lose_nothing(tmp_path):
    """16 threads x 50 read-then-write transactions on one file: no error, no row missing."""
    path = tmp_path / "busy.db"
    setup = database.open_database(path)
    setup.execute("CREATE TABLE submission (thread INTEGER, n INTEGER, part INTEGER)")
    setup.conn.close()
    errors: list[BaseException] = []

    def worker(thread: int) -> None:
        connection = database.connect(path)
        try:
            for n in range(WRITES):
                with database.write(connection):
                    # Read before writing, as a permission check would: the pattern that fails
                    # under a deferred transaction.
                    connection.execute("SELECT count(*) FROM submission").fetchone()
                    for part in range(ROWS_PER_WRITE):
                        connection.execute("INSERT INTO submission VALUES (?, ?, ?)", [thread, n, part])
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = database.connect(path)
    assert errors == []
    assert check.execute("SELECT count(*) FROM submission").fetchone()[0] == THREADS * WRITES * ROWS_PER_WRITE


def test_backup_while_writes_continue_is_whole_and_consistent(tmp_path):
    path = tmp_path / "live.db"
    live = database.open_database(path)
    live.execute("CREATE TABLE event (n INTEGER PRIMARY KEY)")
    for n in range(500):
        with database.write(live):
            live.execute("INSERT INTO event VALUES (?)", [n])
    committed_before = 500
    stop = threading.Event()

    def keep_writing() -> None:
        writer = database.connect(path)
        n = 10_000
        while not stop.is_set():
            with database.write(writer):
                writer.execute("INSERT INTO event VALUES (?)", [n])
            n += 1
        writer.conn.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        target = database.backup(database.connect(path), tmp_path / "copy" / "backup.db")
    finally:
        stop.set()
        thread.join()
    assert database.integrity_ok(target)
    copy = sqlite3.connect(target)
    present = {r[0] for r in copy.execute("SELECT n FROM event WHERE n < 500")}
    assert present == set(range(committed_before))


def test_time_zone_helpers():
    from datetime import UTC, date, datetime

    from carecoord import clock

    assert clock.is_zone("Europe/London") and not clock.is_zone("Mars/Olympus")
    assert clock.local_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), "Europe/London") == date(2026, 7, 2)


def test_a_folder_or_an_unopenable_path_is_refused_with_a_clear_error(tmp_path, capsys):
    from carecoord import cli

    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(database.ConfigurationError, match="is a folder"):
        database.connect(folder)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(database.ConfigurationError, match="cannot open the database file"):
        database.connect(blocker / "inside.db")
    assert cli.main(["--db", str(folder), "migrate"]) == 2
    assert "is a folder: name the database file inside it" in capsys.readouterr().err
    assert folder.is_dir() and list(folder.iterdir()) == []
