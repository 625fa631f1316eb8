"""One Python representation of a node, shared by its HTML and JSON views.

The JSON view returns these dicts as they are; the HTML templates render the
same dicts. A field that is not in the dict is shown by neither.
"""

from cms.links import show_current
from cms.models import Folder
from cms.models.meta import utcnow
from cms.permissions import Permission
from cms.schedule import status as schedule_status
from cms.services.revisions import snapshot, working_copy
from cms.urls import node_url
from cms.workflow import PUBLISHED, STATE_TITLES, transitions_from


def summary(request, row):
    """Return the summary of a child, as listed in ``items``.

    *row* is a node or a row of :data:`cms.listing.SUMMARY_COLUMNS`, with
    :data:`cms.listing.MEDIA_COLUMNS` for the ``file`` of files and the
    ``image`` (scales) of images.
    """
    data = {
        "@id": node_url(request, row.path),
        "@type": row.type,
        "id": row.name,
        "uid": row.uid,
        "title": row.title,
        "description": row.description,
        "state": row.state,
        "modified": row.modified,
        "effective": row.effective,
        "expires": row.expires,
    }
    content_type = getattr(row, "content_type", None)
    if content_type is not None:
        data["file"] = {
            "download": node_url(request, row.path, "@@download"),
            "content_type": content_type,
            "size": row.size,
        }
    scales = getattr(row, "scales", None)
    if scales:
        data["image"] = scale_links(request, row.path, scales)
    return data


def scale_links(request, path, scales):
    """Return ``{name: {"download", "width", "height"}}`` of an image's scales."""
    return {
        name: {
            "download": node_url(request, path, f"@@images/{name}"),
            "width": scale["width"],
            "height": scale["height"],
        }
        for name, scale in scales.items()
    }


def thumbnails(request, rows):
    """Return ``{item @id: {"src", "width", "height"}}`` for the images in *rows*.

    *rows* are a listing's (:data:`cms.listing.SUMMARY_COLUMNS` and the
    image's ``scales``): its page shows each image as a thumbnail.
    """
    thumbs = {}
    for row in rows:
        thumb = (getattr(row, "scales", None) or {}).get("thumb")
        if thumb:
            thumbs[node_url(request, row.path)] = {
                "src": node_url(request, row.path, "@@images/thumb"),
                "width": thumb["width"],
                "height": thumb["height"],
            }
    return thumbs


def markers(request, rows):
    """Return ``{item @id: (class, text)}`` for the listed items readers miss.

    A listing's page marks what anonymous readers do not see: an item not
    published (its state), or published but outside its schedule. Readers
    are shown none of these, so only those who may see them get marks.
    """
    now = utcnow()
    marks = {}
    for row in rows:
        if row.state != PUBLISHED:
            mark = (f"state-{row.state}", STATE_TITLES[row.state])
        elif (when := schedule_status(row, now)) is not None:
            mark = (f"schedule-{when}", when.capitalize())
        else:
            continue
        marks[node_url(request, row.path)] = mark
    return marks


def parent_info(request, node):
    """Return the ``parent`` field: ``None`` for the root.

    Only those who may view the parent learn its title and type.
    """
    parent = node.__parent__
    if parent is None:
        return None
    info = {"@id": node_url(request, parent.path)}
    if request.has_permission(Permission.VIEW, parent):
        info.update({"@type": parent.type, "title": parent.title})
    return info


def serialize_content(request, node, content, body=None):
    """Return the node's fields with *content* (live, a draft or a revision).

    *body*, when given, is the body with its links already shown current
    (:func:`cms.links.show_current_all`, for many nodes at once).
    """
    data = {
        "@id": node_url(request, node.path),
        "@type": node.type,
        "id": node.name,
        "uid": node.uid,
        "title": content["title"],
        "description": content["description"],
        "state": node.state,
        "created": node.created,
        "modified": node.modified,
        "effective": node.effective,
        "expires": node.expires,
        "parent": parent_info(request, node),
    }
    if "body" in content:
        if body is None:
            body = show_current(request, content["body"])
        data["body"] = body
    if "blob_key" in content:
        data["file"] = {
            "download": node_url(request, node.path, "@@download"),
            "filename": content["filename"],
            "content_type": content["content_type"],
            "size": content["size"],
        }
    if "scales" in content:
        data["width"], data["height"] = content["width"], content["height"]
        data["scales"] = scale_links(request, node.path, content["scales"])
    return data


def feed_url(request, node):
    """The Atom feed of *node*: a folder's own, else its nearest folder's."""
    folder = next(item for item in node.lineage() if isinstance(item, Folder))
    return node_url(request, folder.path, "@@feed")


def node_links(request, node):
    """Where the node's HTML page and the feed of its folder are."""
    return {"html": node_url(request, node.path), "feed": feed_url(request, node)}


def serialize_node(request, node, batch, draft=False):
    """Return the full representation of *node* with one *batch* of children.

    Those who may edit learn ``has_draft``; with *draft*, they get the draft.
    Without a *batch* (``fields`` that leave out the listing), no ``items``.
    """
    may_edit = request.has_permission(Permission.EDIT, node)
    if draft and may_edit:
        content = working_copy(request.dbsession, node)
    else:
        content = snapshot(node)
    data = serialize_content(request, node, content)
    if may_edit:
        data["has_draft"] = node.has_draft
    data["links"] = node_links(request, node)
    if batch is not None:
        data["items"] = [summary(request, row) for row in batch.items]
        data["items_total"] = batch.total
        data["batching"] = batch.batching(request, node.path)
    return data


def breadcrumbs(request, node):
    """Return ``[{"@id", "title"}, …]`` from the root down to *node*.

    Ancestors the caller may not view are left out. No query: the lineage and
    its local roles are loaded.
    """
    return [
        {"@id": node_url(request, item.path), "title": item.title}
        for item in reversed(node.lineage())
        if request.has_permission(Permission.VIEW, item)
    ]


def workflow_info(request, node):
    """Return ``{"state", "title", "transitions"}``: what the caller may fire."""
    return {
        "state": node.state,
        "title": STATE_TITLES[node.state],
        "transitions": [
            {"id": transition.id, "title": transition.title}
            for transition in transitions_from(node)
            if request.has_permission(transition.permission, node)
        ],
    }


def serialize_user(request, user):
    return {
        "@id": node_url(request, "/", f"@@users/{user.login}"),
        "login": user.login,
        "email": user.email,
        "fullname": user.fullname,
        "active": user.active,
        "groups": [group.name for group in user.groups],
        "created": user.created,
    }


def serialize_group(request, group):
    return {
        "@id": node_url(request, "/", f"@@groups/{group.name}"),
        "name": group.name,
        "title": group.title,
    }
