#!/usr/bin/env python
"""``bench/paging.py INI [--url URL]``: keyset pagination over a huge folder.

Creates a folder ``/paging/`` with 100,000 Document children (bulk-inserted
with SQLAlchemy core, progress on stderr), then times the application's own
``cms.listing.children_batch(dbsession, folder, 25, after=cursor)`` for the
first batch, a batch in the middle and the last batch, with cursors built as
``"position.id"`` strings the way ``batching.next`` links carry them. Each
figure is the median of several repetitions (``time.perf_counter``), after a
warm-up.

What it shows: the last batch costs what the first one costs, because the
database seeks to the cursor in the ``(parent_id, position, id)`` index
instead of skipping rows (no OFFSET). For contrast, the same page of rows is
also fetched with a plain ``OFFSET`` query; the keyset query alone and the
``count(*)`` that ``children_batch`` runs for ``items_total`` are timed on
their own too, since on a folder this large the count is most of the cost (it
is the same for every batch).

The database: by default a throw-away SQLite file in a temporary directory,
migrated and given a root here, and removed at the end. ``--url`` runs on
another database instead (it must have been set up with
``initialize_cms_db``); the folder is then deleted at the end with
``folder.delete()`` whatever happens, and the script refuses to start when a
``/paging/`` node is already there. Either way, the INI file only supplies the
application's settings: the database URL is passed to it through
``CMS_DATABASE_URL``, which overrides ``sqlalchemy.url`` (and, unless
``CMS_SECRET`` is set, a random session secret through it: nothing here is
served).
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid

from sqlalchemy import func, insert, select, tuple_

from cms.listing import SUMMARY_COLUMNS, children_batch
from cms.migrations import upgrade
from cms.models import Document, Folder, Node
from cms.models.meta import utcnow
from cms.scripts import open_site
from cms.site import ensure_root, get_root

FOLDER_NAME = "paging"
CHUNK = 5_000


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/paging.py",
        description="Time keyset pagination over a folder of 100,000 children.",
    )
    parser.add_argument("config_uri", help="the ini file, e.g. production.ini")
    parser.add_argument(
        "--url",
        help="database URL to run on (default: a temporary SQLite file, removed "
        "at the end)",
    )
    parser.add_argument(
        "--children", type=int, default=100_000, help="children to create (100000)"
    )
    parser.add_argument("--size", type=int, default=25, help="batch size (25)")
    parser.add_argument(
        "--repeat", type=int, default=25, help="timed repetitions per batch (25)"
    )
    args = parser.parse_args(argv[1:])
    if args.children < 2 * args.size or args.size < 1 or args.repeat < 1:
        parser.error("need --size >= 1, --repeat >= 1 and --children >= 2 * --size")
    return args


def progress(done, total, started):
    elapsed = time.perf_counter() - started
    percent = 100 * done / total
    line = f"paging: inserted {done:,}/{total:,} ({percent:5.1f} %) {elapsed:5.1f} s"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line + ("\n" if done == total else ""))
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


def create_folder(dbsession, count):
    """Add ``/paging/`` and *count* Document children; return the folder's id."""
    root = get_root(dbsession)
    folder = root.add(
        Folder(
            title="Paging",
            description="A folder with very many children.",
            state="published",
        ),
        FOLDER_NAME,
    )
    nodes, documents = Node.__table__, Document.__table__
    # The ORM-mapped tables' own columns: UTCDateTime and Uuid apply, and the
    # columns' Python-side defaults fill whatever is not given here.
    insert_nodes = insert(nodes).returning(nodes.c.id, sort_by_parameter_order=True)
    connection = dbsession.connection()
    started = time.perf_counter()
    for first in range(0, count, CHUNK):
        now = utcnow()
        rows = [
            {
                "uid": uuid.uuid4(),
                "parent_id": folder.id,
                "name": f"item-{index}",
                "path": f"{folder.path}item-{index}/",
                "position": index,
                "type": "Document",
                "title": f"Item {index}",
                "description": f"Child number {index} of the paging folder.",
                "state": "published",
                "created": now,
                "modified": now,
                "version": 1,
            }
            for index in range(first, min(first + CHUNK, count))
        ]
        ids = connection.execute(insert_nodes, rows).scalars().all()
        connection.execute(
            insert(documents),
            [{"id": node_id, "body": f"<p>Item {node_id}.</p>"} for node_id in ids],
        )
        progress(first + len(rows), count, started)
    return folder.id


def cursor_at(dbsession, folder_id, index):
    """Return the ``position.id`` cursor of the child at *index* (0-based)."""
    row = dbsession.execute(
        select(Node.position, Node.id)
        .where(Node.parent_id == folder_id)
        .order_by(Node.position, Node.id)
        .offset(index)
        .limit(1)
    ).one()
    return f"{row.position}.{row.id}"


def timed(functions, repeat):
    """Return ``{key: (median, minimum)}`` in ms for each of *functions*.

    The functions run in turns, *repeat* rounds after three warm-up rounds, so
    that a slow spell of the machine weighs on all of them alike.
    """
    times = {key: [] for key in functions}
    for round_number in range(3 + repeat):
        for key, function in functions.items():
            started = time.perf_counter()
            function()
            elapsed = (time.perf_counter() - started) * 1000
            if round_number >= 3:
                times[key].append(elapsed)
    return {
        key: (statistics.median(values), min(values)) for key, values in times.items()
    }


def rows_query(folder_id, size, after=None, offset=None):
    """Return the SELECT of a batch's rows alone: by keyset (*after*) or by OFFSET."""
    query = select(*SUMMARY_COLUMNS).where(Node.parent_id == folder_id)
    if after is not None:
        position, node_id = map(int, after.split("."))
        query = query.where(tuple_(Node.position, Node.id) > tuple_(position, node_id))
    query = query.order_by(Node.position, Node.id)
    if offset:
        query = query.offset(offset)
    return query.limit(size + 1)


def measure(dbsession, folder_id, count, size, repeat):
    """Time the batches; return the table's rows and the count's figures."""
    folder = dbsession.get(Folder, folder_id)
    cases = [
        ("first", 0, None),
        ("middle", count // 2, cursor_at(dbsession, folder_id, count // 2 - 1)),
        ("last", count - size, cursor_at(dbsession, folder_id, count - size - 1)),
    ]
    functions = {}
    for label, start, after in cases:
        batch = children_batch(dbsession, folder, size, after=after)
        names = [row.name for row in batch.items]
        expected = [f"item-{index}" for index in range(start, start + size)]
        if names != expected or batch.total != count:
            raise SystemExit(f"paging: the {label} batch is wrong: {names[:3]} …")
        if label == "last" and batch.next_cursor is not None:
            raise SystemExit("paging: the last batch offers a next batch")
        keyset = rows_query(folder_id, size, after=after)
        offset = rows_query(folder_id, size, offset=start)
        functions[label, "batch"] = lambda after=after: children_batch(
            dbsession, folder, size, after=after
        )
        functions[label, "keyset"] = lambda query=keyset: list(dbsession.execute(query))
        functions[label, "offset"] = lambda query=offset: list(dbsession.execute(query))
    count_query = (
        select(func.count()).select_from(Node).where(Node.parent_id == folder_id)
    )
    functions["count"] = lambda: dbsession.scalar(count_query)
    figures = timed(functions, repeat)
    results = [
        (
            label,
            start,
            after or "-",
            *figures[label, "batch"],
            figures[label, "keyset"][0],
            figures[label, "offset"][0],
        )
        for label, start, after in cases
    ]
    return results, figures["count"][0]


def print_table(results, count_median, count, size, repeat, url):
    print()
    call = f"children_batch(dbsession, folder, {size}, after=cursor)"
    print(f"{call} over {count:,} children")
    print(f"database: {url}; median (and minimum) of {repeat} runs, in ms")
    print()
    header = (
        f"{'batch':<7} {'first item':>10} {'after':>12} "
        f"{'children_batch':>14} {'(min)':>7} {'keyset rows':>12} {'OFFSET rows':>12}"
    )
    print(header)
    print("-" * len(header))
    for label, start, after, median, fastest, keyset, offset in results:
        print(
            f"{label:<7} {start:>10,} {after:>12} "
            f"{median:>14.3f} {fastest:>7.3f} {keyset:>12.3f} {offset:>12.3f}"
        )
    print()
    print(
        "children_batch = the rows by keyset (LIMIT, no OFFSET) + count(*) of the "
        "children for items_total."
    )
    print(
        f"count(*) alone: {count_median:.3f} ms. 'keyset rows' is the rows query "
        "alone; 'OFFSET rows' the same page fetched with OFFSET, for contrast."
    )
    first, last = results[0], results[-1]
    print(
        f"last batch / first batch: children_batch {last[3] / first[3]:.2f}x, "
        f"keyset rows {last[5] / first[5]:.2f}x, OFFSET rows {last[6] / first[6]:.2f}x"
    )


def main(argv=sys.argv):
    args = parse_args(argv)
    tmpdir = None
    if args.url:
        url = args.url
    else:
        tmpdir = tempfile.mkdtemp(prefix="cms-paging-")
        url = f"sqlite:///{os.path.join(tmpdir, 'paging.db')}"
    os.environ["CMS_DATABASE_URL"] = url
    # The app refuses to start without a session-signing secret; this process
    # serves no request, so a random one does when none is given.
    os.environ.setdefault("CMS_SECRET", secrets.token_hex(32))
    # Nor does it store files: a blob folder beside the database will do.
    os.environ.setdefault(
        "CMS_BLOB_DIR", os.path.join(tmpdir or tempfile.gettempdir(), "cms-blobs")
    )
    try:
        with open_site(args.config_uri) as env:
            request = env["request"]
            engine = env["registry"]["dbengine"]
            shown_url = engine.url.render_as_string(hide_password=True)
            if tmpdir:
                upgrade(engine)
                with request.tm:
                    ensure_root(request.dbsession)
            with request.tm:
                root = get_root(request.dbsession)
                if root is None:
                    raise SystemExit(
                        f"paging: {shown_url} has no root: run initialize_cms_db first."
                    )
                try:
                    root[FOLDER_NAME]
                except KeyError:
                    pass
                else:
                    raise SystemExit(
                        f"paging: /{FOLDER_NAME}/ already exists in {shown_url}; "
                        "remove it or use another database."
                    )
            try:
                started = time.perf_counter()
                with request.tm:
                    folder_id = create_folder(request.dbsession, args.children)
                sys.stderr.write(
                    f"paging: {args.children:,} children created and committed in "
                    f"{time.perf_counter() - started:.1f} s\n"
                )
                with request.tm:
                    results, count_median = measure(
                        request.dbsession,
                        folder_id,
                        args.children,
                        args.size,
                        args.repeat,
                    )
            finally:
                with request.tm:
                    root = get_root(request.dbsession)
                    try:
                        folder = root[FOLDER_NAME]
                    except KeyError:
                        folder = None
                    if folder is not None:
                        started = time.perf_counter()
                        folder.delete()
                        sys.stderr.write(
                            f"paging: /{FOLDER_NAME}/ deleted in "
                            f"{time.perf_counter() - started:.1f} s\n"
                        )
        print_table(
            results, count_median, args.children, args.size, args.repeat, shown_url
        )
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
