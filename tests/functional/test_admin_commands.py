"""The operator's principal commands: ``cms-admin INI users|groups|tokens …``
and the ``admin`` user that ``initialize_cms_db`` creates.

Each test runs the commands in-process against a scratch database of its own,
and checks the outcome in that database (and, for tokens, against the app).
"""

import gc
import io
import re
import warnings
from datetime import UTC, datetime, timedelta

import pytest
import webtest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import cms
from cms.db import get_engine
from cms.models import ApiToken, Group, LoginSession, User
from cms.models.meta import utcnow
from cms.scripts import admin, initialize_db
from cms.security.identity import token_digest
from cms.security.passwords import verify_password
from cms.security.tokens import load_token
from tests.sites import SECRET, site_ini

ADMIN_PASSWORD = "the operator's passphrase"
ALICE_PASSWORD = "alice's long passphrase"


@pytest.fixture
def db(scratch_url):
    """``with db() as session:`` a session on the scratch database, committed."""
    engine = get_engine({"sqlalchemy.url": scratch_url})

    class Opener:
        def __call__(self):
            return Session(engine, expire_on_commit=False)

    yield Opener()
    engine.dispose()


@pytest.fixture
def site(ini_file, monkeypatch, capsys):
    """An initialised scratch site whose ``admin`` has :data:`ADMIN_PASSWORD`."""
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    capsys.readouterr()
    return ini_file


@pytest.fixture
def cms_admin(site, capsys):
    """Run ``cms-admin INI …``; return ``(exit code, stdout, stderr)``."""

    def run(*args):
        capsys.readouterr()
        crash = None
        try:
            code = admin.main(["cms-admin", site, *args])
        except Exception as error:  # an operator would see a traceback
            crash = f"{type(error).__name__}: {error}"
        captured = capsys.readouterr()
        if crash is not None:
            # The crash leaves the command's database connection open: close
            # it here, so that it is not blamed on a later test.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                gc.collect()
            pytest.fail(
                f"cms-admin {' '.join(args)} crashed instead of exiting with a code: "
                f"{crash}\nstderr: {captured.err}"
            )
        return code, captured.out, captured.err

    return run


@pytest.fixture
def stdin(monkeypatch):
    """``stdin("secret")`` makes the next ``--password-stdin`` read *secret*."""

    def feed(text):
        monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))

    return feed


def get_user(db, login):
    with db() as session:
        user = session.scalars(select(User).where(User.login == login)).one_or_none()
        if user is not None:
            user.groups  # noqa: B018  (loaded while the session is open)
        return user


def group_names(user):
    return [group.name for group in user.groups]


def count(db, model, *where):
    with db() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


# -- initialize_cms_db and the admin user --------------------------------------


def test_initialize_creates_admin_with_the_environment_password(
    ini_file, db, monkeypatch, capsys
):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    out = capsys.readouterr().out
    assert ADMIN_PASSWORD not in out
    assert "CMS_ADMIN_PASSWORD" in out
    user = get_user(db, "admin")
    assert user is not None and user.active
    assert group_names(user) == ["admins"]
    assert verify_password(user.password_hash, ADMIN_PASSWORD)
    assert not verify_password(user.password_hash, "something else")


def test_initialize_prints_a_random_password_when_none_is_given(
    ini_file, db, monkeypatch, capsys
):
    monkeypatch.delenv("CMS_ADMIN_PASSWORD", raising=False)
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    out = capsys.readouterr().out
    match = re.search(r"with the password: (\S+)", out)
    assert match, out
    password = match.group(1)
    assert len(password) >= 12
    user = get_user(db, "admin")
    assert group_names(user) == ["admins"]
    assert verify_password(user.password_hash, password)


def test_random_admin_passwords_differ_between_sites(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CMS_ADMIN_PASSWORD", raising=False)
    passwords = []
    for number in range(2):
        ini = site_ini(
            tmp_path / f"site{number}.ini",
            f"sqlite:///{tmp_path}/s{number}.sqlite",
            tmp_path / "blobs",
        )
        initialize_db.main(["initialize_cms_db", str(ini)])
        passwords.append(
            re.search(r"password: (\S+)", capsys.readouterr().out).group(1)
        )
    assert passwords[0] != passwords[1]


def test_initialize_twice_leaves_the_admin_alone(ini_file, db, monkeypatch, capsys):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    initialize_db.main(["initialize_cms_db", ini_file])
    first = get_user(db, "admin")
    capsys.readouterr()

    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "another long passphrase")
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    out = capsys.readouterr().out
    assert "exists already" in out
    assert "another long passphrase" not in out
    again = get_user(db, "admin")
    assert again.password_hash == first.password_hash
    assert verify_password(again.password_hash, ADMIN_PASSWORD)
    assert count(db, User) == 1


def test_initialize_twice_without_password_prints_none(
    ini_file, db, monkeypatch, capsys
):
    monkeypatch.delenv("CMS_ADMIN_PASSWORD", raising=False)
    initialize_db.main(["initialize_cms_db", ini_file])
    capsys.readouterr()
    initialize_db.main(["initialize_cms_db", ini_file])
    out = capsys.readouterr().out
    assert "exists already" in out
    assert "with the password:" not in out


def test_initialize_refuses_a_too_short_environment_password(
    ini_file, scratch_url, monkeypatch, capsys
):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "short")
    assert initialize_db.main(["initialize_cms_db", ini_file]) != 0
    assert "CMS_ADMIN_PASSWORD" in capsys.readouterr().err


# -- users ---------------------------------------------------------------------


def test_users_add_with_password_from_stdin(cms_admin, db, stdin):
    assert cms_admin("groups", "add", "staff", "--title", "Staff")[0] == 0
    stdin(ALICE_PASSWORD)
    code, out, err = cms_admin(
        "users",
        "add",
        "alice",
        "--email",
        "alice@example.com",
        "--fullname",
        "Alice A.",
        "--group",
        "staff",
        "--password-stdin",
    )
    assert (code, err) == (0, "")
    assert "alice" in out
    assert ALICE_PASSWORD not in out
    user = get_user(db, "alice")
    assert (user.email, user.fullname, user.active) == (
        "alice@example.com",
        "Alice A.",
        True,
    )
    assert group_names(user) == ["staff"]
    assert verify_password(user.password_hash, ALICE_PASSWORD)


def test_users_add_asks_twice_at_the_prompt(cms_admin, db, monkeypatch):
    answers = iter([ALICE_PASSWORD, ALICE_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cms_admin("users", "add", "alice")[0] == 0
    assert verify_password(get_user(db, "alice").password_hash, ALICE_PASSWORD)


def test_users_add_refuses_two_different_passwords(cms_admin, db, monkeypatch):
    answers = iter([ALICE_PASSWORD, "something different"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _out, err = cms_admin("users", "add", "alice")
    assert code == 1
    assert "differ" in err
    assert get_user(db, "alice") is None


def test_users_add_refuses_a_duplicate(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--fullname", "First", "--password-stdin")
    stdin("another long passphrase")
    code, _out, err = cms_admin(
        "users", "add", "alice", "--fullname", "Second", "--password-stdin"
    )
    assert code == 1
    assert "taken" in err
    user = get_user(db, "alice")
    assert user.fullname == "First"
    assert verify_password(user.password_hash, ALICE_PASSWORD)
    assert count(db, User) == 2


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["Bad Login"], ALICE_PASSWORD, "login"),
        (["a" * 65], ALICE_PASSWORD, "login"),
        (["alice"], "short", "password"),
        (["alice", "--group", "nope"], ALICE_PASSWORD, "nope"),
        (["alice", "--email", "not an email"], ALICE_PASSWORD, "email"),
    ],
)
def test_users_add_refuses_bad_input(cms_admin, db, stdin, args, password, message):
    stdin(password)
    code, _out, err = cms_admin("users", "add", *args, "--password-stdin")
    assert code == 1
    assert message in err
    assert count(db, User) == 1  # admin only


def test_users_list(cms_admin, stdin):
    cms_admin("groups", "add", "staff")
    for login in ("carol", "bob"):
        stdin(ALICE_PASSWORD)
        cms_admin(
            "users",
            "add",
            login,
            "--email",
            f"{login}@example.com",
            "--fullname",
            login.title(),
            "--group",
            "staff",
            "--password-stdin",
        )
    code, out, _err = cms_admin("users", "list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["admin", "bob", "carol"]
    bob = lines[1].split("\t")
    assert {"active", "staff", "bob@example.com", "Bob"} <= set(bob)
    assert "admins" in lines[0].split("\t")
    assert "argon2" not in out


def test_users_set_changes_profile_groups_and_activity(cms_admin, db, stdin):
    cms_admin("groups", "add", "staff")
    cms_admin("groups", "add", "editors")
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--password-stdin")
    code, _out, err = cms_admin(
        "users",
        "set",
        "alice",
        "--email",
        "a@example.org",
        "--fullname",
        "Alice B.",
        "--group",
        "staff",
        "--group",
        "editors",
        "--active",
        "no",
    )
    assert (code, err) == (0, "")
    user = get_user(db, "alice")
    assert (user.email, user.fullname, user.active) == (
        "a@example.org",
        "Alice B.",
        False,
    )
    assert group_names(user) == ["editors", "staff"]

    assert (
        cms_admin("users", "set", "alice", "--active", "yes", "--group", "staff")[0]
        == 0
    )
    user = get_user(db, "alice")
    assert user.active and group_names(user) == ["staff"]
    # What was not named is kept.
    assert (user.email, user.fullname) == ("a@example.org", "Alice B.")


def test_users_set_refuses_an_unknown_group(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--fullname", "Alice", "--password-stdin")
    code, _out, err = cms_admin(
        "users", "set", "alice", "--fullname", "Changed", "--group", "nope"
    )
    assert code == 1
    assert "nope" in err
    assert get_user(db, "alice").fullname == "Alice"


def test_deactivating_a_user_makes_their_token_fail(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--password-stdin")
    secret = cms_admin("tokens", "create", "alice")[1].splitlines()[-1]
    cms_admin("users", "set", "alice", "--active", "no")
    with db() as session:
        assert load_token(session, secret) is None


def test_users_passwd_sets_the_password_and_ends_sessions(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--password-stdin")
    alice_id = get_user(db, "alice").id
    with db() as session:
        session.add(
            LoginSession(
                id=token_digest("cookie-secret"),
                user_id=alice_id,
                csrf_token="csrf",
                expires=utcnow() + timedelta(hours=1),
            )
        )
        session.commit()
    stdin("a brand new passphrase")
    code, out, err = cms_admin("users", "passwd", "alice", "--password-stdin")
    assert (code, err) == (0, "")
    assert "a brand new passphrase" not in out
    user = get_user(db, "alice")
    assert verify_password(user.password_hash, "a brand new passphrase")
    assert not verify_password(user.password_hash, ALICE_PASSWORD)
    assert count(db, LoginSession, LoginSession.user_id == alice_id) == 0


def test_users_passwd_refuses_a_short_password(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--password-stdin")
    stdin("short")
    code, _out, err = cms_admin("users", "passwd", "alice", "--password-stdin")
    assert code == 1
    assert "password" in err
    assert verify_password(get_user(db, "alice").password_hash, ALICE_PASSWORD)


def test_users_delete(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--password-stdin")
    secret = cms_admin("tokens", "create", "alice")[1].splitlines()[-1]
    alice_id = get_user(db, "alice").id
    code, _out, err = cms_admin("users", "delete", "alice")
    assert (code, err) == (0, "")
    assert get_user(db, "alice") is None
    assert count(db, ApiToken, ApiToken.user_id == alice_id) == 0
    with db() as session:
        assert load_token(session, secret) is None


@pytest.mark.parametrize(
    "args",
    [
        ["set", "nobody", "--fullname", "X"],
        ["passwd", "nobody", "--password-stdin"],
        ["delete", "nobody"],
    ],
)
def test_users_commands_refuse_an_unknown_user(cms_admin, db, stdin, args):
    stdin(ALICE_PASSWORD)
    code, _out, err = cms_admin("users", *args)
    assert code == 1
    assert "nobody" in err
    assert count(db, User) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["delete", "admin"],
        ["set", "admin", "--active", "no"],
        ["set", "admin", "--group", "staff"],
    ],
)
def test_the_last_admin_cannot_be_removed(cms_admin, db, args):
    cms_admin("groups", "add", "staff")
    code, _out, err = cms_admin("users", *args)
    assert code == 1
    assert "admin" in err
    assert "Traceback" not in err
    user = get_user(db, "admin")
    assert user is not None and user.active
    assert "admins" in group_names(user)


def test_an_admin_may_go_while_another_remains(cms_admin, db, stdin):
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--group", "admins", "--password-stdin")
    assert cms_admin("users", "delete", "admin")[0] == 0
    assert get_user(db, "admin") is None
    assert cms_admin("users", "delete", "alice")[0] == 1
    assert get_user(db, "alice") is not None


# -- groups --------------------------------------------------------------------


def test_groups_add_and_list(cms_admin, db):
    assert cms_admin("groups", "add", "staff", "--title", "Our staff")[0] == 0
    assert cms_admin("groups", "add", "editors")[0] == 0
    code, out, _err = cms_admin("groups", "list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["admins", "editors", "staff"]
    assert "Our staff" in lines[2]
    assert count(db, Group) == 3


@pytest.mark.parametrize("name", ["staff", "admins"])
def test_groups_add_refuses_a_duplicate(cms_admin, db, name):
    cms_admin("groups", "add", "staff", "--title", "First")
    code, _out, err = cms_admin("groups", "add", name, "--title", "Second")
    assert code == 1
    assert "taken" in err
    assert count(db, Group) == 2
    with db() as session:
        assert (
            session.scalar(select(Group.title).where(Group.name == "staff")) == "First"
        )


@pytest.mark.parametrize("name", ["Staff", "a b", "x" * 65])
def test_groups_add_refuses_a_bad_name(cms_admin, db, name):
    code, _out, err = cms_admin("groups", "add", name)
    assert code == 1
    assert "name" in err
    assert count(db, Group) == 1


def test_groups_delete(cms_admin, db, stdin):
    cms_admin("groups", "add", "staff")
    stdin(ALICE_PASSWORD)
    cms_admin("users", "add", "alice", "--group", "staff", "--password-stdin")
    code, _out, err = cms_admin("groups", "delete", "staff")
    assert (code, err) == (0, "")
    assert count(db, Group, Group.name == "staff") == 0
    assert group_names(get_user(db, "alice")) == []


def test_groups_delete_refuses_admins_and_unknown_groups(cms_admin, db):
    code, _out, err = cms_admin("groups", "delete", "admins")
    assert code == 1
    assert "admins" in err
    assert "Traceback" not in err
    assert count(db, Group, Group.name == "admins") == 1
    assert "admins" in group_names(get_user(db, "admin"))
    code, _out, err = cms_admin("groups", "delete", "nope")
    assert code == 1
    assert "nope" in err


# -- tokens --------------------------------------------------------------------


def test_tokens_create_read_only(cms_admin, db):
    code, out, err = cms_admin("tokens", "create", "admin", "--read-only")
    assert (code, err) == (0, "")
    assert out.startswith("Read-only token")
    with db() as session:
        assert load_token(session, out.splitlines()[-1]).scope == "read"
    assert cms_admin("tokens", "list", "admin")[1].rstrip().endswith("read")


def test_tokens_create_prints_a_working_secret_once(
    cms_admin, db, scratch_url, tmp_path
):
    code, out, err = cms_admin("tokens", "create", "admin", "--title", "ci")
    assert (code, err) == (0, "")
    secret = out.splitlines()[-1]
    assert out.count(secret) == 1
    with db() as session:
        token = load_token(session, secret)
        assert token is not None
        assert (token.user.login, token.title, token.expires) == ("admin", "ci", None)
        # Only a hash is stored.
        stored = session.scalar(
            select(ApiToken.token_hash).where(ApiToken.id == token.id)
        )
        assert secret not in stored

    # The app accepts it as a bearer token.
    app = cms.main(
        {},
        **{
            "sqlalchemy.url": scratch_url,
            "cms.secret": SECRET,
            "cms.blob_dir": str(tmp_path / "blobs"),
        },
    )
    try:
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        items = client.get("/@@tokens", headers=headers, status=200).json["items"]
        assert [item["title"] for item in items] == ["ci"]
        assert secret not in client.get("/@@tokens", headers=headers).text
        client.get("/@@users", headers=headers, status=200)
    finally:
        app.registry["dbengine"].dispose()


def test_tokens_create_with_an_expiry(cms_admin, db):
    code, out, _err = cms_admin("tokens", "create", "admin", "--expires-in", "3600")
    assert code == 0
    with db() as session:
        token = load_token(session, out.splitlines()[-1])
        assert abs(token.expires - datetime.now(UTC) - timedelta(hours=1)) < timedelta(
            minutes=1
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "nobody"),
        (["admin", "--expires-in", "30"], "expires"),
        (["admin", "--expires-in", str(400 * 24 * 3600)], "expires"),
    ],
)
def test_tokens_create_refuses_bad_input(cms_admin, db, args, message):
    code, out, err = cms_admin("tokens", "create", *args)
    assert code == 1
    assert message in err
    assert "cms_" not in out
    assert count(db, ApiToken) == 0


def test_tokens_list_shows_no_secret(cms_admin):
    first = cms_admin("tokens", "create", "admin", "--title", "one")[1].splitlines()[-1]
    second = cms_admin("tokens", "create", "admin", "--title", "two")[1].splitlines()[
        -1
    ]
    code, out, _err = cms_admin("tokens", "list", "admin")
    assert code == 0
    lines = out.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["one", "two"]
    assert "expires never" in lines[0]
    assert first not in out and second not in out
    assert token_digest(first) not in out
    assert cms_admin("tokens", "list", "nobody")[0] == 1


def test_tokens_revoke(cms_admin, db):
    out = cms_admin("tokens", "create", "admin")[1]
    token_id = int(re.search(r"Token (\d+)", out).group(1))
    secret = out.splitlines()[-1]
    keep = cms_admin("tokens", "create", "admin")[1].splitlines()[-1]
    code, out, err = cms_admin("tokens", "revoke", str(token_id))
    assert (code, err) == (0, "")
    with db() as session:
        assert load_token(session, secret) is None
        assert load_token(session, keep) is not None
    code, out, err = cms_admin("tokens", "revoke", str(token_id))
    assert code == 1
    assert str(token_id) in err


# -- help ----------------------------------------------------------------------

HELP_COMMANDS = [
    [],
    ["users"],
    ["users", "add"],
    ["users", "list"],
    ["users", "set"],
    ["users", "passwd"],
    ["users", "delete"],
    ["groups"],
    ["groups", "add"],
    ["groups", "list"],
    ["groups", "delete"],
    ["tokens"],
    ["tokens", "create"],
    ["tokens", "list"],
    ["tokens", "revoke"],
    ["check"],
    ["reindex"],
]


@pytest.mark.parametrize(
    "words", HELP_COMMANDS, ids=lambda words: " ".join(words) or "-"
)
def test_every_command_has_help(words, capsys):
    with pytest.raises(SystemExit) as exit:
        admin.main(["cms-admin", "site.ini", *words, "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: cms-admin")


def test_initialize_has_help(capsys):
    with pytest.raises(SystemExit) as exit:
        initialize_db.main(["initialize_cms_db", "--help"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.startswith("usage: initialize_cms_db")
