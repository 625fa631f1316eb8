"""ETags, 304 and 412: no lost updates."""

import pytest

from tests.factories import add_document, add_folder


@pytest.fixture
def page(dbsession, site):
    page = add_document(site, "page", "Page", state="private")
    dbsession.flush()
    return page


def test_get_sends_etag_and_last_modified(testapp, people, page):
    response = testapp.get("/site/page/", headers=people["editor"])
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Last-Modified"]


def test_if_none_match_gives_304(testapp, people, page):
    editor = people["editor"]
    etag = testapp.get("/site/page/", headers=editor).headers["ETag"]
    response = testapp.get(
        "/site/page/", headers={**editor, "If-None-Match": etag}, status=304
    )
    assert response.body == b""
    assert response.headers["ETag"] == etag


def test_etag_changes_when_the_node_or_its_children_change(
    testapp, dbsession, people, page
):
    editor = people["editor"]
    first = testapp.get("/site/", headers=editor).headers["ETag"]
    add_document(page.__parent__, "another")
    dbsession.flush()
    second = testapp.get("/site/", headers=editor).headers["ETag"]
    assert first != second
    testapp.get("/site/", headers={**editor, "If-None-Match": first}, status=200)


def test_etag_differs_between_html_and_json_callers_seeing_different_things(
    testapp, people, page
):
    anonymous = testapp.get("/site/", headers=people[None]).headers["ETag"]
    editor = testapp.get("/site/", headers=people["editor"]).headers["ETag"]
    assert anonymous != editor


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("PATCH", "/site/page/", {"title": "Mine"}),
        ("DELETE", "/site/page/", None),
        ("POST", "/site/page/@@move", {"id": "moved"}),
    ],
)
def test_stale_if_match_is_412_and_changes_nothing(
    testapp, dbsession, people, page, method, url, body
):
    editor = people["editor"]
    stale = testapp.get("/site/page/", headers=editor).headers["ETag"]
    testapp.patch_json("/site/page/", {"title": "Theirs"}, headers=editor)
    headers = {**editor, "If-Match": stale}
    if body is None:
        response = testapp.request(url, method=method, headers=headers, status=412)
    else:
        send = getattr(testapp, f"{method.lower()}_json")
        response = send(url, body, headers=headers, status=412)
    assert response.json["error"]["type"] == "PreconditionFailed"
    data = testapp.get("/site/page/", headers=editor).json
    assert (data["title"], data["id"]) == ("Theirs", "page")


def test_current_if_match_is_accepted(testapp, people, page):
    editor = people["editor"]
    etag = testapp.get("/site/page/", headers=editor).headers["ETag"]
    response = testapp.patch_json(
        "/site/page/", {"title": "Fine"}, headers={**editor, "If-Match": etag}
    )
    assert response.headers["ETag"] != etag
    testapp.patch_json(
        "/site/page/",
        {"title": "Again"},
        headers={**editor, "If-Match": etag},
        status=412,
    )


@pytest.mark.parametrize(
    "header", ["garbage", '"x"', 'W/"abc"', ",,,", '"' + "0" * 32 + '-1"']
)
def test_malformed_if_match_is_412(testapp, dbsession, people, page, header):
    testapp.patch_json(
        "/site/page/",
        {"title": "No"},
        headers={**people["editor"], "If-Match": header},
        status=412,
    )
    dbsession.refresh(page)
    assert page.title == "Page"


def test_star_matches_any(testapp, people, page):
    editor = people["editor"]
    testapp.patch_json("/site/page/", {"title": "Meanwhile"}, headers=editor)
    data = testapp.patch_json(
        "/site/page/", {"title": "Yes"}, headers={**editor, "If-Match": "*"}, status=200
    ).json
    assert data["title"] == "Yes"


def test_html_and_json_have_different_etags(testapp, people, page):
    editor = people["editor"]
    auth = {"Authorization": editor["Authorization"]}
    html = testapp.get("/site/page/", headers={**auth, "Accept": "text/html"})
    json = testapp.get("/site/page/", headers=editor)
    assert html.headers["ETag"] != json.headers["ETag"]
    # A cache revalidating its HTML copy must not get a 304 for JSON.
    testapp.get(
        "/site/page/",
        headers={**editor, "If-None-Match": html.headers["ETag"]},
        status=200,
    )


def test_a_renamed_ancestor_changes_the_pages_below(testapp, dbsession, people, site):
    """The page shows its ancestors' titles (breadcrumbs): its tag covers them."""
    add_document(add_folder(site, "sub", state="private"), "page", state="private")
    dbsession.flush()
    editor = {"Authorization": people["editor"]["Authorization"], "Accept": "text/html"}
    etag = testapp.get("/site/sub/page/", headers=editor).headers["ETag"]
    testapp.patch_json("/site/sub/", {"title": "Renamed"}, headers=people["manager"])
    response = testapp.get("/site/sub/page/", headers={**editor, "If-None-Match": etag})
    assert response.status_int == 200
    assert "Renamed" in response.html.select_one(".breadcrumbs").text


def test_the_toolbar_is_part_of_the_tag(testapp, dbsession, people, page):
    """A role granted meanwhile changes the toolbar, hence the tag."""
    owner = {"Authorization": people["owner"]["Authorization"], "Accept": "text/html"}
    testapp.post_json(
        "/site/page/@@sharing",
        {"entries": [{"principal": "user:owner", "roles": ["reader"]}]},
        headers=people["manager"],
    )
    before = testapp.get("/site/page/", headers=owner)
    assert before.html.select_one(".toolbar a[href$='@@sharing']") is None
    testapp.post_json(
        "/site/page/@@sharing",
        {"entries": [{"principal": "user:owner", "roles": ["manager"]}]},
        headers=people["manager"],
    )
    after = testapp.get(
        "/site/page/", headers={**owner, "If-None-Match": before.headers["ETag"]}
    )
    assert after.status_int == 200
    assert after.html.select_one(".toolbar a[href$='@@sharing']") is not None
