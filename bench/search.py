"""``python -m bench.search``: search a common word in the standard tree.

Builds the standard tree of TREE.md (:mod:`bench.populate`) on a database,
adds an editor who holds a local role on ``/s3/`` (logged in twice: by a
bearer token for JSON, by the login form for HTML), then asks the
application itself, through webtest (the whole WSGI stack, no server), for
the first batch of a few common-word searches, anonymous and as the editor,
site-wide and in a section, JSON and HTML. Each scenario runs ``--repeat``
times after a warm-up, in turns; one line per scenario gives the median and
the fastest run in ms, and the number of SQL statements one request runs.

The database: a throw-away SQLite file by default; ``--db URL`` (or
``CMS_TEST_DATABASE_URL``) runs on that server instead. A PostgreSQL run
works in a schema of its own (``--schema``, default ``bench_search``) made
on first use and kept, tree and all, for the next run (``--drop`` drops it at
the end); a SQLite file given by ``--db`` is kept too. A database whose root
already has ``s0`` is not populated again.
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time

import transaction
import webtest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from bench.populate import TOTAL, add_deep_chain, add_level
from cms import main as make_app
from cms.db import get_tm_session
from cms.migrations import upgrade
from cms.models import LocalRole, User
from cms.scripts.progress import Progress
from cms.security.passwords import hash_password
from cms.security.tokens import create_token
from cms.site import ensure_root

EDITOR = "bench-editor"
SECTION = "/s3/"
#: (label, who, URL, format): common words of every page of the tree.
SCENARIOS = [
    ("anonymous site json q=page", None, "/@@search?q=page", "json"),
    ("anonymous site html q=page", None, "/@@search?q=page", "html"),
    ("anonymous section json q=page", None, f"{SECTION}@@search?q=page", "json"),
    ("anonymous section html q=page", None, f"{SECTION}@@search?q=page", "html"),
    ("anonymous site json q=bench*", None, "/@@search?q=bench*", "json"),
    ("editor site json q=page", "editor", "/@@search?q=page", "json"),
    ("editor site html q=page", "editor", "/@@search?q=page", "html"),
    ("editor section json q=page", "editor", f"{SECTION}@@search?q=page", "json"),
    ("editor section html q=page", "editor", f"{SECTION}@@search?q=page", "html"),
    (
        "editor site json q=benchmark tree",
        "editor",
        "/@@search?q=benchmark+tree",
        "json",
    ),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description="Time common-word searches over the standard tree.",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("CMS_TEST_DATABASE_URL"),
        help="database URL (default: $CMS_TEST_DATABASE_URL, else a temporary "
        "SQLite file)",
    )
    parser.add_argument(
        "--schema", default="bench_search", help="PostgreSQL schema (bench_search)"
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the PostgreSQL schema at the end"
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed runs (15)")
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose label holds this"
    )
    args = parser.parse_args(argv[1:])
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.schema.replace("_", "").isalnum():
        parser.error("--schema: letters, digits and _ only")
    return args


def prepare_postgres(url, schema):
    """Make *schema* if missing; return *url* with it as the search path."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})


def drop_postgres(url, schema):
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def populate(app):
    """Add the tree (unless there) and the editor; return the editor's token."""
    factory = app.registry["dbsession_factory"]
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        dbsession = get_tm_session(factory, manager)
        root = ensure_root(dbsession)
        if "s0" not in {child.name for child in root.children()}:
            started = time.perf_counter()
            progress = Progress(TOTAL, "search: populate")
            add_level(root, (), progress)
            add_deep_chain(root, progress)
            progress.finish()
            sys.stderr.write(
                f"search: tree added in {time.perf_counter() - started:.1f} s, "
                "committing …\n"
            )
        editor = dbsession.query(User).filter_by(login=EDITOR).one_or_none()
        if editor is None:
            editor = User(
                login=EDITOR, password_hash=hash_password(EDITOR), active=True
            )
            dbsession.add(editor)
            dbsession.flush()
            section = root["s3"]
            section.local_roles.append(LocalRole(user_id=editor.id, role="editor"))
        _token, secret = create_token(dbsession, editor, "bench")
    return secret


#: Statements that read or write rows (not BEGIN, SAVEPOINT and the like).
COUNTED = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)


def count_statements(app):
    """Return a list that the engine appends each statement it runs to."""
    statements = []

    def record(conn, cursor, statement, *rest):
        if COUNTED.match(statement):
            statements.append(statement)

    event.listen(app.registry["dbengine"], "before_cursor_execute", record)
    return statements


def measure(app, secret, repeat, only):
    anonymous = webtest.TestApp(app)
    browser = webtest.TestApp(app)
    browser.post("/@@login", {"login": EDITOR, "password": EDITOR}, status=303)
    bearer = {"Authorization": f"Bearer {secret}"}
    statements = count_statements(app)
    requests = {}
    for label, who, url, kind in SCENARIOS:
        if only not in label:
            continue
        accept = "application/json" if kind == "json" else "text/html"
        client = browser if who and kind == "html" else anonymous
        headers = {"Accept": accept, **(bearer if who and kind == "json" else {})}
        requests[label] = (client, url, headers, kind)
    times = {label: [] for label in requests}
    queries = {}
    for round_number in range(2 + repeat):
        for label, (client, url, headers, kind) in requests.items():
            del statements[:]
            started = time.perf_counter()
            response = client.get(url, headers=headers, status=200)
            elapsed = (time.perf_counter() - started) * 1000
            if kind == "json":
                assert response.json["items_total"] > 0, label
            else:
                assert "<mark>" in response.text, label
            queries[label] = len(statements)
            if round_number >= 2:
                times[label].append(elapsed)
        sys.stderr.write(f"search: round {round_number + 1}/{repeat + 2}\n")
    return {
        label: (statistics.median(values), min(values), queries[label])
        for label, values in times.items()
    }


def main(argv=sys.argv):
    args = parse_args(argv)
    tmpdir = tempfile.mkdtemp(prefix="cms-bench-search-")
    url = args.db or f"sqlite:///{os.path.join(tmpdir, 'search.db')}"
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
        sys.stderr.write("search: migrating …\n")
        upgrade(engine)
        secret = populate(app)
        if postgres:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        results = measure(app, secret, args.repeat, args.only)
        shown = make_url(url).render_as_string(hide_password=True)
        print(f"database: {shown}; median (fastest) of {args.repeat} runs, ms")
        for label, (median, fastest, count) in results.items():
            print(f"{label:<36} {median:8.1f} ({fastest:6.1f})  {count:2d} statements")
        engine.dispose()
    finally:
        if postgres and args.drop:
            drop_postgres(url, args.schema)
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
