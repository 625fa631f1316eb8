"""``cms-admin INI check``: verify the tree's integrity.

The database enforces unique paths, unique names per parent and existing
parents; what it cannot enforce is that a node's ``path`` is its parent's
path plus its own name. One query finds every node where that is false.
"""

import sys

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from cms.models import Node

HELP = "check that every node's path matches its parent's path and its name"


def add_arguments(parser):
    pass


def find_problems(dbsession):
    """Return ``[(path, expected_path), …]`` for nodes whose path is wrong."""
    parent = aliased(Node)
    expected = parent.path + Node.name + "/"
    rows = dbsession.execute(
        select(Node.path, expected)
        .join(parent, Node.parent_id == parent.id)
        .where(Node.path != expected)
        .order_by(Node.path)
    )
    problems = [tuple(row) for row in rows]
    roots = dbsession.scalar(
        select(func.count()).select_from(Node).where(Node.parent_id.is_(None))
    )
    if roots != 1:
        problems.append(("/", f"{roots} roots instead of 1"))
    return problems


def run(request, args):
    problems = find_problems(request.dbsession)
    for path, expected in problems:
        print(f"{path}: expected {expected}", file=sys.stderr)
    total = request.dbsession.scalar(select(func.count()).select_from(Node))
    print(f"Checked {total} nodes: {len(problems)} problems.")
    return 1 if problems else 0
