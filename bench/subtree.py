"""``python -m bench.subtree``: move, copy, delete and share big subtrees.

Builds the standard tree of TREE.md (:mod:`bench.populate`) on a database,
adds a folder ``/target/`` and an administrator with a bearer token, then
asks the application itself, through webtest (the whole WSGI stack, no
server, each request committed), to:

- move ``/s3/`` (1,111 nodes) to ``/target/`` and back: every run is one move,
  with its redirect;
- copy ``/s2/s2-5/`` (111 nodes) and ``/s2/`` (1,111 nodes) to ``/target/``,
  then delete the copy (timed too);
- replace the sharing of ``/s4/`` (a node above 1,110 others).

Each scenario runs ``--repeat`` times after one warm-up, in turns; one line
per scenario gives the median and the fastest run in ms, and the number of
SQL statements one request runs.

The database: a throw-away SQLite file by default; ``--db URL`` (or
``CMS_TEST_DATABASE_URL``) runs on that server instead, in a schema of its
own (``--schema``, default ``bench_subtree``) kept for the next run unless
``--drop``.
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time

import transaction
import webtest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.populate import TOTAL, add_deep_chain, add_level
from bench.search import count_statements, drop_postgres, prepare_postgres
from cms import main as make_app
from cms.db import get_tm_session
from cms.migrations import upgrade
from cms.models import ADMINS, Folder
from cms.scripts.progress import Progress
from cms.security.tokens import create_token
from cms.services.principals import create_user, find_user
from cms.site import ensure_root

ADMIN = "bench-admin"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.subtree",
        description="Time moves, copies, deletes and sharing of big subtrees.",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("CMS_TEST_DATABASE_URL"),
        help="database URL (default: $CMS_TEST_DATABASE_URL, else a temporary "
        "SQLite file)",
    )
    parser.add_argument(
        "--schema", default="bench_subtree", help="PostgreSQL schema (bench_subtree)"
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the PostgreSQL schema at the end"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (7)")
    args = parser.parse_args(argv[1:])
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.schema.replace("_", "").isalnum():
        parser.error("--schema: letters, digits and _ only")
    return args


def populate(app):
    """Add the tree and /target/ (unless there) and the admin; return a token."""
    factory = app.registry["dbsession_factory"]
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        dbsession = get_tm_session(factory, manager)
        root = ensure_root(dbsession)
        names = {child.name for child in root.children()}
        if "s0" not in names:
            started = time.perf_counter()
            progress = Progress(TOTAL, "subtree: populate")
            add_level(root, (), progress)
            add_deep_chain(root, progress)
            progress.finish()
            sys.stderr.write(
                f"subtree: tree added in {time.perf_counter() - started:.1f} s\n"
            )
        if "target" not in names:
            root.add(Folder(title="Target", state="published"), "target")
        admin = find_user(dbsession, ADMIN)
        if admin is None:
            password = secrets.token_hex(16)
            data = {"login": ADMIN, "password": password, "groups": [ADMINS]}
            admin = create_user(dbsession, data)
        _token, secret = create_token(dbsession, admin, "bench")
    return secret


def scenarios(client):
    """``{label: run}``; each run makes one timed request (and may tidy up)."""
    moved = {"at": "/s3/"}

    def move():
        there = "/target/s3/" if moved["at"] == "/s3/" else "/s3/"
        back = "/target/" if moved["at"] == "/s3/" else "/"
        client.post_json(f"{moved['at']}@@move", {"to": back}, status=200)
        moved["at"] = there

    def copy_of(path):
        def copy():
            client.post_json(f"{path}@@copy", {"to": "/target/"}, status=201)

        return copy

    def delete_copy(name):
        def delete():
            client.delete(f"/target/{name}/", status=204)

        return delete

    shared = {"roles": ["editor"]}

    def share():
        shared["roles"] = ["reader"] if shared["roles"] == ["editor"] else ["editor"]
        entries = [{"principal": f"user:{ADMIN}", "roles": shared["roles"]}]
        client.post_json("/s4/@@sharing", {"entries": entries}, status=200)

    return [
        ("move 1,111 nodes", move),
        ("copy 111 nodes", copy_of("/s2/s2-5/")),
        ("delete 111 nodes", delete_copy("s2-5")),
        ("copy 1,111 nodes", copy_of("/s2/")),
        ("delete 1,111 nodes", delete_copy("s2")),
        ("share above 1,110 nodes", share),
    ]


def measure(app, secret, repeat):
    client = webtest.TestApp(
        app,
        extra_environ={
            "HTTP_HOST": "example.com",
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
            "HTTP_ACCEPT": "application/json",
        },
    )
    statements = count_statements(app)
    runs = scenarios(client)
    times = {label: [] for label, _run in runs}
    queries = {}
    for round_number in range(1 + repeat):
        for label, run in runs:
            del statements[:]
            started = time.perf_counter()
            run()
            elapsed = (time.perf_counter() - started) * 1000
            queries[label] = len(statements)
            if round_number >= 1:
                times[label].append(elapsed)
        sys.stderr.write(f"subtree: round {round_number + 1}/{repeat + 1}\n")
    return {
        label: (statistics.median(values), min(values), queries[label])
        for label, values in times.items()
    }


def main(argv=sys.argv):
    args = parse_args(argv)
    tmpdir = tempfile.mkdtemp(prefix="cms-bench-subtree-")
    url = args.db or f"sqlite:///{os.path.join(tmpdir, 'subtree.db')}"
    postgres = make_url(url).get_backend_name() == "postgresql"
    try:
        engine_url = prepare_postgres(url, args.schema) if postgres else make_url(url)
        settings = {
            "sqlalchemy.url": engine_url.render_as_string(hide_password=False),
            "cms.blob_dir": os.path.join(tmpdir, "blobs"),
            "cms.secret": secrets.token_hex(32),
            "cms.secure_cookies": "false",
            "cms.login_slowdown": "0",
        }
        app = make_app({}, **settings)
        engine = app.registry["dbengine"]
        sys.stderr.write("subtree: migrating …\n")
        upgrade(engine)
        secret = populate(app)
        if postgres:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        results = measure(app, secret, args.repeat)
        shown = make_url(url).render_as_string(hide_password=True)
        print(f"database: {shown}; median (fastest) of {args.repeat} runs, ms")
        for label, (median, fastest, count) in results.items():
            print(f"{label:<26} {median:8.1f} ({fastest:6.1f})  {count:3d} statements")
        engine.dispose()
    finally:
        if postgres and args.drop:
            drop_postgres(url, args.schema)
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
