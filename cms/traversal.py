"""Traversal over the node tree in one query, with Pyramid's semantics.

Pyramid's own traverser calls ``__getitem__`` once per URL segment, which here
would cost one query per segment. :class:`NodeTraverser` instead computes the
path of every prefix of the URL (``/``, ``/about/``, ``/about/team/``), loads
all of those nodes in **one** query, and then walks them exactly as Pyramid
would:

- the deepest node that exists is the ``context``;
- the next segment is the ``view_name`` and the rest is the ``subpath``;
- a segment that starts with ``@@`` is always a view name (``@@`` stripped);
- ``.`` and empty segments are ignored and ``..`` goes up a level, as in
  :func:`pyramid.traversal.split_path_info`.

Each node of the lineage is linked to its parent as it is walked, so
``node.__parent__`` needs no query and the lineage (breadcrumbs, inherited
roles) stays loaded for the whole request. ``Node.__getitem__`` still works for
``find_resource`` and pshell.

``/++api++/{path}`` answers the JSON of ``/{path}`` whatever the ``Accept``
header: the traverser drops the prefix and makes the request ask for JSON.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPRequestURITooLong, HTTPServiceUnavailable
from pyramid.interfaces import ITraverser
from pyramid.request import Request
from pyramid.traversal import split_path_info
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from zope.interface import implementer

from cms.models import Node
from cms.models.tree import is_valid_name
from cms.urls import API_PREFIX

#: Longest PATH_INFO looked up; a longer URL gets 414.
MAX_PATH_LENGTH = 4096
#: Deepest level looked up; segments below it can only be view names.
MAX_DEPTH = 64


class SiteRoot:
    """What the root factory returns: a stand-in until the traverser runs.

    Loading the root node here would cost a query of its own; the traverser
    loads it with the rest of the lineage instead.
    """

    __name__ = ""
    __parent__ = None

    def __init__(self, request: Request) -> None:
        self.request = request


@implementer(ITraverser)
class NodeTraverser:
    """Resolve a URL onto the node tree with one query (see the module doc)."""

    def __init__(self, root: SiteRoot) -> None:
        self.root = root

    def __call__(self, request: Request) -> dict[str, Any]:
        if request.matched_route is not None:
            # URL dispatch (health checks, static files) needs no node; a
            # route's "*subpath" (the static files' path) is kept.
            subpath = (request.matchdict or {}).get("subpath", ())
            if isinstance(subpath, str):
                subpath = split_path_info(subpath)
            return _result(self.root, "", subpath, (), self.root)
        path = request.path_info
        if len(path) > MAX_PATH_LENGTH:
            raise HTTPRequestURITooLong("The URL is too long.")
        segments = split_path_info(path)
        if segments[:1] == (API_PREFIX,):
            segments = segments[1:]
            request.environ["HTTP_ACCEPT"] = "application/json"
        nodes = _load_lineage(request.dbsession, segments)
        root = nodes.get("/")
        if root is None:
            raise HTTPServiceUnavailable(
                "The site has no root yet: run initialize_cms_db."
            )
        context = root
        for index, segment in enumerate(segments):
            if segment.startswith("@@"):
                return _result(
                    context, segment[2:], segments[index + 1 :], segments[:index], root
                )
            child = nodes.get(f"{context.path}{segment}/")
            if child is None:
                return _result(
                    context, segment, segments[index + 1 :], segments[:index], root
                )
            # Link the child to its parent now: the session holds nodes only
            # weakly, and this reference keeps the whole lineage loaded.
            set_committed_value(child, "parent", context)
            context = child
        return _result(context, "", (), segments, root)


#: The nodes at a list of paths, with their local roles in the same statement
#: (a LEFT OUTER JOIN): the security policy reads them from the lineage. Built
#: once: every request runs it.
LINEAGE_QUERY = (
    select(Node)
    .where(Node.path.in_(bindparam("paths", expanding=True)))
    .options(joinedload(Node.local_roles))
)


def _load_lineage(dbsession: Session, segments: Sequence[str]) -> dict[str, Node]:
    """Return ``{path: node}`` for every prefix of *segments* (one query)."""
    paths, path = ["/"], "/"
    for segment in segments[:MAX_DEPTH]:
        if not is_valid_name(segment):
            break
        path = f"{path}{segment}/"
        paths.append(path)
    rows = dbsession.scalars(LINEAGE_QUERY, {"paths": paths}).unique()
    return {node.path: node for node in rows}


def load_node(dbsession: Session, path: str) -> Node | None:
    """Return the node at *path* with its lineage loaded (one query), or None."""
    segments = split_path_info(path)
    nodes = _load_lineage(dbsession, segments)
    node = nodes.get("/")
    for segment in segments:
        if node is None:
            return None
        child = nodes.get(f"{node.path}{segment}/")
        if child is not None:
            set_committed_value(child, "parent", node)
        node = child
    return node


def _result(
    context: object,
    view_name: str,
    subpath: Iterable[str],
    traversed: Iterable[str],
    root: object,
) -> dict[str, Any]:
    return {
        "context": context,
        "view_name": view_name,
        "subpath": tuple(subpath),
        "traversed": tuple(traversed),
        "virtual_root": root,
        "virtual_root_path": (),
        "root": root,
    }


class SiteRootPredicate:
    """View predicate ``site_root=True``: the context is the root node.

    Site-wide views (``/@@login``, ``/@@users``…) answer at the root only.
    """

    def __init__(self, value: object, config: Configurator) -> None:
        self.value = bool(value)

    def text(self) -> str:
        return f"site_root = {self.value}"

    phash = text

    def __call__(self, context: object, request: Request) -> bool:
        is_root = getattr(context, "parent_id", 0) is None and hasattr(context, "path")
        return is_root == self.value


class SubpathPredicate:
    """View predicate ``subpath=N``: the URL has N segments after the view name.

    ``/@@users`` (``subpath=0``) lists; ``/@@users/alice`` (``subpath=1``)
    is one user.
    """

    def __init__(self, value: int | str, config: Configurator) -> None:
        self.value = int(value)

    def text(self) -> str:
        return f"subpath = {self.value}"

    phash = text

    def __call__(self, context: object, request: Request) -> bool:
        return len(request.subpath) == self.value


def includeme(config: Configurator) -> None:
    """Use :class:`SiteRoot` as the root factory and :class:`NodeTraverser`."""
    config.set_root_factory(SiteRoot)
    config.add_traverser(NodeTraverser, SiteRoot)
    config.add_view_predicate("site_root", SiteRootPredicate)
    config.add_view_predicate("subpath", SubpathPredicate)
