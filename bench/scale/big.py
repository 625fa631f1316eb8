"""(vi) The leaf page on a site of 1,000,000 nodes against one of 11,000.

Both databases start as copies of one standard tree (``bench/populate.py``)
with a published folder ``/bulk/`` added through the model API. Into the big
one's ``/bulk/`` go 89 sections shaped like the standard tree's (``x0`` ..
``x88``, each with 10, 100, 1,000 and 10,000 pages below it: 11,111 nodes a
section), 988,879 nodes bulk-inserted with SQLAlchemy core, level by level,
in chunks of :data:`CHUNK` rows (``executemany``). Paths, positions, uids,
versions and timestamps are what ``parent.add`` writes; bodies are one short
paragraph (2 KB a node would make a 2 GB file for nothing the leaf reads),
and, as in ``bench/paging.py``, no search-index rows are written (nothing a
page reads). The leaf ``/s3/s3-5/s3-5-7/s3-5-7-2/`` is the same on both.
"""

import time
import uuid

from sqlalchemy import insert

from bench.scale.common import say, session
from cms.models import Document, Folder, Node
from cms.models.meta import utcnow
from cms.site import get_root

CHUNK = 5_000
SECTIONS = 89
FANOUT = 10
LEVELS = 4  # below each section, as in the standard tree


def add_bulk_folder(app):
    """Add the published ``/bulk/`` folder; return its id and path."""
    with session(app) as dbsession:
        folder = get_root(dbsession).add(
            Folder(title="Bulk", description="Many pages.", state="published"),
            "bulk",
        )
        dbsession.flush()
        return folder.id, folder.path


def _rows(parents, per_parent, now):
    """The node rows of the children of *parents* (``[(id, path, key)]``)."""
    for parent_id, parent_path, key in parents:
        for index in range(per_parent):
            name = f"{key}-{index}" if key else f"x{index}"
            yield {
                "uid": uuid.uuid4(),
                "parent_id": parent_id,
                "name": name,
                "path": f"{parent_path}{name}/",
                "position": index,
                "type": "Document",
                "title": f"Page {name}",
                "description": f"A bulk page, number {index} of its folder.",
                "state": "published",
                "created": now,
                "modified": now,
                "version": 1,
            }


def insert_bulk(app, folder_id, folder_path):
    """Insert the 89 sections and their subtrees; return the count of nodes."""
    nodes, documents = Node.__table__, Document.__table__
    insert_nodes = insert(nodes).returning(nodes.c.id, sort_by_parameter_order=True)
    total = SECTIONS * sum(FANOUT**level for level in range(LEVELS + 1))
    done, started = 0, time.perf_counter()
    parents = [(folder_id, folder_path, "")]
    for depth in range(LEVELS + 1):
        per_parent = SECTIONS if depth == 0 else FANOUT
        rows = _rows(parents, per_parent, utcnow())
        level = []
        with session(app) as dbsession:
            connection = dbsession.connection()
            while True:
                chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
                if not chunk:
                    break
                ids = connection.execute(insert_nodes, chunk).scalars().all()
                connection.execute(
                    insert(documents),
                    [
                        {"id": node_id, "body": f"<p>{row['title']}.</p>"}
                        for node_id, row in zip(ids, chunk, strict=True)
                    ],
                )
                if depth < LEVELS:
                    level += [
                        (node_id, row["path"], row["name"])
                        for node_id, row in zip(ids, chunk, strict=True)
                    ]
                done += len(chunk)
                elapsed = time.perf_counter() - started
                say(
                    f"big: {done:,}/{total:,} nodes ({100 * done / total:.0f} %) "
                    f"{elapsed:.0f} s"
                )
        parents = level
    return done
