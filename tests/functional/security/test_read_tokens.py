"""Tokens limited to reading: they read what their user may, and write nothing."""

import pytest

from tests.factories import add_document, add_folder, bearer, grant, make_user


@pytest.fixture
def editor(testapp, dbsession, root):
    site = add_folder(root, "site", "Site")
    add_document(site, "page", "Page", state="private")
    user = make_user(dbsession, "editor")
    grant(site, user, "editor")
    dbsession.flush()
    return bearer(dbsession, user)


@pytest.fixture
def read_only(testapp, editor):
    made = testapp.post_json(
        "/@@tokens", {"title": "dashboard", "scope": "read"}, headers=editor
    ).json
    assert made["scope"] == "read"
    return {"Authorization": f"Bearer {made['token']}", "Accept": "application/json"}


def test_a_read_token_reads_what_its_user_may(testapp, read_only):
    assert testapp.get("/site/page/", headers=read_only).json["title"] == "Page"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post_json", "/site/", {"@type": "Document", "title": "New"}),
        ("patch_json", "/site/page/", {"title": "Changed"}),
        ("delete", "/site/page/", None),
        ("post_json", "/site/page/@@workflow", {"transition": "publish"}),
        ("post_json", "/site/page/@@move", {"id": "moved"}),
        ("post_json", "/@@tokens", {"title": "another"}),
    ],
)
def test_a_read_token_writes_nothing(testapp, read_only, editor, method, url, body):
    call = getattr(testapp, method)
    args = (url, body) if body is not None else (url,)
    error = call(*args, headers=read_only, status=403).json["error"]
    assert "only read" in error["message"]
    page = testapp.get("/site/page/", headers=editor).json
    assert (page["title"], page["state"]) == ("Page", "private")
    # The same write with the user's other token works.
    if method == "patch_json":
        testapp.patch_json(url, body, headers=editor, status=200)


def test_tokens_are_listed_with_their_scope(testapp, read_only, editor):
    tokens = testapp.get("/@@tokens", headers=editor).json["items"]
    scopes = [token["scope"] for token in tokens]
    assert sorted(scopes) == ["read", "write"]


def test_a_scope_that_is_not_one_is_400(testapp, editor):
    error = testapp.post_json(
        "/@@tokens", {"scope": "admin"}, headers=editor, status=400
    ).json["error"]
    assert error["errors"] == [{"field": "scope", "message": "read or write."}]
