"""``/@@preferences`` in a browser: own profile, password and API tokens."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cms.models import ApiToken, LoginSession, LoginThrottle, User
from cms.models.meta import utcnow
from cms.security.passwords import verify_password
from cms.security.sessions import COOKIE_NAME
from cms.security.tokens import create_token
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"
#: Past any clock drift between a request and the test reading its result.
SLACK = timedelta(seconds=30)


@pytest.fixture
def people(testapp, dbsession, root):
    make_user(dbsession, "alice", email="alice@example.com", fullname="Alice A.")
    make_user(dbsession, "bob", email="bob@example.com", fullname="Bob B.")
    dbsession.flush()


def user(dbsession, login):
    dbsession.expire_all()
    return dbsession.scalars(select(User).where(User.login == login)).one_or_none()


@pytest.fixture
def alice(browser_for, people):
    return browser_for("alice")


def tokens_of(dbsession, login):
    dbsession.expire_all()
    return dbsession.scalars(
        select(ApiToken).join(ApiToken.user).where(User.login == login)
    ).all()


def csrf_token(client):
    page = client.get("/@@preferences")
    return page.html.select_one('meta[name="csrf-token"]')["content"]


def message(page):
    return page.html.select_one(".message").text.strip()


def field_error(page, name):
    return page.html.select_one(f"#error-{name}").text.strip()


def assert_no_secrets(dbsession, page):
    """No password hash, no token hash, no password of the tests."""
    dbsession.expire_all()
    secrets = dbsession.scalars(select(User.password_hash)).all()
    secrets += dbsession.scalars(select(ApiToken.token_hash)).all()
    assert not any(secret in page.text for secret in secrets)
    assert "argon2" not in page.text
    assert PASSWORD not in page.text
    assert NEW_PASSWORD not in page.text


POSTS = [
    ("/@@preferences/profile", {"fullname": "Hacked", "email": ""}),
    (
        "/@@preferences/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    ),
    ("/@@preferences/tokens", {"token_title": "Forged", "token_expires": ""}),
    ("/@@preferences/revoke", {"token": "1"}),
]


def assert_nothing_changed(dbsession):
    alice = user(dbsession, "alice")
    assert alice.fullname == "Alice A."
    assert verify_password(alice.password_hash, PASSWORD)
    assert [token.title for token in tokens_of(dbsession, "alice")] == ["Kept"]


@pytest.fixture
def kept_token(dbsession, people):
    create_token(dbsession, user(dbsession, "alice"), "Kept")
    dbsession.flush()


def test_anonymous_is_sent_to_log_in(testapp, people):
    response = testapp.get("/@@preferences", status=303)
    assert "/@@login?came_from=" in response.location


@pytest.mark.parametrize(("path", "fields"), POSTS)
def test_anonymous_may_not_post(testapp, dbsession, kept_token, path, fields):
    response = testapp.post(path, fields, status=303)
    assert "/@@login" in response.location
    assert_nothing_changed(dbsession)


@pytest.mark.parametrize(("path", "fields"), POSTS)
def test_a_post_without_the_csrf_token_is_400(
    alice, dbsession, kept_token, path, fields
):
    alice.post(path, fields, status=400)
    assert_nothing_changed(dbsession)


def test_an_unknown_form_is_404(alice):
    alice.post("/@@preferences/other", {"csrf_token": csrf_token(alice)}, status=404)
    alice.get("/@@preferences/other", status=404)


@pytest.mark.parametrize("form", ["profile", "password", "tokens", "revoke"])
def test_a_form_address_opened_again_leads_to_the_page(alice, form):
    response = alice.get(f"/@@preferences/{form}", status=303)
    assert response.location == "http://example.com/@@preferences"


def test_the_page_is_valid_and_has_no_secrets(alice, dbsession, kept_token):
    page = alice.get("/@@preferences")
    ids = [element["id"] for element in page.html.select("[id]")]
    assert len(ids) == len(set(ids))
    for field in page.html.select("input:not([type=hidden]):not([hidden])"):
        assert page.html.select_one(f'label[for="{field["id"]}"]') is not None
    assert not page.html.select("form form")
    assert_no_secrets(dbsession, page)


class TestProfile:
    def test_save(self, alice, dbsession):
        form = alice.get("/@@preferences").forms["profile-form"]
        assert form["fullname"].value == "Alice A."
        form["fullname"], form["email"] = "Alice Liddell", "liddell@example.com"
        response = form.submit(status=303)
        assert response.location == "http://example.com/@@preferences"
        page = response.follow()
        assert message(page) == "Your profile is saved."
        assert page.forms["profile-form"]["fullname"].value == "Alice Liddell"
        row = user(dbsession, "alice")
        assert (row.fullname, row.email) == ("Alice Liddell", "liddell@example.com")

    def test_refusals_keep_what_was_typed(self, alice, dbsession):
        form = alice.get("/@@preferences").forms["profile-form"]
        form["fullname"], form["email"] = "Alice <i>typed</i>", "not an address"
        page = form.submit(status=400)
        assert field_error(page, "email") == "Not an email address."
        assert page.html.select_one("#field-fullname")["value"] == "Alice <i>typed</i>"
        assert page.html.select_one("#field-email")["value"] == "not an address"
        assert user(dbsession, "alice").fullname == "Alice A."

    def test_a_nul_character_is_refused_not_a_500(self, alice, dbsession):
        page = alice.post(
            "/@@preferences/profile",
            {"fullname": "A\x00", "email": "", "csrf_token": csrf_token(alice)},
            status=400,
        )
        assert "NUL" in field_error(page, "fullname")
        assert user(dbsession, "alice").fullname == "Alice A."


class TestPassword:
    def change(self, client, current=PASSWORD, new=NEW_PASSWORD, again=None):
        form = client.get("/@@preferences").forms["password-form"]
        form["current_password"] = current
        form["new_password"] = new
        form["new_password_again"] = new if again is None else again
        return form

    def test_change_it_and_stay_logged_in(self, alice, browser_for, dbsession):
        other_browser = browser_for("alice")
        old_cookie = alice.cookies[COOKIE_NAME]
        response = self.change(alice).submit(status=303)
        assert response.location == "http://example.com/@@preferences"
        # This browser got a fresh session ...
        assert alice.cookies[COOKIE_NAME] != old_cookie
        page = response.follow(status=200)
        assert message(page) == "Your password is changed; your other sessions ended."
        assert "Alice A." in page.html.select_one(".user-name").text
        alice.get("/@@preferences", status=200)
        # ... every other one ended, the old cookie included.
        other_browser.get("/@@preferences", status=303)
        stale = browser_for("alice")
        stale.set_cookie(COOKIE_NAME, old_cookie)
        stale.get("/@@preferences", status=303)
        sessions = select(func.count()).select_from(LoginSession)
        alice_id = user(dbsession, "alice").id
        # The browser made just now, and the one that changed the password.
        assert dbsession.scalar(sessions.where(LoginSession.user_id == alice_id)) == 2
        row = user(dbsession, "alice")
        assert verify_password(row.password_hash, NEW_PASSWORD)
        assert not verify_password(row.password_hash, PASSWORD)

    def test_the_new_session_works_for_the_next_form(self, alice, dbsession):
        self.change(alice).submit(status=303)
        form = alice.get("/@@preferences").forms["profile-form"]
        form["fullname"] = "After"
        form.submit(status=303)
        assert user(dbsession, "alice").fullname == "After"

    def test_a_wrong_current_password(self, alice, dbsession):
        page = self.change(alice, current="not my password").submit(status=400)
        assert field_error(page, "current_password") == "This is not your password."
        assert page.html.select_one("#field-current_password")["value"] == ""
        assert "not my password" not in page.text
        assert verify_password(user(dbsession, "alice").password_hash, PASSWORD)
        # Counted as a failed login would be.
        throttle = dbsession.get(LoginThrottle, "login:alice")
        assert throttle is not None and throttle.failures == 1

    def test_too_many_wrong_passwords(self, alice, dbsession, app):
        limit = app.registry.settings["cms.login_account_limit"]
        for _ in range(limit):
            self.change(alice, current="wrong guess").submit(status=400)
        page = self.change(alice).submit(status=429)
        assert "Too many" in field_error(page, "current_password")
        assert verify_password(user(dbsession, "alice").password_hash, PASSWORD)

    def test_the_two_new_passwords_differ(self, alice, dbsession):
        page = self.change(alice, again="something else").submit(status=400)
        differ = "The two new passwords differ."
        assert field_error(page, "new_password_again") == differ
        assert verify_password(user(dbsession, "alice").password_hash, PASSWORD)

    def test_a_short_new_password(self, alice, dbsession):
        page = self.change(alice, new="short").submit(status=400)
        assert "at least 8" in field_error(page, "new_password")
        assert verify_password(user(dbsession, "alice").password_hash, PASSWORD)
        assert_no_secrets(dbsession, page)


class TestTokens:
    def make(self, client, title="Deploy script", days=""):
        form = client.get("/@@preferences").forms["token-form"]
        form["token_title"], form["token_expires"] = title, days
        return form.submit(expect_errors=True)

    def test_make_one_and_see_its_secret_once(self, alice, testapp, dbsession):
        page = self.make(alice, days="30")
        assert page.status_int == 200
        secret = page.html.select_one("#new-token-secret").text
        assert secret.startswith("cms_")
        assert "Deploy script" in page.html.select_one("#new-token").text
        # Never in a cookie, and no cache keeps the page.
        assert all(secret not in value for value in page.headers.getall("Set-Cookie"))
        assert page.headers["Cache-Control"] == "no-store"
        assert not page.headers.getall("Set-Cookie")
        # It works, and is not shown again.
        headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        testapp.get("/@@tokens", headers=headers, status=200)
        again = alice.get("/@@preferences")
        assert secret not in again.text
        assert again.html.select_one("#new-token") is None
        assert_no_secrets(dbsession, page)
        assert_no_secrets(dbsession, again)
        (token,) = tokens_of(dbsession, "alice")
        expected = utcnow() + timedelta(days=30)
        assert expected - SLACK < token.expires < expected + SLACK

    def test_the_list(self, alice, dbsession):
        self.make(alice, title="Forever")
        (token,) = tokens_of(dbsession, "alice")
        token.last_used = utcnow()
        dbsession.flush()
        page = alice.get("/@@preferences")
        (row,) = page.html.select("#tokens tbody tr")
        cells = [cell.text.strip() for cell in row.select("th, td")]
        assert row["data-token-id"] == str(token.id)
        assert cells[0] == "Forever"
        assert cells[1] == "Read and write"
        assert cells[2].endswith("UTC")
        assert cells[3] == "Never"
        assert cells[4].endswith("UTC")
        assert_no_secrets(dbsession, page)

    def test_a_read_only_one(self, alice, testapp, dbsession):
        form = alice.get("/@@preferences").forms["token-form"]
        form["token_title"], form["token_read_only"] = "Dashboard", True
        page = form.submit()
        secret = page.html.select_one("#new-token-secret").text
        (token,) = tokens_of(dbsession, "alice")
        assert token.scope == "read"
        row = alice.get("/@@preferences").html.select_one("#tokens tbody tr")
        assert row.select("td")[0].text.strip() == "Read only"
        headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        testapp.post_json("/@@tokens", {"title": "more"}, headers=headers, status=403)

    def test_others_tokens_are_not_listed(self, alice, dbsession):
        create_token(dbsession, user(dbsession, "bob"), "Bob's secret thing")
        dbsession.flush()
        page = alice.get("/@@preferences")
        assert "Bob's secret thing" not in page.text
        assert page.html.select("#tokens") == []

    @pytest.mark.parametrize("days", ["0", "366", "abc", "-3", "1.5", "٣"])
    def test_a_bad_expiry_keeps_what_was_typed(self, alice, dbsession, days):
        page = self.make(alice, title="Mine", days=days)
        assert page.status_int == 400
        assert "whole number of days" in field_error(page, "token_expires")
        assert page.html.select_one("#field-token_title")["value"] == "Mine"
        assert page.html.select_one("#field-token_expires")["value"] == days
        assert page.html.select_one("#new-token") is None
        assert tokens_of(dbsession, "alice") == []

    def test_a_long_title(self, alice, dbsession):
        page = self.make(alice, title="t" * 201)
        assert page.status_int == 400
        assert field_error(page, "token_title") == "At most 200 characters."
        assert tokens_of(dbsession, "alice") == []

    def test_revoke_one(self, alice, dbsession, kept_token):
        self.make(alice, title="Gone soon")
        page = alice.get("/@@preferences")
        gone = next(t for t in tokens_of(dbsession, "alice") if t.title == "Gone soon")
        button = page.html.select_one(f'button[name="token"][value="{gone.id}"]')
        assert button["form"] == "revoke-token-form"
        form = page.forms["revoke-token-form"]
        response = form.submit("token", value=str(gone.id), status=303)
        assert message(response.follow()) == "Revoked the token “Gone soon”."
        assert [t.title for t in tokens_of(dbsession, "alice")] == ["Kept"]

    def test_someone_elses_token_is_not_revoked(self, alice, dbsession):
        bobs, _secret = create_token(dbsession, user(dbsession, "bob"), "Bob's")
        dbsession.flush()
        response = alice.post(
            "/@@preferences/revoke",
            {"token": str(bobs.id), "csrf_token": csrf_token(alice)},
            status=303,
        )
        assert message(response.follow()) == (
            "There is no such token: nothing was revoked."
        )
        assert [t.title for t in tokens_of(dbsession, "bob")] == ["Bob's"]

    @pytest.mark.parametrize("token_id", ["", "abc", "99999999", "1" * 40, "-1"])
    def test_a_bad_token_id(self, alice, dbsession, kept_token, token_id):
        response = alice.post(
            "/@@preferences/revoke",
            {"token": token_id, "csrf_token": csrf_token(alice)},
            status=303,
        )
        assert "no such token" in message(response.follow())
        assert_nothing_changed(dbsession)
