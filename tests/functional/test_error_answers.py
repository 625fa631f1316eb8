"""Who gets a page and who gets JSON when something goes wrong.

Browsers get a page in the site's layout, logged in or not, even when the
URL could not be traversed at all. A request through ``/++api++``, with a
bearer token, or with a JSON body gets JSON unless it asks for HTML.
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

HTML = {"Accept": "text/html"}


@pytest.fixture
def admin(dbsession, root):
    add_document(add_folder(root, "s1"), "page")
    user = make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return user


UNTRAVERSABLE = [("/s1/%ff", 400), ("/" + "a" * 5000, 414), ("/s1/" + "b/" * 3000, 414)]


@pytest.mark.parametrize(("url", "status"), UNTRAVERSABLE)
def test_a_logged_in_browser_gets_an_error_page(
    app, testapp, dbsession, admin, url, status
):
    # The cookie goes as a header: WebTest's cookie jar cannot read such URLs.
    cookies = browser(app, dbsession, admin).cookies
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    response = testapp.get(url, headers={**HTML, "Cookie": cookie}, status=status)
    assert response.content_type == "text/html"
    assert response.html.select_one("main h1") is not None
    # The page is the site's, for the user who is logged in.
    assert "admin" in response.html.select_one(".user-name").text


@pytest.mark.parametrize(("url", "status"), UNTRAVERSABLE)
def test_a_bearer_token_that_asks_for_html_gets_an_error_page(
    testapp, dbsession, admin, url, status
):
    headers = {**bearer(dbsession, admin), **HTML}
    response = testapp.get(url, headers=headers, status=status)
    assert response.content_type == "text/html"


@pytest.mark.parametrize(("url", "status"), UNTRAVERSABLE)
def test_a_bearer_token_gets_json_errors_by_default(
    testapp, dbsession, admin, url, status
):
    headers = {"Authorization": bearer(dbsession, admin)["Authorization"]}
    response = testapp.get(url, headers={**headers, "Accept": "*/*"}, status=status)
    assert response.content_type == "application/json"
    assert response.json["error"]["message"]


def test_a_bad_token_through_the_api_prefix_is_a_json_401(testapp, admin):
    response = testapp.get(
        "/++api++/s1/",
        headers={"Authorization": "Bearer cms_not-a-token", "Accept": "text/html"},
        status=401,
    )
    assert response.content_type == "application/json"
    assert response.json["error"]["type"] == "Unauthorized"
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_an_upload_that_fails_answers_json(testapp, dbsession, admin):
    # The README's upload example: curl -F … with a bearer token, Accept */*.
    headers = {"Authorization": bearer(dbsession, admin)["Authorization"]}
    response = testapp.post(
        "/s1/",
        {"@type": "Image"},
        upload_files=[("file", "photo.jpg", b"not a picture")],
        headers={**headers, "Accept": "*/*"},
        status=400,
    )
    assert response.content_type == "application/json"
    assert response.json["error"]["errors"][0]["field"] == "file"


def test_a_json_body_gets_json_errors(testapp, dbsession, admin):
    response = testapp.post(
        "/s1/page/@@workflow",
        '{"transition": "retract"}',
        headers={"Content-Type": "application/json", "Accept": "*/*"},
        status=401,
    )
    assert response.content_type == "application/json"


def test_a_browser_without_credentials_still_gets_pages(testapp, admin):
    response = testapp.get("/s1/nope/", headers={"Accept": "*/*"}, status=404)
    assert response.content_type == "text/html"


# -- links keep the /++api++ prefix ------------------------------------------


def test_batching_links_keep_the_api_prefix(testapp, dbsession, admin, root):
    folder = root["s1"]
    for number in range(3):
        add_document(folder, f"p{number}")
    dbsession.flush()
    batching = testapp.get("/++api++/s1/?b_size=2").json["batching"]
    for key in ("@id", "first", "next"):
        assert "/++api++/s1/" in batching[key], key
    second = testapp.get(batching["next"])
    assert second.content_type == "application/json"
    assert "/++api++/s1/" in second.json["batching"]["prev"]


def test_the_old_api_url_of_a_moved_node_redirects(testapp, dbsession, admin):
    headers = bearer(dbsession, admin)
    testapp.post_json("/s1/page/@@move", {"id": "moved"}, headers=headers)
    plain = testapp.get("/s1/page/", status=301)
    assert plain.location.endswith("/s1/moved/")
    api = testapp.get("/++api++/s1/page/", status=301)
    assert api.location.endswith("/++api++/s1/moved/")
    assert testapp.get(api.location).json["title"] == "Page"


def test_a_node_made_through_the_api_prefix_is_located_there(testapp, dbsession, admin):
    response = testapp.post_json(
        "/++api++/s1/",
        {"@type": "Document", "id": "new", "title": "New"},
        headers=bearer(dbsession, admin),
        status=201,
    )
    assert response.location.endswith("/++api++/s1/new/")
    # The node's own identity stays its canonical URL.
    assert response.json["@id"].endswith("/s1/new/")
    assert "++api++" not in response.json["@id"]


def test_login_with_the_right_password_still_works(testapp, admin):
    response = testapp.post_json(
        "/@@login", {"login": "admin", "password": PASSWORD}, status=201
    )
    assert response.json["token"]
