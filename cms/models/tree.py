"""The tree's rules that need no table: names, paths, and what the tree refuses.

A name is one URL segment; a path is the names from the root, each followed
by ``/``. A subtree is a range of paths (:func:`subtree_bounds`), which is
why paths compare byte-wise on both databases (:data:`PATH_TYPE`).
"""

import re
import unicodedata

from sqlalchemy import String

#: The longest node name; a name is one URL segment.
MAX_NAME_LENGTH = 100
#: Names a child of the root may not take: they belong to site-wide URLs.
RESERVED_ROOT_NAMES = frozenset(
    {"sitemap.xml", "robots.txt", "healthz", "readyz", "metrics", "static"}
)
NAME_PATTERN = re.compile(r"[a-z0-9_.\-]{1,100}")

# Paths compare byte-wise on both databases (see the module docstring).
PATH_TYPE = String(2048).with_variant(String(2048, collation="C"), "postgresql")


class TreeError(ValueError):
    """A tree operation that the tree's rules refuse."""


class InvalidName(TreeError):
    """The name is not a valid URL segment for a node here."""


class NameTaken(TreeError):
    """A sibling already has this name."""


class InvalidMove(TreeError):
    """The node cannot go there (into itself or its own subtree, or the root)."""


class NotAContainer(TreeError):
    """This type of node holds no children."""


class NodeGone(TreeError):
    """The node was deleted since it was loaded."""


class NodeMoved(TreeError):
    """The node was moved or renamed since it was loaded."""


class NodeChanged(TreeError):
    """The node was changed (a newer version) since it was loaded."""


def is_valid_name(name: str) -> bool:
    """Return whether *name* may name a node (anywhere but at the root)."""
    return bool(NAME_PATTERN.fullmatch(name)) and name[0] not in "._@"


def subtree_bounds(path: str) -> tuple[str, str]:
    """Return ``(low, high)`` so that ``low <= p < high`` for every path in the subtree.

    *path* ends with ``/``; ``0`` is the character right after ``/``.
    """
    return path, path[:-1] + "0"


def make_name(title: str) -> str:
    """Return a URL segment made from *title* (not yet made unique)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9_.]+", "-", text.lower()).strip("-._")
    return text[:MAX_NAME_LENGTH].rstrip("-._") or "item"
