"""The site's root and its first administrator (``initialize_cms_db``).

The demo tree that ``--demo`` adds is in :mod:`cms.demo`.
"""

import secrets

from sqlalchemy import select

from cms.models import ADMINS, Folder, Node
from cms.services.principals import create_user, find_user

#: The login of the administrator that initialize_cms_db creates.
ADMIN_LOGIN = "admin"

ROOT_TITLE = "Home"


def get_root(dbsession):
    """Return the root node, or ``None`` before ``initialize_cms_db``."""
    return dbsession.scalars(select(Node).where(Node.path == "/")).one_or_none()


def ensure_root(dbsession):
    """Return the root node, creating it (published) when there is none."""
    root = get_root(dbsession)
    if root is None:
        root = Folder(
            name="",
            path="/",
            title=ROOT_TITLE,
            description="",
            state="published",
        )
        dbsession.add(root)
        dbsession.flush()
    return root


def ensure_admin(dbsession, password=None):
    """Create the ``admin`` user in ``admins`` unless it exists.

    Return the password when the user was created (a random one unless
    *password* is given), else ``None``: an existing admin keeps theirs.
    """
    if find_user(dbsession, ADMIN_LOGIN) is not None:
        return None
    password = password or secrets.token_urlsafe(12)
    create_user(
        dbsession,
        {
            "login": ADMIN_LOGIN,
            "password": password,
            "fullname": "Administrator",
            "groups": [ADMINS],
        },
    )
    return password
