"""``@@history``, ``@@history/N`` and ``@@revert``: revisions, for editors.

JSON for integrators; for browsers, the same names are the history page (the
revisions, newest first, a form to compare two, a revert button for each),
the page of one revision with its differences from another, and the revert
form's POST, which goes through :func:`cms.services.content.revert` like the JSON.
"""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from cms.diff import diff_revisions, field_label
from cms.flash import flash
from cms.forms import FORM_POST, small_number
from cms.models import Node, Revision
from cms.permissions import Permission
from cms.responses import error_response, node_response
from cms.serializers import serialize_content
from cms.services import content
from cms.services.errors import Invalid
from cms.services.revisions import get_revision, latest_revision
from cms.urls import node_url
from cms.validation import read_json

HISTORY_PAGE = "cms:templates/history/history.jinja2"
REVISION_PAGE = "cms:templates/history/revision.jinja2"
#: Revisions per history page; older ones are a link away.
BATCH_SIZE = 50


def find_revision(request, node, text):
    """Return the node's revision numbered *text*, or ``None``."""
    number = small_number(text)
    if number is None:
        return None
    return get_revision(request.dbsession, node, number)


def revision_summary(request, node, revision):
    return {
        "@id": node_url(request, node.path, f"@@history/{revision.version}"),
        "version": revision.version,
        "author": revision.author_login,
        "created": revision.created,
        "comment": revision.comment,
        "changed": revision.changed,
    }


@view_defaults(
    context=Node,
    name="history",
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.EDIT,
)
class History:
    """``@@history`` and ``@@history/N`` as JSON."""

    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(subpath=0)
    def history(self):
        node, request = self.node, self.request
        revisions = request.dbsession.scalars(
            select(Revision)
            .where(Revision.node_id == node.id)
            .order_by(Revision.version.desc())
        )
        return {"items": [revision_summary(request, node, r) for r in revisions]}

    @view_config(subpath=1)
    def history_item(self):
        node, request = self.node, self.request
        revision = find_revision(request, node, request.subpath[0])
        if revision is None:
            raise HTTPNotFound()
        data = serialize_content(request, node, revision.data)
        data.update(revision_summary(request, node, revision))
        data["@id"] = node_url(request, node.path)
        return data


@view_config(
    context=Node, name="revert", request_method="POST", permission=Permission.EDIT
)
def revert(node, request):
    content.revert(request.dbsession, request.caller, node, read_json(request))
    return node_response(request, node)


# -- the pages -----------------------------------------------------------------


def revision_row(request, node, revision):
    return {
        "version": revision.version,
        "url": node_url(request, node.path, f"@@history/{revision.version}"),
        "author": revision.author_login or "—",
        "created": revision.created,
        "comment": revision.comment,
        "changed": [field_label(name) for name in revision.changed],
    }


def common(request, node, latest):
    """What both pages show: the revert form's target and the draft's preview."""
    return {
        "node": node,
        "page_url": node_url(request, node.path),
        "history_url": node_url(request, node.path, "@@history"),
        "latest": latest.version if latest is not None else 0,
        "draft_url": (
            node_url(request, node.path, query={"version": "draft"})
            if node.has_draft
            else None
        ),
    }


@view_defaults(
    context=Node,
    name="history",
    accept="text/html",
    permission=Permission.EDIT,
)
class HistoryPages:
    """The same names for browsers: the history page, a revision's, the revert form."""

    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(subpath=0, request_method=("GET", "HEAD"), renderer=HISTORY_PAGE)
    def history_page(self):
        node, request = self.node, self.request
        if "version" in request.GET or "against" in request.GET:
            # The compare form: show the pair on the revision's own page.
            version = small_number(request.GET.get("version"))
            against = small_number(request.GET.get("against"))
            if version is None or against is None:
                raise HTTPBadRequest("Choose two versions to compare.")
            return HTTPSeeOther(
                location=node_url(
                    request, node.path, f"@@history/{version}", {"against": against}
                )
            )
        query = (
            select(Revision)
            .where(Revision.node_id == node.id)
            .order_by(Revision.version.desc())
            .limit(BATCH_SIZE + 1)
        )
        if "before" in request.GET:
            before = small_number(request.GET["before"])
            if before is None:
                raise HTTPBadRequest("before: a version number.")
            query = query.where(Revision.version < before)
        revisions = request.dbsession.scalars(query).all()
        older = None
        if len(revisions) > BATCH_SIZE:
            revisions = revisions[:BATCH_SIZE]
            older = node_url(
                request, node.path, "@@history", {"before": revisions[-1].version}
            )
        return {
            **common(request, node, latest_revision(request.dbsession, node)),
            "title": f"History: {node.title}",
            "rows": [revision_row(request, node, revision) for revision in revisions],
            "older": older,
            "paged": "before" in request.GET,
        }

    @view_config(subpath=1, request_method=("GET", "HEAD"), renderer=REVISION_PAGE)
    def revision_page(self):
        node, request = self.node, self.request
        revision = find_revision(request, node, request.subpath[0])
        if revision is None:
            return error_response(
                request, HTTPNotFound(), "There is no such version of this page."
            )
        if "against" in request.GET:
            against = find_revision(request, node, request.GET["against"])
            if against is None:
                return error_response(
                    request,
                    HTTPBadRequest(),
                    "There is no such version of this page to compare with.",
                )
        else:
            against = get_revision(request.dbsession, node, revision.version - 1)
        source = request.GET.get("source") == "html"
        latest = latest_revision(request.dbsession, node)
        assert latest is not None  # there is one: the revision shown
        return {
            **common(request, node, latest),
            "title": f"Version {revision.version}: {node.title}",
            "revision": revision_row(request, node, revision),
            "against": revision_row(request, node, against) if against else None,
            "diffs": diff_revisions(
                node.type,
                against.data if against else {},
                revision.data,
                source=source,
            ),
            "source": source,
            "switch_url": node_url(
                request,
                node.path,
                f"@@history/{revision.version}",
                {
                    **({"against": against.version} if against else {}),
                    **({} if source else {"source": "html"}),
                },
            ),
            "is_latest": revision.version == latest.version,
            "newer": (
                node_url(request, node.path, f"@@history/{revision.version + 1}")
                if revision.version < latest.version
                else None
            ),
            "older": (
                node_url(request, node.path, f"@@history/{revision.version - 1}")
                if revision.version > 1
                else None
            ),
        }

    @view_config(subpath=0, request_method="POST", header=FORM_POST)
    def revert_button(self):
        """Revert to the posted ``version``, unless the history moved on meanwhile.

        The form says which revision was the newest when it was shown
        (``latest``): if another has been made since, reverting would undo a
        change its author never saw, so nothing is done.
        """
        node, request = self.node, self.request
        location = node_url(request, node.path, "@@history")
        latest = latest_revision(request.dbsession, node)
        newest = latest.version if latest is not None else 0
        if request.POST.get("latest") != str(newest):
            flash(
                request,
                "This page has changed since its history was shown: nothing was "
                "reverted. Look at the newest versions and try again.",
                "error",
            )
            return HTTPSeeOther(location=location)
        number = small_number(request.POST.get("version"))
        try:
            content.revert(request.dbsession, request.caller, node, {"version": number})
        except Invalid:
            flash(request, "There is no such version of this page.", "error")
            return HTTPSeeOther(location=location)
        after = latest_revision(request.dbsession, node)
        assert after is not None  # the revert made one
        if after.version == newest:
            flash(request, f"Version {number} is what the page holds already.")
        elif node.has_draft:
            flash(
                request,
                f"Version {number} is now the draft: publish it to make it live.",
            )
        else:
            flash(request, f"Reverted to version {number}.")
        return HTTPSeeOther(location=location)
