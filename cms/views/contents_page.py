"""``{container}/@@contents``: the Contents page of a container.

It lists the children the caller may view, in the editors' order and in the
same keyset batches as the JSON ``items``, with a checkbox, a rename link and
Up/Down buttons for each. Its form posts to the bulk actions
(:mod:`cms.views.contents`); renaming is :mod:`cms.views.contents_rename`,
ordering :mod:`cms.views.contents_order`.
"""

from pyramid.view import view_config
from sqlalchemy import select

from cms import clipboard
from cms.contents import batch_query, contents_url, require_manager
from cms.counts import counts_for
from cms.listing import children_batch, parse_batch_params
from cms.models import File, Node
from cms.models.meta import utcnow
from cms.permissions import Permission
from cms.schedule import note
from cms.security.trimming import viewable_children
from cms.urls import node_url
from cms.workflow import STATE_TITLES


def file_sizes(dbsession, rows):
    """``{id: size}`` for the files and images among *rows* (one query)."""
    ids = [row.id for row in rows if row.type in ("File", "Image")]
    if not ids:
        return {}
    query = select(File.id, File.size).where(File.id.in_(ids))
    return dict(dbsession.execute(query).all())


@view_config(
    context=Node,
    name="contents",
    request_method=("GET", "HEAD"),
    accept="text/html",
    renderer="cms:templates/contents/listing.jinja2",
    permission=Permission.VIEW,
)
def contents_page(container, request):
    require_manager(request, container)
    size, after, before = parse_batch_params(request)
    dbsession = request.dbsession
    batch = children_batch(
        dbsession,
        container,
        size,
        after,
        before,
        viewable_children(request, container),
        counts=counts_for(request),
    )
    may_order = request.has_permission(Permission.EDIT, container)
    sizes = file_sizes(dbsession, batch.items)
    query = batch_query(request)
    now = utcnow()
    rows = [
        {
            "id": row.name,
            "title": row.title,
            "url": node_url(request, row.path),
            "type": row.type,
            "state": row.state,
            "state_title": STATE_TITLES[row.state],
            "schedule": note(row, now),
            "modified": row.modified,
            "size": sizes.get(row.id),
            "rename_url": node_url(
                request,
                container.path,
                "@@contents-rename",
                {"item": row.name, **query},
            ),
        }
        for row in batch.items
    ]
    held = clipboard.get(request)
    return {
        "title": container.title,
        "rows": rows,
        "total": batch.total,
        "batching": batch.batching(request, container.path, "@@contents"),
        "action_url": contents_url(request, container, query),
        "order_url": node_url(request, container.path, "@@contents-order", query),
        "may_order": may_order,
        "may_paste": held is not None
        and request.has_permission(Permission.ADD, container),
        "clipboard": held,
    }
