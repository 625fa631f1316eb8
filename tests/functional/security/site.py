"""A site to test security on, described as data, with an oracle.

:data:`TREE` lists the nodes with their state, owner, local roles and
inheritance; :class:`Oracle` answers "may this user do that here?" straight
from the contract's tables, written out again here on purpose, so that the
tests compare the application against an independent statement of the rules.

Every node carries a unique marker in its title, description and body, so a
response can be searched for anything of a node its reader may not view.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import webtest

from cms.models import Document, Folder
from cms.site import ensure_root
from tests.factories import bearer, browser, grant, make_user

USERS = ("reader", "contributor", "editor", "manager", "owner", "admin")
#: Who asks: nobody (anonymous) or one of :data:`USERS`.
CALLERS = (None, *USERS)
GROUPS = {"owner": ["staff"], "admin": ["admins"]}


@dataclass
class Spec:
    path: str
    type: type
    state: str
    owner: str | None = None
    inherit: bool = True
    #: ``{"user:reader": "reader", "group:staff": "reader"}``
    grants: dict = field(default_factory=dict)
    #: The schedule, in days from now: ``(effective, expires)``, None unset.
    schedule: tuple = (None, None)

    def in_schedule(self):
        effective, expires = self.schedule
        return (effective is None or effective <= 0) and (
            expires is None or expires > 0
        )


TREE = [
    Spec("/", Folder, "published"),
    Spec("/pub/", Folder, "published"),
    Spec("/pub/doc/", Document, "published"),
    Spec("/pub/priv-doc/", Document, "private", owner="owner"),
    Spec("/pub/pend-doc/", Document, "pending", owner="owner"),
    Spec("/priv/", Folder, "private", grants={"group:staff": "reader"}),
    Spec("/priv/inner/", Document, "published"),
    Spec(
        "/shared/",
        Folder,
        "published",
        grants={
            "user:reader": "reader",
            "user:contributor": "contributor",
            "user:editor": "editor",
            "user:manager": "manager",
        },
    ),
    Spec("/shared/sub/", Folder, "private"),
    Spec("/shared/sub/leaf/", Document, "private", owner="owner"),
    Spec("/shared/sub/draft/", Document, "pending"),
    Spec(
        "/shared/blocked/",
        Folder,
        "private",
        inherit=False,
        grants={"user:owner": "reader"},
    ),
    Spec("/shared/blocked/bleaf/", Document, "published"),
    Spec("/pub/soon/", Document, "published", schedule=(1, None)),
    Spec("/pub/gone/", Document, "published", owner="owner", schedule=(None, -1)),
    Spec("/pub/window/", Document, "published", schedule=(-1, 1)),
    Spec("/later/", Folder, "published", schedule=(2, None)),
    Spec("/later/inside/", Document, "published"),
]
SPECS = {spec.path: spec for spec in TREE}


def marker(path):
    """A string that appears only in the node at *path*."""
    return "MRK" + "".join(ch for ch in path if ch.isalnum()).upper() + "Q"


def parent_path(path):
    return None if path == "/" else path[: path.rstrip("/").rfind("/") + 1]


def lineage_paths(path):
    paths = []
    while path is not None:
        paths.append(path)
        path = parent_path(path)
    return paths


def children_paths(path):
    return [spec.path for spec in TREE if parent_path(spec.path) == path]


# The contract's permission table, written out again on purpose.
VIEWERS = {"reader", "contributor", "editor", "manager", "owner"}
TABLE = {
    "view": {state: VIEWERS for state in ("private", "pending", "published")},
    "share": {state: {"manager"} for state in ("private", "pending", "published")},
    "edit": {
        "private": {"editor", "manager", "owner"},
        "pending": {"editor", "manager"},
        "published": {"editor", "manager"},
    },
    "submit": {
        state: {"owner", "editor", "manager"}
        for state in ("private", "pending", "published")
    },
    "publish": {
        state: {"editor", "manager"} for state in ("private", "pending", "published")
    },
}
TRANSITIONS = {
    "submit": ({"private"}, "pending", "submit"),
    "publish": ({"private", "pending"}, "published", "publish"),
    "retract": ({"published", "pending"}, "private", "submit"),
    "reject": ({"pending"}, "private", "publish"),
}


class Oracle:
    def roles(self, user, path):
        if user is None:
            return set()
        roles = {"manager"} if user == "admin" else set()
        if SPECS[path].owner == user:
            roles.add("owner")
        principals = {f"user:{user}"} | {f"group:{g}" for g in GROUPS.get(user, [])}
        for ancestor in lineage_paths(path):
            spec = SPECS[ancestor]
            roles.update(role for who, role in spec.grants.items() if who in principals)
            if not spec.inherit:
                break
        return roles

    def public(self, path):
        return all(
            SPECS[p].state == "published" and SPECS[p].in_schedule()
            for p in lineage_paths(path)
        )

    def may(self, user, path, permission):
        if user == "admin":
            return True
        if permission == "view" and self.public(path):
            return True
        return bool(self.roles(user, path) & TABLE[permission][SPECS[path].state])

    def visible_children(self, user, path):
        return [
            child for child in children_paths(path) if self.may(user, child, "view")
        ]

    def hidden_markers(self, user):
        return [marker(p) for p in SPECS if not self.may(user, p, "view")]


ORACLE = Oracle()


@dataclass
class Site:
    nodes: dict
    users: dict
    #: JSON headers (bearer token) per caller; anonymous: plain JSON.
    json_headers: dict
    #: A WebTest app logged in through the form, per caller.
    browsers: dict


def build_site(app, dbsession):
    users = {
        login: make_user(
            dbsession, login, groups=GROUPS.get(login, ()), fullname=login.title()
        )
        for login in USERS
    }
    groups = {g.name: g for user in users.values() for g in user.groups}
    nodes = {"/": ensure_root(dbsession)}
    for spec in TREE:
        if spec.path == "/":
            node = nodes["/"]
        else:
            parent = nodes[parent_path(spec.path)]
            node = spec.type(title=spec.path)
            name = spec.path.rstrip("/").rsplit("/", 1)[1]
            parent.add(node, name)
        mark = marker(spec.path)
        node.title = f"Title {mark}"
        node.description = f"Description {mark}"
        if spec.type is Document:
            node.body = f"<p>Body {mark}</p>"
        node.state = spec.state
        node.effective, node.expires = (
            None if days is None else datetime.now(UTC) + timedelta(days=days)
            for days in spec.schedule
        )
        node.inherit_roles = spec.inherit
        node.owner_id = users[spec.owner].id if spec.owner else None
        for who, role in spec.grants.items():
            kind, name = who.split(":")
            grant(node, users[name] if kind == "user" else groups[name], role)
        nodes[spec.path] = node
    dbsession.flush()
    json_headers = {None: {"Accept": "application/json"}}
    browsers = {None: webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})}
    for login, user in users.items():
        json_headers[login] = bearer(dbsession, user)
        browsers[login] = browser(app, dbsession, user)
    dbsession.flush()
    return Site(nodes, users, json_headers, browsers)
