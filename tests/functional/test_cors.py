"""Pages of other origins calling the JSON API (CORS, ``cms.cors_origins``).

A listed origin's page may read the answers and send writes with a bearer
token; any other origin's page gets no CORS header. Across origins the
session cookie never counts: the browser sends it, but the request is
anonymous. The editor's own pages (same origin) keep using the cookie.
"""

import pytest

from tests.factories import (
    PASSWORD,
    add_document,
    add_folder,
    bearer,
    browser,
    make_user,
)

APP = "https://app.example.org"
OTHER = "https://elsewhere.example.net"
JSON = {"Accept": "application/json"}
CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
)


@pytest.fixture
def site(app, testapp, dbsession, root, monkeypatch):
    """``/s1/`` published, ``/s1/secret/`` private; an editor ``admin``."""
    monkeypatch.setitem(app.registry.settings, "cms.cors_origins", frozenset({APP}))
    folder = add_folder(root, "s1")
    add_document(folder, "secret", title="Secret", state="private")
    user = make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return user


def preflight(testapp, url, origin, status, method="PATCH"):
    return testapp.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        status=status,
    )


def vary(response):
    return {value.strip() for value in response.headers.get("Vary", "").split(",")}


# -- preflight -----------------------------------------------------------------

URLS = [
    "/s1/",
    "/s1/secret/",
    "/@@search",
    "/s1/secret/@@move",
    "/++api++/s1/secret/",
    "/there/is/nothing/here",
]


@pytest.mark.parametrize("url", URLS)
def test_a_preflight_from_a_listed_origin_is_answered_anywhere(testapp, site, url):
    response = preflight(testapp, url, APP, 204)
    headers = response.headers
    assert headers["Access-Control-Allow-Origin"] == APP
    methods = {m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"}
    allowed = {h.strip() for h in headers["Access-Control-Allow-Headers"].split(",")}
    assert {"Authorization", "Content-Type", "If-Match", "Accept"} <= allowed
    assert int(headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in vary(response)
    assert "Access-Control-Allow-Credentials" not in headers


def test_a_preflight_needs_no_login_and_reads_no_row(testapp, site, count_queries):
    with count_queries() as statements:
        preflight(testapp, "/s1/secret/", APP, 204)
    assert statements == []


@pytest.mark.parametrize("origin", [OTHER, "null", "http://app.example.org"])
def test_a_preflight_from_another_origin_is_a_json_403(testapp, site, origin):
    response = preflight(testapp, "/s1/", origin, 403)
    assert response.json["error"]["type"] == "Forbidden"
    assert not any(name in response.headers for name in CORS_HEADERS)


def test_an_origin_matches_however_it_is_spelled(testapp, site):
    response = preflight(testapp, "/s1/", "HTTPS://App.Example.org:443", 204)
    assert response.headers["Access-Control-Allow-Origin"] == (
        "HTTPS://App.Example.org:443"
    )


def test_without_listed_origins_every_preflight_is_refused(app, testapp, site):
    app.registry.settings["cms.cors_origins"] = frozenset()
    preflight(testapp, "/s1/", APP, 403)


# -- simple requests ------------------------------------------------------------


def test_a_listed_origin_may_read_the_answer(testapp, site):
    response = testapp.get("/s1/", headers={**JSON, "Origin": APP})
    assert response.headers["Access-Control-Allow-Origin"] == APP
    exposed = response.headers["Access-Control-Expose-Headers"]
    for name in ("ETag", "Location", "Link", "Retry-After", "WWW-Authenticate"):
        assert name in exposed
    assert vary(response) >= {"Accept", "Origin"}


def test_another_origin_gets_no_cors_header(testapp, site):
    response = testapp.get("/s1/", headers={**JSON, "Origin": OTHER})
    assert response.json["id"] == "s1"
    assert not any(name in response.headers for name in CORS_HEADERS)
    assert vary(response) >= {"Accept", "Origin"}


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        ("/s1/", {}, 200),
        ("/s1/", JSON, 200),
        ("/nothing/", JSON, 404),
        ("/s1/secret/", JSON, 401),
        ("/@@search?q=secret", JSON, 200),
    ],
)
def test_every_answer_varies_by_origin_besides_its_other_values(
    testapp, site, url, headers, status
):
    # A shared cache must keep apart the answers for each origin.
    for origin in ({}, {"Origin": APP}, {"Origin": OTHER}):
        response = testapp.get(url, headers={**headers, **origin}, status=status)
        assert vary(response) >= {"Accept", "Origin"}


def test_a_static_asset_varies_by_origin_too(testapp, site):
    page = testapp.get("/s1/")
    stylesheet = page.html.select_one('link[rel="stylesheet"]')["href"]
    response = testapp.get(stylesheet, headers={"Origin": APP})
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert "Origin" in vary(response)


def test_no_answer_allows_credentials(testapp, dbsession, site):
    token = bearer(dbsession, site)
    answers = [
        preflight(testapp, "/s1/", APP, 204),
        preflight(testapp, "/s1/", OTHER, 403),
        testapp.get("/s1/", headers={**JSON, "Origin": APP}),
        testapp.get("/s1/secret/", headers={**JSON, "Origin": APP}, status=401),
        testapp.get("/s1/secret/", headers={**token, "Origin": APP}),
        testapp.patch_json(
            "/s1/secret/", {"title": "New"}, headers={**token, "Origin": APP}
        ),
    ]
    for response in answers:
        assert "Access-Control-Allow-Credentials" not in response.headers


# -- the cookie does not count across origins -----------------------------------


@pytest.fixture
def editor(app, dbsession, site):
    """The admin's browser, and the CSRF token its pages carry."""
    client = browser(app, dbsession, site)
    page = client.get("/s1/secret/", headers={"Accept": "text/html"})
    return client, page.html.select_one('meta[name="csrf-token"]')["content"]


@pytest.mark.parametrize("origin", [APP, OTHER, "null"])
def test_a_cookie_sent_from_another_origin_reads_as_anonymous(editor, origin):
    client, _token = editor
    response = client.get("/s1/secret/", headers={**JSON, "Origin": origin}, status=401)
    assert response.json["error"]["type"] == "Unauthorized"
    assert "Secret" not in response.text


@pytest.mark.parametrize("origin", [APP, OTHER])
def test_a_cookie_sent_from_another_origin_cannot_write(editor, testapp, origin):
    client, csrf = editor
    client.patch_json(
        "/s1/secret/",
        {"title": "Taken over"},
        headers={**JSON, "Origin": origin, "X-CSRF-Token": csrf},
        status=401,
    )
    client.post(
        "/s1/secret/@@workflow",
        {"transition": "publish", "csrf_token": csrf},
        headers={"Origin": origin},
        status=303,  # to the login page, as for anyone not logged in
    )
    node = client.get("/s1/secret/", headers=JSON).json
    assert (node["title"], node["state"]) == ("Secret", "private")


def test_a_logout_from_another_origin_ends_no_session(editor):
    client, csrf = editor
    client.post("/@@logout", {"csrf_token": csrf}, headers={"Origin": OTHER})
    assert client.get("/s1/secret/", headers=JSON).json["title"] == "Secret"


@pytest.mark.parametrize("origin", [APP, OTHER])
def test_a_bearer_token_works_from_any_origin(testapp, dbsession, site, origin):
    headers = {**bearer(dbsession, site), "Origin": origin}
    assert testapp.get("/s1/secret/", headers=headers).json["title"] == "Secret"
    changed = testapp.patch_json("/s1/secret/", {"title": "New"}, headers=headers)
    assert changed.json["title"] == "New"


def test_the_editor_on_its_own_origin_keeps_its_cookie(editor):
    client, csrf = editor
    same = {**JSON, "Origin": "http://example.com", "X-CSRF-Token": csrf}
    assert client.get("/s1/secret/", headers=same).json["title"] == "Secret"
    changed = client.patch_json("/s1/secret/", {"title": "Renamed"}, headers=same)
    assert changed.json["title"] == "Renamed"
    client.post(
        "/s1/secret/@@workflow",
        {"transition": "publish", "csrf_token": csrf},
        headers={"Origin": "http://example.com"},
        status=303,
    )
    assert client.get("/s1/secret/", headers=JSON).json["state"] == "published"


def test_the_public_url_is_the_sites_own_origin(app, editor, monkeypatch):
    # Behind a proxy that does not pass the public host on.
    monkeypatch.setitem(app.registry.settings, "cms.public_url", "https://www.ex.org")
    client, csrf = editor
    headers = {**JSON, "Origin": "https://www.ex.org", "X-CSRF-Token": csrf}
    changed = client.patch_json("/s1/secret/", {"title": "Renamed"}, headers=headers)
    assert changed.json["title"] == "Renamed"


def test_the_same_origin_needs_the_csrf_token_still(editor):
    client, _csrf = editor
    client.patch_json(
        "/s1/secret/",
        {"title": "Renamed"},
        headers={**JSON, "Origin": "http://example.com"},
        status=400,
    )


def test_a_listed_origins_page_logs_in_for_a_token(testapp, site):
    # The JSON login sets no cookie: the page keeps the token it is given.
    response = testapp.post_json(
        "/@@login",
        {"login": "admin", "password": PASSWORD},
        headers={"Origin": APP},
        status=201,
    )
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert "Set-Cookie" not in response.headers
    headers = {
        **JSON,
        "Origin": APP,
        "Authorization": f"Bearer {response.json['token']}",
    }
    assert testapp.get("/s1/secret/", headers=headers).json["title"] == "Secret"


def test_a_login_form_from_another_origin_is_still_refused(testapp, site):
    testapp.post(
        "/@@login",
        {"login": "admin", "password": PASSWORD},
        headers={"Origin": APP},
        status=400,
    )
