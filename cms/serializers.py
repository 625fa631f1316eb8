"""One Python representation of a node, shared by its HTML and JSON views.

The JSON view returns these dicts as they are; the HTML templates render the
same dicts. A field that is not in the dict is shown by neither.
"""

from cms.links import show_current
from cms.models.meta import utcnow
from cms.permissions import Permission
from cms.schedule import status as schedule_status
from cms.services.revisions import snapshot, working_copy
from cms.urls import node_url
from cms.workflow import PUBLISHED, STATE_TITLES


def summary(request, row):
    """Return the summary of a child, as listed in ``items``.

    *row* is a node or a row of :data:`cms.listing.SUMMARY_COLUMNS`.
    """
    return {
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


def serialize_content(request, node, content):
    """Return the node's fields with *content* (live, a draft or a revision)."""
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
        data["body"] = show_current(request, content["body"])
    if "blob_key" in content:
        data["file"] = {
            "download": node_url(request, node.path, "@@download"),
            "filename": content["filename"],
            "content_type": content["content_type"],
            "size": content["size"],
        }
    if "scales" in content:
        data["width"], data["height"] = content["width"], content["height"]
        data["scales"] = {
            name: {
                "download": node_url(request, node.path, f"@@images/{name}"),
                "width": scale["width"],
                "height": scale["height"],
            }
            for name, scale in content["scales"].items()
        }
    return data


def serialize_node(request, node, batch, draft=False):
    """Return the full representation of *node* with one *batch* of children.

    Those who may edit learn ``has_draft``; with *draft*, they get the draft.
    """
    may_edit = request.has_permission(Permission.EDIT, node)
    if draft and may_edit:
        content = working_copy(request.dbsession, node)
    else:
        content = snapshot(node)
    data = serialize_content(request, node, content)
    if may_edit:
        data["has_draft"] = node.has_draft
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
