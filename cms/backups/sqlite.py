"""SQLite's side of a backup: copies made with SQLite's online backup API.

The API copies a consistent snapshot while the site keeps writing (and
writes into a database whose other users it respects), so neither side ever
sees a half-copied file; copying the file itself would not be safe beside its
``-wal`` journal.
"""

import sqlite3
from pathlib import Path

from cms.backups import BackupError


def database_path(url):
    path = url.database
    if not path or path == ":memory:":
        raise BackupError(
            "an in-memory SQLite database cannot be backed up or restored."
        )
    return Path(path)


def copy(source, target):
    """Copy the database *source* into *target* (a path), whole and at once."""
    source_db = sqlite3.connect(source)
    try:
        target_db = sqlite3.connect(target)
        try:
            source_db.backup(target_db)
            # One file, with no journal beside it to keep with it.
            target_db.execute("PRAGMA journal_mode=DELETE")
        finally:
            target_db.close()
    finally:
        source_db.close()


def dump(url, target):
    source = database_path(url)
    if not source.is_file():
        raise BackupError(f"the database {source} does not exist.")
    copy(source, target)


def is_empty(url):
    path = database_path(url)
    if not path.exists():
        return True
    connection = sqlite3.connect(path)
    try:
        count = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
    finally:
        connection.close()
    return count == 0


def restore(url, source):
    """Replace the site's database with the backup's copy *source*."""
    target = database_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        copy(source, target)
    except sqlite3.OperationalError as error:
        raise BackupError(
            f"the database {target} cannot be replaced ({error}): stop the "
            "site's processes and run restore again."
        ) from None
