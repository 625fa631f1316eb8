"""The site's root and the demo tree that ``initialize_cms_db --demo`` adds.

The demo (its pages, the home page's text and the site's title) is added
once: a :class:`~cms.models.Marker` remembers it, so that
running the command again (``./bin/serve`` does at every start) does not put
back the demo pages an editor deleted.
"""

import secrets

from sqlalchemy import select

from cms.models import ADMINS, Document, Folder, Marker, Node, SiteSettings
from cms.models.site_settings import SITE_ROW
from cms.sanitize import clean_html
from cms.services.principals import create_user, find_user
from cms.services.site_settings import update_settings

#: The login of the administrator that initialize_cms_db creates.
ADMIN_LOGIN = "admin"

ROOT_TITLE = "Home"

#: The marker of a site that got the demo tree.
DEMO_MARKER = "demo"

#: A node of the demo tree: (name, type, title, description, body, children).
DemoNode = tuple[str, type[Node], str, str, str | None, list["DemoNode"]]

#: What the demo calls the site, and the home page's own text.
DEMO_TITLE = "Demo site"
DEMO_HOME = (
    "<p>Welcome to the demo site. Start with "
    '<a href="getting-started/">Getting started</a>, or browse the sections '
    "below.</p>"
)

#: The demo tree.
DEMO_TREE: list[DemoNode] = [
    (
        "getting-started",
        Document,
        "Getting started",
        "What this site is and how to change it.",
        "<p>This is a demo site of a content management system built on "
        "traversal: every URL is a node of one tree.</p>"
        "<p>Ask for any page with <code>Accept: application/json</code> to get "
        "the same content as JSON.</p>",
        [],
    ),
    (
        "about",
        Folder,
        "About us",
        "Who we are and where we come from.",
        None,
        [
            (
                "team",
                Document,
                "Our team",
                "The people behind the site.",
                "<p>We are a small team that likes clear URLs and fast pages.</p>"
                "<ul><li>Alice, editor</li><li>Bob, developer</li></ul>",
                [],
            ),
            (
                "history",
                Document,
                "Our history",
                "How it started.",
                "<p>It started with one folder and one page.</p>",
                [],
            ),
        ],
    ),
    (
        "news",
        Folder,
        "News",
        "What happened lately.",
        None,
        [
            (
                f"news-{number}",
                Document,
                f"News item {number}",
                f"The news of week {number}.",
                f"<p>Week {number} brought good news.</p>",
                [],
            )
            for number in range(1, 4)
        ],
    ),
]


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


def add_demo_once(dbsession, root):
    """Add the demo tree under *root* unless it was added before.

    Return the number of nodes added.
    """
    if dbsession.get(Marker, DEMO_MARKER) is not None:
        return 0
    added = add_demo_tree(dbsession, root)
    if not root.body:
        # As an editor's would be (links get their rel).
        root.body = clean_html(DEMO_HOME)
    if dbsession.get(SiteSettings, SITE_ROW) is None:
        update_settings(dbsession, {"title": DEMO_TITLE})
    dbsession.add(Marker(name=DEMO_MARKER))
    dbsession.flush()
    return added


def add_demo_tree(dbsession, root, tree=DEMO_TREE):
    """Add what is missing of *tree* under *root*; return the number added."""
    added = 0
    existing = {child.name: child for child in root.children()}
    for name, cls, title, description, body, children in tree:
        node = existing.get(name)
        if node is None:
            node = cls(title=title, description=description, state="published")
            if body is not None:
                node.body = body
            root.add(node, name)
            added += 1
        added += add_demo_tree(dbsession, node, children)
    return added


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
