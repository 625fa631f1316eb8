"""``cms-admin INI import FILE PATH``: add an exported subtree under a node.

The archive is checked whole (its JSON, names, paths, types and every blob's
SHA-256) before anything changes; a refused import changes nothing in the
database. Local roles and owners are kept for the users and groups that
exist on this site; the others are named in warnings. Users are never
created. See :mod:`cms.transfer`.
"""

import sys

from sqlalchemy.exc import SQLAlchemyError

from cms.transfer import TransferError, import_subtree, read_archive

HELP = (
    "import an archive made by export: its subtree becomes a child of the "
    "existing node PATH"
)


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="an archive made by export")
    parser.add_argument("path", metavar="PATH", help="the parent node, e.g. /")
    parser.add_argument(
        "--name",
        help="the name the imported subtree takes under PATH (default: its own; "
        "needed for an export of / unless PATH is / of an empty site)",
    )


def run(request, args):
    store = request.registry["blobstore"]
    try:
        archive = read_archive(args.file)
        try:
            result = import_subtree(
                request.dbsession, store, archive, args.path, args.name
            )
        finally:
            archive.close()
    except TransferError as error:
        print(f"import: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"import: the database refused it: {error}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    notes = []
    if result.new_uids:
        notes.append(
            f"{result.new_uids} nodes got new uids (theirs exist on this site)"
        )
    if result.sanitized:
        notes.append(f"{result.sanitized} document bodies were sanitized")
    print(
        f"Imported {result.nodes} nodes, {result.revisions} revisions and "
        f"{result.blobs} blobs from {args.file} as {result.path}"
        + "".join(f"; {note}" for note in notes)
        + "."
    )
    return 0
