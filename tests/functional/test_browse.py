"""Readers browse the tree as HTML pages."""

import pytest

from cms.services.site_settings import update_settings
from tests.factories import DEEP_CHAIN, add_chain, add_document, add_folder


@pytest.fixture
def site(dbsession, root):
    about = add_folder(root, "about", "About us", description="Who we are")
    add_document(
        about,
        "team",
        "Our team",
        description="The people",
        body="<p>Alice &amp; Bob</p>",
    )
    add_document(about, "history", "Our history")
    add_chain(root, DEEP_CHAIN)
    dbsession.flush()
    return root


def test_page_shows_title_description_and_body(testapp, site):
    page = testapp.get("/about/team/")
    assert page.content_type == "text/html"
    assert page.html.h1.text == "Our team"
    assert page.html.select_one(".description").text == "The people"
    assert page.html.select_one(".body").decode_contents() == "<p>Alice &amp; Bob</p>"
    assert page.html.title.text == "Our team \N{EN DASH} My site"


def test_breadcrumbs_link_every_ancestor(testapp, site):
    page = testapp.get("/about/team/")
    crumbs = page.html.select(".breadcrumbs li")
    assert [crumb.text.strip() for crumb in crumbs] == ["Home", "About us", "Our team"]
    links = [a["href"] for a in page.html.select(".breadcrumbs a")]
    assert links == ["http://example.com/", "http://example.com/about/"]


def test_folder_lists_its_children_in_order_with_links(testapp, site):
    page = testapp.get("/about/")
    items = page.html.select(".items a")
    assert [(a.text, a["href"]) for a in items] == [
        ("Our team", "http://example.com/about/team/"),
        ("Our history", "http://example.com/about/history/"),
    ]
    assert testapp.get(items[0]["href"]).html.h1.text == "Our team"


def test_titles_are_escaped(testapp, dbsession, root):
    add_document(root, "x", "<script>alert(1)</script>")
    dbsession.flush()
    page = testapp.get("/")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_url_without_trailing_slash_redirects_to_the_canonical_one(testapp, site):
    response = testapp.get("/about/team?b_size=5", status=301)
    assert response.location == "http://example.com/about/team/?b_size=5"


def test_unknown_path_is_a_404_page_in_the_layout(testapp, site):
    response = testapp.get("/about/nope/", status=404)
    assert response.content_type == "text/html"
    assert response.html.h1.text == "Page not found"
    assert response.html.select_one(".site-header") is not None


def test_every_response_varies_on_accept(testapp, site):
    assert "Accept" in testapp.get("/about/").headers["Vary"]
    assert "Accept" in testapp.get("/nope/", status=404).headers["Vary"]


def test_a_browser_accept_header_gets_html(testapp, site):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, "*/*", "image/png"):
        response = testapp.get("/about/", headers={"Accept": accept})
        assert response.content_type == "text/html", accept


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The lineage (1), the children (1), the navigation (1) and the site's
        # settings (1); the children all fit in the first batch, so their
        # number needs no query of its own.
        ("/", 4),
        ("/about/team/", 4),
        ("/" + "/".join(DEEP_CHAIN) + "/", 4),
    ],
)
def test_page_query_counts(testapp, site, count_queries, url, queries):
    with count_queries() as statements:
        testapp.get(url)
    assert len(statements) == queries, statements


def test_a_folder_does_not_cost_a_query_per_child(
    testapp, dbsession, root, count_queries
):
    small, large = add_folder(root, "small"), add_folder(root, "large")
    for number in range(2):
        add_document(small, f"p{number}")
    for number in range(200):
        add_document(large, f"p{number}")
    dbsession.flush()
    counts = []
    for url in ("/small/", "/large/"):
        with count_queries() as statements:
            page = testapp.get(url)
        counts.append(len(statements))
    assert len(page.html.select(".items li")) == 25
    # The large one needs its count (it spans batches): one query, not 200.
    assert counts == [4, 5]


@pytest.mark.parametrize("depth", [1, 2, 10])
def test_navigation_costs_one_query_whatever_its_depth(
    testapp, dbsession, site, count_queries, depth
):
    url = "/" + "/".join(DEEP_CHAIN) + "/"
    update_settings(dbsession, {"navigation_depth": depth})
    dbsession.flush()
    with count_queries() as statements:
        page = testapp.get(url)
    # The lineage, the children, the site's settings, the navigation: one
    # more than a page without navigation, however many levels it opens.
    assert len(statements) == 4, statements
    levels = page.html.select(".site-nav ul")
    assert len(levels) == min(depth, len(DEEP_CHAIN))


def test_paging_links_walk_a_large_folder(testapp, dbsession, root):
    folder = add_folder(root, "many")
    for number in range(30):
        add_document(folder, f"p{number:02d}")
    dbsession.flush()
    page = testapp.get("/many/")
    seen = [a.text for a in page.html.select(".items a")]
    assert len(seen) == 25
    page = testapp.get(page.html.select_one("a[rel=next]")["href"])
    seen += [a.text for a in page.html.select(".items a")]
    assert seen == [f"P{number:02d}" for number in range(30)]
    assert page.html.select_one("a[rel=next]") is None
    assert page.html.select_one("a[rel=prev]") is not None


def test_the_stylesheet_is_served(testapp, site):
    page = testapp.get("/")
    href = page.html.select_one('link[rel="stylesheet"]')["href"]
    response = testapp.get(href)
    assert response.content_type == "text/css"
    assert b".site-header" in response.body
