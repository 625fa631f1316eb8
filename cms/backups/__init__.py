"""Backups of a whole site, and restoring one (``cms-admin INI backup|restore``).

A backup is a folder::

    manifest.json       format, version, time, database kind, Alembic revision,
                        counts and sizes, the database file's SHA-256
    database.sqlite     SQLite: a copy made with SQLite's online backup API
    database.dump       PostgreSQL: ``pg_dump --format=custom`` of the schema
    blobs/ab/cd/abcd…   every blob the database refers to, as the store keeps them

Consistency follows the blob store's rule (:mod:`cms.storage`): a blob is
written before the row that names it commits. So the database is copied
first, in one snapshot, and the blobs that snapshot names are copied after:
each was stored before its row committed, hence before the snapshot. The
only thing that could remove one meanwhile is ``blobs clean``, which waits
while a backup holds the lock of :mod:`cms.backups.lock`.

Restoring checks the manifest and every blob's hash before it changes
anything, then puts the blobs in the site's store, then the database, and
migrates it to the newest revision when the backup is older.

The blob store is reached through its interface only (``open``, ``save``,
``exists``), never its paths, so that these work with any store.
"""


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator."""
