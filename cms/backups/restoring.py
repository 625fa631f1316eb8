"""Restoring a backup: check it all, then blobs into the store, then the database."""

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from cms.backups import BackupError, postgres, sqlite
from cms.backups.making import inventory
from cms.backups.manifest import BLOBS, read_manifest
from cms.migrations import alembic_config, upgrade
from cms.storage import CHUNK_SIZE, BlobStore, StorageError


@dataclass
class Restored:
    manifest: dict
    blobs_added: int
    migrated_from: str | None
    nodes: int
    users: int
    missing: list


def _hash(stream):
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def check_blobs(folder, manifest, progress_factory):
    """Return the backup's blob store once every blob matches its key."""
    if not (folder / BLOBS).is_dir():
        raise BackupError(f"{folder / BLOBS} is missing.")
    blobs = BlobStore(folder / BLOBS, create=False)
    keys = sorted(blobs.keys())
    if len(keys) != manifest["blobs"]:
        raise BackupError(
            f"{folder / BLOBS} holds {len(keys)} blobs; the manifest says "
            f"{manifest['blobs']}: the backup is incomplete."
        )
    progress = progress_factory(len(keys), "restore: checking blobs")
    total = 0
    for key in keys:
        with blobs.open(key) as stream:
            digest, size = _hash(stream)
        if digest != key:
            raise BackupError(
                f"the blob {key} in the backup is damaged (its content's SHA-256 "
                f"is {digest}): nothing was restored."
            )
        total += size
        progress.step()
    progress.finish()
    if total != manifest["blob_bytes"]:
        raise BackupError(
            f"the blobs hold {total} bytes; the manifest says "
            f"{manifest['blob_bytes']}: nothing was restored."
        )
    return blobs, keys


def check_target(engine, manifest, replace):
    """Refuse a database of another kind, or one that holds a site already."""
    kind = engine.dialect.name
    if manifest["database"] != kind:
        raise BackupError(
            f"the backup is of a {manifest['database']} database and this site "
            f"uses {kind}: move content between them with export and import."
        )
    if kind == "sqlite":
        empty = sqlite.is_empty(engine.url)
    else:
        with engine.connect() as connection:
            schema = postgres.site_schema(connection)
            empty = postgres.is_empty(connection, schema)
            # Missing or too old, it must stop us before anything is wiped.
            postgres.find_tool("pg_restore", postgres.server_major(connection))
        if manifest.get("schema") != schema:
            raise BackupError(
                f"the backup holds the schema {manifest.get('schema')!r}, but this "
                f"site's database uses {schema!r}: restore it into a database "
                f"whose search_path is {manifest.get('schema')!r}."
            )
    if not empty and not replace:
        raise BackupError(
            "the site's database is not empty: restore into an empty one, or "
            "give --replace to wipe this one first. Nothing was changed."
        )


def put_blobs(blobs, keys, store, progress_factory):
    """Save the backup's blobs in *store* (those it lacks); return how many."""
    progress = progress_factory(len(keys), "restore: blobs")
    added = 0
    for key in keys:
        if not store.exists(key):
            try:
                with blobs.open(key) as stream:
                    blob = store.save(stream, blobs.path(key).stat().st_size)
            except StorageError as error:
                raise BackupError(
                    f"the blob store refused the blob {key}: {error}. The "
                    "database was not changed."
                ) from None
            if blob.key != key:  # pragma: no cover - checked just before
                raise BackupError(f"the blob {key} changed while it was restored.")
            added += 1
        progress.step()
    progress.finish()
    return added


def restore_database(engine, folder, manifest):
    source = folder / manifest["database_file"]
    engine.dispose()  # nothing of ours may hold the old database
    if manifest["database"] == "sqlite":
        sqlite.restore(engine.url, source)
        return
    schema = manifest["schema"]
    with engine.begin() as connection:
        # An empty schema is made again too: the same, owned by whoever restores.
        postgres.wipe(connection, schema)
    with engine.connect() as connection, tempfile.TemporaryDirectory() as tmp:
        postgres.restore(
            engine.url, connection, schema, source, Path(tmp) / "restore.list"
        )


def _present(store, key):
    try:
        return store.exists(key)
    except ValueError:  # a row naming something that is no key
        return False


def restore_backup(engine, store, folder, replace, progress_factory):
    """Restore the backup in *folder* into the site; return a `Restored`."""
    manifest = read_manifest(folder)
    check_target(engine, manifest, replace)
    blobs, keys = check_blobs(folder, manifest, progress_factory)
    added = put_blobs(blobs, keys, store, progress_factory)
    restore_database(engine, folder, manifest)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    migrated_from = None
    if manifest["alembic_revision"] != head:
        upgrade(engine)
        migrated_from = manifest["alembic_revision"]
    with engine.connect() as connection:
        found = inventory(connection)
    missing = sorted(key for key in found.blobs if not _present(store, key))
    engine.dispose()
    return Restored(manifest, added, migrated_from, found.nodes, found.users, missing)
