"""One node record of ``nodes.json``: the blob keys its fields name, and the
checks that make an archived record safe to import."""

import uuid
from datetime import UTC, datetime

from cms.models import CONTENT_TYPES
from cms.models.sharing import ROLES
from cms.models.tree import MAX_NAME_LENGTH, is_valid_name
from cms.schemas import DESCRIPTION, TITLE
from cms.workflow import STATES


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


def _optional_timestamp(record, name):
    """Like :func:`_timestamp`; absent or null is no moment."""
    return None if record.get(name) is None else _timestamp(record, name)


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
        # Archives made before schedules existed have none.
        "effective": _optional_timestamp(record, "effective"),
        "expires": _optional_timestamp(record, "expires"),
    }
    _check(values["state"] in STATES, f"unknown state {values['state']!r}")
    try:
        uid = uuid.UUID(record.get("uid"))
    except (TypeError, ValueError, AttributeError):
        raise _Invalid("'uid' is not a UUID") from None
    _check(uid not in uids, f"uid {uid} appears twice in the archive")
    uids.add(uid)
    if node_type == "Document" or (node_type == "Folder" and "body" in record):
        # Archives made before folders had a body have none for them.
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
