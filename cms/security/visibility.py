"""What anonymous readers may view: the node and every ancestor shown.

One rule, two halves. :func:`shown_here` is a node's own part (published;
a schedule will join it) and nothing else restates it. :func:`public` adds
the ancestors: no ancestor-or-self whose path is a prefix of the node's
path fails :func:`shown_here`. Doors that walk the tree in path order (the
sitemap) apply the same rule cheaper: a subtree is a range of paths, so
the walk skips the whole range of a node that is not shown
(:func:`cms.reader.sitemap.public_entries`).
"""

from sqlalchemy import ColumnElement, exists, func
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from cms.models import Node
from cms.workflow import PUBLISHED


def shown_here(node: type[Node] | AliasedClass[Node] = Node) -> ColumnElement[bool]:
    """The node's own condition to be shown to anonymous readers (SQL)."""
    return node.state == PUBLISHED


def public(node: type[Node] | AliasedClass[Node] = Node) -> ColumnElement[bool]:
    """SQL: anonymous may view *node*: it and every ancestor are shown."""
    ancestor = aliased(Node)
    return ~exists().where(
        ~shown_here(ancestor),
        ancestor.path <= node.path,
        func.substr(node.path, 1, func.length(ancestor.path)) == ancestor.path,
    )
