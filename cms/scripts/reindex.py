"""``cms-admin INI reindex``: rebuild the search index from the content.

The index is written with the content, so it is never stale; this rebuilds
it after a restore made outside the application, or to check that it is
right. It writes the live content of every node, the text readers see, a
batch at a time, with its progress on stderr; the whole rebuild is one
transaction (readers keep the old index until it commits).
"""

import sys

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectin_polymorphic

from cms.models import CONTENT_TYPES, Node
from cms.scripts.progress import Progress
from cms.search.index import index_values, search_index, write

HELP = "rebuild the full-text search index from the content"
BATCH = 500


def add_arguments(parser):
    pass


def run(request, args):
    dbsession = request.dbsession
    total = dbsession.scalar(select(func.count()).select_from(Node))
    connection = dbsession.connection()
    connection.execute(delete(search_index))
    progress = Progress(total, "reindex")
    last_id = 0
    loader = selectin_polymorphic(Node, list(CONTENT_TYPES.values()))
    while True:
        nodes = list(
            dbsession.scalars(
                select(Node)
                .options(loader)
                .where(Node.id > last_id)
                .order_by(Node.id)
                .limit(BATCH)
            )
        )
        if not nodes:
            break
        write(connection, [index_values(node) for node in nodes])
        progress.step(len(nodes))
        last_id = nodes[-1].id
        # Done with these: keep memory flat on a large site.
        dbsession.expunge_all()
    progress.finish()
    print(f"Indexed {total} nodes.", file=sys.stderr)
    return 0
