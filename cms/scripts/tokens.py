"""``cms-admin INI tokens …``: make, list and revoke users' API tokens."""

import sys

from sqlalchemy import select

from cms.models import ApiToken
from cms.security.tokens import MAX_LIFETIME, create_token
from cms.services.principals import find_user

HELP = "manage API tokens: create, list, revoke"


def add_arguments(parser):
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="make a token and print it once")
    create.add_argument("login")
    create.add_argument("--title", default="cms-admin")
    create.add_argument("--expires-in", type=int, help="seconds (default: never)")
    create.add_argument(
        "--read-only", action="store_true", help="a token that every write refuses"
    )
    listing = actions.add_parser("list", help="list a user's tokens")
    listing.add_argument("login")
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)


def run(request, args):
    dbsession = request.dbsession
    if args.action == "revoke":
        token = dbsession.get(ApiToken, args.id)
        if token is None:
            print(f"No such token: {args.id}", file=sys.stderr)
            return 1
        dbsession.delete(token)
        print(f"Revoked token {args.id}.")
        return 0
    user = find_user(dbsession, args.login)
    if user is None:
        print(f"No such user: {args.login}", file=sys.stderr)
        return 1
    if args.action == "create":
        if args.expires_in is not None and not 60 <= args.expires_in <= MAX_LIFETIME:
            print("--expires-in: from 60 seconds to one year.", file=sys.stderr)
            return 1
        scope = "read" if args.read_only else "write"
        token, secret = create_token(
            dbsession, user, args.title, args.expires_in, scope
        )
        kind = "read-only token" if args.read_only else "token"
        print(f"{kind.capitalize()} {token.id} for {user.login} (shown once):")
        print(secret)
        return 0
    tokens = dbsession.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    for token in tokens:
        expires, used = token.expires or "never", token.last_used or "never"
        print(
            f"{token.id}\t{token.title}\tcreated {token.created:%Y-%m-%d %H:%M}"
            f"\texpires {expires}\tlast used {used}\t{token.scope}"
        )
    return 0
