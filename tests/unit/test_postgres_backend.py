"""The PostgreSQL handle: SQLite's placeholders translated, and writes that keep SQLite's guarantee
(one action lands whole or not at all; concurrent writers lose nothing) on a real cluster."""

import threading

import pytest

from carecoord import postgres
from carecoord.postgres import translate


@pytest.mark.parametrize("sqlite, psycopg", [
    ("SELECT * FROM person WHERE id = ?", "SELECT * FROM person WHERE id = %s"),
    ("UPDATE t SET a = :a WHERE id = :id", "UPDATE t SET a = %(a)s WHERE id = %(id)s"),
    ("SELECT ':not_a_name', '?' FROM t WHERE x = ?", "SELECT ':not_a_name', '?' FROM t WHERE x = %s"),
    ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , %s"),
    ("SELECT \"odd ? name\" FROM t", "SELECT \"odd ? name\" FROM t"),
    ("SELECT x::text FROM t -- a ? comment\nWHERE y = :y", "SELECT x::text FROM t -- a ? comment\nWHERE y = %(y)s"),
    ("SELECT /* :no */ 1 WHERE a LIKE 'x%' AND b = ?", "SELECT /* :no */ 1 WHERE a LIKE 'x%%' AND b = %s"),
    ("SELECT 10 % 3", "SELECT 10 %% 3"),
])
def test_placeholders_are_translated_only_where_they_are_placeholders(sqlite, psycopg):
    assert translate(sqlite) == psycopg


@pytest.fixture
def pg(postgres_url):
    db = postgres.connect(postgres_url)
    db.execute("DROP TABLE IF EXISTS counter")
    db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    db.execute("INSERT INTO counter (id, n) VALUES (?, ?)", [1, 0])
    yield db
    db.close()


def test_query_gives_rows_as_dictionaries_with_named_parameters(pg):
    assert list(pg.query("SELECT id, n FROM counter WHERE id = :id", {"id": 1})) == [{"id": 1, "n": 0}]


def test_a_failed_action_leaves_nothing_and_a_nested_one_is_a_savepoint(pg):
    with pytest.raises(RuntimeError):
        with postgres.write(pg):
            pg.execute("UPDATE counter SET n = 99 WHERE id = 1")
            raise RuntimeError("the action fails half way")
    assert pg.execute("SELECT n FROM counter").fetchone()[0] == 0
    with postgres.write(pg):
        pg.execute("UPDATE counter SET n = 1 WHERE id = 1")
        with pytest.raises(RuntimeError):
            with postgres.write(pg):
                pg.execute("UPDATE counter SET n = 50 WHERE id = 1")
                raise RuntimeError("only the inner part fails")
    assert pg.execute("SELECT n FROM counter").fetchone()[0] == 1


def test_concurrent_writers_that_read_before_writing_lose_nothing(pg, postgres_url):
    # Read, then write what was read plus one: under READ COMMITTED without the write lock, updates are lost.
    errors = []

    def worker():
        db = postgres.connect(postgres_url)
        try:
            for _ in range(25):
                with postgres.write(db):
                    n = db.execute("SELECT n FROM counter WHERE id = 1").fetchone()[0]
                    db.execute("UPDATE counter SET n = ? WHERE id = 1", [n + 1])
        except Exception as error:  # noqa: BLE001 - counted
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert pg.execute("SELECT n FROM counter").fetchone()[0] == 200


def test_a_literal_percent_sign_comes_back_as_written(pg):
    assert pg.execute("SELECT 'a%'").fetchone()[0] == "a%"
    assert list(pg.query("SELECT 'b%' AS x")) == [{"x": "b%"}]
