"""The permission matrix: every caller, every node, every door.

Generated from :mod:`tests.functional.security.site`: for anonymous, a
reader, a contributor, an editor and a manager of a subtree, an owner (with a
group role elsewhere) and an admin; for nodes in each state, below published
and private ancestors, with inherited and blocked roles. Each case checks the
status, what the response lists, and that no marker of a node the caller may
not view appears anywhere in it.
"""

import pytest

# Every test here runs without and with the anonymous page cache.
from tests.functional.security.caching import app_without_and_with_the_cache  # noqa: F401
from tests.functional.security.site import (
    CALLERS,
    ORACLE,
    SPECS,
    TRANSITIONS,
    TREE,
    children_paths,
    lineage_paths,
    marker,
)

PATHS = [spec.path for spec in TREE]


def denied_status(caller, json):
    if caller is not None:
        return 403
    return 401 if json else 303


def assert_no_leak(response, caller):
    for hidden in ORACLE.hidden_markers(caller):
        assert hidden not in response.text, f"{hidden} leaked to {caller}"


def expected(caller, path, permission, json=True):
    return 200 if ORACLE.may(caller, path, permission) else denied_status(caller, json)


@pytest.mark.parametrize("caller", CALLERS)
def test_node_json(testapp, site, caller):
    headers = site.json_headers[caller]
    for path in PATHS:
        status = expected(caller, path, "view")
        response = testapp.get(path, headers=headers, status=status)
        assert_no_leak(response, caller)
        if status != 200:
            if caller is None:
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
            continue
        data = response.json
        assert data["title"] == f"Title {marker(path)}"
        visible = ORACLE.visible_children(caller, path)
        assert [item["@id"] for item in data["items"]] == [
            "http://example.com" + child for child in visible
        ]
        assert data["items_total"] == len(visible)
        parent = data["parent"]
        if path != "/":
            parent_path = lineage_paths(path)[1]
            assert ("title" in parent) == ORACLE.may(caller, parent_path, "view")


@pytest.mark.parametrize("caller", CALLERS)
def test_node_json_expanded(testapp, site, caller):
    """``expand`` and ``fields`` show no more than the views they embed."""
    headers = site.json_headers[caller]
    query = (
        "?expand=breadcrumbs,navigation,workflow,children&fields=title,items"
        "&expand.children.fields=title,body,parent&sort_on=title"
    )
    for path in PATHS:
        status = expected(caller, path, "view")
        response = testapp.get(path + query, headers=headers, status=status)
        assert_no_leak(response, caller)
        if status != 200:
            continue
        data = response.json
        components = data.pop("@components")
        assert set(data) == {"@id", "@type", "title", "items"}
        children = sorted(
            "http://example.com" + child
            for child in ORACLE.visible_children(caller, path)
        )
        assert sorted(child["@id"] for child in components["children"]) == children
        assert sorted(item["@id"] for item in data["items"]) == children
        for name in ("breadcrumbs", "navigation", "workflow"):
            alone = testapp.get(f"{path}@@{name}", headers=headers).json
            assert components[name] == alone, (caller, path, name)


@pytest.mark.parametrize("caller", CALLERS)
def test_node_api_prefix(testapp, site, caller):
    headers = dict(site.json_headers[caller], Accept="text/html")
    for path in PATHS:
        response = testapp.get(
            "/++api++" + path, headers=headers, status=expected(caller, path, "view")
        )
        assert response.content_type == "application/json"
        assert_no_leak(response, caller)


@pytest.mark.parametrize("caller", CALLERS)
def test_node_html(site, caller):
    browser = site.browsers[caller]
    for path in PATHS:
        status = expected(caller, path, "view", json=False)
        response = browser.get(path, status=status)
        assert_no_leak(response, caller)
        if status == 303:
            assert "/@@login?came_from=" in response.location
        elif status == 200:
            links = {a["href"] for a in response.html.select(".items a")}
            assert links == {
                "http://example.com" + child
                for child in ORACLE.visible_children(caller, path)
            }
            assert bool(response.html.select("meta[name=csrf-token]")) == (
                caller is not None
            )


@pytest.mark.parametrize("caller", CALLERS)
def test_breadcrumbs(testapp, site, caller):
    for path in PATHS:
        status = expected(caller, path, "view")
        response = testapp.get(
            path + "@@breadcrumbs", headers=site.json_headers[caller], status=status
        )
        assert_no_leak(response, caller)
        if status == 200:
            shown = [item["@id"] for item in response.json["items"]]
            assert shown == [
                "http://example.com" + p
                for p in reversed(lineage_paths(path))
                if ORACLE.may(caller, p, "view")
            ]


@pytest.mark.parametrize("caller", CALLERS)
def test_navigation(testapp, site, caller):
    for path in PATHS:
        status = expected(caller, path, "view")
        response = testapp.get(
            path + "@@navigation?depth=64",
            headers=site.json_headers[caller],
            status=status,
        )
        assert_no_leak(response, caller)
        if status == 200:
            # Every level down the lineage lists what the caller may view
            # there, opened under the item of the lineage.
            items, parent = response.json["items"], "/"
            for below in reversed(lineage_paths(path)[:-1]):
                shown = [item["@id"] for item in items]
                assert shown == [
                    "http://example.com" + p
                    for p in ORACLE.visible_children(caller, parent)
                ]
                opened = [i for i in items if i["@id"] == "http://example.com" + below]
                if not opened:
                    break
                items, parent = opened[0]["items"], below
            else:
                # The node itself, opened: its own children.
                assert [item["@id"] for item in items] == [
                    "http://example.com" + p
                    for p in ORACLE.visible_children(caller, path)
                ]


@pytest.mark.parametrize("caller", CALLERS)
def test_workflow_state(testapp, site, caller):
    for path in PATHS:
        status = expected(caller, path, "view")
        response = testapp.get(
            path + "@@workflow", headers=site.json_headers[caller], status=status
        )
        assert_no_leak(response, caller)
        if status == 200:
            state = SPECS[path].state
            offered = [t["id"] for t in response.json["transitions"]]
            assert offered == [
                name
                for name, (sources, _target, permission) in TRANSITIONS.items()
                if state in sources and ORACLE.may(caller, path, permission)
            ]


@pytest.mark.parametrize("caller", CALLERS)
def test_sharing_read(testapp, site, caller):
    for path in PATHS:
        status = expected(caller, path, "share")
        response = testapp.get(
            path + "@@sharing", headers=site.json_headers[caller], status=status
        )
        assert_no_leak(response, caller)


@pytest.mark.parametrize("caller", CALLERS)
def test_history_and_draft(testapp, site, caller):
    """Doors for editors: history, an old version, the draft."""
    for path in PATHS:
        status = expected(caller, path, "edit")
        for url in (path + "@@history", path + "@@history/1", path + "?version=draft"):
            response = testapp.get(
                url, headers=site.json_headers[caller], status=(status, 404)
            )
            if status != 200:
                assert response.status_int == status, (caller, url)
            assert_no_leak(response, caller)


@pytest.mark.parametrize("caller", CALLERS)
def test_transitions(testapp, dbsession, site, rollback, caller):
    for path in PATHS:
        state = SPECS[path].state
        for name, (sources, target, permission) in TRANSITIONS.items():
            if state not in sources:
                continue
            allowed = ORACLE.may(caller, path, "view") and ORACLE.may(
                caller, path, permission
            )
            with rollback():
                response = testapp.post_json(
                    path + "@@workflow",
                    {"transition": name},
                    headers=site.json_headers[caller],
                    status=200 if allowed else denied_status(caller, True),
                )
                assert_no_leak(response, caller)
                node = site.nodes[path]
                dbsession.refresh(node)
                assert node.state == (target if allowed else state), (
                    caller,
                    path,
                    name,
                )


@pytest.mark.parametrize("caller", CALLERS)
def test_sharing_write(testapp, dbsession, site, rollback, caller):
    admin = site.json_headers["admin"]
    for path in PATHS:
        current = testapp.get(path + "@@sharing", headers=admin).json
        body = {"inherit": current["inherit"], "entries": current["entries"]}
        allowed = ORACLE.may(caller, path, "share")
        with rollback():
            response = testapp.post_json(
                path + "@@sharing",
                {**body, "entries": []} if allowed and caller == "admin" else body,
                headers=site.json_headers[caller],
                status=200 if allowed else denied_status(caller, True),
            )
            assert_no_leak(response, caller)
            node = site.nodes[path]
            dbsession.refresh(node)
            expected_grants = (
                0 if allowed and caller == "admin" else len(SPECS[path].grants)
            )
            assert len(node.local_roles) == expected_grants


def test_matrix_covers_every_kind_of_node():
    states = {spec.state for spec in TREE}
    assert states == {"private", "pending", "published"}
    assert any(not spec.inherit for spec in TREE)
    assert any(
        spec.state == "published" and not ORACLE.public(spec.path) for spec in TREE
    )
    # Scheduled, expired and inside a window; below a scheduled folder.
    schedules = {spec.schedule for spec in TREE}
    assert {(1, None), (None, -1), (-1, 1)} <= schedules
    assert not ORACLE.public("/later/inside/")
    assert all(children_paths(p) is not None for p in SPECS)


@pytest.mark.parametrize("caller", CALLERS)
def test_search_finds_only_what_the_caller_may_view(testapp, site, caller):
    headers = site.json_headers[caller]
    visible = [path for path in PATHS if ORACLE.may(caller, path, "view")]
    # A word of every node: the results are exactly the nodes the caller may
    # view, and so is the count.
    response = testapp.get(
        "/@@search", {"q": "description", "b_size": "1000"}, headers=headers
    )
    assert_no_leak(response, caller)
    found = [item["@id"] for item in response.json["items"]]
    assert sorted(found) == sorted("http://example.com" + path for path in visible)
    assert response.json["items_total"] == len(visible)
    # Each node's own word finds it, or nothing at all, counted or shown.
    for path in PATHS:
        answer = testapp.get(
            "/@@search", {"q": marker(path).lower() + "*"}, headers=headers
        ).json
        expected_ids = ["http://example.com" + path] if path in visible else []
        assert [item["@id"] for item in answer["items"]] == expected_ids
        assert answer["items_total"] == len(expected_ids)


@pytest.mark.parametrize("caller", CALLERS)
def test_search_in_a_subtree_is_trimmed_too(testapp, site, caller):
    headers = site.json_headers[caller]
    for top in ("/pub/", "/shared/"):
        if not ORACLE.may(caller, top, "view"):
            continue
        visible = [
            path
            for path in PATHS
            if path.startswith(top) and ORACLE.may(caller, path, "view")
        ]
        answer = testapp.get(
            f"{top}@@search", {"q": "body description"}, headers=headers
        ).json
        documents = [
            path for path in visible if SPECS[path].type.__name__ == "Document"
        ]
        assert sorted(item["@id"] for item in answer["items"]) == sorted(
            "http://example.com" + path for path in documents
        )
        assert answer["items_total"] == len(documents)


@pytest.mark.parametrize("caller", CALLERS)
def test_search_agrees_with_the_view_permission(testapp, site, caller):
    """Found by search exactly when the node's own URL answers the caller."""
    headers = site.json_headers[caller]
    found = {
        item["@id"].removeprefix("http://example.com")
        for item in testapp.get(
            "/@@search", {"q": "title", "b_size": "1000"}, headers=headers
        ).json["items"]
    }
    viewable = {
        path
        for path in PATHS
        if testapp.get(path, headers=headers, status="*").status_int == 200
    }
    assert found == viewable
