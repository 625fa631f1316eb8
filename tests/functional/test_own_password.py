"""Changing one's own password over JSON takes the current one, checked and
throttled like a login; a site manager changing someone else's needs none."""

import pytest
from sqlalchemy import select

from cms.models import LoginThrottle, User
from cms.security.passwords import verify_password
from tests.factories import PASSWORD, bearer, make_user

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def alice(testapp, dbsession, root):
    user = make_user(dbsession, "alice", email="alice@example.com")
    dbsession.flush()
    return user


@pytest.fixture
def boss(testapp, dbsession, root):
    user = make_user(dbsession, "boss", groups=["admins"])
    dbsession.flush()
    return user


def password_of(dbsession, login):
    dbsession.expire_all()
    user = dbsession.scalars(select(User).where(User.login == login)).one()
    if verify_password(user.password_hash, PASSWORD):
        return PASSWORD
    if verify_password(user.password_hash, NEW_PASSWORD):
        return NEW_PASSWORD
    return None


def change(testapp, headers, login, status, **fields):
    return testapp.patch_json(
        f"/@@users/{login}",
        {"password": NEW_PASSWORD, **fields},
        headers=headers,
        status=status,
    )


def current_password_message(response):
    error = response.json["error"]
    assert error["type"] == "BadRequest"
    [entry] = error["errors"]
    assert entry["field"] == "current_password"
    return entry["message"]


@pytest.mark.parametrize("fields", [{}, {"current_password": ""}])
def test_without_the_current_password_nothing_changes(
    testapp, dbsession, alice, fields
):
    response = change(testapp, bearer(dbsession, alice), "alice", 400, **fields)
    assert "current password" in current_password_message(response)
    assert password_of(dbsession, "alice") == PASSWORD


@pytest.mark.parametrize("current", [None, 12345678, ["x"]])
def test_a_current_password_that_is_no_text_is_400(testapp, dbsession, alice, current):
    response = change(
        testapp, bearer(dbsession, alice), "alice", 400, current_password=current
    )
    assert current_password_message(response)
    assert password_of(dbsession, "alice") == PASSWORD


def test_a_wrong_current_password_is_400_and_counted(testapp, dbsession, alice):
    headers = bearer(dbsession, alice)
    response = change(testapp, headers, "alice", 400, current_password="a guess")
    assert current_password_message(response) == "This is not your password."
    assert password_of(dbsession, "alice") == PASSWORD
    dbsession.expire_all()
    assert dbsession.get(LoginThrottle, "login:alice").failures == 1


def test_repeated_wrong_current_passwords_are_429(app, testapp, dbsession, alice):
    headers = bearer(dbsession, alice)
    for _ in range(app.registry.settings["cms.login_account_limit"]):
        change(testapp, headers, "alice", 400, current_password="a guess")
    response = change(testapp, headers, "alice", 429, current_password=PASSWORD)
    assert response.json["error"]["type"] == "TooManyRequests"
    assert int(response.headers["Retry-After"]) > 0
    assert password_of(dbsession, "alice") == PASSWORD


def test_the_right_current_password_changes_it(testapp, dbsession, alice):
    headers = bearer(dbsession, alice)
    change(testapp, headers, "alice", 400, current_password="a guess")
    response = change(testapp, headers, "alice", 200, current_password=PASSWORD)
    assert response.json["login"] == "alice"
    assert "current_password" not in response.text
    assert password_of(dbsession, "alice") == NEW_PASSWORD
    dbsession.expire_all()
    # Right at last: the account's count is cleared, as after a login.
    assert dbsession.get(LoginThrottle, "login:alice") is None


def test_other_fields_need_no_current_password(testapp, dbsession, alice):
    response = testapp.patch_json(
        "/@@users/alice",
        {"email": "new@example.org"},
        headers=bearer(dbsession, alice),
        status=200,
    )
    assert response.json["email"] == "new@example.org"


def test_a_site_manager_sets_another_users_password_without_it(
    testapp, dbsession, alice, boss
):
    change(testapp, bearer(dbsession, boss), "alice", 200)
    assert password_of(dbsession, "alice") == NEW_PASSWORD


def test_a_site_manager_changing_their_own_needs_it_too(testapp, dbsession, boss):
    headers = bearer(dbsession, boss)
    response = change(testapp, headers, "boss", 400)
    assert current_password_message(response)
    assert password_of(dbsession, "boss") == PASSWORD
    change(testapp, headers, "boss", 200, current_password=PASSWORD)
    assert password_of(dbsession, "boss") == NEW_PASSWORD


def test_the_api_document_accepts_the_current_password(testapp, root):
    document = testapp.get("/@@openapi.json").json
    changes = document["components"]["schemas"]["UserChanges"]
    assert changes["properties"]["current_password"]["type"] == "string"
    patch = document["paths"]["/@@users/{login}"]["patch"]
    assert "429" in patch["responses"]
