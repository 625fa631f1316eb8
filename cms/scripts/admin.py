"""``cms-admin INI COMMAND``: the operator's tasks on a running site's database.

Each command lives in a module of its own under ``cms.scripts``; this one only
dispatches. A command runs in one transaction that commits when it exits 0,
unless its module says ``MANAGES_CONNECTIONS = True`` (backup, restore): then
its ``run_site(registry, args)`` opens the connections it needs itself.
"""

import argparse
import sys

from cms.scripts import (
    backup,
    blobs,
    check,
    check_deploy,
    export,
    groups,
    import_,
    open_site,
    reindex,
    restore,
    tokens,
    users,
)

COMMANDS = {
    "backup": backup,
    "blobs": blobs,
    "check": check,
    "check-deploy": check_deploy,
    "export": export,
    "groups": groups,
    "import": import_,
    "reindex": reindex,
    "restore": restore,
    "tokens": tokens,
    "users": users,
}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="cms-admin", description="Operate a cms site from the command line."
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        module.add_arguments(
            commands.add_parser(name, help=module.HELP, description=module.HELP)
        )
    return parser.parse_args(argv[1:])


def main(argv=sys.argv):
    args = parse_args(argv)
    command = COMMANDS[args.command]
    if hasattr(command, "run_on_config"):
        # It reads the ini file itself: it reports a site that would not start.
        return command.run_on_config(args.config_uri, args)
    with open_site(args.config_uri) as env:
        if getattr(command, "MANAGES_CONNECTIONS", False):
            return command.run_site(env["registry"], args)
        request = env["request"]
        # A command that fails (non-zero) leaves the database as it was.
        request.tm.begin()
        try:
            code = command.run(request, args)
        except BaseException:
            request.tm.abort()
            raise
        if code == 0:
            request.tm.commit()
        else:
            request.tm.abort()
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
