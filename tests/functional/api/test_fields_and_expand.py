"""``fields`` and ``expand``: a node's JSON holds what the client asks for."""

import pytest

from tests.factories import add_document
from tests.functional.api.conftest import JSON, ids


def test_fields_keep_those_keys_in_the_node_and_its_items(testapp, shop):
    data = testapp.get("/shop/?fields=title,items", headers=JSON).json
    assert set(data) == {"@id", "@type", "title", "items"}
    assert data["items"][0] == {
        "@id": "http://example.com/shop/widget/",
        "@type": "Document",
        "title": "Widget",
    }


def test_fields_without_the_listing_list_nothing(testapp, shop, count_queries):
    with count_queries() as full:
        testapp.get("/shop/", headers=JSON)
    with count_queries() as trimmed:
        data = testapp.get("/shop/?fields=title,body", headers=JSON).json
    assert data == {
        "@id": "http://example.com/shop/",
        "@type": "Folder",
        "title": "Shop",
        "body": "<p>Welcome</p>",
    }
    # No listing: one query less (a folder this small needs no count).
    assert len(trimmed) == len(full) - 1


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("fields=title,acl", "fields"),
        ("fields=", "fields"),
        ("fields=title&fields=body", "fields"),
        ("expand=everything", "expand"),
        ("expand.children.fields=title", "expand.children.fields"),
        ("expand=children&expand.children.fields=email", "expand.children.fields"),
        ("expand=navigation&expand.navigation.depth=0", "expand.navigation.depth"),
    ],
)
def test_a_field_or_expansion_not_known_is_400(testapp, shop, query, named):
    error = testapp.get(f"/shop/?{query}", headers=JSON, status=400).json["error"]
    assert error["message"].startswith(named)


def test_expansions_are_the_views_own_answers(testapp, shop, people):
    headers = people["editor"]
    data = testapp.get(
        "/shop/widget/?expand=breadcrumbs,navigation,workflow", headers=headers
    ).json
    components = data["@components"]
    for name in ("breadcrumbs", "navigation", "workflow"):
        alone = testapp.get(f"/shop/widget/@@{name}", headers=headers).json
        assert components[name] == alone, name
    assert {t["id"] for t in components["workflow"]["transitions"]} >= {"retract"}


def test_children_expanded_with_their_bodies(testapp, shop):
    data = testapp.get(
        "/shop/?expand=children&expand.children.fields=title,body&b_size=2",
        headers=JSON,
    ).json
    assert data["@components"]["children"] == [
        {
            "@id": "http://example.com/shop/widget/",
            "@type": "Document",
            "title": "Widget",
            "body": "<p>All about the widget.</p>",
        },
        {
            "@id": "http://example.com/shop/gadget/",
            "@type": "Document",
            "title": "Gadget",
            "body": "<p>All about the gadget.</p>",
        },
    ]
    # The same batch as items, which still follow their own fields.
    assert ids(data) == ["widget", "gadget"]


def test_children_expanded_are_trimmed_like_items(testapp, shop, people):
    url = "/shop/?expand=children&type=Document"
    anonymous = testapp.get(url, headers=JSON).json["@components"]["children"]
    assert [child["id"] for child in anonymous] == ["widget", "gadget", "doohickey"]
    editor = testapp.get(url, headers=people["editor"]).json["@components"]
    assert "secret" in [child["id"] for child in editor["children"]]


def test_expanded_navigation_and_breadcrumbs_hide_private_nodes(
    testapp, shop, people, dbsession
):
    url = "/shop/?expand=navigation,breadcrumbs&expand.navigation.depth=2"
    anonymous = testapp.get(url, headers=JSON).json["@components"]
    assert "Secret plans" not in str(anonymous["navigation"])
    editor = testapp.get(url, headers=people["editor"]).json["@components"]
    assert "Secret plans" in str(editor["navigation"])
    assert [c["title"] for c in anonymous["breadcrumbs"]["items"]][-1] == "Shop"


def test_each_expansion_costs_a_bounded_number_of_queries(
    testapp, shop, dbsession, count_queries
):
    url = "/shop/?expand=breadcrumbs,navigation,workflow,children&b_size=100"

    def cost():
        testapp.get(url, headers=JSON)  # warm
        with count_queries() as statements:
            testapp.get(url, headers=JSON)
        return len(statements)

    few = cost()
    # Twenty more children, each linking a page by uid (as bodies store
    # links): one more query, for the links of all the bodies.
    body = f'<p><a href="/@@resolveuid/{shop["widget"].uid.hex}">the widget</a></p>'
    for number in range(20):
        add_document(shop, f"more-{number}", body=body)
    dbsession.flush()
    assert cost() == few + 1
    children = testapp.get(url, headers=JSON).json["@components"]["children"]
    assert children[-1]["body"] == (
        '<p><a href="http://example.com/shop/widget/">the widget</a></p>'
    )
