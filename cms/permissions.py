"""Permissions: the names that views and ACLs share."""

from enum import StrEnum


class Permission(StrEnum):
    """What a principal may do on a node."""

    #: See the node (its page, its JSON, its place in listings).
    VIEW = "view"
    #: Add children to the node.
    ADD = "add"
    #: Change the node: fields, drafts, history, revert, order of children.
    EDIT = "edit"
    #: Delete the node and its subtree.
    DELETE = "delete"
    #: Fire the submit and retract transitions.
    SUBMIT = "submit"
    #: Fire the publish and reject transitions.
    PUBLISH = "publish"
    #: Change the node's local roles (``@@sharing``).
    SHARE = "share"
    #: Anything a logged-in user may do for themselves (tokens, password).
    AUTHENTICATED = "authenticated"
    #: Manage users and groups: members of ``admins`` alone.
    MANAGE_PRINCIPALS = "manage-principals"
