"""Export: write a subtree, its roles, history and blobs to an archive."""

import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import with_polymorphic

from cms.models import Group, LocalRole, Node, Revision, User
from cms.models.tree import subtree_bounds
from cms.storage import CHUNK_SIZE, StorageError, opened_stat
from cms.transfer.archive import (
    BATCH,
    BLOBS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NODES,
    Progress,
    TransferError,
    normalize_path,
)
from cms.transfer.records import blob_keys

# -- export -----------------------------------------------------------------------


def _time(value):
    return value.isoformat() if value is not None else None


@dataclass
class ExportResult:
    nodes: int = 0
    revisions: int = 0
    blobs: int = 0
    blob_bytes: int = 0


def _node_record(node, root_path, owner, roles):
    record = {
        "path": node.path[len(root_path) :],
        "name": node.name,
        "type": node.type,
        # The exported root's place is decided where it is imported.
        "position": None if node.path == root_path else node.position,
        "uid": str(node.uid),
        "title": node.title,
        "description": node.description,
    }
    if node.type in ("Folder", "Document"):
        record["body"] = node.body
    if node.type in ("File", "Image"):
        record.update(
            filename=node.filename,
            content_type=node.content_type,
            size=node.size,
            blob_key=node.blob_key,
        )
    if node.type == "Image":
        record.update(width=node.width, height=node.height, scales=node.scales or {})
    record.update(
        state=node.state,
        has_draft=node.has_draft,
        inherit_roles=node.inherit_roles,
        owner=owner,
        created=_time(node.created),
        modified=_time(node.modified),
        effective=_time(node.effective),
        expires=_time(node.expires),
        local_roles=sorted(roles, key=lambda r: (r["principal"], r["role"])),
        revisions=[],
    )
    return record


def _local_roles(dbsession, in_subtree):
    rows = dbsession.execute(
        select(LocalRole.node_id, LocalRole.role, User.login, Group.name)
        .join(Node, LocalRole.node_id == Node.id)
        .outerjoin(User, LocalRole.user_id == User.id)
        .outerjoin(Group, LocalRole.group_id == Group.id)
        .where(*in_subtree)
    )
    roles: dict[int, list[dict[str, str]]] = {}
    for node_id, role, login, group in rows:
        principal = f"user:{login}" if login is not None else f"group:{group}"
        roles.setdefault(node_id, []).append({"principal": principal, "role": role})
    return roles


def _revisions(dbsession, in_subtree):
    """Yield ``(node_id, revision record)`` in path order, streamed."""
    rows = dbsession.execute(
        select(
            Revision.node_id,
            Revision.version,
            Revision.author_login,
            Revision.created,
            Revision.comment,
            Revision.data,
            Revision.changed,
        )
        .join(Node, Revision.node_id == Node.id)
        .where(*in_subtree)
        .order_by(Node.path, Revision.version)
        .execution_options(yield_per=BATCH)
    )
    for node_id, version, author, created, comment, data, changed in rows:
        yield (
            node_id,
            {
                "version": version,
                "author_login": author,
                "created": _time(created),
                "comment": comment,
                "data": data,
                "changed": changed,
            },
        )


def export_subtree(dbsession, store, path, filename):
    """Write the subtree at *path* to the archive *filename*; return counts.

    The archive is written beside *filename* and renamed into place when
    complete: an export that fails leaves no half-written file.
    """
    path = normalize_path(path)
    low, high = subtree_bounds(path)
    any_node = with_polymorphic(Node, "*")
    in_subtree = (Node.path >= low, Node.path < high)
    # One query for the nodes, whatever their types, with their owners.
    rows = dbsession.execute(
        select(any_node, User.login)
        .outerjoin(User, any_node.owner_id == User.id)
        .where(any_node.path >= low, any_node.path < high)
        .order_by(any_node.path)
    ).all()
    if not rows or rows[0][0].path != path:
        raise TransferError(f"No node at {path}.")
    roles = _local_roles(dbsession, in_subtree)
    target = Path(filename)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".export-")
    except OSError as error:
        raise TransferError(f"Cannot write {filename}: {error}") from None
    os.close(fd)
    try:
        result = _write_archive(dbsession, store, path, tmp, rows, roles, in_subtree)
        os.replace(tmp, target)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise TransferError(f"Export to {filename} failed: {error}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


def _write_archive(dbsession, store, path, tmp, rows, roles, in_subtree):
    result = ExportResult(nodes=len(rows))
    keys = set()
    progress = Progress("exported", len(rows))
    revisions = _revisions(dbsession, in_subtree)
    pending = next(revisions, None)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Written as it goes: a large subtree never sits whole in memory as JSON.
        entry = zipfile.ZipInfo(NODES, time.localtime()[:6])
        entry.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(entry, "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write("[\n")
            for index, (node, owner) in enumerate(rows):
                record = _node_record(node, path, owner, roles.get(node.id, ()))
                # Revisions come in the nodes' order: merge the two streams.
                while pending is not None and pending[0] == node.id:
                    record["revisions"].append(pending[1])
                    keys.update(blob_keys(pending[1]["data"] or {}))
                    pending = next(revisions, None)
                result.revisions += len(record["revisions"])
                keys.update(blob_keys(record))
                out.write(",\n" if index else "")
                out.write(json.dumps(record, ensure_ascii=False))
                progress.step()
            out.write("\n]\n")
            out.flush()
            out.detach()
        progress.done()
        missing = sorted(key for key in keys if not _stored(store, key))
        if missing:
            raise TransferError(
                f"{len(missing)} blob(s) referenced under {path} are missing from "
                f"the blob store (first: {missing[0]}); see `cms-admin INI blobs "
                "check`."
            )
        for key in sorted(keys):
            result.blob_bytes += _write_blob(archive, store, key)
        result.blobs = len(keys)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "path": path,
            "exported": datetime.now(UTC).isoformat(),
            "nodes": result.nodes,
            "revisions": result.revisions,
            "blobs": result.blobs,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return result


def _write_blob(archive, store, key):
    """Stream blob *key* from *store* into *archive*; return its size."""
    try:
        with store.open(key) as fp:
            size, mtime, _ = opened_stat(fp)
            info = zipfile.ZipInfo(BLOBS + key, time.localtime(mtime)[:6])
            # Blobs are mostly compressed already (images, PDFs): stored as is.
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            with archive.open(
                info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT
            ) as out:
                shutil.copyfileobj(fp, out, CHUNK_SIZE)
    except FileNotFoundError:
        raise TransferError(
            f"the blob {key} is missing from the blob store; see `cms-admin "
            "INI blobs check`."
        ) from None
    except StorageError as error:
        raise TransferError(f"the blob {key} cannot be read: {error}") from None
    return size


def _stored(store, key):
    try:
        return store.exists(key)
    except ValueError:
        return False
