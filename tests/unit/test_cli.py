import json
import shutil

from carecoord import cli, clock, db as database
from carecoord.store import accounts
from tests.content_fixtures import make_content_root


def test_validate_passes_on_the_real_content(capsys):
    assert cli.main(["validate"]) == 0
    assert "0 problems" in capsys.readouterr().err


def test_validate_json_reports_counts(capsys):
    assert cli.main(["validate", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == []
    assert report["counts"]["modules"] >= 14 and report["counts"]["lessons"] >= 50


def test_validate_prints_errors_and_fails(tmp_path, capsys):
    root = make_content_root(tmp_path)
    lesson = root / "curriculum" / "01-test-module" / "01-first.md"
    lesson.write_text(lesson.read_text().replace("minutes: 10", "minutes: 10\nlevel: 2"))
    assert cli.main(["validate", "--content", str(root)]) == 1
    assert "curriculum/01-test-module/01-first.md:6: level: unknown key" in capsys.readouterr().out


def test_validate_db_fails_on_ids_the_library_lacks(tmp_path, capsys):
    root = make_content_root(tmp_path)
    path = tmp_path / "x.db"
    db = database.open_database(path)
    pid = accounts.create_person(db, accounts.SYSTEM, username="tia", display_name="Tia",
                                 password="long enough pw", now=clock.utcnow())
    for lesson_id in ("first-lesson", "old-lesson", "first-lesson-draft"):  # current, retired, renamed
        db.execute("INSERT INTO lesson_progress (person_id, lesson_id, content_hash, completed_at) "
                   "VALUES (?, ?, 'h', '2026-01-01')", [pid, lesson_id])
    assert cli.main(["--db", str(path), "validate", "--check-db", "--content", str(root)]) == 0
    db.execute("INSERT INTO lesson_progress (person_id, lesson_id, content_hash, completed_at) "
               "VALUES (?, 'vanished-lesson', 'h', '2026-01-01')", [pid])
    capsys.readouterr()
    assert cli.main(["--db", str(path), "validate", "--check-db", "--content", str(root)]) == 1
    assert "'vanished-lesson'" in capsys.readouterr().out


def test_create_admin_demo_and_backup(tmp_path, capsys):
    path = tmp_path / "x.db"
    assert cli.main(["--db", str(path), "create-admin", "root", "--password", "a long password"]) == 0
    assert cli.main(["--db", str(path), "create-admin", "root2", "--password", "short"]) == 1
    assert cli.main(["--db", str(path), "demo"]) == 0
    assert cli.main(["--db", str(path), "backup", str(tmp_path / "b" / "copy.db")]) == 0
    assert (tmp_path / "b" / "copy.db").stat().st_mode & 0o777 == 0o600  # everyone's records: the owner's to read
    copy = database.connect(tmp_path / "b" / "copy.db")
    assert copy.execute("SELECT count(*) FROM person WHERE username = 'root'").fetchone()[0] == 1
    shutil.rmtree(tmp_path / "b")


def test_validate_db_checks_what_stories_link_to(demo_path, capsys):
    assert cli.main(["--db", str(demo_path), "validate", "--check-db"]) == 0
    db = database.connect(demo_path)
    story = db.execute("SELECT id FROM story LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO story_link (story_id, kind, target) VALUES (?, 'module', 'vanished-module')", [story])
    capsys.readouterr()
    assert cli.main(["--db", str(demo_path), "validate", "--check-db"]) == 1
    assert "'vanished-module'" in capsys.readouterr().out


def test_db_is_taken_before_or_after_the_command(tmp_path, capsys):
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    assert cli.main(["--db", str(before), "demo"]) == 0
    assert cli.main(["demo", "--db", str(after)]) == 0
    for path in (before, after):
        assert accounts.demo_loaded(database.connect(path))
    capsys.readouterr()
    assert cli.main(["validate", "--check-db", "--db", str(after)]) == 0


def test_migrate_says_what_it_applied_and_then_that_nothing_was_left(tmp_path, capsys):
    from carecoord import migrations

    path = tmp_path / "fresh.db"
    assert cli.main(["--db", str(path), "migrate"]) == 0
    first = capsys.readouterr().out
    every = len(migrations.postgresql_steps())  # the same migrations, by name, on either backend
    assert first.startswith(f"Applied {every} migrations: carecoord.dialect/m001_group_concat, ") and first.rstrip().endswith("The schema is up to date.")
    assert cli.main(["--db", str(path), "migrate"]) == 0
    assert capsys.readouterr().out == "Nothing to apply: the schema was already up to date.\n"
