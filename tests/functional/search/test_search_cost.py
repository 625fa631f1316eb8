"""What a search costs in SQL statements: one for the batch and its count.

The matches are found, ranked, counted and cut to the batch in a single
statement, whatever their number; only a batch past the end counts apart.
Around it, traversal reads the node searched in and its lineage (one
statement), a caller with a token costs three (the token, its groups, its
last use), and the page adds the results' ancestors, the site's settings and
the navigation.
"""

import pytest

from tests.factories import add_document, bearer, grant, make_user
from tests.functional.search.conftest import JSON

HTML = {"Accept": "text/html"}


@pytest.fixture
def many(dbsession, section):
    """Sixty published pages in the section that all hold "wombat"."""
    for index in range(60):
        add_document(section, f"p{index}", f"Wombat {index}", body="<p>wombat</p>")
    dbsession.flush()


def cost(testapp, count_queries, url, headers, **params):
    with count_queries() as statements:
        answer = testapp.get(url, params, headers=headers, status=200)
    return len(statements), answer


#: The statement that reads the node searched in, and its lineage.
TRAVERSAL = 1


@pytest.mark.parametrize("url", ["/@@search", "/section/@@search"])
def test_a_batch_and_its_count_take_one_statement(testapp, count_queries, many, url):
    for start, expected in ((0, 25), (25, 25), (50, 10)):
        statements, answer = cost(
            testapp, count_queries, url, JSON, q="wombat", b_start=str(start)
        )
        assert len(answer.json["items"]) == expected
        assert answer.json["items_total"] == 60
        assert statements == TRAVERSAL + 1


def test_a_batch_past_the_end_counts_apart(testapp, count_queries, many):
    statements, answer = cost(
        testapp, count_queries, "/@@search", JSON, q="wombat", b_start="100"
    )
    assert answer.json["items"] == []
    assert answer.json["items_total"] == 60
    assert statements == TRAVERSAL + 2


def test_nothing_found_costs_one_statement(testapp, count_queries, many):
    statements, answer = cost(testapp, count_queries, "/@@search", JSON, q="zebra")
    assert answer.json["items_total"] == 0
    assert statements == TRAVERSAL + 1


def test_a_logged_in_editor_costs_their_token_more(
    testapp, dbsession, root, section, count_queries, many
):
    user = make_user(dbsession, "costeditor")
    grant(section, user, "editor")
    dbsession.flush()
    headers = bearer(dbsession, user)
    statements, answer = cost(testapp, count_queries, "/@@search", headers, q="wombat")
    assert answer.json["items_total"] == 60
    assert statements == 3 + TRAVERSAL + 1


def test_the_page_adds_ancestors_and_site_settings(
    testapp, dbsession, section, count_queries, many
):
    statements, page = cost(testapp, count_queries, "/@@search", HTML, q="wombat")
    assert page.html.select("mark")
    assert statements == TRAVERSAL + 1 + 3
