"""``/@@users``, ``/@@groups``, ``/@@tokens`` and the JSON login, as clients meet them.

Anonymous callers get 401 and learn nothing; users manage their own profile,
password and tokens; members of ``admins`` manage every user and group, and
the site always keeps one active admin.
"""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import webtest
from sqlalchemy import func, select

from cms.models import ApiToken, Group, User
from cms.security.passwords import verify_password
from tests.factories import PASSWORD, bearer, ensure_group, log_in, make_user

JSON = {"Accept": "application/json"}
NEW_PASSWORD = "a brand new passphrase"
#: Past any clock drift between a request and the test reading its result.
SLACK = timedelta(seconds=30)


# -- helpers ------------------------------------------------------------------


def count(dbsession, model):
    dbsession.expire_all()
    return dbsession.scalar(select(func.count()).select_from(model))


def reload_user(dbsession, login):
    dbsession.expire_all()
    return dbsession.scalars(select(User).where(User.login == login)).one_or_none()


def reload_group(dbsession, name):
    dbsession.expire_all()
    return dbsession.scalars(select(Group).where(Group.name == name)).one_or_none()


def token_row(dbsession, token_id):
    dbsession.expire_all()
    return dbsession.get(ApiToken, token_id)


def assert_json_error(response, status, type_=None):
    assert response.status_int == status
    assert response.content_type == "application/json"
    error = response.json["error"]
    assert error["message"]
    if type_ is not None:
        assert error["type"] == type_
    return error


def error_fields(response):
    """The fields named by a 400's ``errors``."""
    error = assert_json_error(response, 400)
    return {entry["field"] for entry in error["errors"]}


def assert_unauthorized(response):
    assert_json_error(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response.headers


def json_login(testapp, login, password=PASSWORD, status=201, **extra):
    return testapp.post_json(
        "/@@login",
        {"login": login, "password": password, **extra},
        headers=JSON,
        status=status,
    )


def token_headers(secret):
    return {"Authorization": f"Bearer {secret}", "Accept": "application/json"}


def browser(app):
    """A second browser on the same app (and the test's transaction)."""
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})


def is_logged_in(page):
    return page.html.select_one('meta[name="csrf-token"]') is not None


@pytest.fixture
def alice(dbsession, root):
    user = make_user(dbsession, "alice", email="alice@example.com", fullname="Alice A.")
    dbsession.flush()
    return user


@pytest.fixture
def bob(dbsession, root):
    user = make_user(dbsession, "bob", email="bob@example.com", fullname="Bob B.")
    dbsession.flush()
    return user


@pytest.fixture
def boss(dbsession, root):
    user = make_user(dbsession, "boss", groups=["admins"])
    dbsession.flush()
    return user


@pytest.fixture
def staff(dbsession, root):
    group = ensure_group(dbsession, "staff")
    dbsession.flush()
    return group


# -- anonymous ----------------------------------------------------------------

ANONYMOUS_REQUESTS = [
    ("GET", "/@@users", None),
    ("GET", "/@@users/alice", None),
    ("GET", "/@@users/nobody", None),
    ("PATCH", "/@@users/alice", {"fullname": "Hacked"}),
    ("DELETE", "/@@users/alice", None),
    ("POST", "/@@users", {"login": "mallory", "password": PASSWORD}),
    ("GET", "/@@groups", None),
    ("GET", "/@@groups/staff", None),
    ("POST", "/@@groups", {"name": "evil"}),
    ("PATCH", "/@@groups/staff", {"title": "Hacked"}),
    ("DELETE", "/@@groups/staff", None),
    ("GET", "/@@tokens", None),
    ("POST", "/@@tokens", {"title": "mine"}),
]


@pytest.mark.parametrize(("method", "url", "body"), ANONYMOUS_REQUESTS)
def test_anonymous_gets_401_with_bearer_challenge(
    testapp, dbsession, alice, staff, method, url, body
):
    users, groups = count(dbsession, User), count(dbsession, Group)
    if body is None:
        response = testapp.request(url, method=method, headers=JSON, expect_errors=True)
    else:
        response = getattr(testapp, f"{method.lower()}_json")(
            url, body, headers=JSON, expect_errors=True
        )
    assert_unauthorized(response)
    assert "alice" not in response.text
    assert (count(dbsession, User), count(dbsession, Group)) == (users, groups)
    assert reload_user(dbsession, "alice").fullname == "Alice A."
    assert reload_group(dbsession, "staff").title == "Staff"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_anonymous_401_does_not_say_whether_the_user_exists(testapp, alice, method):
    def ask(login):
        return testapp.request(
            f"/@@users/{login}", method=method, headers=JSON, expect_errors=True
        )

    existing, missing = ask("alice"), ask("nobody")
    assert existing.status_int == missing.status_int == 401
    assert existing.body == missing.body
    assert existing.headers["WWW-Authenticate"] == missing.headers["WWW-Authenticate"]


# -- a logged-in user who is not an admin -------------------------------------


def test_non_admin_may_not_list_users(testapp, dbsession, alice, bob):
    response = testapp.get("/@@users", headers=bearer(dbsession, alice), status=403)
    assert_json_error(response, 403, "Forbidden")
    assert "bob" not in response.text


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_non_admin_gets_the_same_403_for_others_existing_or_not(
    testapp, dbsession, alice, bob, method
):
    headers = bearer(dbsession, alice)

    def ask(login):
        if method == "PATCH":
            return testapp.patch_json(
                f"/@@users/{login}", {"fullname": "Hacked"}, headers=headers, status=403
            )
        return testapp.request(
            f"/@@users/{login}", method=method, headers=headers, status=403
        )

    existing, missing = ask("bob"), ask("nobody")
    assert_json_error(existing, 403, "Forbidden")
    assert existing.body == missing.body
    assert "bob@example.com" not in existing.text
    bob_now = reload_user(dbsession, "bob")
    assert bob_now is not None and bob_now.fullname == "Bob B."


def test_user_reads_their_own_profile_without_any_secret(
    testapp, dbsession, alice, staff
):
    alice.groups = [staff]
    dbsession.flush()
    response = testapp.get(
        "/@@users/alice", headers=bearer(dbsession, alice), status=200
    )
    data = response.json
    assert data["@id"] == "http://example.com/@@users/alice"
    assert data["login"] == "alice"
    assert data["email"] == "alice@example.com"
    assert data["fullname"] == "Alice A."
    assert data["groups"] == ["staff"]
    assert data["active"] is True
    for secret in ("argon2", "password_hash", "password", alice.password_hash):
        assert secret not in response.text


def test_non_admin_may_not_create_users(testapp, dbsession, alice):
    users = count(dbsession, User)
    response = testapp.post_json(
        "/@@users",
        {"login": "mallory", "password": PASSWORD, "groups": ["admins"]},
        headers=bearer(dbsession, alice),
        status=403,
    )
    assert_json_error(response, 403, "Forbidden")
    assert count(dbsession, User) == users
    assert reload_user(dbsession, "mallory") is None


def test_user_may_not_delete_themselves(testapp, dbsession, alice):
    testapp.delete("/@@users/alice", headers=bearer(dbsession, alice), status=403)
    assert reload_user(dbsession, "alice") is not None


# -- changing one's own profile -----------------------------------------------


def test_user_changes_their_own_email_fullname_and_password(testapp, dbsession, alice):
    response = testapp.patch_json(
        "/@@users/alice",
        {
            "email": "new@example.org",
            "fullname": "Alice Anew",
            "password": NEW_PASSWORD,
            "current_password": PASSWORD,
        },
        headers=bearer(dbsession, alice),
        status=200,
    )
    assert response.json["email"] == "new@example.org"
    assert response.json["fullname"] == "Alice Anew"
    assert "argon2" not in response.text
    user = reload_user(dbsession, "alice")
    assert (user.email, user.fullname) == ("new@example.org", "Alice Anew")
    assert verify_password(user.password_hash, NEW_PASSWORD)
    # The new password logs in; the old one no longer does.
    assert json_login(testapp, "alice", NEW_PASSWORD).json["token"]
    json_login(testapp, "alice", PASSWORD, status=401)


@pytest.mark.parametrize(
    "body",
    [
        {"groups": ["admins"]},
        {"active": False},
        {"login": "mallory"},
        {"password_hash": "x"},
        {"id": 1},
        {"fullname": "Sneaky", "groups": ["admins"]},
    ],
)
def test_user_may_not_patch_privileged_fields_of_their_own(
    testapp, dbsession, alice, boss, body
):
    response = testapp.patch_json(
        "/@@users/alice", body, headers=bearer(dbsession, alice), status=400
    )
    assert error_fields(response) & set(body) - {"fullname"}
    user = reload_user(dbsession, "alice")
    assert user.login == "alice"
    assert user.groups == []
    assert user.active is True
    assert user.fullname == "Alice A."
    assert not user.is_admin
    assert verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"email": 42}, "email"),
        ({"fullname": "x" * 201}, "fullname"),
        ({"fullname": None}, "fullname"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 1025}, "password"),
        ({"password": 12345678}, "password"),
        ({"password": NEW_PASSWORD, "email": "bad"}, "email"),
    ],
)
def test_self_patch_with_invalid_values_changes_nothing(
    testapp, dbsession, alice, body, field
):
    if "password" in body:
        body = {**body, "current_password": PASSWORD}
    response = testapp.patch_json(
        "/@@users/alice", body, headers=bearer(dbsession, alice), status=400
    )
    assert field in error_fields(response)
    user = reload_user(dbsession, "alice")
    assert (user.email, user.fullname) == ("alice@example.com", "Alice A.")
    assert verify_password(user.password_hash, PASSWORD)


def test_a_new_password_ends_existing_browser_sessions(app, testapp, dbsession, alice):
    other_browser = browser(app)
    log_in(other_browser, "alice")
    assert is_logged_in(other_browser.get("/@@logout"))

    testapp.patch_json(
        "/@@users/alice",
        {"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=bearer(dbsession, alice),
        status=200,
    )

    page = other_browser.get("/@@logout")
    assert not is_logged_in(page)
    assert "You are not logged in" in page.text
    # The old password is refused, the new one opens a new session.
    other_browser.post("/@@login", {"login": "alice", "password": PASSWORD}, status=401)
    log_in(other_browser, "alice", NEW_PASSWORD)
    assert is_logged_in(other_browser.get("/@@logout"))


def test_browser_patch_needs_the_csrf_token(app, testapp, dbsession, alice):
    other_browser = browser(app)
    csrf = log_in(other_browser, "alice")
    refused = other_browser.patch_json(
        "/@@users/alice", {"fullname": "Forged"}, headers=JSON, expect_errors=True
    )
    assert refused.status_int in (400, 403)
    assert reload_user(dbsession, "alice").fullname == "Alice A."
    response = other_browser.patch_json(
        "/@@users/alice",
        {"fullname": "Real"},
        headers={**JSON, "X-CSRF-Token": csrf},
        status=200,
    )
    assert response.json["fullname"] == "Real"
    assert reload_user(dbsession, "alice").fullname == "Real"


# -- admins manage users ------------------------------------------------------


def test_admin_lists_users_sorted_by_login(testapp, dbsession, boss):
    for login in ("carol", "alice", "bob"):
        make_user(dbsession, login, email=f"{login}@example.com")
    dbsession.flush()
    response = testapp.get("/@@users", headers=bearer(dbsession, boss), status=200)
    items = response.json["items"]
    assert [item["login"] for item in items] == ["alice", "bob", "boss", "carol"]
    assert items[0]["email"] == "alice@example.com"
    assert items[1]["@id"] == "http://example.com/@@users/bob"
    assert "argon2" not in response.text
    assert "password" not in response.text


def test_admin_creates_a_user(testapp, dbsession, boss, staff):
    response = testapp.post_json(
        "/@@users",
        {
            "login": "dave",
            "password": NEW_PASSWORD,
            "email": "dave@example.com",
            "fullname": "Dave D.",
            "groups": ["staff"],
        },
        headers=bearer(dbsession, boss),
        status=201,
    )
    data = response.json
    assert (
        response.headers["Location"] == data["@id"] == "http://example.com/@@users/dave"
    )
    assert (data["login"], data["email"], data["fullname"]) == (
        "dave",
        "dave@example.com",
        "Dave D.",
    )
    assert data["groups"] == ["staff"]
    assert data["active"] is True
    assert "argon2" not in response.text and NEW_PASSWORD not in response.text
    # The new user exists, can log in, and the Location answers.
    assert (
        testapp.get("/@@users/dave", headers=bearer(dbsession, boss), status=200).json[
            "login"
        ]
        == "dave"
    )
    assert json_login(testapp, "dave", NEW_PASSWORD).json["token"]


def test_admin_creates_a_minimal_user(testapp, dbsession, boss):
    response = testapp.post_json(
        "/@@users",
        {"login": "x.y_z-9", "password": NEW_PASSWORD},
        headers=bearer(dbsession, boss),
        status=201,
    )
    assert response.json["groups"] == []
    assert reload_user(dbsession, "x.y_z-9") is not None


def test_duplicate_login_is_409(testapp, dbsession, boss, alice):
    users = count(dbsession, User)
    response = testapp.post_json(
        "/@@users",
        {"login": "alice", "password": NEW_PASSWORD, "fullname": "Second Alice"},
        headers=bearer(dbsession, boss),
        status=409,
    )
    assert_json_error(response, 409, "Conflict")
    assert count(dbsession, User) == users
    user = reload_user(dbsession, "alice")
    assert user.fullname == "Alice A."
    assert verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize(
    "login",
    ["Bad Login", "", "a" * 65, "Alice", "al/ice", "al@ice", "élise", "a\nb", 42, None],
)
def test_invalid_login_is_400(testapp, dbsession, boss, login):
    users = count(dbsession, User)
    response = testapp.post_json(
        "/@@users",
        {"login": login, "password": NEW_PASSWORD},
        headers=bearer(dbsession, boss),
        status=400,
    )
    assert "login" in error_fields(response)
    assert count(dbsession, User) == users


def test_missing_login_is_400(testapp, dbsession, boss):
    response = testapp.post_json(
        "/@@users",
        {"password": NEW_PASSWORD},
        headers=bearer(dbsession, boss),
        status=400,
    )
    assert "login" in error_fields(response)


def test_login_of_64_characters_is_fine(testapp, dbsession, boss):
    login = "a" * 64
    testapp.post_json(
        "/@@users",
        {"login": login, "password": NEW_PASSWORD},
        headers=bearer(dbsession, boss),
        status=201,
    )
    assert reload_user(dbsession, login) is not None


@pytest.mark.parametrize("body", [{"password": "short"}, {}, {"password": None}])
def test_bad_or_missing_password_is_400(testapp, dbsession, boss, body):
    users = count(dbsession, User)
    response = testapp.post_json(
        "/@@users",
        {"login": "dave", **body},
        headers=bearer(dbsession, boss),
        status=400,
    )
    assert "password" in error_fields(response)
    assert count(dbsession, User) == users


@pytest.mark.parametrize("groups", [["nope"], ["staff", "nope"], "staff", [1]])
def test_unknown_group_is_400(testapp, dbsession, boss, staff, groups):
    users = count(dbsession, User)
    response = testapp.post_json(
        "/@@users",
        {"login": "dave", "password": NEW_PASSWORD, "groups": groups},
        headers=bearer(dbsession, boss),
        status=400,
    )
    assert "groups" in error_fields(response)
    assert count(dbsession, User) == users


@pytest.mark.parametrize(
    "field", ["password_hash", "id", "created", "is_admin", "token"]
)
def test_unknown_field_on_create_is_400(testapp, dbsession, boss, field):
    users = count(dbsession, User)
    response = testapp.post_json(
        "/@@users",
        {"login": "dave", "password": NEW_PASSWORD, field: "x"},
        headers=bearer(dbsession, boss),
        status=400,
    )
    assert field in error_fields(response)
    assert count(dbsession, User) == users


def test_email_as_long_as_the_pattern_allows_is_not_a_500(testapp, dbsession, boss):
    """The longest address the email check accepts must also fit the column."""
    email = "a" * 64 + "@" + "b" * 190
    response = testapp.post_json(
        "/@@users",
        {"login": "dave", "password": NEW_PASSWORD, "email": email},
        headers=bearer(dbsession, boss),
        expect_errors=True,
    )
    assert response.status_int in (201, 400), response.text
    if response.status_int == 201:
        assert reload_user(dbsession, "dave").email == email
    else:
        assert "email" in error_fields(response)


NUL_WRITES = [
    (
        "POST",
        "/@@users",
        "boss",
        {"login": "dave", "password": NEW_PASSWORD, "fullname": "N\u0000l"},
    ),
    (
        "POST",
        "/@@users",
        "boss",
        {"login": "dave", "password": NEW_PASSWORD, "email": "n\u0000@x.org"},
    ),
    ("PATCH", "/@@users/alice", "alice", {"fullname": "N\u0000l"}),
    ("POST", "/@@groups", "boss", {"name": "extra", "title": "N\u0000l"}),
    ("PATCH", "/@@groups/staff", "boss", {"title": "N\u0000l"}),
    ("POST", "/@@tokens", "alice", {"title": "N\u0000l"}),
]


@pytest.mark.parametrize(("method", "url", "caller", "body"), NUL_WRITES)
def test_nul_characters_in_text_fields_are_not_a_500(
    testapp, dbsession, alice, boss, staff, method, url, caller, body
):
    """PostgreSQL cannot store U+0000 in text: refuse it or strip it, never 500."""
    headers = bearer(dbsession, alice if caller == "alice" else boss)
    response = getattr(testapp, f"{method.lower()}_json")(
        url, body, headers=headers, expect_errors=True
    )
    assert response.status_int in (200, 201, 400), response.text
    assert response.content_type == "application/json"


def test_admin_patches_groups_and_activity(testapp, dbsession, boss, alice, staff):
    headers = bearer(dbsession, boss)
    response = testapp.patch_json(
        "/@@users/alice",
        {"groups": ["staff"], "active": False},
        headers=headers,
        status=200,
    )
    assert response.json["groups"] == ["staff"]
    assert response.json["active"] is False
    user = reload_user(dbsession, "alice")
    assert [group.name for group in user.groups] == ["staff"]
    assert user.active is False

    testapp.patch_json(
        "/@@users/alice",
        {"groups": ["admins", "staff"], "active": True},
        headers=headers,
        status=200,
    )
    user = reload_user(dbsession, "alice")
    assert [group.name for group in user.groups] == ["admins", "staff"]
    assert user.active is True and user.is_admin


def test_admin_sets_another_users_password(app, testapp, dbsession, boss, alice):
    other_browser = browser(app)
    log_in(other_browser, "alice")
    testapp.patch_json(
        "/@@users/alice",
        {"password": NEW_PASSWORD},
        headers=bearer(dbsession, boss),
        status=200,
    )
    assert not is_logged_in(other_browser.get("/@@logout"))
    assert json_login(testapp, "alice", NEW_PASSWORD).json["token"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"login": "alicia"}, "login"),
        ({"password_hash": "x"}, "password_hash"),
        ({"active": "no"}, "active"),
        ({"groups": ["nope"]}, "groups"),
    ],
)
def test_admin_patch_with_bad_fields_is_400(
    testapp, dbsession, boss, alice, body, field
):
    response = testapp.patch_json(
        "/@@users/alice", body, headers=bearer(dbsession, boss), status=400
    )
    assert field in error_fields(response)
    user = reload_user(dbsession, "alice")
    assert user.active is True and user.groups == []


def test_patch_of_a_missing_user_is_404_for_an_admin(testapp, dbsession, boss):
    response = testapp.patch_json(
        "/@@users/nobody",
        {"fullname": "X"},
        headers=bearer(dbsession, boss),
        status=404,
    )
    assert_json_error(response, 404, "NotFound")
    testapp.get("/@@users/nobody", headers=bearer(dbsession, boss), status=404)
    testapp.delete("/@@users/nobody", headers=bearer(dbsession, boss), status=404)


@pytest.mark.parametrize("url", ["/@@users/ali%00ce", "/@@groups/st%00aff"])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_nul_character_in_a_principal_url_is_404_not_500(
    testapp, dbsession, boss, alice, staff, url, method
):
    response = testapp.request(
        url, method=method, headers=bearer(dbsession, boss), expect_errors=True
    )
    assert_json_error(response, 404, "NotFound")


def test_deactivated_users_token_answers_401(testapp, dbsession, boss, alice, root):
    alice_headers = bearer(dbsession, alice)
    testapp.get("/@@tokens", headers=alice_headers, status=200)
    testapp.patch_json(
        "/@@users/alice", {"active": False}, headers=bearer(dbsession, boss), status=200
    )
    assert_unauthorized(testapp.get("/@@tokens", headers=alice_headers, status=401))
    # Even a public page: the client must learn its token no longer works.
    assert_unauthorized(testapp.get("/", headers=alice_headers, status=401))
    # Nor can an inactive user log in for a new token.
    json_login(testapp, "alice", PASSWORD, status=401)
    # Active again, the token works again.
    testapp.patch_json(
        "/@@users/alice", {"active": True}, headers=bearer(dbsession, boss), status=200
    )
    testapp.get("/@@tokens", headers=alice_headers, status=200)


def test_deactivation_ends_browser_sessions(app, testapp, dbsession, boss, alice):
    other_browser = browser(app)
    log_in(other_browser, "alice")
    testapp.patch_json(
        "/@@users/alice", {"active": False}, headers=bearer(dbsession, boss), status=200
    )
    assert not is_logged_in(other_browser.get("/@@logout"))


def test_admin_deletes_a_user(testapp, dbsession, boss, alice):
    alice_headers = bearer(dbsession, alice)
    alice_id = alice.id
    testapp.get("/@@tokens", headers=alice_headers, status=200)
    headers = bearer(dbsession, boss)
    response = testapp.delete("/@@users/alice", headers=headers, status=204)
    assert response.body == b""
    assert_unauthorized(testapp.get("/@@tokens", headers=alice_headers, status=401))
    assert_json_error(testapp.get("/@@users/alice", headers=headers, status=404), 404)
    assert reload_user(dbsession, "alice") is None
    assert (
        dbsession.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == alice_id)
        )
        == 0
    )
    testapp.delete("/@@users/alice", headers=headers, status=404)
    json_login(testapp, "alice", PASSWORD, status=401)


def test_an_admin_may_delete_themselves_while_another_admin_remains(
    testapp, dbsession, boss
):
    make_user(dbsession, "deputy", groups=["admins"])
    dbsession.flush()
    headers = bearer(dbsession, boss)
    testapp.get("/@@users", headers=headers, status=200)
    testapp.delete("/@@users/boss", headers=headers, status=204)
    assert reload_user(dbsession, "boss") is None
    assert_unauthorized(testapp.get("/@@users", headers=headers, status=401))


LAST_ADMIN_CHANGES = [
    ("DELETE", None),
    ("PATCH", {"active": False}),
    ("PATCH", {"groups": []}),
    ("PATCH", {"groups": ["staff"]}),
    ("PATCH", {"groups": ["staff"], "active": False}),
]


def _change_boss(testapp, headers, method, body, status):
    if method == "DELETE":
        return testapp.delete("/@@users/boss", headers=headers, status=status)
    return testapp.patch_json("/@@users/boss", body, headers=headers, status=status)


@pytest.mark.parametrize(("method", "body"), LAST_ADMIN_CHANGES)
def test_the_last_active_admin_stays(testapp, dbsession, boss, staff, method, body):
    # An inactive member of admins does not count as an admin left.
    make_user(dbsession, "retired", groups=["admins"], active=False)
    dbsession.flush()
    headers = bearer(dbsession, boss)
    response = _change_boss(testapp, headers, method, body, 400)
    assert assert_json_error(response, 400)["errors"]
    user = reload_user(dbsession, "boss")
    assert user is not None and user.active and user.is_admin
    testapp.get("/@@users", headers=headers, status=200)


@pytest.mark.parametrize(("method", "body"), LAST_ADMIN_CHANGES)
def test_another_admin_may_go_while_one_remains(
    testapp, dbsession, boss, staff, method, body
):
    deputy = make_user(dbsession, "deputy", groups=["admins"])
    dbsession.flush()
    _change_boss(testapp, bearer(dbsession, deputy), method, body, (200, 204))
    user = reload_user(dbsession, "boss")
    assert user is None or not user.active or not user.is_admin


# -- groups -------------------------------------------------------------------


def test_admin_creates_lists_and_reads_groups(testapp, dbsession, boss):
    headers = bearer(dbsession, boss)
    response = testapp.post_json(
        "/@@groups",
        {"name": "staff", "title": "Our staff"},
        headers=headers,
        status=201,
    )
    assert response.headers["Location"] == response.json["@id"]
    assert response.json["@id"] == "http://example.com/@@groups/staff"
    assert (response.json["name"], response.json["title"]) == ("staff", "Our staff")
    testapp.post_json("/@@groups", {"name": "editors"}, headers=headers, status=201)
    names = [g["name"] for g in testapp.get("/@@groups", headers=headers).json["items"]]
    assert names == ["admins", "editors", "staff"]
    assert testapp.get("/@@groups/staff", headers=headers).json["title"] == "Our staff"
    assert reload_group(dbsession, "staff").title == "Our staff"


def test_duplicate_group_is_409(testapp, dbsession, boss, staff):
    groups = count(dbsession, Group)
    headers = bearer(dbsession, boss)
    for name in ("staff", "admins"):
        response = testapp.post_json(
            "/@@groups", {"name": name, "title": "Again"}, headers=headers, status=409
        )
        assert_json_error(response, 409, "Conflict")
    assert count(dbsession, Group) == groups
    assert reload_group(dbsession, "staff").title == "Staff"


@pytest.mark.parametrize("name", ["Staff", "", "a b", "x" * 65, "st/aff", 7, None])
def test_bad_group_name_is_400(testapp, dbsession, boss, name):
    groups = count(dbsession, Group)
    response = testapp.post_json(
        "/@@groups", {"name": name}, headers=bearer(dbsession, boss), status=400
    )
    assert "name" in error_fields(response)
    assert count(dbsession, Group) == groups


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "ok", "title": "x" * 201}, "title"), ({"name": "ok", "id": 3}, "id")],
)
def test_bad_group_fields_are_400(testapp, dbsession, boss, body, field):
    groups = count(dbsession, Group)
    response = testapp.post_json(
        "/@@groups", body, headers=bearer(dbsession, boss), status=400
    )
    assert field in error_fields(response)
    assert count(dbsession, Group) == groups


def test_admin_patches_a_group_title(testapp, dbsession, boss, staff):
    headers = bearer(dbsession, boss)
    response = testapp.patch_json(
        "/@@groups/staff", {"title": "The staff"}, headers=headers, status=200
    )
    assert response.json["title"] == "The staff"
    assert reload_group(dbsession, "staff").title == "The staff"
    for body, field in (({"name": "renamed"}, "name"), ({"title": "x" * 201}, "title")):
        response = testapp.patch_json(
            "/@@groups/staff", body, headers=headers, status=400
        )
        assert field in error_fields(response)
    assert reload_group(dbsession, "staff").title == "The staff"
    testapp.patch_json("/@@groups/nope", {"title": "X"}, headers=headers, status=404)


def test_admin_deletes_a_group(testapp, dbsession, boss, alice, staff):
    alice.groups = [staff]
    dbsession.flush()
    headers = bearer(dbsession, boss)
    response = testapp.delete("/@@groups/staff", headers=headers, status=204)
    assert response.body == b""
    assert reload_group(dbsession, "staff") is None
    testapp.get("/@@groups/staff", headers=headers, status=404)
    testapp.delete("/@@groups/staff", headers=headers, status=404)
    assert testapp.get("/@@users/alice", headers=headers).json["groups"] == []


def test_admins_group_cannot_be_deleted(testapp, dbsession, boss):
    response = testapp.delete(
        "/@@groups/admins", headers=bearer(dbsession, boss), status=400
    )
    assert_json_error(response, 400)
    assert reload_group(dbsession, "admins") is not None
    assert reload_user(dbsession, "boss").is_admin


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/@@groups", None),
        ("GET", "/@@groups/staff", None),
        ("POST", "/@@groups", {"name": "mine"}),
        ("PATCH", "/@@groups/staff", {"title": "Mine"}),
        ("DELETE", "/@@groups/staff", None),
        ("DELETE", "/@@groups/nope", None),
    ],
)
def test_non_admin_may_not_touch_groups(
    testapp, dbsession, alice, staff, method, url, body
):
    headers = bearer(dbsession, alice)
    groups = count(dbsession, Group)
    if body is None:
        response = testapp.request(
            url, method=method, headers=headers, expect_errors=True
        )
    else:
        response = getattr(testapp, f"{method.lower()}_json")(
            url, body, headers=headers, expect_errors=True
        )
    assert_json_error(response, 403, "Forbidden")
    assert count(dbsession, Group) == groups
    assert reload_group(dbsession, "staff").title == "Staff"


# -- tokens -------------------------------------------------------------------

TOKEN_FIELDS = {"id", "title", "created", "expires", "last_used", "scope"}


def test_json_login_gives_a_token_that_lists_itself(testapp, dbsession, alice):
    response = json_login(testapp, "alice")
    secret = response.json["token"]
    assert secret
    listing = testapp.get("/@@tokens", headers=token_headers(secret), status=200)
    items = listing.json["items"]
    assert len(items) == 1
    assert set(items[0]) == TOKEN_FIELDS
    assert items[0]["id"] == response.json["id"]
    created = datetime.fromisoformat(items[0]["created"])
    assert abs(created - datetime.now(UTC)) < SLACK
    expires = datetime.fromisoformat(items[0]["expires"])
    assert abs(expires - datetime.now(UTC) - timedelta(days=30)) < SLACK
    assert secret not in listing.text
    assert hashlib.sha256(secret.encode()).hexdigest() not in listing.text


def test_failed_json_login_says_the_same_for_every_cause(testapp, dbsession, alice):
    make_user(dbsession, "sleeper", active=False)
    dbsession.flush()
    tokens = count(dbsession, ApiToken)
    wrong = json_login(testapp, "alice", "wrong password", status=401)
    missing = json_login(testapp, "nobody", PASSWORD, status=401)
    inactive = json_login(testapp, "sleeper", PASSWORD, status=401)
    assert_unauthorized(wrong)
    assert wrong.body == missing.body == inactive.body
    assert "token" not in wrong.json
    assert count(dbsession, ApiToken) == tokens


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"login": "alice"}, "password"),
        ({"password": PASSWORD}, "login"),
        ({"login": ["alice"], "password": PASSWORD}, "login"),
        ({"login": "alice", "password": PASSWORD, "expires_in": 5}, "expires_in"),
        ({"login": "alice", "password": PASSWORD, "secret": "x"}, "secret"),
    ],
)
def test_bad_json_login_is_400(testapp, dbsession, alice, body, field):
    tokens = count(dbsession, ApiToken)
    response = testapp.post_json("/@@login", body, headers=JSON, status=400)
    assert field in error_fields(response)
    assert count(dbsession, ApiToken) == tokens


def test_json_login_with_a_nul_character_is_not_a_500(testapp, alice):
    response = testapp.post_json(
        "/@@login",
        {"login": "ali\u0000ce", "password": PASSWORD},
        headers=JSON,
        expect_errors=True,
    )
    assert response.status_int in (400, 401), response.text
    assert response.content_type == "application/json"


def test_form_login_with_a_nul_character_is_not_a_500(testapp, alice):
    response = testapp.post(
        "/@@login", {"login": "ali\u0000ce", "password": PASSWORD}, expect_errors=True
    )
    assert response.status_int in (400, 401), response.status
    assert "Wrong login or password" in response.text


def test_post_tokens_makes_another_whose_secret_is_shown_once(
    testapp, dbsession, alice
):
    first = json_login(testapp, "alice").json["token"]
    response = testapp.post_json(
        "/@@tokens", {"title": "deploy"}, headers=token_headers(first), status=201
    )
    secret = response.json["token"]
    assert secret and secret != first
    assert response.json["title"] == "deploy"
    assert set(response.json) >= TOKEN_FIELDS
    listing = testapp.get("/@@tokens", headers=token_headers(secret), status=200)
    assert [item["title"] for item in listing.json["items"]] == ["Login", "deploy"]
    assert secret not in listing.text and first not in listing.text
    assert all(set(item) == TOKEN_FIELDS for item in listing.json["items"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_in": 59}, "expires_in"),
        ({"expires_in": "60"}, "expires_in"),
        ({"expires_in": True}, "expires_in"),
        ({"expires_in": 10**10}, "expires_in"),
        ({"title": "x" * 201}, "title"),
        ({"title": 5}, "title"),
        ({"user_id": 1}, "user_id"),
    ],
)
def test_bad_token_requests_are_400(testapp, dbsession, alice, body, field):
    headers = bearer(dbsession, alice)
    tokens = count(dbsession, ApiToken)
    response = testapp.post_json("/@@tokens", body, headers=headers, status=400)
    assert field in error_fields(response)
    assert count(dbsession, ApiToken) == tokens


def test_token_list_shows_only_the_callers_tokens(testapp, dbsession, alice, bob):
    alice_headers = bearer(dbsession, alice)
    bearer(dbsession, bob)
    items = testapp.get("/@@tokens", headers=alice_headers).json["items"]
    assert len(items) == 1


def test_revoked_token_answers_401_everywhere(testapp, dbsession, alice, root):
    keep = bearer(dbsession, alice)
    created = testapp.post_json(
        "/@@tokens", {"title": "gone"}, headers=keep, status=201
    )
    doomed = token_headers(created.json["token"])
    testapp.get("/", headers=doomed, status=200)
    response = testapp.delete(
        f"/@@tokens/{created.json['id']}", headers=keep, status=204
    )
    assert response.body == b""
    assert token_row(dbsession, created.json["id"]) is None
    assert_unauthorized(testapp.get("/@@tokens", headers=doomed, status=401))
    # A public page too, as JSON or as a page.
    assert_unauthorized(testapp.get("/", headers=doomed, status=401))
    testapp.get("/", headers={"Authorization": doomed["Authorization"]}, status=401)
    # The other token still works, and the revoked one is gone from the list.
    items = testapp.get("/@@tokens", headers=keep, status=200).json["items"]
    assert created.json["id"] not in [item["id"] for item in items]
    testapp.delete(f"/@@tokens/{created.json['id']}", headers=keep, status=404)


def test_a_token_may_revoke_itself(testapp, dbsession, alice):
    secret = json_login(testapp, "alice").json["token"]
    headers = token_headers(secret)
    token_id = testapp.get("/@@tokens", headers=headers).json["items"][0]["id"]
    testapp.delete(f"/@@tokens/{token_id}", headers=headers, status=204)
    assert_unauthorized(testapp.get("/@@tokens", headers=headers, status=401))


@pytest.mark.parametrize(
    "token_id", ["other", "abc", "-1", "0", "99999999999999999999999"]
)
def test_deleting_someone_elses_or_no_token_is_404(
    testapp, dbsession, alice, bob, token_id
):
    bob_headers = bearer(dbsession, bob)
    bob_token = testapp.get("/@@tokens", headers=bob_headers).json["items"][0]["id"]
    if token_id == "other":
        token_id = str(bob_token)
    response = testapp.delete(
        f"/@@tokens/{token_id}", headers=bearer(dbsession, alice), status=404
    )
    assert_json_error(response, 404, "NotFound")
    assert token_row(dbsession, bob_token) is not None
    testapp.get("/@@tokens", headers=bob_headers, status=200)


def test_expired_token_answers_401(testapp, dbsession, alice, root):
    headers = bearer(dbsession, alice)
    response = testapp.post_json(
        "/@@tokens", {"title": "short", "expires_in": 60}, headers=headers, status=201
    )
    expires = datetime.fromisoformat(response.json["expires"])
    assert (
        timedelta(seconds=60) - SLACK
        < expires - datetime.now(UTC)
        <= timedelta(seconds=60)
    )
    short = token_headers(response.json["token"])
    testapp.get("/@@tokens", headers=short, status=200)

    row = token_row(dbsession, response.json["id"])
    row.expires = datetime.now(UTC) - timedelta(seconds=1)
    dbsession.flush()
    assert_unauthorized(testapp.get("/@@tokens", headers=short, status=401))
    assert_unauthorized(testapp.get("/", headers=short, status=401))
    testapp.get("/@@tokens", headers=headers, status=200)


def test_json_login_may_ask_for_an_expiring_token(testapp, alice):
    response = json_login(testapp, "alice", expires_in=3600, title="cli")
    expires = datetime.fromisoformat(response.json["expires"])
    assert abs(expires - datetime.now(UTC) - timedelta(hours=1)) < SLACK


BAD_AUTHORIZATION = [
    "Bearer",
    "Bearer ",
    "Basic abc",
    "Basic YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5",
    "Bearer a b",
    "Bearer " + "x" * 5000,
    "Bearer \x00",
    "Bearer cms_\u00e9\u00e8",
    "Bearer cms_not-a-real-token",
    "",
    "Token abc",
]


@pytest.mark.parametrize("header", BAD_AUTHORIZATION)
@pytest.mark.parametrize("url", ["/@@tokens", "/", "/@@users"])
def test_malformed_authorization_is_401_json_never_500(
    testapp, root, alice, header, url
):
    response = testapp.get(
        url,
        headers={"Authorization": header, "Accept": "application/json"},
        expect_errors=True,
    )
    assert_unauthorized(response)


def test_last_used_is_written_at_most_once_a_minute(testapp, dbsession, alice, root):
    headers = bearer(dbsession, alice)
    token_id = testapp.get("/@@tokens", headers=headers).json["items"][0]["id"]
    first = token_row(dbsession, token_id).last_used
    assert first is not None
    assert abs(first - datetime.now(UTC)) < SLACK

    testapp.get("/@@tokens", headers=headers)
    testapp.get("/", headers=headers)
    assert token_row(dbsession, token_id).last_used == first

    # Over a minute later, a use is written again.
    row = token_row(dbsession, token_id)
    row.last_used = first - timedelta(minutes=5)
    dbsession.flush()
    items = testapp.get("/@@tokens", headers=headers).json["items"]
    written = token_row(dbsession, token_id).last_used
    assert written > first - timedelta(minutes=5)
    assert abs(written - datetime.now(UTC)) < SLACK
    assert items[0]["last_used"] is not None


def test_logout_with_a_token_revokes_it(testapp, dbsession, alice):
    secret = json_login(testapp, "alice").json["token"]
    testapp.post("/@@logout", headers=token_headers(secret), status=204)
    assert_unauthorized(
        testapp.get("/@@tokens", headers=token_headers(secret), status=401)
    )


# -- bad input ----------------------------------------------------------------

ONE_MB = 1024 * 1024
BAD_BODIES = [
    ("malformed", b'{"login": ', "application/json", 400),
    ("array", b'[{"login": "x"}]', "application/json", 400),
    ("string", b'"hello"', "application/json", 400),
    ("empty", b"", "application/json", 400),
    ("text", b'{"name": "x", "login": "x", "title": "x"}', "text/plain", 415),
    ("huge", b'{"title": "' + b"x" * ONE_MB + b'"}', "application/json", 413),
]

WRITES = [
    ("POST", "/@@users", "boss"),
    ("POST", "/@@groups", "boss"),
    ("PATCH", "/@@users/alice", "alice"),
    ("PATCH", "/@@users/alice", "boss"),
    ("PATCH", "/@@groups/staff", "boss"),
    ("POST", "/@@tokens", "alice"),
]


def _snapshot(dbsession):
    alice = reload_user(dbsession, "alice")
    return (
        count(dbsession, User),
        count(dbsession, Group),
        count(dbsession, ApiToken),
        alice.fullname,
        alice.email,
        alice.password_hash,
        reload_group(dbsession, "staff").title,
    )


@pytest.mark.parametrize(("kind", "body", "content_type", "status"), BAD_BODIES)
@pytest.mark.parametrize(("method", "url", "caller"), WRITES)
def test_bad_bodies_get_a_clear_4xx_and_change_nothing(
    testapp,
    dbsession,
    alice,
    boss,
    staff,
    method,
    url,
    caller,
    kind,
    body,
    content_type,
    status,
):
    headers = bearer(dbsession, alice if caller == "alice" else boss)
    before = _snapshot(dbsession)
    response = testapp.request(
        url,
        method=method,
        body=body,
        headers={**headers, "Content-Type": content_type},
        expect_errors=True,
    )
    assert_json_error(response, status)
    assert _snapshot(dbsession) == before


@pytest.mark.parametrize(("kind", "body", "content_type", "status"), BAD_BODIES)
def test_bad_login_bodies_get_a_clear_4xx_and_no_token(
    testapp, dbsession, alice, kind, body, content_type, status
):
    tokens = count(dbsession, ApiToken)
    response = testapp.request(
        "/@@login",
        method="POST",
        body=body,
        headers={"Accept": "application/json", "Content-Type": content_type},
        expect_errors=True,
    )
    # A body that is not JSON is read as a login form, which then fails.
    expected = (401, 415) if content_type == "text/plain" else (status,)
    assert response.status_int in expected
    assert_json_error(response, response.status_int)
    assert "token" not in response.json
    assert count(dbsession, ApiToken) == tokens
