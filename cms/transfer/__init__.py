"""Export and import of subtrees: a ZIP archive of JSON and blobs.

An archive holds ``manifest.json`` (the format and its version, the exported
path, when), ``nodes.json`` (every node of the subtree in path order, each
with its fields, workflow state, local roles, owner and revisions) and
``blobs/<key>``, every blob the nodes and their revisions reference.

Principals are named by login and group name (``user:alice``), never by id,
so that an archive means the same on another site; an import grants roles
only to principals that exist there. Uids are kept unless the target site
already has them, so that a subtree imported into an empty site is the one
that was exported, down to its uids and times.

Import checks the whole archive before it changes anything (its JSON, its
paths and names, every blob's SHA-256), then writes the blobs, then the rows:
like an upload, a failure leaves at worst orphan blobs, never a node that
points at a missing one.
"""

from cms.transfer.archive import TransferError, read_archive, referenced_blobs
from cms.transfer.exporting import export_subtree
from cms.transfer.importing import import_subtree

__all__ = [
    "TransferError",
    "export_subtree",
    "import_subtree",
    "read_archive",
    "referenced_blobs",
]
