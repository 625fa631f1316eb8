"""What the scale scenarios share: a site in process, timing, counting."""

import os
import secrets
import sqlite3
import statistics
import sys
import time

import transaction
import webtest

from bench import search
from cms import main as make_app
from cms.db import get_tm_session
from cms.migrations import upgrade
from cms.security.tokens import create_token
from cms.site import ensure_admin, ensure_root, find_user


def say(text):
    sys.stderr.write(f"scale: {text}\n")
    sys.stderr.flush()


def site(db_path, tmpdir, migrate=True):
    """The application on the SQLite file *db_path* (migrated, with a root)."""
    app = make_app(
        {},
        **{
            "sqlalchemy.url": f"sqlite:///{db_path}",
            "cms.blob_dir": os.path.join(tmpdir, "blobs"),
            "cms.secret": secrets.token_hex(32),
            "cms.secure_cookies": "false",
            "cms.login_slowdown": "0",
            # As production.ini has it with BENCH_PAGE_CACHE=true: pages kept,
            # and the counts of big folders kept per site generation.
            "cms.page_cache": os.environ.get("BENCH_PAGE_CACHE", "false"),
        },
    )
    if migrate:
        upgrade(app.registry["dbengine"])
        with session(app) as dbsession:
            ensure_root(dbsession)
    return app


class session:
    """``with session(app) as dbsession:`` one transaction, committed at the end."""

    def __init__(self, app):
        self.manager = transaction.TransactionManager(explicit=True)
        self.factory = app.registry["dbsession_factory"]

    def __enter__(self):
        self.manager.__enter__()
        return get_tm_session(self.factory, self.manager)

    def __exit__(self, *exc):
        return self.manager.__exit__(*exc)


def admin_client(app):
    """A webtest client that sends the admin's bearer token and asks for JSON."""
    with session(app) as dbsession:
        ensure_admin(dbsession, secrets.token_hex(16))
        _token, secret = create_token(dbsession, find_user(dbsession, "admin"), "b")
    client = webtest.TestApp(
        app,
        extra_environ={
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
            "HTTP_ACCEPT": "application/json",
        },
    )
    return client


def timed(function):
    """Run *function*; return ``(elapsed ms, its result)``."""
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def medians(functions, repeat, warm_up=2):
    """``{key: median ms}`` of *functions* run in turns, after *warm_up* rounds."""
    times = {key: [] for key in functions}
    for round_number in range(warm_up + repeat):
        for key, function in functions.items():
            elapsed, _ = timed(function)
            if round_number >= warm_up:
                times[key].append(elapsed)
    return {key: statistics.median(values) for key, values in times.items()}


class Statements:
    """Counts the statements (SELECT, INSERT, …) the app's engine runs."""

    def __init__(self, app):
        self.seen = search.count_statements(app)

    def during(self, function):
        """Run *function*; return ``(statements, elapsed ms, result)``."""
        del self.seen[:]
        elapsed, result = timed(function)
        return len(self.seen), elapsed, result


def copy_database(source, target):
    """Copy a SQLite database file with SQLite's backup (WAL and all)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def line(name, figure, goal, ok):
    """The one line a scenario prints."""
    verdict = "n/a" if ok is None else ("pass" if ok else "FAIL")
    return f"{name:<28} {figure}  [goal: {goal}] {verdict}"
