"""Navigation: sections in every page's header, the reader's section opened."""

import pytest

from tests.factories import bearer
from tests.functional.reader.conftest import HIDDEN, JSON

BASE = "http://example.com"


def outline(items):
    """``[(path, flags, [children…])]`` from the JSON items."""
    return [
        (
            item["@id"][len(BASE) :],
            ("current" if item["current"] else "")
            + ("in_path" if item["in_path"] else ""),
            outline(item["items"]),
        )
        for item in items
    ]


def test_anonymous_navigation_opens_the_section_down_to_the_page(testapp, site):
    answer = testapp.get("/about/team/@@navigation", headers=JSON).json
    assert answer["@id"] == BASE + "/about/team/@@navigation"
    assert outline(answer["items"]) == [
        (
            "/about/",
            "in_path",
            [("/about/team/", "current", []), ("/about/history/", "", [])],
        ),
        ("/news/", "", []),
    ]


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (1, [("/about/", "in_path", []), ("/news/", "", [])]),
        (
            3,
            [
                (
                    "/about/",
                    "in_path",
                    [
                        ("/about/team/", "current", [("/about/team/alice/", "", [])]),
                        ("/about/history/", "", []),
                    ],
                ),
                ("/news/", "", []),
            ],
        ),
    ],
)
def test_depth_is_the_number_of_levels(testapp, site, depth, expected):
    url = f"/about/team/@@navigation?depth={depth}"
    answer = testapp.get(url, headers=JSON).json
    assert outline(answer["items"]) == expected
    assert answer["@id"] == BASE + url


@pytest.mark.parametrize("query", ["depth=0", "depth=65", "depth=x", "depth=1&depth=2"])
def test_a_bad_depth_is_a_400_naming_it(testapp, site, query):
    response = testapp.get(f"/about/@@navigation?{query}", headers=JSON, status=400)
    assert response.json["error"]["type"] == "BadRequest"
    assert "depth" in response.json["error"]["message"]


def test_nothing_hidden_reaches_anonymous_navigation(testapp, site):
    for url in ("/", "/about/", "/about/team/alice/", "/news/first/"):
        answer = testapp.get(url + "@@navigation?depth=64", headers=JSON)
        page = testapp.get(url)
        for word in HIDDEN:
            assert word not in answer.text, (url, word)
            assert word not in str(page.html.select_one(".site-nav")), (url, word)


def test_navigation_is_trimmed_for_each_caller(testapp, dbsession, site, owner):
    headers = bearer(dbsession, owner)
    answer = testapp.get("/secret/inside/@@navigation", headers=headers).json
    # The reader of the secret section sees it and its page; not the
    # pending one nor the draft.
    assert outline(answer["items"]) == [
        ("/about/", "", []),
        ("/news/", "", []),
        ("/secret/", "in_path", [("/secret/inside/", "current", [])]),
    ]
    # Anonymous may not even ask there.
    testapp.get("/secret/inside/@@navigation", headers=JSON, status=401)


def test_navigation_costs_one_query_whatever_the_depth(testapp, site, count_queries):
    counts = []
    for depth in (1, 2, 3, 64):
        with count_queries() as statements:
            testapp.get(f"/about/team/alice/@@navigation?depth={depth}", headers=JSON)
        counts.append(len(statements))
    # The lineage (traversal) and the navigation.
    assert counts == [2, 2, 2, 2]


def test_every_page_shows_the_navigation_marking_where_the_reader_is(testapp, site):
    page = testapp.get("/about/team/")
    nav = page.html.select_one(".site-header nav.site-nav")
    top = [a.text for a in nav.select(".nav-level-1 > li > a")]
    assert top == ["About us", "News & <views>"]
    current = nav.select('a[aria-current="page"]')
    assert [(a.text, a["href"]) for a in current] == [
        ("Our team", BASE + "/about/team/")
    ]
    assert [a.text for a in nav.select(".nav-level-2 a")] == ["Our team", "Our history"]
    # The open section is a row of its own below the sections', named for it:
    # opening it never splits the row of sections.
    assert nav.select(".nav-level-1 ul") == []
    assert nav.select_one(".nav-level-2")["aria-label"] == "In About us"
    assert "News &amp; &lt;views&gt;" in page.text


def test_pages_link_their_folders_feed(testapp, site):
    for url, feed in (("/about/", "/about/"), ("/news/first/", "/news/"), ("/", "/")):
        page = testapp.get(url)
        link = page.html.select_one(
            'link[rel="alternate"][type="application/atom+xml"]'
        )
        assert link["href"] == BASE + feed + "@@feed", url


def test_a_page_changes_its_etag_when_its_navigation_changes(testapp, dbsession, site):
    etag = testapp.get("/news/").headers["ETag"]
    about = next(child for child in site.children() if child.name == "about")
    about.title = "About them"
    dbsession.flush()
    page = testapp.get("/news/", headers={"If-None-Match": etag})
    assert page.status_int == 200
    assert "About them" in page.html.select_one(".site-nav").text


def test_an_error_page_shows_nothing_hidden_in_its_navigation(
    app, testapp, dbsession, site
):
    from tests.factories import browser, make_user

    stranger = browser(app, dbsession, make_user(dbsession, "stranger"))
    page = stranger.get("/secret/inside/", status=403)
    nav = page.html.select_one(".site-nav")
    assert [a.text for a in nav.select("a")] == ["About us", "News & <views>"]
    assert "Secret" not in page.text
