"""A JSON front end renders each page of the demo with one request."""

import pytest

from cms.demo import add_demo_once
from tests.functional.api.conftest import JSON

#: What a front end asks for: the page, its place in the site, its children.
PAGE = (
    "?expand=breadcrumbs,navigation,children"
    "&expand.children.fields=title,description,scales,links"
)


@pytest.fixture
def demo(app, dbsession, root):
    add_demo_once(dbsession, root, app.registry["blobstore"])
    dbsession.flush()
    return root


def titles(items):
    return [item["title"] for item in items]


def test_the_home_page(testapp, demo, count_queries):
    with count_queries() as statements:
        data = testapp.get("/" + PAGE, headers=JSON).json
    components = data["@components"]
    assert data["title"] and "<figure>" in data["body"]
    # The picture of the home page is linked by its current URL.
    assert 'src="http://example.com/about/harbour/@@images/' in data["body"]
    top = titles(components["navigation"]["items"])
    assert {"About us", "News"} <= set(top)
    assert titles(components["breadcrumbs"]["items"]) == ["Home"]
    assert titles(components["children"]) == titles(data["items"])
    assert len(statements) <= 6


def test_a_section(testapp, demo):
    data = testapp.get("/about/" + PAGE, headers=JSON).json
    components = data["@components"]
    children = {child["title"]: child for child in components["children"]}
    assert {"Our team", "Our history", "The harbour at dawn"} <= set(children)
    picture = children["The harbour at dawn"]
    # A teaser's picture: a scale with its size, and where the page is.
    assert picture["scales"]["thumb"]["download"].endswith("@@images/thumb")
    assert picture["links"]["html"] == "http://example.com/about/harbour/"
    assert titles(components["breadcrumbs"]["items"]) == ["Home", "About us"]
    about = next(
        item
        for item in components["navigation"]["items"]
        if item["title"] == "About us"
    )
    assert about["in_path"] or about["current"]


def test_a_leaf(testapp, demo):
    data = testapp.get("/about/team/" + PAGE, headers=JSON).json
    components = data["@components"]
    assert data["title"] == "Our team" and data["body"]
    assert titles(components["breadcrumbs"]["items"]) == [
        "Home",
        "About us",
        "Our team",
    ]
    assert components["children"] == []
