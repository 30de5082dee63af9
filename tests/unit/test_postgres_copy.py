"""Moving an installation: `carecoord copy` from the SQLite file into an empty PostgreSQL database,
and `carecoord backup` on PostgreSQL, restored with pg_restore."""

from __future__ import annotations

import random
import subprocess

import psycopg
import pytest

from carecoord import cli, competency as c, db as database, postgres, transfer
from carecoord.store import accounts as A, assessments as S
from tests.unit.test_performance import FRAMEWORK, full_answers, lead_of, same


@pytest.fixture
def sqlite_demo(demo_template, tmp_path):
    import shutil

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def new_database(postgres_url):
    """A new PostgreSQL database with nothing in it, not even the schema."""
    made = []

    def make(name: str) -> str:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return postgres_url.rsplit("/", 1)[0] + "/" + name

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        for name in made:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_demo_moves_whole_and_the_copy_works_as_an_installation(sqlite_demo, new_database, now, capsys):
    url = new_database("moved")
    assert cli.main(["--db", str(sqlite_demo), "copy", "--to", url]) == 0
    assert "every table has the same rows and checksum on both sides" in capsys.readouterr().out

    source, target = database.connect(sqlite_demo), database.connect(url)
    assert database.table_names(target) == database.table_names(source)
    for table in database.table_names(source):
        columns = database.column_names(source, table)
        assert transfer.checksum(target, table, columns) == transfer.checksum(source, table, columns), table
    assert target.execute("SELECT count(*) FROM rating").fetchone()[0] > 1000

    # The copy is a working installation: new rows get new ids, and the summaries keep up.
    lead = lead_of(target)
    largest = target.execute("SELECT max(id) FROM person").fetchone()[0]
    new_id = A.create_person(target, A.SYSTEM, username="after-the-move", display_name="After", now=now,
                             password="a long enough password")
    assert new_id == largest + 1
    practice_id = target.execute("SELECT id FROM practice").fetchone()[0]
    A.add_membership(target, A.SYSTEM, new_id, practice_id, "trainee", now)
    person = A.load_person(target, new_id)
    draft = S.open_draft(target, person, person, c.SELF, FRAMEWORK, now)
    for number, domain in enumerate(FRAMEWORK.domains):
        answers = full_answers(random.Random(number))
        S.save_step(target, person, draft.id, domain,
                    {x.code: answers[x.code] for x in domain.competencies}, number + 1)
    S.submit(target, person, draft.id, FRAMEWORK, person, now)
    same(target, lead)
    # The immutability triggers are back on after the copy.
    with pytest.raises(database.IntegrityError, match="cannot be changed"):
        with database.write(target):
            target.execute("UPDATE rating SET level = 1")
    source.close()
    target.close()


def test_a_target_with_rows_is_refused_and_left_as_it_was(sqlite_demo, new_database, capsys):
    url = new_database("occupied")
    assert cli.main(["--db", str(sqlite_demo), "copy", "--to", url]) == 0
    target = database.connect(url)
    with database.write(target):
        target.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    before = {t: target.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in database.table_names(target)}
    capsys.readouterr()
    assert cli.main(["--db", str(sqlite_demo), "copy", "--to", url]) == 1
    assert "the target database is not empty, so nothing was copied" in capsys.readouterr().err
    assert {t: target.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in database.table_names(target)} == before
    target.close()


def test_copy_names_what_is_wrong_with_its_arguments(sqlite_demo, capsys):
    assert cli.main(["--db", str(sqlite_demo), "copy", "--to", "mysql://somewhere/db"]) == 2
    assert "--to takes a postgresql:// URL" in capsys.readouterr().err
    assert cli.main(["--db", "postgresql://a@127.0.0.1:1/x", "copy", "--to", "postgresql://b@127.0.0.1:1/y"]) == 2
    assert "copy reads the SQLite file" in capsys.readouterr().err
    assert cli.main(["--db", str(sqlite_demo), "copy", "--to", "postgresql://nobody@127.0.0.1:1/none"]) == 1
    assert "cannot connect to PostgreSQL database none on 127.0.0.1" in capsys.readouterr().err


def test_tables_go_in_parents_first(sqlite_demo):
    source = database.connect(sqlite_demo)
    order = transfer.parents_first(source, database.table_names(source))
    assert order.index("person") < order.index("assessment") < order.index("rating")
    assert order.index("story") < order.index("story_link")
    source.close()


def test_backup_on_postgresql_restores_to_the_same_rows(new_database, postgres_url, sqlite_demo, tmp_path, capsys):
    url = new_database("live")
    assert cli.main(["--db", str(sqlite_demo), "copy", "--to", url]) == 0
    dump = tmp_path / "carecoord.dump"
    assert cli.main(["--db", url, "backup", str(dump)]) == 0
    assert f"Backed up PostgreSQL database live on 127.0.0.1 to {dump}." in capsys.readouterr().out
    assert database.integrity_ok(dump)
    assert dump.stat().st_mode & 0o777 == 0o600

    restored_url = new_database("restored")
    restored_env = postgres.client_environment(restored := database.connect(restored_url))
    subprocess.run([postgres.tool("pg_restore"), "--no-owner", "--dbname", restored_env["PGDATABASE"], str(dump)],
                   env=restored_env, check=True, capture_output=True)
    live = database.connect(url)
    for table in database.table_names(live):
        columns = database.column_names(live, table)
        assert transfer.checksum(restored, table, columns) == transfer.checksum(live, table, columns), table
    live.close()
    restored.close()


def test_a_backup_onto_a_folder_is_refused_on_either_backend(new_database, sqlite_demo, tmp_path, capsys):
    folder = tmp_path / "backups"
    folder.mkdir()
    for source in (str(sqlite_demo), new_database("folder_target")):
        assert cli.main(["--db", source, "backup", str(folder)]) == 1
        assert "is a folder; name the backup file" in capsys.readouterr().err
    assert folder.is_dir()


def test_migrate_on_postgresql_says_what_it_applied(new_database, capsys):
    from carecoord import migrations

    url = new_database("fresh")
    assert cli.main(["--db", url, "migrate"]) == 0
    assert capsys.readouterr().out.startswith(f"Applied {len(migrations.postgresql_steps())} migrations: carecoord.dialect/m001_group_concat, ")
    assert cli.main(["--db", url, "migrate"]) == 0
    assert capsys.readouterr().out == "Nothing to apply: the schema was already up to date.\n"
