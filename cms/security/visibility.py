"""What anonymous readers may view: the node and every ancestor shown.

One rule, two halves. :func:`shown_here` is a node's own part (published;
a schedule will join it) and nothing else restates it. :func:`public` adds
the ancestors: the node is in no subtree of a node that fails
:func:`shown_here`. Doors that walk the tree in path order (the
sitemap) apply the same rule cheaper: a subtree is a range of paths, so
the walk skips the whole range of a node that is not shown
(:func:`cms.reader.sitemap.public_entries`).
"""

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from cms.models import Node
from cms.workflow import PUBLISHED


def shown_here(node: type[Node] | AliasedClass[Node] = Node) -> ColumnElement[bool]:
    """The node's own condition to be shown to anonymous readers (SQL)."""
    return node.state == PUBLISHED


def public(node: type[Node] | AliasedClass[Node] = Node) -> ColumnElement[bool]:
    """SQL: anonymous may view *node*: it and every ancestor are shown.

    The nodes that are not shown, and their subtrees, are gathered once per
    statement by a recursive query down ``parent_id`` (indexed): the cost
    follows the size of the hidden subtrees, not the number of rows tested
    times the number of hidden nodes, as a test of every ancestor's path
    per row would.
    """
    child = aliased(Node)
    hidden = select(Node.id).where(~shown_here()).cte("hidden", recursive=True)
    hidden = hidden.union(select(child.id).where(child.parent_id == hidden.c.id))
    return ~exists().where(hidden.c.id == node.id)
