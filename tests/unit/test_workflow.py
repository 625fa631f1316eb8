"""The workflow: the states of a node, the way between them, who may do what."""

import pytest
from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone

from cms.models import Document
from cms.permissions import Permission as P
from cms.workflow import (
    ADMIN_PRINCIPAL,
    STATE_TITLES,
    STATES,
    TRANSITIONS,
    VIEW_ROLES,
    acl_for,
    is_public,
    transitions_from,
)
from tests.factories import add_document, add_folder

CHANGES = (P.ADD, P.EDIT, P.DELETE, P.SUBMIT, P.PUBLISH, P.SHARE)


def may(node, permission, *roles):
    """Whether someone holding *roles* on *node* (none: anonymous) may."""
    principals = [Everyone]
    if roles:
        principals += [Authenticated, *(f"role:{role}" for role in roles)]
    return bool(ACLHelper().permits(node, principals, permission))


@pytest.fixture
def folder(root):
    return add_folder(root, "folder", state="published")


def test_a_new_node_is_private(root, dbsession):
    node = root.add(Document(title="New"), "new")
    dbsession.flush()
    assert node.state == "private"
    assert STATE_TITLES[node.state] == "Private"


class TestTransitions:
    @pytest.mark.parametrize(
        ("state", "has_draft", "offered"),
        [
            ("private", False, ["submit", "publish"]),
            ("pending", False, ["publish", "retract", "reject"]),
            ("published", False, ["retract"]),
            # Publishing a published page makes its draft live.
            ("published", True, ["publish", "retract"]),
        ],
    )
    def test_what_each_state_offers(self, folder, state, has_draft, offered):
        node = add_document(folder, "page", state=state, has_draft=has_draft)
        assert [t.id for t in transitions_from(node)] == offered

    @pytest.mark.parametrize(
        ("transition", "target"),
        [
            ("submit", "pending"),
            ("publish", "published"),
            ("retract", "private"),
            ("reject", "private"),
        ],
    )
    def test_where_each_leads(self, transition, target):
        assert TRANSITIONS[transition].target == target
        assert target in STATE_TITLES

    def test_who_may_take_them(self, folder):
        page = add_document(folder, "page", state="pending")

        def takes(transition, role):
            return may(page, TRANSITIONS[transition].permission, role)

        # Its owner may take a submission back, not judge it.
        assert takes("retract", "owner")
        assert not takes("publish", "owner") and not takes("reject", "owner")
        assert takes("publish", "editor") and takes("reject", "editor")
        assert not any(takes(transition, "contributor") for transition in TRANSITIONS)


class TestAnonymous:
    def test_sees_a_published_node_of_a_published_tree(self, folder):
        page = add_document(folder, "page", state="published")
        assert is_public(page)
        assert may(page, P.VIEW)
        assert not any(may(page, permission) for permission in CHANGES)

    @pytest.mark.parametrize("state", ["private", "pending"])
    def test_does_not_see_a_node_that_is_not_published(self, folder, state):
        assert not may(add_document(folder, "page", state=state), P.VIEW)

    def test_does_not_see_a_published_node_in_a_private_folder(self, root):
        hidden = add_folder(root, "hidden", state="private")
        page = add_document(hidden, "page", state="published")
        assert not is_public(page)
        assert not may(page, P.VIEW)

    def test_a_parents_acl_never_speaks_for_its_child(self, folder):
        # The published folder lets everyone view; its private child does not.
        assert may(folder, P.VIEW)
        assert not may(add_document(folder, "page", state="private"), P.VIEW)

    def test_may_do_nothing_for_a_logged_in_user(self, folder):
        assert not may(folder, P.AUTHENTICATED)
        assert may(folder, P.AUTHENTICATED, "reader")


class TestRoles:
    @pytest.mark.parametrize("state", list(STATES))
    def test_readers_see_in_every_state_and_change_nothing(self, folder, state):
        page = add_document(folder, "page", state=state)
        assert may(page, P.VIEW, "reader")
        assert [p for p in CHANGES if may(page, p, "reader")] == []

    @pytest.mark.parametrize("state", list(STATES))
    def test_contributors_add_but_do_not_change(self, folder, state):
        node = add_folder(folder, "box", state=state)
        assert may(node, P.ADD, "contributor")
        assert [p for p in CHANGES if may(node, p, "contributor")] == [P.ADD]

    @pytest.mark.parametrize("state", list(STATES))
    def test_editors_change_and_publish_but_do_not_share(self, folder, state):
        page = add_document(folder, "page", state=state)
        allowed = [p for p in CHANGES if may(page, p, "editor")]
        assert allowed == [P.ADD, P.EDIT, P.DELETE, P.SUBMIT, P.PUBLISH]

    def test_managers_share(self, folder):
        assert may(folder, P.SHARE, "manager")
        assert all(may(folder, p, "manager") for p in CHANGES)

    def test_an_owner_changes_a_page_until_it_is_submitted(self, folder):
        private = add_document(folder, "draft", state="private")
        assert may(private, P.EDIT, "owner") and may(private, P.DELETE, "owner")
        for state in ("pending", "published"):
            page = add_document(folder, state, state=state)
            assert not may(page, P.EDIT, "owner")
            assert not may(page, P.DELETE, "owner")
            # …but may still take it back.
            assert may(page, P.SUBMIT, "owner")
        assert not may(private, P.PUBLISH, "owner")

    @pytest.mark.parametrize("state", list(STATES))
    def test_admins_may_do_anything(self, folder, state):
        page = add_document(folder, "page", state=state)
        principals = [Everyone, Authenticated, ADMIN_PRINCIPAL]
        for permission in P:
            assert ACLHelper().permits(page, principals, permission)

    def test_only_admins_manage_users_and_groups(self, folder):
        assert not may(folder, P.MANAGE_PRINCIPALS, *VIEW_ROLES, "owner")


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("public", [True, False])
def test_listings_count_as_viewers_exactly_those_the_acl_lets_view(state, public):
    """Listings trim in SQL by VIEW_ROLES: they must agree with the pages."""
    acl = acl_for(state, public)
    viewers = {
        principal.removeprefix("role:")
        for action, principal, permission in acl
        if action == Allow and principal.startswith("role:") and permission == P.VIEW
    }
    assert viewers - {"owner"} == VIEW_ROLES
