"""Open Badges 3.0 credentials end to end: earned for a module and for a sign-off, signed with a key made by
`carecoord keys init`, served publicly over HTTP, verified by `carecoord verify` (the JWT and the baked PNG),
and failing with a clear reason when tampered with, signed by another key, or revoked."""

import json
import threading
import urllib.request
from datetime import timedelta

import pytest

from carecoord import badges, cli, credentials, db as database, public, public_server
from carecoord.content import load_library
from carecoord.people import LEAD, TRAINEE
from carecoord.store import accounts as A, credentials as held, learning as L, observations as O, personal_data

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework
MODULE = LIBRARY.modules[0]


@pytest.fixture
def signing_key(tmp_path, monkeypatch):
    path = tmp_path / "keys" / "signing.pem"
    assert cli.main(["keys", "init", "--path", str(path)]) == 0
    assert cli.main(["keys", "init", "--path", str(path)]) == 1  # never replaced: old credentials would break
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("CARECOORD_SIGNING_KEY", str(path))
    return path


@pytest.fixture
def org(db, now):
    practice = A.create_practice(db, A.SYSTEM, "North", now)
    people = {}
    for name, role in (("lee", LEAD), ("tia", TRAINEE), ("nan", LEAD), ("oli", LEAD)):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=f"{name.title()} Example",
                              password="correct horse battery", now=now)
        A.add_membership(db, A.SYSTEM, pid, practice, role, now)
        people[name] = A.load_person(db, pid)
    return people


def complete_module(db, person, now, module=MODULE):
    for lesson in module.lessons:
        for check in lesson.checks:
            right = frozenset(c.id for c in check.choices if c.correct)
            L.answer_check(db, person, lesson, check, right, now, library=LIBRARY)
        L.mark_complete(db, person, lesson, now, library=LIBRARY)


def test_worked_example_of_the_module_rule():
    lessons = [lesson.id for lesson in MODULE.lessons]
    checks = [c.id for lesson in MODULE.lessons for c in lesson.checks]
    assert credentials.earned_modules(LIBRARY, lessons, checks) == [MODULE]
    assert credentials.earned_modules(LIBRARY, lessons[:-1], checks) == []  # a lesson short
    assert credentials.earned_modules(LIBRARY, lessons, checks[1:]) == []  # one check never right


def test_a_module_is_earned_once_and_waits_to_be_signed_until_there_is_a_key(db, org, now, monkeypatch, tmp_path):
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://carecoord.example.org")
    monkeypatch.delenv("CARECOORD_SIGNING_KEY", raising=False)
    tia = org["tia"]
    first = MODULE.lessons[0].checks[0]
    wrong = frozenset({next(c.id for c in first.choices if not c.correct)})
    L.answer_check(db, tia, MODULE.lessons[0], first, wrong, now, library=LIBRARY)  # wrong at the first try
    complete_module(db, tia, now)
    assert held.credentials_of(db, tia, tia) == []  # not every check right at first try or on review
    L.answer_check(db, tia, MODULE.lessons[0], first, frozenset(c.id for c in first.choices if c.correct), now,
                   source="review", library=LIBRARY)
    [earned] = held.credentials_of(db, tia, tia)
    assert (earned.kind, earned.achievement_key, earned.issued) == ("module", MODULE.id, False)
    complete_module(db, tia, now)  # again: nothing new
    assert len(held.credentials_of(db, tia, tia)) == 1
    key = tmp_path / "k.pem"
    key.write_bytes(badges.new_signing_key())
    monkeypatch.setenv("CARECOORD_SIGNING_KEY", str(key))
    assert held.issue_waiting(db, LIBRARY, now) == 1
    [issued] = held.credentials_of(db, tia, tia)
    assert issued.issued and held.own_token(db, tia, issued.id) == issued.token
    with pytest.raises(Exception):
        held.own_token(db, org["lee"], issued.id)  # only its holder downloads it


def test_credentials_are_readable_by_the_person_and_their_leads_only(db, org, now, signing_key, monkeypatch):
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://carecoord.example.org")
    complete_module(db, org["tia"], now)
    assert all(c.token for c in held.credentials_of(db, org["tia"], org["tia"]))
    assert held.credentials_of(db, org["lee"], org["tia"])
    assert all(c.token is None for c in held.credentials_of(db, org["lee"], org["tia"]))  # the signed text: holder only
    stranger = A.load_person(db, A.create_person(db, A.SYSTEM, username="sam", display_name="Sam",
                                                 password="correct horse battery", now=now))
    with pytest.raises(Exception):
        held.credentials_of(db, stranger, org["tia"])


@pytest.fixture
def served(demo_path, signing_key, monkeypatch):
    """The public server on a loopback port, with the public address pointing at it (as behind a proxy)."""
    library = LIBRARY
    server = public_server.make_server("127.0.0.1", 0, lambda: database.connect(demo_path), lambda: library)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers["Content-Type"], json.loads(answer.read())


def test_the_public_documents_are_served_as_json(served, demo_db):
    status, kind, issuer = get(f"{served}/public/issuer.json")
    assert status == 200 and kind.startswith("application/json")
    assert issuer["id"] == f"{served}/public/issuer.json" and "Profile" in issuer["type"]
    keys = get(f"{served}/public/jwks.json")[2]
    assert [k["kid"] for k in keys["keys"]] == [f"{served}/public/keys/key-1.json"] and "d" not in keys["keys"][0]
    assert get(f"{served}/public/keys/key-1.json")[2]["kty"] == "RSA"
    assert get(f"{served}/public/revocations.json")[2].get("revokedCredentials", []) == []  # empty lists are left out
    achievement = get(f"{served}/public/achievements/module/{MODULE.id}")[2]
    assert achievement["name"] == MODULE.title and achievement["criteria"]["narrative"]
    assert get(f"{served}/public/competencies/FP1")[2]["code"] == "FP1"
    for missing in ("/public/achievements/module/nope", "/public/../etc/passwd", "/public/competencies/ZZ9", "/"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(served + missing)
        assert refused.value.code == 404


def newcomer(db, now):
    """A new trainee of the demo practice, with no answers yet."""
    practice = db.execute("SELECT practice_id FROM membership m JOIN person p ON p.id = m.person_id "
                          "WHERE p.username = 'demo-lead'").fetchone()[0]
    return A.load_person(db, A.add_person_to_practice(db, A.SYSTEM, practice, TRAINEE, now, username="kim",
                                                      display_name="Kim Newcomer", password="correct horse battery"))


def verify_file(tmp_path, name, data, capsys):
    path = tmp_path / name
    path.write_bytes(data)
    code = cli.main(["verify", str(path)])
    return code, capsys.readouterr().out


def test_a_module_credential_verifies_as_jwt_and_as_a_baked_badge_and_fails_when_tampered(
        served, demo_db, now, tmp_path, capsys):
    tia = newcomer(demo_db, now)
    complete_module(demo_db, tia, now)
    issued = next(c for c in held.credentials_of(demo_db, tia, tia) if c.achievement_key == MODULE.id)
    token = held.own_token(demo_db, tia, issued.id)
    payload = badges.unverified_claims(token)
    assert badges.conformance_problems(payload) == []
    assert payload["credentialSubject"]["achievement"]["id"] == f"{served}/public/achievements/module/{MODULE.id}"
    assert "demo" not in json.dumps(payload["credentialSubject"]["id"])  # an opaque subject id
    code, out = verify_file(tmp_path, "credential.jwt", token.encode(), capsys)
    assert code == 0 and "VALID" in out
    baked = badges.bake_png(badges.badge_png(MODULE.title), token)
    code, out = verify_file(tmp_path, "badge.png", baked, capsys)
    assert code == 0 and "VALID" in out
    header, body, signature = token.split(".")
    forged = json.loads(badges._b64url_decode(body)) | {"name": "Expert in everything"}
    tampered = ".".join([header, badges._b64url(json.dumps(forged).encode()), signature])
    code, out = verify_file(tmp_path, "tampered.jwt", tampered.encode(), capsys)
    assert code == 1 and "NOT VALID" in out
    other_key = badges.new_signing_key()
    credential = {k: v for k, v in payload.items() if k not in badges.JWT_CLAIMS}
    wrong = badges.sign(credential, other_key, f"{served}/public/keys/key-1.json")
    code, out = verify_file(tmp_path, "wrong-key.jwt", wrong.encode(), capsys)
    assert code == 1 and "NOT VALID" in out
    code, out = verify_file(tmp_path, "not-a-credential.txt", b"hello", capsys)
    assert code in (1, 2) and "VALID:" not in out.replace("NOT VALID:", "")


def test_a_sign_off_earns_a_level_credential_and_withdrawing_it_revokes_it(served, demo_db, demo_path, now, tmp_path,
                                                                          capsys):
    lead = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-lead'").fetchone()[0])
    [signed] = [row for row in demo_db.query(
        "SELECT id, person_id, competency_code, level FROM sign_off WHERE withdrawn_at IS NULL ORDER BY id LIMIT 1")]
    subject = A.load_person(demo_db, signed["person_id"])
    # The demo's sign-offs were made without a key: signing them now is `carecoord credentials issue`.
    assert cli.main(["--db", str(demo_path), "credentials", "issue"]) == 0
    level = next(c for c in held.credentials_of(demo_db, subject, subject)  # the holder, who has the signed text
                 if c.achievement_key == f"{signed['competency_code']}/{signed['level']}")
    token = level.token
    assert verify_file(tmp_path, "level.jwt", token.encode(), capsys)[0] == 0
    O.withdraw_sign_off(demo_db, lead, signed["id"], "Signed too early", now + timedelta(minutes=1))
    assert held.revoked(demo_db)[0][0] == level.id
    listed = get(f"{served}/public/revocations.json")[2]["revokedCredentials"]
    assert [entry["id"] for entry in listed] == [level.id]
    code, out = verify_file(tmp_path, "level.jwt", token.encode(), capsys)
    assert code == 1 and "revoked" in out.lower()


def test_erasing_a_person_keeps_their_credentials_valid_but_drops_our_signed_copy(served, demo_db, now):
    tia = newcomer(demo_db, now)
    complete_module(demo_db, tia, now)
    admin = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-admin'").fetchone()[0])
    personal_data.erase_person(demo_db, admin, tia.id, now)
    assert demo_db.execute("SELECT count(*) FROM credential WHERE person_id = ? AND token IS NOT NULL",
                           [tia.id]).fetchone()[0] == 0
    assert held.revoked(demo_db) == []  # not revoked: the credential is still theirs to carry


def test_without_a_key_or_an_address_the_admin_is_told_why(monkeypatch):
    monkeypatch.delenv("CARECOORD_PUBLIC_URL", raising=False)
    monkeypatch.delenv("CARECOORD_SIGNING_KEY", raising=False)
    problems = public.problems()
    assert any("No public address" in p for p in problems) and any("carecoord keys init" in p for p in problems)
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "javascript:alert(1)")
    assert any("must be an address" in p for p in public.problems())


@pytest.mark.parametrize("contents", [b"not a key at all", "public"], ids=["garbage", "public key"])
def test_a_key_file_that_is_not_a_private_key_never_fails_the_learners_action(db, org, now, monkeypatch, tmp_path,
                                                                           contents):
    from joserfc.jwk import RSAKey

    if contents == "public":
        contents = RSAKey.import_key(badges.new_signing_key()).as_pem(private=False)
    key = tmp_path / "bad.pem"
    key.write_bytes(contents)
    monkeypatch.setenv("CARECOORD_SIGNING_KEY", str(key))
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://carecoord.example.org")
    complete_module(db, org["tia"], now)  # nothing raised: the module completes
    [earned] = held.credentials_of(db, org["tia"], org["tia"])
    assert not earned.issued and not held.can_issue()
    assert any("is not an RSA private key" in p for p in public.problems())


def test_a_public_address_with_a_path_is_refused(monkeypatch):
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://example.org/carecoord")
    with pytest.raises(public.ConfigurationError):
        public.base_url()


def test_verify_refuses_a_folder_an_empty_file_and_an_image_without_a_credential(tmp_path, capsys):
    assert cli.main(["verify", str(tmp_path)]) == 2 and "is not a file" in capsys.readouterr().err
    for name, data, said in (("empty.jwt", b"", "empty"), ("plain.png", badges.badge_png("A badge"), "no credential"),
                             ("binary.jwt", b"\xff\xfe\x00", "neither")):
        (tmp_path / name).write_bytes(data)
        assert cli.main(["verify", str(tmp_path / name)]) == 2
        assert said in capsys.readouterr().err
