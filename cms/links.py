"""Links between nodes, kept by uid: moving or renaming a page breaks no link to it.

When a body is saved, each of its links (``href``) and images (``src``)
that points at a node of the site, by its URL or its path, is stored as
``/@@resolveuid/<uid>`` followed by whatever came after the node's path
(``@@download``, ``@@images/thumb``, a query, a ``#part``). When the body is
shown, each is turned back into the node's current URL, with one query for
all the body's links. A stored link works as it is too: ``/@@resolveuid/``
redirects to the node (:mod:`cms.views.resolveuid`).

Bodies are sanitized before they get here, and the sanitizer writes every
attribute in double quotes with ``&`` and ``"`` escaped: the attributes can
be found by a pattern without parsing the HTML again.
"""

import html
import re
import uuid
from urllib.parse import unquote, urlsplit

from pyramid.request import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from cms.models import Node
from cms.traversal import load_node
from cms.urls import node_url

#: A link or an image source in sanitized HTML.
ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
#: A link stored by uid, and what follows the node in it.
STORED = re.compile(r"/@@resolveuid/([0-9a-f]{32})(/?[^\"]*)")
PREFIX = "/@@resolveuid/"


def node_and_rest(
    dbsession: Session, site_url: str, url: str
) -> tuple[Node, str] | None:
    """Return the node *url* points at, and what follows its path; or None."""
    if url.startswith(site_url + "/"):
        url = url[len(site_url) :]
    if not url.startswith("/") or url.startswith("//") or url.startswith(PREFIX):
        return None
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    # The node's path ends where a view begins ("@@download", "@@images/…").
    count = next(
        (i for i, s in enumerate(segments) if s.startswith(("@@", "++"))), len(segments)
    )
    node = load_node(dbsession, "/" + "/".join(segments[:count]))
    if node is None:
        return None
    rest = "/".join(segments[count:])
    if rest and parts.path.endswith("/"):
        rest += "/"
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment:
        rest += "#" + parts.fragment
    return node, rest


def store_by_uid(dbsession: Session, site_url: str, body: str) -> str:
    """Return *body* with its links to nodes of the site stored by uid."""

    def by_uid(match: re.Match) -> str:
        url = html.unescape(match[2])
        found = node_and_rest(dbsession, site_url, url)
        if found is None:
            return match[0]
        node, rest = found
        stored = f"{PREFIX}{node.uid.hex}" + (
            f"/{rest}" if rest[:1] not in "?#" else rest
        )
        return match[1] + html.escape(stored) + match[3]

    return ATTRIBUTE.sub(by_uid, body)


def show_current(request: Request, body: str) -> str:
    """Return *body* with its links stored by uid turned into current URLs."""
    return show_current_all(request, [body])[0]


def show_current_all(request: Request, bodies: list[str]) -> list[str]:
    """:func:`show_current` of several bodies, with one query for them all."""
    uids = {
        uuid.UUID(uid)
        for body in bodies
        if PREFIX in body
        for uid, _rest in STORED.findall(body)
    }
    if not uids:
        return bodies
    paths = dict(
        request.dbsession.execute(
            select(Node.uid, Node.path).where(Node.uid.in_(sorted(uids)))
        ).all()
    )

    def current(match: re.Match) -> str:
        value = html.unescape(match[2])
        stored = STORED.fullmatch(value)
        if stored is None:
            return match[0]
        path = paths.get(uuid.UUID(stored[1]))
        if path is None:
            return match[0]  # a node deleted since: its link answers 404
        rest = stored[2]
        url = node_url(request, path) + (rest[1:] if rest.startswith("/") else rest)
        return match[1] + html.escape(url) + match[3]

    return [ATTRIBUTE.sub(current, body) if PREFIX in body else body for body in bodies]
