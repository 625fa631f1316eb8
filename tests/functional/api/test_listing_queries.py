"""Listings as integrators query them: sorted, filtered by type, in batches."""

import pytest

from tests.functional.api.conftest import JSON, ids

PUBLIC = ["widget", "gadget", "doohickey", "photo", "manual"]


def every_batch(testapp, url, headers=JSON):
    """The ids of every batch, following ``batching.next`` (and ``Link``)."""
    found, links = [], []
    while url:
        response = testapp.get(url, headers=headers)
        found += ids(response.json)
        url = response.json["batching"].get("next")
        links.append(response.headers.get("Link", ""))
        if url:
            assert f'<{url}>; rel="next"' in links[-1]
    return found, links


def test_the_editors_order_by_default(testapp, shop):
    assert ids(testapp.get("/shop/", headers=JSON).json) == PUBLIC


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # By title, whatever its case: "A photo" first.
        ("sort_on=title", ["photo", "doohickey", "gadget", "manual", "widget"]),
        (
            "sort_on=title&sort_order=descending",
            ["widget", "manual", "gadget", "doohickey", "photo"],
        ),
        # Newest first unless asked; the images were added after the pages.
        ("sort_on=created", ["manual", "photo", "doohickey", "gadget", "widget"]),
        ("sort_on=effective&sort_order=ascending", ["doohickey", "gadget", "widget"]),
        ("type=Document", ["widget", "gadget", "doohickey"]),
        ("type=Image&type=File", ["photo", "manual"]),
        ("type=Document&sort_on=title", ["doohickey", "gadget", "widget"]),
    ],
)
def test_sorted_and_filtered_across_batches(testapp, shop, query, expected):
    found, links = every_batch(testapp, f"/shop/?b_size=2&{query}")
    if "effective" in query:
        # The file and the picture took effect when published: now.
        found = [name for name in found if name in expected]
    assert found == expected
    assert 'rel="first"' in links[0]


def test_the_total_counts_what_the_type_keeps(testapp, shop):
    data = testapp.get("/shop/?type=Document&b_size=1", headers=JSON).json
    assert data["items_total"] == 3
    assert "type=Document" in data["batching"]["next"]


def test_private_items_stay_hidden_in_every_order(testapp, shop, people):
    for query in ("sort_on=title", "type=Document", "sort_on=modified"):
        anonymous = testapp.get(f"/shop/?{query}", headers=JSON).json
        assert "secret" not in ids(anonymous)
        editor = testapp.get(f"/shop/?{query}", headers=people["editor"]).json
        assert "secret" in ids(editor)
    assert testapp.get("/shop/?type=Document", headers=JSON).json["items_total"] == 3


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("sort_on=size", "sort_on"),
        ("sort_order=up", "sort_order"),
        ("type=Page", "type"),
        ("sort_on=title&sort_on=created", "sort_on"),
        ("sort_by=title", "sort_by"),
        ("portal_type=Image", "portal_type"),
        ("b_start=10", "b_start"),
        ("fl=title", "fl"),
    ],
)
def test_a_parameter_not_understood_is_400_naming_it(testapp, shop, query, named):
    error = testapp.get(f"/shop/?{query}", headers=JSON, status=400).json["error"]
    assert error["message"].startswith(named)


def test_a_page_ignores_what_it_does_not_know(testapp, shop):
    # Links from mail and feeds carry tracking parameters: pages still show.
    page = testapp.get("/shop/?utm_source=letter", headers={"Accept": "text/html"})
    assert "Widget" in page.text


@pytest.mark.parametrize(
    "cursor", ["3.4", "Z2FkZ2V0.x", "!!.3", "AAA.3", "bm90IGEgZGF0ZQ.3"]
)
def test_a_cursor_of_another_order_is_400(testapp, shop, cursor):
    testapp.get(f"/shop/?sort_on=created&b_after={cursor}", headers=JSON, status=400)


def test_a_title_cursor_seeks(testapp, shop, count_queries):
    first = testapp.get("/shop/?sort_on=title&b_size=2", headers=JSON).json
    with count_queries() as statements:
        second = testapp.get(first["batching"]["next"], headers=JSON).json
    assert ids(second) == ["gadget", "manual"]
    assert len(statements) == 3
    back = testapp.get(second["batching"]["prev"], headers=JSON).json
    assert ids(back) == ["photo", "doohickey"]
