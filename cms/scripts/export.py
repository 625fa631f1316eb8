"""``cms-admin INI export PATH FILE``: write a subtree to a ZIP archive.

The archive holds the nodes as JSON (fields, states, local roles, owners,
revisions) and every blob they reference; ``cms-admin INI import`` reads it
back (see :mod:`cms.transfer`).
"""

import sys

from cms.transfer import TransferError, export_subtree

HELP = (
    "export the subtree at PATH (/ for the whole site) to FILE, a ZIP archive "
    "of its nodes as JSON and their files"
)


def add_arguments(parser):
    parser.add_argument("path", metavar="PATH", help="the subtree, e.g. /about/")
    parser.add_argument("file", metavar="FILE", help="the archive to write (.zip)")


def _size(count):
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return None  # pragma: no cover


def run(request, args):
    store = request.registry["blobstore"]
    try:
        result = export_subtree(request.dbsession, store, args.path, args.file)
    except TransferError as error:
        print(f"export: {error}", file=sys.stderr)
        return 1
    print(
        f"Exported {result.nodes} nodes, {result.revisions} revisions and "
        f"{result.blobs} blobs ({_size(result.blob_bytes)}) to {args.file}."
    )
    return 0
