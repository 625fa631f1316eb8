"""The archive format, its constants and errors, and reading and checking one."""

import hashlib
import json
import sys
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from cms.models import CONTENT_TYPES, File, Image, Node, Revision
from cms.models.sharing import ROLES
from cms.models.tree import MAX_NAME_LENGTH, is_valid_name
from cms.schemas import DESCRIPTION, TITLE
from cms.storage import CHUNK_SIZE
from cms.workflow import STATES

#: What ``manifest.json`` says an archive is, and the version this code writes.
FORMAT = "cms-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NODES = "nodes.json"
BLOBS = "blobs/"

#: Rows looked up per IN (...) query.
BATCH = 500


class TransferError(Exception):
    """An export or import refused, with a message for the operator."""


def normalize_path(path):
    """Return *path* as the tree spells it: ``/about/team/`` (``/`` for the root)."""
    path = path.strip()
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


def blob_keys(fields):
    """Yield the blob keys that content *fields* (a node's, a revision's) name."""
    key = fields.get("blob_key")
    if isinstance(key, str) and key:
        yield key
    scales = fields.get("scales")
    if isinstance(scales, dict):
        for scale in scales.values():
            if isinstance(scale, dict) and isinstance(scale.get("key"), str):
                yield scale["key"]


def _is_key(value):
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(c in "0123456789abcdef" for c in value)
    )


class Progress:
    """``\\r``-counter on standard error, only when that is a terminal."""

    def __init__(self, verb, total):
        self.verb, self.total, self.count = verb, total, 0
        self.stream = sys.stderr
        self.enabled = self.stream.isatty()
        self.shown = 0.0

    def step(self):
        self.count += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if self.count == self.total or now - self.shown >= 0.1:
            self.shown = now
            self.stream.write(f"\r{self.verb} {self.count}/{self.total} nodes")
            self.stream.flush()

    def done(self):
        if self.enabled and self.count:
            self.stream.write("\n")
            self.stream.flush()


# -- which blobs the site uses --------------------------------------------------


def referenced_blobs(dbsession):
    """Return ``{key: [path, …]}`` for every blob a node or a revision names."""
    found: dict[str, list[str]] = {}
    for path, key in dbsession.execute(select(File.path, File.blob_key)):
        found.setdefault(key, []).append(path)
    for path, scales in dbsession.execute(select(Image.path, Image.scales)):
        for key in blob_keys({"scales": scales or {}}):
            found.setdefault(key, []).append(path)
    # Only files and images have blobs in their revisions; a document's
    # revisions are left unread (their bodies may be large).
    revisions = dbsession.execute(
        select(Node.path, Revision.data)
        .join(Node, Revision.node_id == Node.id)
        .where(Node.type.in_(("File", "Image")))
        .execution_options(yield_per=BATCH)
    )
    for path, data in revisions:
        for key in blob_keys(data or {}):
            paths = found.setdefault(key, [])
            if path not in paths:
                paths.append(path)
    return found


# -- reading and checking an archive ------------------------------------------------


@dataclass
class Archive:
    """An archive whose JSON has been read and checked."""

    zip: zipfile.ZipFile
    path: str
    records: list
    keys: set = field(default_factory=set)

    def close(self):
        self.zip.close()


class _Invalid(Exception):
    pass


def _check(condition, message):
    if not condition:
        raise _Invalid(message)


def _string(record, name, max_length=None, allow_empty=True):
    value = record.get(name)
    _check(isinstance(value, str), f"{name!r} must be a string")
    _check(allow_empty or value, f"{name!r} must not be empty")
    _check(
        max_length is None or len(value) <= max_length,
        f"{name!r} is longer than {max_length} characters",
    )
    return value


#: Integer columns are 32-bit on PostgreSQL.
MAX_INTEGER = 2**31 - 1


def _integer(record, name, minimum=0, optional=False):
    value = record.get(name)
    if optional and value is None:
        return None
    _check(
        type(value) is int and minimum <= value <= MAX_INTEGER,
        f"{name!r} must be a whole number from {minimum} to {MAX_INTEGER}",
    )
    return value


def _boolean(record, name):
    value = record.get(name)
    _check(isinstance(value, bool), f"{name!r} must be true or false")
    return value


def _timestamp(record, name):
    value = record.get(name)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise _Invalid(f"{name!r} must be a time with its time zone (ISO 8601)")


def _no_nul(value, where="a value"):
    if isinstance(value, str):
        _check("\x00" not in value, f"{where} holds a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, where)
            _no_nul(item, where)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item, where)


def _check_keys(fields, where):
    """Check the blob references in *fields*; return the keys."""
    if "blob_key" in fields:
        _check(_is_key(fields["blob_key"]), f"{where}: 'blob_key' is not a blob key")
    scales = fields.get("scales")
    if "scales" in fields:
        _check(isinstance(scales, dict), f"{where}: 'scales' must be an object")
        for name, scale in scales.items():
            _check(
                isinstance(scale, dict) and _is_key(scale.get("key")),
                f"{where}: scale {name!r} has no valid blob key",
            )
    return set(blob_keys(fields))


#: The text fields every node has, checked as every edit checks them.
TEXTS = (TITLE, DESCRIPTION)


def _check_record(record, index, parents, uids):
    """Check one node record; return its cleaned values."""
    _check(isinstance(record, dict), "must be an object")
    _no_nul(record)
    rel = _string(record, "path", 2048)
    name = _string(record, "name", MAX_NAME_LENGTH)
    node_type = record.get("type")
    _check(
        node_type in CONTENT_TYPES,
        f"unknown type {node_type!r} (known: {', '.join(CONTENT_TYPES)})",
    )
    if index == 0:
        _check(rel == "", 'the first node must be the exported root (path "")')
        parent_rel = None
    else:
        _check(rel.endswith("/"), "'path' must end with '/'")
        head = rel[:-1].rpartition("/")[0]
        parent_rel = f"{head}/" if head else ""
        _check(
            rel == f"{parent_rel}{name}/",
            f"'name' {name!r} is not the last segment of its path",
        )
        _check(rel not in parents, "another node has the same path")
        _check(
            parent_rel in parents,
            f"its parent {parent_rel or '(the exported root)'!r} is not an "
            "earlier node of the archive: the paths do not nest",
        )
        _check(
            CONTENT_TYPES[parents[parent_rel]].is_container,
            f"its parent is a {parents[parent_rel]}, which holds no children",
        )
        _check(is_valid_name(name), f"{name!r} is not a valid node name")
    # Title and description follow the rules of every edit (cms.schemas);
    # bodies are sanitized as they are imported.
    errors: list[dict[str, str]] = []
    texts = {field.name: field.clean(record.get(field.name), errors) for field in TEXTS}
    _check(not errors, "; ".join(f"{e['field']}: {e['message']}" for e in errors))
    values = {
        **texts,
        "state": record.get("state"),
        "has_draft": _boolean(record, "has_draft"),
        "inherit_roles": _boolean(record, "inherit_roles"),
        "created": _timestamp(record, "created"),
        "modified": _timestamp(record, "modified"),
    }
    _check(values["state"] in STATES, f"unknown state {values['state']!r}")
    try:
        uid = uuid.UUID(record.get("uid"))
    except (TypeError, ValueError, AttributeError):
        raise _Invalid("'uid' is not a UUID") from None
    _check(uid not in uids, f"uid {uid} appears twice in the archive")
    uids.add(uid)
    if node_type == "Document":
        values["body"] = _string(record, "body")
    if node_type in ("File", "Image"):
        values.update(
            filename=_string(record, "filename", 255),
            content_type=_string(record, "content_type", 100),
            size=_integer(record, "size"),
            blob_key=record.get("blob_key"),
        )
        _check(_is_key(values["blob_key"]), "'blob_key' is not a blob key")
    if node_type == "Image":
        values.update(
            width=_integer(record, "width"),
            height=_integer(record, "height"),
            scales=record.get("scales"),
        )
        _check_keys({"scales": values["scales"]}, "the node")
    owner = record.get("owner")
    _check(owner is None or isinstance(owner, str), "'owner' must be a login or null")
    position = None if index == 0 else _integer(record, "position", optional=True)
    roles = record.get("local_roles")
    _check(isinstance(roles, list), "'local_roles' must be a list")
    for grant in roles:
        _check(isinstance(grant, dict), "a local role must be an object")
        principal = grant.get("principal")
        _check(
            isinstance(principal, str)
            and principal.partition(":")[0] in ("user", "group")
            and principal.partition(":")[2],
            f"principal {principal!r} must be user:<login> or group:<name>",
        )
        _check(grant.get("role") in ROLES, f"unknown role {grant.get('role')!r}")
    revisions, keys, last = [], set(blob_keys(values)), 0
    _check(isinstance(record.get("revisions"), list), "'revisions' must be a list")
    for revision in record["revisions"]:
        _check(isinstance(revision, dict), "a revision must be an object")
        version = _integer(revision, "version", minimum=1)
        where = f"revision {version}"
        _check(version > last, f"{where}: versions must increase")
        last = version
        data, changed = revision.get("data"), revision.get("changed")
        _check(isinstance(data, dict), f"{where}: 'data' must be an object")
        _check(
            isinstance(changed, list) and all(isinstance(c, str) for c in changed),
            f"{where}: 'changed' must be a list of field names",
        )
        keys |= _check_keys(data, where)
        revisions.append(
            {
                "version": version,
                "author_login": _string(revision, "author_login", 64),
                "created": _timestamp(revision, "created"),
                "comment": _string(revision, "comment"),
                "data": data,
                "changed": changed,
            }
        )
    parents[rel] = node_type
    return {
        "rel": rel,
        "parent": parent_rel,
        "name": name,
        "type": node_type,
        "uid": uid,
        "position": position,
        "owner": owner,
        "local_roles": roles,
        "values": values,
        "revisions": revisions,
        "keys": keys,
    }


def _read_json(archive, name):
    try:
        with archive.open(name) as fp:
            return json.load(fp)
    except KeyError:
        raise TransferError(f"The archive has no {name}.") from None
    except (
        ValueError,
        RecursionError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
    ) as error:
        raise TransferError(f"{name} is not valid JSON: {error}") from None


def read_archive(filename):
    """Open and check the archive *filename*; raise `TransferError` if it is bad."""
    try:
        archive = zipfile.ZipFile(filename)
    except FileNotFoundError:
        raise TransferError(f"No such file: {filename}") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise TransferError(f"{filename} is not a ZIP archive: {error}") from None
    try:
        return _read_archive(archive)
    except BaseException:
        archive.close()
        raise


def _read_archive(archive):
    manifest = _read_json(archive, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise TransferError(f"{MANIFEST} does not describe a {FORMAT} archive.")
    version = manifest.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise TransferError(
            f"Unsupported format version {version!r}: this cms "
            f"reads version {FORMAT_VERSION}."
        )
    path = manifest.get("path")
    if not isinstance(path, str) or normalize_path(path) != path:
        raise TransferError(f"{MANIFEST}: 'path' must be a node path like /about/.")
    records = _read_json(archive, NODES)
    if not isinstance(records, list) or not records:
        raise TransferError(f"{NODES} must be a non-empty list of nodes.")
    checked = []
    # The type of each node read so far, by its path in the archive.
    parents: dict[str, str] = {}
    uids: set[uuid.UUID] = set()
    for index, record in enumerate(records):
        label = record.get("path") if isinstance(record, dict) else None
        try:
            checked.append(_check_record(record, index, parents, uids))
        except _Invalid as error:
            raise TransferError(
                f"{NODES}: node {index} ({label!r}): {error}."
            ) from None
        except RecursionError:
            raise TransferError(
                f"{NODES}: node {index} ({label!r}): nested too deeply."
            ) from None
    root_name = path.rstrip("/").rpartition("/")[2]
    if checked[0]["name"] != root_name:
        raise TransferError(
            f"{NODES}: the root's name {checked[0]['name']!r} does not match the "
            f"exported path {path}."
        )
    result = Archive(archive, path, checked)
    for record in checked:
        result.keys |= record.pop("keys")
    names = set(archive.namelist())
    missing = sorted(key for key in result.keys if BLOBS + key not in names)
    if missing:
        raise TransferError(
            f"The archive lacks {len(missing)} blob(s) its nodes reference "
            f"(first: {BLOBS}{missing[0]})."
        )
    return result


def verify_blobs(archive):
    """Check that every referenced blob's SHA-256 is its key."""
    for key in sorted(archive.keys):
        digest = hashlib.sha256()
        try:
            with archive.zip.open(BLOBS + key) as fp:
                while chunk := fp.read(CHUNK_SIZE):
                    digest.update(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise TransferError(f"{BLOBS}{key} is corrupt: {error}") from None
        if digest.hexdigest() != key:
            raise TransferError(
                f"{BLOBS}{key} is corrupt: its SHA-256 is {digest.hexdigest()}."
            )
