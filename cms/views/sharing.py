"""``@@sharing``: a node's local roles, as JSON and as the editor's page.

The page is a table of users and groups with a checkbox per role that may be
granted; roles inherited from above are shown with the node they come from.
A search adds users and groups to the table, a checkbox blocks inheritance,
and one POST saves it all through :func:`cms.services.sharing.set_sharing`,
which holds every rule: this module only turns the form into its input.
"""

import hashlib
import json

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config, view_defaults
from sqlalchemy import func, or_, select

from cms.flash import flash
from cms.forms import FORM_POST
from cms.models import Group, Node, User
from cms.models.sharing import ROLES
from cms.permissions import Permission
from cms.security.sharing import OWNER, get_sharing
from cms.services.errors import Invalid
from cms.services.sharing import set_sharing
from cms.urls import node_url
from cms.validation import read_json

PAGE = "cms:templates/sharing/sharing.jinja2"
#: The most users and groups one search adds to the table.
MAX_RESULTS = 20
#: The longest search text.
MAX_QUERY = 100
#: The most rows a posted form may hold (a page never shows that many).
MAX_ROWS = 500

ROLE_TITLES = {
    "reader": "Can view",
    "contributor": "Can add",
    "editor": "Can edit",
    "manager": "Can manage",
}


# -- JSON ----------------------------------------------------------------------


@view_defaults(
    context=Node,
    name="sharing",
    accept="application/json",
    renderer="json",
    permission=Permission.SHARE,
)
class Sharing:
    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(request_method=("GET", "HEAD"))
    def sharing_view(self):
        return get_sharing(self.request, self.node)

    @view_config(request_method="POST")
    def change_sharing(self):
        request = self.request
        set_sharing(request.dbsession, request.caller, self.node, read_json(request))
        return get_sharing(request, self.node)


# -- the page ------------------------------------------------------------------


def fingerprint(sharing):
    """A digest of what the form replaces, so that a stale form is noticed."""
    mine = {"inherit": sharing["inherit"], "entries": sharing["entries"]}
    raw = json.dumps(mine, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def local_choices(sharing):
    """``{principal: roles}`` granted on the node itself (owner aside)."""
    return {
        entry["principal"]: [role for role in entry["roles"] if role != OWNER]
        for entry in sharing["entries"]
    }


def search_principals(dbsession, query):
    """Return ``(principals, more)``: active users and groups matching *query*.

    Logins, full names, group names and titles match on any part; an e-mail
    address only whole, so that addresses cannot be guessed letter by letter.
    Inactive accounts are never found.
    """
    groups = dbsession.scalars(
        select(Group)
        .where(
            or_(
                Group.name.icontains(query, autoescape=True),
                Group.title.icontains(query, autoescape=True),
            )
        )
        .order_by(Group.name)
        .limit(MAX_RESULTS + 1)
    ).all()
    users = dbsession.scalars(
        select(User)
        .where(
            User.active.is_(True),
            or_(
                User.login.icontains(query, autoescape=True),
                User.fullname.icontains(query, autoescape=True),
                func.lower(User.email) == query.lower(),
            ),
        )
        .order_by(User.login)
        .limit(MAX_RESULTS + 1)
    ).all()
    found = [f"group:{group.name}" for group in groups]
    found += [f"user:{user.login}" for user in users]
    return found[:MAX_RESULTS], len(found) > MAX_RESULTS


def principal_titles(dbsession, principals):
    """``{principal: what the page calls it}`` for users and groups that exist."""
    logins, names = set(), set()
    for principal in principals:
        kind, _, name = principal.partition(":")
        (logins if kind == "user" else names).add(name)
    titles = {}
    if logins:
        for user in dbsession.scalars(select(User).where(User.login.in_(logins))):
            titles[f"user:{user.login}"] = user.fullname or user.login
    if names:
        for group in dbsession.scalars(select(Group).where(Group.name.in_(names))):
            titles[f"group:{group.name}"] = group.title or group.name
    return titles


def ancestor_links(request, node):
    """``{url: label}`` of the node's ancestors, for "inherited from" links.

    An ancestor the caller may not see is named by its path alone, which
    the JSON shows too; never by its title.
    """
    links = {}
    ancestor = node.__parent__
    while ancestor is not None:
        visible = request.has_permission(Permission.VIEW, ancestor)
        label = (ancestor.title or ancestor.path) if visible else ancestor.path
        links[node_url(request, ancestor.path)] = label
        ancestor = ancestor.__parent__
    return links


def sharing_rows(request, node, sharing, choices, found=()):
    """The table's rows: one per principal with roles here, above, or found."""
    inherited = {}
    for entry in sharing["inherited"]:
        roles = inherited.setdefault(entry["principal"], {})
        for role in entry["roles"]:
            roles.setdefault(role, []).append(entry["from"])
    owners = {e["principal"] for e in sharing["entries"] if OWNER in e["roles"]}
    listed = sorted(set(choices) | set(inherited) | owners)
    found = [principal for principal in found if principal not in listed]
    titles = principal_titles(request.dbsession, listed + found)
    links = ancestor_links(request, node)
    rows = []
    for principal in listed + found:
        kind, _, name = principal.partition(":")
        here = set(choices.get(principal, ()))
        rows.append(
            {
                "principal": principal,
                "kind": kind,
                "name": name,
                "title": titles.get(principal, name),
                "owner": principal in owners,
                "found": principal in found,
                "cells": [
                    {
                        "role": role,
                        "local": role in here,
                        "inherited": [
                            {"url": url, "label": links.get(url, url)}
                            for url in inherited.get(principal, {}).get(role, ())
                        ],
                    }
                    for role in ROLES
                ],
            }
        )
    return rows


def stored_summary(request, sharing):
    """The node's own roles as stored, in words: shown beside a stale form."""
    titles = principal_titles(
        request.dbsession, [entry["principal"] for entry in sharing["entries"]]
    )
    return {
        "inherit": sharing["inherit"],
        "entries": [
            {
                "title": titles.get(entry["principal"], entry["principal"]),
                "principal": entry["principal"],
                "roles": [ROLE_TITLES.get(role, "Owner") for role in entry["roles"]],
            }
            for entry in sharing["entries"]
        ],
    }


def sharing_page(request, node, sharing, choices=None, inherit=None, **extra):
    """The page's data; *choices* and *inherit* default to what is stored."""
    query = extra.pop("query", "")
    found, more, query_error = [], False, None
    if len(query) > MAX_QUERY:
        query_error = f"Search for at most {MAX_QUERY} characters."
    elif query:
        found, more = search_principals(request.dbsession, query)
    return {
        "title": f"Sharing: {node.title}",
        "node": node,
        "page_url": node_url(request, node.path),
        "action": node_url(request, node.path, "@@sharing"),
        "roles": [(role, ROLE_TITLES[role]) for role in ROLES],
        "rows": sharing_rows(
            request,
            node,
            sharing,
            local_choices(sharing) if choices is None else choices,
            found,
        ),
        "inherit": sharing["inherit"] if inherit is None else inherit,
        "fingerprint": fingerprint(sharing),
        "query": query,
        "query_error": query_error,
        "searched": bool(query) and query_error is None,
        "found": len(found),
        "more": more,
        "max_results": MAX_RESULTS,
        "max_query": MAX_QUERY,
        "errors": [],
        "message": None,
        "theirs": None,
        **extra,
    }


def posted_form(request):
    """Return ``(choices, inherit)`` from the posted form.

    Each row posts its principal (hidden) and one ``roles.<principal>`` per
    ticked role; what is not ticked is not granted.
    """
    choices = {principal: [] for principal in request.POST.getall("principal")}
    for key, value in request.POST.items():
        if key.startswith("roles."):
            choices.setdefault(key.removeprefix("roles."), []).append(value)
    if len(choices) > MAX_ROWS:
        raise HTTPBadRequest("The form holds too many users and groups.")
    return choices, "block" not in request.POST


@view_defaults(
    context=Node,
    name="sharing",
    accept="text/html",
    renderer=PAGE,
    permission=Permission.SHARE,
)
class SharingPage:
    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(request_method=("GET", "HEAD"))
    def sharing_form(self):
        node, request = self.node, self.request
        query = request.GET.get("q", "").strip()
        return sharing_page(request, node, get_sharing(request, node), query=query)

    @view_config(request_method="POST", header=FORM_POST)
    def sharing_save(self):
        node, request = self.node, self.request
        choices, inherit = posted_form(request)
        before = get_sharing(request, node)
        posted = request.POST.get("fingerprint")
        if not posted:
            raise HTTPBadRequest(
                "The form is incomplete: reload the page and try again."
            )
        if posted != fingerprint(before):
            # Someone changed the sharing since this form was shown: saving it
            # would silently undo their change. Show the form again, as typed.
            # Rows this form did not have (added meanwhile) keep their roles.
            request.response.status = 409
            return sharing_page(
                request,
                node,
                before,
                {**local_choices(before), **choices},
                inherit,
                message=(
                    "Someone else changed the sharing of this page meanwhile. "
                    "Your choices are below, with what they added: "
                    "check them and save again."
                ),
                theirs=stored_summary(request, before),
            )
        entries = [
            {"principal": principal, "roles": sorted(set(roles))}
            for principal, roles in choices.items()
            if roles
        ]
        try:
            set_sharing(
                request.dbsession,
                request.caller,
                node,
                {"inherit": inherit, "entries": entries},
            )
        except Invalid as error:
            # set_sharing may have written before it refused: write nothing.
            request.tm.doom()
            request.response.status = 400
            return sharing_page(
                request,
                node,
                before,
                choices,
                inherit,
                message="Nothing was saved.",
                errors=[item["message"] for item in error.errors],
            )
        flash(request, "Sharing saved.")
        return HTTPSeeOther(location=node_url(request, node.path, "@@sharing"))
