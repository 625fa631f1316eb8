"""Import: put an archived subtree under a node of this site."""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from cms.models import (
    CONTENT_TYPES,
    Group,
    LocalRole,
    Node,
    Redirect,
    Revision,
    TreeError,
    User,
)
from cms.models.tree import RESERVED_ROOT_NAMES, subtree_bounds
from cms.models.treelock import hold_tree
from cms.sanitize import clean_html
from cms.storage import StorageError
from cms.transfer.archive import (
    BATCH,
    BLOBS,
    Progress,
    TransferError,
    normalize_path,
    verify_blobs,
)

# -- import -----------------------------------------------------------------------


@dataclass
class ImportResult:
    path: str = ""
    nodes: int = 0
    revisions: int = 0
    blobs: int = 0
    new_uids: int = 0
    sanitized: int = 0
    warnings: list = field(default_factory=list)


def _lookup(dbsession, column, id_column, names):
    found, names = {}, sorted(names)
    for start in range(0, len(names), BATCH):
        chunk = names[start : start + BATCH]
        found.update(
            dbsession.execute(select(column, id_column).where(column.in_(chunk))).all()
        )
    return found


def _existing_uids(dbsession, uids):
    found, uids = set(), list(uids)
    for start in range(0, len(uids), BATCH):
        found.update(
            dbsession.scalars(
                select(Node.uid).where(Node.uid.in_(uids[start : start + BATCH]))
            )
        )
    return found


def import_subtree(dbsession, store, archive, path, name=None):
    """Put the archived subtree under the node at *path*; return what was done.

    The archived root keeps its name unless *name* is given. A whole site
    (exported from ``/``) has no name: imported into ``/`` of a site whose
    root has no children, it is restored there (the root takes the archived
    root's fields, roles and history); elsewhere it needs *name*.
    """
    path = normalize_path(path)
    # Only adding: other additions may go on, but nothing moves meanwhile.
    hold_tree(dbsession, shared=True)
    target = dbsession.scalars(select(Node).where(Node.path == path)).one_or_none()
    if target is None:
        raise TransferError(f"No node at {path}: import under an existing node.")
    records = archive.records
    root_name = records[0]["name"] if name is None else name
    restore = name is None and root_name == ""
    if restore:
        _check_restore(dbsession, target, archive)
    else:
        if not target.is_container:
            raise TransferError(f"{path} is a {target.type}: it holds no children.")
        try:
            target.check_name(root_name)
        except TreeError as error:
            raise TransferError(
                f"Cannot import as {path}{root_name}/: {error}"
            ) from None

    result = ImportResult(path=path if restore else f"{path}{root_name}/")
    users = _lookup(
        dbsession, User.login, User.id, _principal_names(records, "user", owners=True)
    )
    groups = _lookup(
        dbsession, Group.name, Group.id, _principal_names(records, "group")
    )
    authors = _lookup(
        dbsession,
        User.login,
        User.id,
        {r["author_login"] for record in records for r in record["revisions"]},
    )
    taken = _existing_uids(dbsession, [record["uid"] for record in records])
    if restore:
        # The target root is the node the archived root becomes.
        taken.discard(target.uid)
    _warn_missing(records, users, groups, result)

    # Blobs before rows, as uploads do.
    verify_blobs(archive)
    for key in sorted(archive.keys):
        info = archive.zip.getinfo(BLOBS + key)
        try:
            with archive.zip.open(info) as fp:
                blob = store.save(fp, max_bytes=max(info.file_size, 1))
        except StorageError as error:
            raise TransferError(f"{BLOBS}{key} cannot be stored: {error}") from None
        if blob.key != key:  # pragma: no cover (verified just above)
            raise TransferError(f"{BLOBS}{key} changed while it was read.")
    result.blobs = len(archive.keys)

    # Nothing redirects from where the subtree now lives (as when moving).
    low, high = subtree_bounds(result.path)
    dbsession.execute(
        delete(Redirect)
        .where(Redirect.path >= low, Redirect.path < high)
        .execution_options(synchronize_session=False)
    )
    progress = Progress("imported", len(records))
    created: dict[str, Node] = {}
    for record in records:
        values = dict(record["values"])
        if "body" in values:
            clean = clean_html(values["body"])
            result.sanitized += clean != values["body"]
            values["body"] = clean
        owner = users.get(record["owner"]) if record["owner"] else None
        uid = record["uid"]
        if uid in taken:
            uid = uuid.uuid4()
            result.new_uids += 1
        if record["parent"] is None and restore:
            node = _restore_root(dbsession, target, values, uid, owner)
        else:
            node = CONTENT_TYPES[record["type"]](uid=uid, owner_id=owner, **values)
            parent = target if record["parent"] is None else created[record["parent"]]
            try:
                parent.add(
                    node, root_name if record["parent"] is None else record["name"]
                )
            except TreeError as error:
                raise TransferError(f"Cannot add {record['rel']}: {error}") from None
            position = record["position"]
            if position is not None and position != node.position:
                node.position = position
                # An UPDATE that leaves ``modified`` out stamps it with now.
                flag_modified(node, "modified")
        created[record["rel"]] = node
        for grant in record["local_roles"]:
            kind, _, principal = grant["principal"].partition(":")
            ids = users if kind == "user" else groups
            if principal in ids:
                dbsession.add(
                    LocalRole(
                        node_id=node.id,
                        user_id=ids[principal] if kind == "user" else None,
                        group_id=ids[principal] if kind == "group" else None,
                        role=grant["role"],
                    )
                )
        for revision in record["revisions"]:
            data = revision["data"]
            if isinstance(data.get("body"), str):
                data = {**data, "body": clean_html(data["body"])}
            dbsession.add(
                Revision(
                    node_id=node.id,
                    version=revision["version"],
                    author_id=authors.get(revision["author_login"]),
                    author_login=revision["author_login"],
                    created=revision["created"],
                    comment=revision["comment"],
                    data=data,
                    changed=revision["changed"],
                )
            )
            result.revisions += 1
        result.nodes += 1
        progress.step()
    dbsession.flush()
    progress.done()
    return result


def _principal_names(records, kind, owners=False):
    names = set()
    for record in records:
        if owners and record["owner"]:
            names.add(record["owner"])
        for grant in record["local_roles"]:
            got, _, name = grant["principal"].partition(":")
            if got == kind:
                names.add(name)
    return names


def _warn_missing(records, users, groups, result):
    """Note the principals the archive names that this site lacks."""
    missing: dict[str, list[int]] = {}
    for record in records:
        if record["owner"] and record["owner"] not in users:
            missing.setdefault(f"user:{record['owner']}", [0, 0])[0] += 1
        for grant in record["local_roles"]:
            kind, _, name = grant["principal"].partition(":")
            if name not in (users if kind == "user" else groups):
                missing.setdefault(grant["principal"], [0, 0])[1] += 1
    for principal, (owned, granted) in sorted(missing.items()):
        parts = []
        if owned:
            parts.append(f"ownership of {owned} node(s) left unset")
        if granted:
            parts.append(f"{granted} local role(s) skipped")
        result.warnings.append(
            f"{principal} does not exist on this site: {', '.join(parts)}."
        )


def _check_restore(dbsession, target, archive):
    """Refuse a whole-site restore anywhere but into the root of an empty site."""
    if target.parent_id is not None:
        raise TransferError(
            f"The archive holds a whole site (exported from /): give --name to "
            f"import it as a folder under {target.path}, or import it into / of "
            "an empty site."
        )
    if dbsession.scalar(select(Node.id).where(Node.parent_id == target.id).limit(1)):
        raise TransferError(
            "The archive holds a whole site (exported from /), and this site is "
            "not empty: give --name to import it as a folder under /."
        )
    if archive.records[0]["type"] != target.type:
        raise TransferError(
            f"The archived root is a {archive.records[0]['type']}; this site's "
            f"root is a {target.type}."
        )
    for record in archive.records:
        if record["parent"] == "" and record["name"] in RESERVED_ROOT_NAMES:
            raise TransferError(f"{record['name']!r} is reserved at the root.")


def _restore_root(dbsession, root, values, uid, owner):
    """Make the site's root the archived root: fields, roles and history."""
    dbsession.execute(delete(LocalRole).where(LocalRole.node_id == root.id))
    dbsession.execute(delete(Revision).where(Revision.node_id == root.id))
    for name, value in values.items():
        setattr(root, name, value)
    root.uid = uid
    root.owner_id = owner
    flag_modified(root, "modified")
    dbsession.flush()
    return root
