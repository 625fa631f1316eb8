"""JSON clients get the contract's JSON error, whatever went wrong and where.

A JSON client is one that asks for JSON, comes through ``/++api++``, sends
credentials in ``Authorization`` or a JSON body. A browser asking for HTML
still gets the readable page.
"""

import pytest

from cms.security.tokens import create_token
from tests.factories import add_document, add_folder, bearer, browser, make_user

HTML = {"Accept": "text/html"}
#: The upload limit of these tests, in bytes.
LIMIT = 1000


@pytest.fixture
def admin(app, dbsession, root, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "cms.max_upload_bytes", LIMIT)
    add_document(add_folder(root, "s1"), "page")
    user = make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return user


def assert_json_error(response, status, error_type):
    assert response.status_int == status
    assert response.content_type == "application/json"
    assert response.json["error"]["type"] == error_type
    assert response.json["error"]["message"]


def token_only(dbsession, user):
    """The Authorization header of a new token, and ``Accept: */*`` (curl's)."""
    return {"Authorization": bearer(dbsession, user)["Authorization"], "Accept": "*/*"}


# -- 413: an upload over cms.max_upload_bytes -------------------------------------

#: One file over the limit: read to the end, then refused.
ONE_FILE = [("file", "big.txt", b"x" * (LIMIT + 1))]
#: A body whose Content-Length alone is refused, before it is read.
HUGE = [("file", "huge.txt", b"x" * (LIMIT + 100 * 1024))]
#: The same for the upload page, which takes several files.
HUGE_FOR_PAGE = [("files", "huge.txt", b"x" * (21 * LIMIT + 100 * 1024))]


@pytest.mark.parametrize("files", [ONE_FILE, HUGE], ids=["streamed", "early"])
@pytest.mark.parametrize("prefix", ["", "/++api++"])
def test_an_upload_too_large_is_a_json_413_for_a_token(
    testapp, dbsession, admin, files, prefix
):
    response = testapp.post(
        f"{prefix}/s1/",
        {"@type": "File"},
        upload_files=files,
        headers=token_only(dbsession, admin),
        status=413,
    )
    assert_json_error(response, 413, "RequestEntityTooLarge")


def test_an_upload_too_large_through_the_api_prefix_is_json_even_for_html(
    testapp, dbsession, admin
):
    headers = {**token_only(dbsession, admin), **HTML}
    response = testapp.post(
        "/++api++/s1/",
        {"@type": "File"},
        upload_files=HUGE,
        headers=headers,
        status=413,
    )
    assert_json_error(response, 413, "RequestEntityTooLarge")


def test_an_upload_too_large_is_a_json_413_for_a_browsers_script(
    app, testapp, dbsession, admin
):
    client = browser(app, dbsession, admin)
    page = client.get("/s1/", headers=HTML)
    csrf = page.html.select_one('meta[name="csrf-token"]')["content"]
    response = client.post(
        "/s1/",
        {"@type": "File", "csrf_token": csrf},
        upload_files=ONE_FILE,
        headers={"Accept": "application/json"},
        status=413,
    )
    assert_json_error(response, 413, "RequestEntityTooLarge")


def test_the_upload_page_refuses_a_token_with_json(testapp, dbsession, admin):
    response = testapp.post(
        "/s1/@@upload",
        upload_files=HUGE_FOR_PAGE,
        headers=token_only(dbsession, admin),
        status=413,
    )
    assert_json_error(response, 413, "RequestEntityTooLarge")
    response = testapp.post(
        "/++api++/s1/@@upload",
        {"files": ""},
        headers=token_only(dbsession, admin),
        status=400,
    )
    assert_json_error(response, 400, "BadRequest")


def test_a_browser_gets_the_upload_page_with_its_message(
    app, testapp, dbsession, admin
):
    client = browser(app, dbsession, admin)
    form = client.get("/s1/@@upload", headers=HTML).html
    csrf = form.select_one('input[name="csrf_token"]')["value"]
    response = client.post(
        "/s1/@@upload",
        {"csrf_token": csrf},
        upload_files=HUGE_FOR_PAGE,
        headers=HTML,
        status=413,
    )
    assert response.content_type == "text/html"
    assert "too large" in response.text


def test_a_browser_gets_a_413_page(app, testapp, dbsession, admin):
    client = browser(app, dbsession, admin)
    csrf = client.get("/s1/", headers=HTML).html.select_one('meta[name="csrf-token"]')[
        "content"
    ]
    response = client.post(
        "/s1/",
        {"@type": "File", "csrf_token": csrf},
        upload_files=HUGE,
        headers=HTML,
        status=413,
    )
    assert response.content_type == "text/html"


# -- 401: a token that is not (or no longer) valid -------------------------------

BAD_CREDENTIALS = [
    "Bearer cms_not-a-token",
    "Bearer",
    "Bearer two words",
    "Basic YWRtaW46YWRtaW4=",
]
URLS = ["/", "/s1/page/", "/++api++/s1/page/", "/@@search?q=page", "/nothing/here"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("authorization", BAD_CREDENTIALS)
def test_bad_credentials_are_a_json_401_anywhere(testapp, admin, url, authorization):
    response = testapp.get(
        url, headers={"Authorization": authorization, "Accept": "*/*"}, status=401
    )
    assert_json_error(response, 401, "Unauthorized")
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge


def test_an_expired_token_is_a_json_401(testapp, dbsession, admin):
    token, secret = create_token(dbsession, admin, "soon gone", expires_in=60)
    token.expires = token.created
    dbsession.flush()
    response = testapp.get(
        "/++api++/s1/page/", headers={"Authorization": f"Bearer {secret}"}, status=401
    )
    assert_json_error(response, 401, "Unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


# -- the other errors a JSON client meets -----------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "status", "error_type"),
    [
        ("GET", "/s1/nothing/", 404, "NotFound"),
        ("GET", "/s1/@@no-such-view", 404, "NotFound"),
        ("PUT", "/s1/page/", 404, "NotFound"),  # no view answers that method
        ("POST", "/s1/", 415, "UnsupportedMediaType"),
    ],
)
@pytest.mark.parametrize("prefix", ["", "/++api++"])
def test_other_errors_are_json_for_a_token(
    testapp, dbsession, admin, method, url, status, error_type, prefix
):
    response = testapp.request(
        f"{prefix}{url}",
        method=method,
        body=b"plain text",
        headers={**token_only(dbsession, admin), "Content-Type": "text/plain"},
        status=status,
    )
    assert_json_error(response, status, error_type)


def test_a_throttled_json_login_is_a_json_429(app, testapp, admin, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "cms.login_account_limit", 1)
    wrong = {"login": "admin", "password": "not the password"}
    testapp.post_json("/@@login", wrong, status=401)
    response = testapp.post_json("/@@login", wrong, status=429)
    assert_json_error(response, 429, "TooManyRequests")
    assert int(response.headers["Retry-After"]) > 0
