"""Making a backup: the database in one snapshot, then the blobs it names."""

import shutil
from dataclasses import dataclass, field

from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from cms.backups import BackupError, postgres, sqlite
from cms.backups.lock import backup_lock
from cms.backups.manifest import BLOBS, DATABASE_FILES, write_manifest
from cms.models import Node, User
from cms.storage import BlobStore, StorageError
from cms.transfer import referenced_blobs

#: A blob copied into a backup is as large as it is: no limit of its own.
NO_LIMIT = 2**62


@dataclass
class Inventory:
    """What the database snapshot holds, as the manifest tells it."""

    revision: str | None
    nodes: int
    users: int
    blobs: dict = field(default_factory=dict)


def inventory(connection):
    """Count what *connection* sees, in its transaction, and list its blobs."""
    with Session(bind=connection) as session:
        return Inventory(
            revision=MigrationContext.configure(connection).get_current_revision(),
            nodes=session.scalar(select(func.count()).select_from(Node)) or 0,
            users=session.scalar(select(func.count()).select_from(User)) or 0,
            blobs=referenced_blobs(session),
        )


def _dump_sqlite(engine, folder):
    target = folder / DATABASE_FILES["sqlite"]
    sqlite.dump(engine.url, target)
    # The copy, not the live database, says which blobs to copy.
    copy = create_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as connection:
            return {}, inventory(connection)
    finally:
        copy.dispose()


def _dump_postgresql(engine, folder):
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    try:
        with connection.begin():
            # pg_dump reads the very snapshot this transaction reads.
            snapshot = connection.exec_driver_sql(
                "SELECT pg_export_snapshot()"
            ).scalar()
            schema = postgres.site_schema(connection)
            found = inventory(connection)
            postgres.dump(
                engine.url,
                connection,
                schema,
                snapshot,
                folder / DATABASE_FILES["postgresql"],
            )
    finally:
        connection.close()
    return {"schema": schema}, found


def check_target(folder):
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(
            f"{folder} exists and is not an empty folder: back up into a new one."
        )


def copy_blobs(store, keys, folder, progress):
    """Copy the blobs *keys* from *store* into the backup; return their bytes.

    The copy is hashed on the way (keys are the content's SHA-256), so a
    blob damaged in the store is found now, not when it is restored.
    """
    target = BlobStore(folder / BLOBS)
    size = 0
    for key, paths in sorted(keys.items()):
        try:
            with store.open(key) as stream:
                blob = target.save(stream, NO_LIMIT)
        except (FileNotFoundError, ValueError):
            raise BackupError(
                f"the blob {key} that {paths[0]} refers to is missing from "
                "the blob store (see `blobs check`): no backup was made."
            ) from None
        except StorageError as error:
            raise BackupError(
                f"the blob {key} could not be copied: {error}. No backup was made."
            ) from None
        if blob.key != key:
            raise BackupError(
                f"the blob {key} of {paths[0]} is damaged in the blob store: "
                f"its content's SHA-256 is {blob.key}. No backup was made."
            )
        size += blob.size
        progress.step()
    progress.finish()
    shutil.rmtree(target.tmp, ignore_errors=True)
    return size


def make_backup(engine, store, folder, progress_factory):
    """Back the site up into the new folder *folder*; return the manifest.

    A backup that fails leaves nothing behind: the folder is removed, or
    emptied when it was there (empty) before.
    """
    check_target(folder)
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _make(engine, store, folder, progress_factory)
    except BaseException:
        if existed:
            for entry in folder.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _make(engine, store, folder, progress_factory):
    kind = engine.dialect.name
    # blobs clean waits until the named blobs are copied (cms.backups.lock).
    with backup_lock(engine, shared=True):
        if kind == "sqlite":
            extra, found = _dump_sqlite(engine, folder)
        elif kind == "postgresql":
            extra, found = _dump_postgresql(engine, folder)
        else:  # pragma: no cover - only these two are supported
            raise BackupError(f"cannot back up a {kind} database.")
        progress = progress_factory(len(found.blobs), "backup: blobs")
        blob_bytes = copy_blobs(store, found.blobs, folder, progress)
    return write_manifest(
        folder,
        database=kind,
        **extra,
        alembic_revision=found.revision,
        nodes=found.nodes,
        users=found.users,
        blobs=len(found.blobs),
        blob_bytes=blob_bytes,
    )
