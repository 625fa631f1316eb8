"""The lock that keeps ``blobs clean`` from removing blobs a backup is copying.

A backup copies the blobs its database snapshot names after the snapshot is
taken. Meanwhile the site may delete a node, so that a blob the snapshot
names is referenced no more: were ``blobs clean`` to run then, it could
remove it (it spares only blobs younger than ``--older-than``, and this one
may be old) before the backup has copied it. So backups hold this lock
shared, and ``blobs clean`` takes it exclusively, waiting for running
backups to finish; backups may run side by side.

It lives with the database, which every process of the site shares: an
advisory lock on PostgreSQL, ``flock`` on a file beside a SQLite database.
"""

import fcntl
import os
import sys
from contextlib import contextmanager

#: The advisory lock's key on PostgreSQL: "cmsbkup" read as a number.
ADVISORY_KEY = 0x636D73626B7570


@contextmanager
def _advisory(engine, shared):
    kind = "_shared" if shared else ""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        taken = connection.exec_driver_sql(
            f"SELECT pg_try_advisory_lock{kind}({ADVISORY_KEY})"
        ).scalar()
        if not taken:
            _waiting(shared)
            connection.exec_driver_sql(f"SELECT pg_advisory_lock{kind}({ADVISORY_KEY})")
        try:
            yield
        finally:
            connection.exec_driver_sql(
                f"SELECT pg_advisory_unlock{kind}({ADVISORY_KEY})"
            )


@contextmanager
def _flock(database, shared):
    fd = os.open(f"{database}.backup-lock", os.O_RDWR | os.O_CREAT, 0o644)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            _waiting(shared)
            fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # releases the lock


def _waiting(shared):
    if shared:
        print("Waiting for the blob store's clean-up to finish…", file=sys.stderr)
    else:
        print("Waiting for a running backup to finish…", file=sys.stderr)


@contextmanager
def backup_lock(engine, shared):
    """Hold the lock: *shared* for a backup, exclusive for ``blobs clean``."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, shared):
            yield
    elif engine.url.database and engine.url.database != ":memory:":
        with _flock(engine.url.database, shared):
            yield
    else:
        yield
