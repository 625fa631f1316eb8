"""The one-query traverser, against Pyramid's rules for traversal."""

import pytest
from pyramid.httpexceptions import HTTPRequestURITooLong, HTTPServiceUnavailable
from pyramid.request import Request

from cms.traversal import NodeTraverser, SiteRoot
from cms.urls import came_through_api
from tests.factories import DEEP_CHAIN, add_chain, add_document, add_folder


@pytest.fixture
def tree(root):
    about = add_folder(root, "about")
    add_document(about, "team")
    add_chain(root, DEEP_CHAIN)
    return root


def traverse(dbsession, path):
    request = Request.blank(path)
    request.dbsession = dbsession
    dbsession.expire_all()
    result = NodeTraverser(SiteRoot(request))(request)
    return request, result


def where(result):
    return (
        result["context"].path,
        result["view_name"],
        result["subpath"],
        result["traversed"],
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", ("/", "", (), ())),
        ("/about", ("/about/", "", (), ("about",))),
        ("/about/team/", ("/about/team/", "", (), ("about", "team"))),
        ("/about/team/@@edit", ("/about/team/", "edit", (), ("about", "team"))),
        ("/about/nope/x/y", ("/about/", "nope", ("x", "y"), ("about",))),
        # "@@" names a view even where a child of that name exists.
        ("/about/@@team", ("/about/", "team", (), ("about",))),
        ("/about/@@history/3", ("/about/", "history", ("3",), ("about",))),
        # ".", ".." and empty segments follow Pyramid's split_path_info.
        ("/about/./team/../team//", ("/about/team/", "", (), ("about", "team"))),
        ("/../../about/", ("/about/", "", (), ("about",))),
        # A segment that cannot be a name is a view name at once.
        ("/About/", ("/", "About", (), ())),
        ("/caf%C3%A9/", ("/", "caf\u00e9", (), ())),
    ],
)
def test_resolves_like_pyramid(dbsession, tree, url, expected):
    _request, result = traverse(dbsession, url)
    assert where(result) == expected
    assert result["root"].path == "/"


def test_any_depth_costs_one_query(dbsession, tree, count_queries):
    url = "/" + "/".join(DEEP_CHAIN) + "/"
    with count_queries() as statements:
        _request, result = traverse(dbsession, url)
        lineage = result["context"].lineage()
    assert result["context"].path == url
    assert len(lineage) == 12
    assert len(statements) == 1


def test_the_lineage_is_linked_without_more_queries(dbsession, tree, count_queries):
    with count_queries() as statements:
        _request, result = traverse(dbsession, "/about/team/")
        team = result["context"]
        assert team.__parent__.__parent__ is result["root"]
    assert len(statements) == 1


def test_api_prefix_asks_for_json(dbsession, tree):
    request, result = traverse(dbsession, "/++api++/about/")
    assert result["context"].path == "/about/"
    assert came_through_api(request)
    assert request.accept.acceptable_offers(["text/html", "application/json"]) == [
        ("application/json", 1.0)
    ]


def test_a_very_long_url_is_refused(dbsession, tree):
    with pytest.raises(HTTPRequestURITooLong):
        traverse(dbsession, "/a" * 3000)


def test_many_levels_are_not_all_looked_up(dbsession, tree, count_queries):
    url = "/" + "/".join(["x"] * 500) + "/"
    with count_queries() as statements:
        _request, result = traverse(dbsession, url)
    assert result["view_name"] == "x"
    assert len(statements) == 1


def test_no_root_is_a_503(dbsession):
    with pytest.raises(HTTPServiceUnavailable):
        traverse(dbsession, "/")
