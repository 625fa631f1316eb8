"""``cms-admin INI users …``: list, add, change and delete users.

Passwords are read from a prompt, or from standard input with
``--password-stdin``; never from the command line, where ``ps`` shows them.
"""

import getpass
import sys

from sqlalchemy import select

from cms.models import User
from cms.services.errors import Invalid, ServiceError
from cms.services.principals import (
    create_user,
    delete_user,
    find_user,
    update_user,
)

HELP = "manage users: list, add, set, passwd, delete"


def add_arguments(parser):
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="list the users")
    add = actions.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("login")
    add.add_argument("--email", default="")
    add.add_argument("--fullname", default="")
    add.add_argument("--group", action="append", default=[], help="repeat for several")
    add.add_argument("--password-stdin", action="store_true")
    change = actions.add_parser("set", help="change a user's profile, groups, activity")
    change.add_argument("login")
    change.add_argument("--email")
    change.add_argument("--fullname")
    change.add_argument("--group", action="append", help="the full list; repeat")
    change.add_argument("--active", choices=("yes", "no"))
    passwd = actions.add_parser(
        "passwd", help="set a user's password; ends their sessions"
    )
    passwd.add_argument("login")
    passwd.add_argument("--password-stdin", action="store_true")
    delete = actions.add_parser("delete", help="delete a user")
    delete.add_argument("login")


def read_password(args):
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise Invalid([{"field": "password", "message": "The two differ."}])
    return first


def run(request, args):
    dbsession = request.dbsession
    try:
        if args.action == "list":
            for user in dbsession.scalars(select(User).order_by(User.login)):
                groups = ",".join(group.name for group in user.groups)
                state = "active" if user.active else "inactive"
                print(f"{user.login}\t{state}\t{groups}\t{user.email}\t{user.fullname}")
            return 0
        if args.action == "add":
            data = {
                "login": args.login,
                "password": read_password(args),
                "email": args.email,
                "fullname": args.fullname,
                "groups": args.group,
            }
            create_user(dbsession, data)
            print(f"Added {args.login}.")
            return 0
        user = find_user(dbsession, args.login)
        if user is None:
            print(f"No such user: {args.login}", file=sys.stderr)
            return 1
        if args.action == "set":
            data = {
                key: value
                for key, value in (
                    ("email", args.email),
                    ("fullname", args.fullname),
                    ("groups", args.group),
                )
                if value is not None
            }
            if args.active:
                data["active"] = args.active == "yes"
            update_user(dbsession, user, data)
        elif args.action == "passwd":
            update_user(dbsession, user, {"password": read_password(args)})
        elif args.action == "delete":
            delete_user(dbsession, user)
        print(f"Done: {args.action} {args.login}.")
        return 0
    except ServiceError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 1
