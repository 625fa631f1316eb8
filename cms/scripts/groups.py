"""``cms-admin INI groups …``: list, add and delete groups."""

import sys

from sqlalchemy import select

from cms.models import Group
from cms.services.errors import ServiceError
from cms.services.principals import (
    create_group,
    delete_group,
    find_group,
)

HELP = "manage groups: list, add, delete"


def add_arguments(parser):
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="list the groups")
    add = actions.add_parser("add", help="add a group")
    add.add_argument("name")
    add.add_argument("--title", default="")
    delete = actions.add_parser("delete", help="delete a group")
    delete.add_argument("name")


def run(request, args):
    dbsession = request.dbsession
    try:
        if args.action == "list":
            for group in dbsession.scalars(select(Group).order_by(Group.name)):
                print(f"{group.name}\t{group.title}")
        elif args.action == "add":
            create_group(dbsession, {"name": args.name, "title": args.title})
            print(f"Added {args.name}.")
        else:
            group = find_group(dbsession, args.name)
            if group is None:
                print(f"No such group: {args.name}", file=sys.stderr)
                return 1
            delete_group(dbsession, group)
            print(f"Deleted {args.name}.")
        return 0
    except ServiceError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 1
