"""Text that is not valid Unicode, wherever a request carries text.

A lone UTF-16 surrogate (U+D800 to U+DFFF) is valid in JSON's ``\\uXXXX``
escapes and in Python strings, but not in UTF-8: no page, no JSON answer
and no database can hold it. Every JSON body and every form is checked once,
where it is read: such text is a 400 naming the field, never a 500, and
nothing is stored.
"""

import json

import pytest
from sqlalchemy import select

from cms.models import Node, User
from tests.factories import (
    add_document,
    add_folder,
    bearer,
    browser_as,
    grant,
    make_user,
)

SURROGATE = b'"\\ud800"'


@pytest.fixture
def site(testapp, dbsession, root):
    site = add_folder(root, "site", "Site")
    add_document(site, "live", "Live", state="published", body="<p>Live.</p>")
    add_document(site, "draft", "Draft", state="private")
    grant(site, make_user(dbsession, "editor"), "editor")
    make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return site


@pytest.fixture
def editor(dbsession, site):
    user = dbsession.scalars(select(User).where(User.login == "editor")).one()
    return bearer(dbsession, user)


def send_json(testapp, method, url, body, headers=None):
    return testapp.request(
        url,
        method=method,
        body=body,
        headers={
            "Accept": "application/json",
            **(headers or {}),
            "Content-Type": "application/json",
        },
        expect_errors=True,
    )


def title(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node.title).where(Node.path == path)).one()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"login": "admin", "password": ' + SURROGATE + b"}", "password"),
        (b'{"login": ' + SURROGATE + b', "password": "x"}', "login"),
    ],
)
def test_an_anonymous_login(testapp, site, body, field):
    response = send_json(testapp, "POST", "/@@login", body)
    assert response.status_int == 400, response.text
    assert response.json["error"]["errors"][0]["field"] == field


def test_a_published_page_stays_usable(testapp, app, dbsession, site, editor):
    """Such a title used to be saved in the draft, which then answered 500."""
    body = b'{"title": "a\\udfffb"}'
    response = send_json(testapp, "PATCH", "/site/live/", body, editor)
    assert response.status_int == 400
    error = response.json["error"]
    assert error["errors"] == [
        {"field": "title", "message": error["errors"][0]["message"]}
    ]
    assert "surrogate" in error["errors"][0]["message"]
    assert testapp.get("/site/live/?version=draft", headers=editor).json["title"] == (
        "Live"
    )
    browser = browser_as(app, dbsession, "editor")
    browser.get("/site/live/@@edit", status=200)
    testapp.post_json(
        "/site/live/@@workflow", {"transition": "retract"}, headers=editor, status=200
    )


LONE = "\ud800"


@pytest.mark.parametrize(
    ("method", "url", "data", "field"),
    [
        ("POST", "/site/", {"@type": "Document", "title": LONE}, "title"),
        ("PATCH", "/site/draft/", {"body": f"<p>{LONE}</p>"}, "body"),
        ("PATCH", "/site/draft/", {"\udc00": "x"}, "\\udc00"),
        (
            "POST",
            "/site/draft/@@sharing",
            {"entries": [{"principal": "user:\ud83d", "roles": ["editor"]}]},
            "entries[0].principal",
        ),
        ("POST", "/site/draft/@@move", {"to": "/site/", "id": LONE}, "id"),
        (
            "POST",
            "/@@users",
            {"login": "x", "password": "p", "fullname": LONE},
            "fullname",
        ),
        ("POST", "/site/draft/@@workflow", {"transition": LONE}, "transition"),
        # NUL is refused the same way (PostgreSQL cannot store it).
        ("PATCH", "/site/draft/", {"description": "a\x00"}, "description"),
    ],
)
def test_every_json_write_names_the_field(
    testapp, dbsession, site, method, url, data, field
):
    admin = dbsession.scalars(select(User).where(User.login == "admin")).one()
    # json.dumps escapes a lone surrogate as \\ud800, as a client would.
    body = json.dumps(data).encode()
    response = send_json(testapp, method, url, body, bearer(dbsession, admin))
    assert response.status_int == 400, response.text
    assert [error["field"] for error in response.json["error"]["errors"]] == [field]
    assert title(dbsession, "/site/draft/") == "Draft"


def test_a_surrogate_pair_is_a_character(testapp, dbsession, site, editor):
    """Escaped as a pair, a character beyond the BMP is just a character."""
    body = b'{"title": "Smile \\ud83d\\ude00"}'
    response = send_json(testapp, "PATCH", "/site/draft/", body, editor)
    assert response.status_int == 200
    assert title(dbsession, "/site/draft/") == "Smile \U0001f600"


# -- forms ---------------------------------------------------------------------


@pytest.fixture
def browser(app, dbsession, site):
    client = browser_as(app, dbsession, "editor")
    page = client.get("/site/draft/@@edit")
    client.csrf = page.html.select_one('meta[name="csrf-token"]')["content"]
    return client


def test_invalid_utf8_in_a_form_is_replaced(browser, dbsession):
    """Browsers send UTF-8; bytes that are not are read as U+FFFD, not as 500."""
    body = f"csrf_token={browser.csrf}&title=A%ED%A0%80B&version=1"
    browser.post(
        "/site/draft/@@edit",
        body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        status=303,
    )
    assert title(dbsession, "/site/draft/") == "A\ufffd\ufffd\ufffdB"


def multipart(*parts):
    """A multipart body of (headers, value) parts, and its Content-Type."""
    body = b"".join(
        b"--b\r\n" + headers.encode() + b"\r\n\r\n" + value + b"\r\n"
        for headers, value in parts
    )
    return body + b"--b--\r\n", "multipart/form-data; boundary=b"


def field(name, charset=None, encoding=None):
    headers = f'Content-Disposition: form-data; name="{name}"'
    if charset:
        headers += f"\r\nContent-Type: text/plain; charset={charset}"
    if encoding:
        headers += f"\r\nContent-Transfer-Encoding: {encoding}"
    return headers


@pytest.mark.parametrize(
    ("title_part", "named"),
    [
        # A part may name its charset, and these two make a lone surrogate.
        ((field("title", "utf-7"), b"+2AA-"), "title"),
        ((field("title", "unicode_escape"), b"\\ud800"), "title"),
        # A charset nobody knows, text that is not in its charset, bad base64.
        ((field("title", "no-such-charset"), b"x"), None),
        ((field("title", "ascii"), "é".encode()), None),
        ((field("title", encoding="base64"), b"!!!x"), None),
    ],
)
def test_a_multipart_form(browser, dbsession, title_part, named):
    body, content_type = multipart(
        (field("csrf_token"), browser.csrf.encode()),
        (field("version"), b"1"),
        title_part,
    )
    response = browser.post(
        "/site/draft/@@edit",
        body,
        headers={"Content-Type": content_type},
        status=400,
    )
    if named:
        assert response.html.select_one("ul.errors strong").text == named
    assert title(dbsession, "/site/draft/") == "Draft"


def test_the_csrf_token_itself(browser, dbsession):
    body, content_type = multipart(
        (field("csrf_token", "utf-7"), b"+2AA-"), (field("title"), b"New")
    )
    response = browser.post(
        "/site/draft/@@edit", body, headers={"Content-Type": content_type}, status=400
    )
    assert response.html.select_one("ul.errors strong").text == "csrf_token"
    assert title(dbsession, "/site/draft/") == "Draft"


def test_a_form_in_another_charset(browser, dbsession):
    response = browser.post(
        "/site/draft/@@edit",
        f"csrf_token={browser.csrf}&title=Caf%E9&version=1",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"},
        status=400,
    )
    assert "UTF-8" in response.html.select_one("main").text
    assert title(dbsession, "/site/draft/") == "Draft"


def test_an_anonymous_login_form(testapp, site):
    body, content_type = multipart(
        (field("login"), b"admin"), (field("password", "utf-7"), b"+2AA-")
    )
    response = testapp.post(
        "/@@login", body, headers={"Content-Type": content_type}, status=400
    )
    assert response.html.select_one("ul.errors strong").text == "password"


# -- query strings and headers -------------------------------------------------

SURROGATE_UTF8 = "%ED%A0%80"  # what UTF-8 would be, if it allowed surrogates


@pytest.mark.parametrize(
    "url",
    [
        f"/site/?b_size={SURROGATE_UTF8}",
        f"/site/live/?version={SURROGATE_UTF8}",
        f"/site/@@contents?q={SURROGATE_UTF8}",
        f"/site/live/@@history?before={SURROGATE_UTF8}",
        f"/@@users?q={SURROGATE_UTF8}",
        f"/@@login?came_from={SURROGATE_UTF8}",
    ],
)
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_query_strings(app, dbsession, site, url, accept):
    browser = browser_as(app, dbsession, "admin")
    response = browser.get(url, headers={"Accept": accept}, expect_errors=True)
    # A 400 where the parameter is read; JSON has no search, nor contents.
    assert response.status_int in (200, 400, 404)
    assert response.content_type == accept


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_paths(testapp, site, accept):
    url = f"/site/{SURROGATE_UTF8}/"
    response = testapp.get(url, headers={"Accept": accept}, status=400)
    assert response.content_type == accept


# A header is bytes that WSGI hands over as Latin-1: never a surrogate, but
# bytes that make one in UTF-8 must not trouble anything that reads them.
HEADERS = [
    "Accept",
    "Accept-Language",
    "Authorization",
    "Cookie",
    "If-Match",
    "If-Modified-Since",
    "If-None-Match",
    "Origin",
    "Range",
    "Referer",
    "X-CSRF-Token",
    "X-Forwarded-For",
    "X-Request-ID",
]


@pytest.mark.parametrize("name", HEADERS)
def test_headers(testapp, app, dbsession, site, name):
    value = "\xed\xa0\x80"
    response = testapp.get("/site/live/", headers={name: value}, expect_errors=True)
    assert response.status_int < 500
    browser = browser_as(app, dbsession, "editor")
    token = browser.get("/site/").html.select_one('meta[name="csrf-token"]')["content"]
    response = browser.post(
        "/site/draft/@@edit",
        {"csrf_token": token, "title": "New", "version": "1"},
        headers={name: value},
        expect_errors=True,
    )
    assert response.status_int < 500
