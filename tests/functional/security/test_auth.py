"""Logging in and out, sessions, CSRF, redirects and headers (throttling:
test_throttling.py)."""

import statistics
import time
from datetime import timedelta

import pytest
import webtest
from sqlalchemy import select, update

from cms.assets import swagger_ui_static_name
from cms.models import LoginSession
from cms.models.meta import utcnow
from cms.security.sessions import COOKIE_NAME
from tests.factories import (
    PASSWORD,
    add_document,
    add_folder,
    bearer,
    grant,
    log_in,
    make_user,
)

JSON = {"Accept": "application/json"}


@pytest.fixture
def alice(testapp, dbsession, root):
    # Depends on testapp: its requests and every client below share the
    # test's transaction.
    user = make_user(dbsession, "alice", fullname="Alice")
    page = add_folder(root, "work", state="private")
    grant(page, user, "editor")
    add_document(page, "draft", state="private")
    dbsession.flush()
    return user


def new_client(app):
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})


def session_cookie(client):
    return client.cookies.get(COOKIE_NAME)


class TestLoginForm:
    def test_success_redirects_and_sets_a_safe_cookie(self, testapp, alice):
        response = testapp.post(
            "/@@login",
            {"login": "alice", "password": PASSWORD, "came_from": "/work/"},
            status=303,
        )
        assert response.location == "http://example.com/work/"
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        page = testapp.get("/work/")
        assert page.html.select_one(".user-name").text == "Alice"

    def test_cookie_is_secure_when_the_setting_says_so(self, app, testapp, alice):
        settings = app.registry.settings
        settings["cms.secure_cookies"] = True
        try:
            response = testapp.post(
                "/@@login", {"login": "alice", "password": PASSWORD}
            )
        finally:
            settings["cms.secure_cookies"] = False
        assert "secure" in response.headers["Set-Cookie"].lower()

    def test_production_ini_keeps_cookies_secure(self):
        from pathlib import Path

        text = Path(__file__).parents[3].joinpath("production.ini").read_text()
        assert "cms.secure_cookies = true" in text

    @pytest.mark.parametrize("login", ["alice", "nobody"])
    def test_failure_shows_the_form_with_one_message(self, testapp, alice, login):
        response = testapp.post(
            "/@@login", {"login": login, "password": "wrong password"}, status=401
        )
        assert (
            response.html.select_one("[role=alert]").text == "Wrong login or password."
        )
        assert response.html.select_one("input[name=login]")["value"] == login
        assert COOKIE_NAME not in response.headers.get("Set-Cookie", "")
        assert "X-TM" not in response.headers

    def test_inactive_user_cannot_log_in(self, testapp, dbsession, alice):
        alice.active = False
        dbsession.flush()
        response = testapp.post(
            "/@@login", {"login": "alice", "password": PASSWORD}, status=401
        )
        assert "Wrong login or password." in response.text

    def test_anonymous_pages_set_no_cookie(self, testapp, alice):
        for url in ("/", "/@@navigation", "/nope/"):
            response = testapp.get(url, expect_errors=True)
            assert "Set-Cookie" not in response.headers


class TestSessions:
    def test_login_makes_a_new_session_id(self, app, dbsession, alice):
        client = new_client(app)
        # An attacker plants a cookie value before the victim logs in.
        client.set_cookie(COOKIE_NAME, "planted-by-attacker")
        log_in(client, "alice")
        assert session_cookie(client) != "planted-by-attacker"
        stranger = new_client(app)
        stranger.set_cookie(COOKIE_NAME, "planted-by-attacker")
        assert stranger.get("/@@tokens", headers=JSON, status=401)

    def test_relogin_replaces_the_old_session(self, app, dbsession, alice):
        client = new_client(app)
        log_in(client, "alice")
        first = session_cookie(client)
        # Logged in, the form carries the CSRF token; posting it logs in anew.
        form = client.get("/@@login").forms["login-form"]
        form["login"], form["password"] = "alice", PASSWORD
        form.submit(status=303)
        assert session_cookie(client) != first
        copy = new_client(app)
        copy.set_cookie(COOKIE_NAME, first)
        copy.get("/work/", status=303)

    def test_logout_kills_the_session_on_the_server(self, app, dbsession, alice):
        client = new_client(app)
        token = log_in(client, "alice")
        copy = new_client(app)
        copy.set_cookie(COOKIE_NAME, session_cookie(client))
        copy.get("/work/", status=200)
        client.post("/@@logout", {"csrf_token": token}, status=303)
        copy.get("/work/", status=303)
        assert dbsession.scalars(select(LoginSession)).all() == []

    def test_password_change_kills_every_session(self, app, testapp, dbsession, alice):
        client = new_client(app)
        log_in(client, "alice")
        testapp.patch_json(
            "/@@users/alice",
            {"password": "another long password", "current_password": PASSWORD},
            headers=bearer(dbsession, alice),
        )
        client.get("/work/", status=303)

    def test_expired_session_is_anonymous(self, app, dbsession, alice):
        client = new_client(app)
        log_in(client, "alice")
        dbsession.execute(
            update(LoginSession).values(expires=utcnow() - timedelta(seconds=1))
        )
        dbsession.flush()
        client.get("/work/", status=303)

    def test_tampered_cookie_is_anonymous(self, app, alice):
        client = new_client(app)
        log_in(client, "alice")
        client.set_cookie(COOKIE_NAME, session_cookie(client)[:-4] + "AAAA")
        client.get("/work/", status=303)

    def test_logout_get_shows_a_button(self, app, alice):
        client = new_client(app)
        log_in(client, "alice")
        page = client.get("/@@logout")
        form = page.forms["logout-form"]
        assert form.method.lower() == "post"
        form.submit(status=303)
        client.get("/work/", status=303)


class TestCSRF:
    def test_cookie_request_without_token_is_refused(self, app, dbsession, alice):
        client = new_client(app)
        log_in(client, "alice")
        response = client.post_json(
            "/work/draft/@@workflow",
            {"transition": "publish"},
            headers=JSON,
            status=400,
        )
        assert response.json["error"]["type"] == "BadCSRFToken"
        assert "reload" in response.json["error"]["message"]
        assert (
            client.get("/work/draft/@@workflow", headers=JSON).json["state"]
            == "private"
        )

    def test_wrong_token_is_refused(self, app, alice):
        client = new_client(app)
        log_in(client, "alice")
        client.post_json(
            "/work/draft/@@workflow",
            {"transition": "publish"},
            headers={**JSON, "X-CSRF-Token": "guess"},
            status=400,
        )
        state = client.get("/work/draft/@@workflow", headers=JSON).json["state"]
        assert state == "private"

    def test_header_token_is_accepted(self, app, alice):
        client = new_client(app)
        token = log_in(client, "alice")
        response = client.post_json(
            "/work/draft/@@workflow",
            {"transition": "publish"},
            headers={**JSON, "X-CSRF-Token": token},
        )
        assert response.json["state"] == "published"

    def test_logout_form_needs_the_token(self, app, alice):
        client = new_client(app)
        log_in(client, "alice")
        client.post("/@@logout", status=400)
        client.get("/work/", status=200)

    def test_bearer_requests_need_no_token(self, testapp, dbsession, alice):
        response = testapp.post_json(
            "/work/draft/@@workflow",
            {"transition": "publish"},
            headers=bearer(dbsession, alice),
        )
        assert response.json["state"] == "published"

    def test_pages_carry_the_token_for_scripts(self, app, alice):
        client = new_client(app)
        token = log_in(client, "alice")
        meta = client.get("/work/").html.select_one('meta[name="csrf-token"]')
        assert meta["content"] == token


class TestRedirects:
    @pytest.mark.parametrize(
        "came_from",
        [
            "http://evil.example/",
            "https://example.com.evil.example/x",
            "//evil.example/",
            "/\\evil.example/",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/ok\r\nSet-Cookie: x=1",
            "",
            "x" * 3000,
        ],
    )
    def test_came_from_outside_the_site_is_ignored(self, testapp, alice, came_from):
        response = testapp.post(
            "/@@login",
            {"login": "alice", "password": PASSWORD, "came_from": came_from},
            status=303,
        )
        assert response.location == "http://example.com/"

    @pytest.mark.parametrize(
        ("came_from", "location"),
        [
            ("/work/?b_size=5", "http://example.com/work/?b_size=5"),
            ("http://example.com/work/", "http://example.com/work/"),
        ],
    )
    def test_came_from_inside_the_site_is_followed(
        self, testapp, alice, came_from, location
    ):
        response = testapp.post(
            "/@@login",
            {"login": "alice", "password": PASSWORD, "came_from": came_from},
            status=303,
        )
        assert response.location == location

    def test_anonymous_browser_is_sent_to_login_and_back(self, app, alice):
        client = new_client(app)
        response = client.get("/work/", status=303)
        assert response.location.startswith("http://example.com/@@login?came_from=")
        form = response.follow().forms["login-form"]
        form["login"], form["password"] = "alice", PASSWORD
        assert form.submit(status=303).location == "http://example.com/work/"

    def test_came_from_with_unicode_is_encoded(self, testapp, alice):
        response = testapp.post(
            "/@@login",
            {"login": "alice", "password": PASSWORD, "came_from": "/caf\u00e9/\u2603"},
            status=303,
        )
        assert response.location == "http://example.com/caf%C3%A9/%E2%98%83"

    def test_a_login_posted_from_another_site_is_refused(self, testapp, alice):
        testapp.post(
            "/@@login",
            {"login": "alice", "password": PASSWORD},
            headers={"Origin": "http://evil.example"},
            status=400,
        )
        testapp.post(
            "/@@login",
            {"login": "alice", "password": PASSWORD},
            headers={"Origin": "http://example.com"},
            status=303,
        )

    def test_login_page_does_not_echo_an_outside_came_from(self, testapp, alice):
        page = testapp.get("/@@login?came_from=http://evil.example/")
        assert "evil.example" not in page.text


class TestEnumeration:
    def test_unknown_and_known_accounts_answer_alike(self, testapp, alice):
        known = testapp.post_json(
            "/@@login", {"login": "alice", "password": "wrong password"}, status=401
        )
        unknown = testapp.post_json(
            "/@@login", {"login": "nobody", "password": "wrong password"}, status=401
        )
        assert known.json == unknown.json
        assert known.headers["WWW-Authenticate"] == unknown.headers["WWW-Authenticate"]

    def test_unknown_and_known_accounts_take_comparable_time(self, testapp, alice):
        def timed(login):
            samples = []
            for number in range(3):
                started = time.perf_counter()
                testapp.post_json(
                    "/@@login",
                    {"login": login, "password": "wrong password"},
                    extra_environ={"REMOTE_ADDR": f"10.1.{len(login)}.{number}"},
                    status=401,
                )
                samples.append(time.perf_counter() - started)
            return statistics.median(samples)

        known, unknown = timed("alice"), timed("nobody")
        # Both verify an argon2 hash: neither is a quick "no such user".
        assert 0.5 < known / unknown < 2, (known, unknown)


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "content_type", "status"),
        [
            (b"{not json", "application/json", 400),
            (b"[1, 2]", "application/json", 400),
            (b'{"login": "alice"}', "application/json", 400),
            (b'{"login": 1, "password": 2}', "application/json", 400),
            (b'{"login": "a", "password": "b", "owner": "x"}', "application/json", 400),
            (
                b'{"login": "a", "password": "b", "expires_in": -5}',
                "application/json",
                400,
            ),
            (
                b'{"login": "a", "password": "b", "expires_in": "soon"}',
                "application/json",
                400,
            ),
        ],
    )
    def test_bad_json_logins(self, testapp, alice, body, content_type, status):
        response = testapp.post(
            "/@@login", body, content_type=content_type, headers=JSON, status=status
        )
        assert response.json["error"]["message"]

    @pytest.mark.parametrize(
        "authorization",
        [
            "Bearer",
            "Bearer ",
            "Basic YWxpY2U6eA==",
            "Bearer a b",
            "Bearer " + "x" * 5000,
            "Bearer cms_\u00e9",
            "Digest x",
            ", , ,",
        ],
    )
    def test_garbage_authorization_is_401(self, testapp, alice, authorization):
        response = testapp.get(
            "/",
            headers={
                "Authorization": authorization.encode("utf-8").decode("latin-1"),
                **JSON,
            },
            status=401,
        )
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_huge_password_is_refused_quickly(self, testapp, alice):
        started = time.perf_counter()
        testapp.post(
            "/@@login", {"login": "alice", "password": "x" * 100_000}, status=401
        )
        assert time.perf_counter() - started < 5


class TestHeaders:
    def test_html_security_headers(self, testapp, alice):
        response = testapp.get("/")
        assert "frame-ancestors" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]

    def test_anonymous_pages_are_publicly_cacheable(self, testapp, alice):
        for headers in ({}, JSON):
            cache = testapp.get("/", headers=headers).headers["Cache-Control"]
            assert "public" in cache and "must-revalidate" in cache

    def test_authenticated_responses_are_private(self, app, testapp, dbsession, alice):
        assert (
            "private"
            in testapp.get("/", headers=bearer(dbsession, alice)).headers[
                "Cache-Control"
            ]
        )
        client = new_client(app)
        log_in(client, "alice")
        assert "private" in client.get("/").headers["Cache-Control"]


def test_only_a_few_views_are_public(app):
    """A view without an explicit permission gets "view"; few opt out."""
    from pyramid.security import NO_PERMISSION_REQUIRED

    public = set()
    for item in app.registry.introspector.get_category("views"):
        view = item["introspectable"]
        if view["exception_only"]:
            continue
        if view["derived_callable"] is None:
            continue
        permission = item["related"] and [
            related["value"]
            for related in item["related"]
            if related.category_name == "permissions"
        ]
        if permission == [NO_PERMISSION_REQUIRED]:
            public.add(view["name"] or view["route_name"])
    assert public == {
        "login",
        "logout",
        "healthz",
        "readyz",
        "metrics",
        "__static/",
        # The editor's hashed bundle (cms/assets.py).
        "__static-editor/",
        # Swagger UI's files, under their version (cms/assets.py).
        f"__{swagger_ui_static_name()}/",
        "openapi.json",
        "api-docs",
        # They list only what anonymous readers may view, whoever asks.
        "sitemap.xml",
        "robots.txt",
        # It checks the view permission of the node it finds (404 without).
        "resolveuid",
        # Every page shows the site's settings anyway.
        "site-settings",
    }
