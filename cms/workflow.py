"""The workflow, as data: states, transitions, and who may do what in each state.

A node's ACL is derived from its state (:func:`acl_for`). Roles are the
principals ``role:<name>``, computed per node from local roles
(:mod:`cms.security.roles`). Everyone may view a published node only when
it and every ancestor are published and inside their schedule; the caller
decides that from the lineage (:func:`is_public`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from pyramid.authorization import (
    ALL_PERMISSIONS,
    DENY_ALL,
    Allow,
    Authenticated,
    Everyone,
)

from cms.permissions import Permission as P
from cms.schedule import in_schedule

if TYPE_CHECKING:
    # cms.models.node imports this module: the name is for the type checker.
    from cms.models import Node

#: The principal of members of the ``admins`` group.
ADMIN_PRINCIPAL = "system:admins"

PRIVATE, PENDING, PUBLISHED = "private", "pending", "published"
INITIAL_STATE = PRIVATE

_VIEWERS = ("reader", "contributor", "editor", "manager", "owner")
_ADDERS = ("contributor", "editor", "manager")
_EDITORS = ("editor", "manager")
_SUBMITTERS = ("owner", "editor", "manager")

#: Who holds which permission in any state…
_EVERY_STATE = {
    P.VIEW: _VIEWERS,
    P.ADD: _ADDERS,
    P.EDIT: _EDITORS,
    P.DELETE: _EDITORS,
    P.SUBMIT: _SUBMITTERS,
    P.PUBLISH: _EDITORS,
    P.SHARE: ("manager",),
}
#: …and, per state, which roles hold which permission: an owner may still
#: edit and delete what they have not yet submitted.
STATES = {
    PRIVATE: {
        **_EVERY_STATE,
        P.EDIT: (*_EDITORS, "owner"),
        P.DELETE: (*_EDITORS, "owner"),
    },
    PENDING: _EVERY_STATE,
    PUBLISHED: _EVERY_STATE,
}
STATE_TITLES = {PRIVATE: "Private", PENDING: "Pending review", PUBLISHED: "Published"}

#: Roles that grant ``view`` in every state (listings use it in SQL).
VIEW_ROLES = frozenset(_VIEWERS) - {"owner"}


@dataclass(frozen=True)
class Transition:
    id: str
    title: str
    sources: tuple[str, ...]
    target: str
    permission: P


TRANSITIONS = {
    transition.id: transition
    for transition in (
        Transition("submit", "Submit for review", (PRIVATE,), PENDING, P.SUBMIT),
        # From published too: it makes a published page's draft live.
        Transition(
            "publish", "Publish", (PRIVATE, PENDING, PUBLISHED), PUBLISHED, P.PUBLISH
        ),
        Transition("retract", "Retract", (PUBLISHED, PENDING), PRIVATE, P.SUBMIT),
        Transition("reject", "Reject", (PENDING,), PRIVATE, P.PUBLISH),
    )
}


#: An ACL entry: ``(Allow or Deny, principal, permission or ALL_PERMISSIONS)``.
Ace = tuple[str, str, Any]


@cache
def acl_for(state: str, public: bool) -> tuple[Ace, ...]:
    """Return the ACL of a node in *state*; *public*: see :func:`is_public`.

    Members of ``admins`` may do anything anywhere. The ACL ends by denying
    everything else, so that a parent's ACL never speaks for its child. There
    are six ACLs in all: each is built once, and is a tuple so none changes.
    """
    acl: list[Ace] = [
        (Allow, ADMIN_PRINCIPAL, ALL_PERMISSIONS),
        (Allow, Authenticated, P.AUTHENTICATED),
    ]
    if state == PUBLISHED and public:
        acl.append((Allow, Everyone, P.VIEW))
    for permission, roles in STATES[state].items():
        acl.extend((Allow, f"role:{role}", permission) for role in roles)
    acl.append(DENY_ALL)
    return tuple(acl)


def transitions_from(node: "Node") -> list[Transition]:
    """Return the transitions *node* may take now, in a stable order.

    One that leads back to the node's own state (publishing a published
    page) is only there to make a draft live.
    """
    return [
        transition
        for transition in TRANSITIONS.values()
        if node.state in transition.sources
        and (transition.target != node.state or node.has_draft)
    ]


def is_public(node: "Node", now: datetime | None = None) -> bool:
    """Return whether *node* and every ancestor are shown to readers *now*.

    Shown: published and inside its schedule (:mod:`cms.schedule`).
    """
    now = now or datetime.now(UTC)
    current: Node | None = node
    while current is not None:
        if current.state != PUBLISHED or not in_schedule(current, now):
            return False
        current = current.__parent__
    return True
