"""Bad URLs and parameters get a clear 4xx, as a page or as JSON, never a 500."""

import json

import pytest
from sqlalchemy import func, select

from cms.models import Node, Revision
from tests.factories import add_document, add_folder

JSON = {"Accept": "application/json"}


@pytest.fixture
def site(dbsession, root):
    folder = add_folder(root, "about")
    for number in range(5):
        add_document(folder, f"p{number}")
    dbsession.flush()
    return root


BAD_URLS = [
    ("/nope/", 404),
    ("/about/nope/deeper/still/", 404),
    ("/about/p1/@@no-such-view", 404),
    ("/../../../etc/passwd", 404),
    ("/about/..%2F..%2F..%2Fetc%2Fpasswd", 404),
    ("/about%2Fp1/", 200),  # a decoded %2F is a slash, as in Pyramid
    ("/caf%C3%A9/", 404),
    ("/%E2%80%AE%F0%9F%98%80/", 404),
    ("/a%00b/", 404),
    ("/a%0d%0aSet-Cookie:%20x=1/", 404),
    ("/%FF%FE/", 400),
    ("/" + "a/" * 2500, 414),
    ("/" + "x" * 5000 + "/", 414),
    ("/" + "/".join(["about"] * 200) + "/", 404),
    ("/++api++/", 200),
    ("/++api++/nope/", 404),
    ("/?b_size=-1", 400),
    ("/?b_size=0", 400),
    ("/?b_size=abc", 400),
    ("/?b_size=1001", 400),
    ("/?b_size=1e3", 400),
    ("/?b_size=%D9%A3", 400),  # an Arabic-Indic digit is not a batch size
    ("/?b_size=99999999999999999999999", 400),
    ("/?b_size=1&b_size=2", 400),
    ("/?b_size=%FF", 400),
    ("/?%FF=1", 400),
    ("/about/?version=%C3", 400),
    ("/about/?b_after=garbage", 400),
    ("/about/?b_after=1.2.3", 400),
    ("/about/?b_after=99999999999999999999.1", 400),
    ("/about/?b_after=0.1&b_before=0.1", 400),
    ("/about/?b_before=%27%3B%20DROP%20TABLE%20nodes", 400),
    # A well-formed cursor nobody issued is just a position: an empty page.
    ("/about/?b_after=999999.999999", 200),
    ("/about/?b_before=-5.0", 200),
]


@pytest.mark.parametrize(("url", "status"), BAD_URLS)
def test_bad_urls_as_a_browser(testapp, site, url, status):
    response = testapp.get(url, status=status, expect_errors=True)
    assert response.status_int == status
    if url.startswith("/++api++/"):
        assert response.content_type == "application/json"
    elif status >= 400:
        assert response.content_type == "text/html"
        assert response.html.select_one("main h1") is not None


@pytest.mark.parametrize(("url", "status"), BAD_URLS)
def test_bad_urls_as_an_integrator(testapp, site, url, status):
    response = testapp.get(url, headers=JSON, status=status, expect_errors=True)
    assert response.status_int == status
    assert response.content_type == "application/json"
    if status >= 400:
        error = response.json["error"]
        assert error["type"] and error["message"]


def test_a_tampered_batching_link_is_refused(testapp, site):
    data = testapp.get("/about/?b_size=2", headers=JSON).json
    tampered = data["batching"]["next"].replace("b_after=", "b_after=x")
    response = testapp.get(tampered, headers=JSON, status=400)
    assert "cursor" in response.json["error"]["message"]


def test_bad_input_changes_nothing(testapp, dbsession, site, count_queries):
    with count_queries() as statements:
        for url, _status in BAD_URLS:
            testapp.get(url, expect_errors=True)
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in statements)


WRITES = [
    ("POST", "/about/", {"@type": "Document", "title": "Sneaky"}, 401),
    ("PATCH", "/about/p1/", {"title": "Defaced"}, 401),
    ("DELETE", "/about/p1/", None, 401),
    # No view writes with PUT: there is nothing at that address.
    ("PUT", "/about/p1/", {"@type": "Document", "title": "Defaced"}, 404),
]


def everything(dbsession):
    """What a write could change: every node, and the count of revisions."""
    nodes = dbsession.execute(
        select(Node.path, Node.title, Node.state, Node.version).order_by(Node.path)
    ).all()
    return nodes, dbsession.scalar(select(func.count()).select_from(Revision))


@pytest.mark.parametrize(("method", "path", "body", "status"), WRITES)
def test_an_anonymous_write_is_refused_and_changes_nothing(
    testapp, dbsession, site, method, path, body, status
):
    before = everything(dbsession)
    response = testapp.request(
        path,
        method=method,
        headers={**JSON, "Content-Type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode(),
        expect_errors=True,
    )
    assert response.status_int == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["error"]["type"] == "Unauthorized"
    assert everything(dbsession) == before
