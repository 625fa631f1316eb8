"""Helpers that build content through the model API, as the app does."""

from cms.models import Document, Folder


def add_folder(parent, name=None, title=None, state="published", **fields):
    title = title or (name or "Folder").replace("-", " ").title()
    return parent.add(Folder(title=title, state=state, **fields), name)


def add_document(parent, name=None, title=None, state="published", body="", **fields):
    title = title or (name or "Document").replace("-", " ").title()
    return parent.add(Document(title=title, state=state, body=body, **fields), name)


def add_chain(parent, names, factory=add_document):
    """Add nested nodes, one per name; return the deepest."""
    node = parent
    for name in names:
        node = factory(node, name)
    return node


DEEP_CHAIN = ["deep"] + [f"d{number}" for number in range(1, 11)]


# -- principals ---------------------------------------------------------------

#: Every test user's password; hashed once, since argon2 is slow on purpose.
PASSWORD = "correct horse battery"
_PASSWORD_HASH = None


def make_user(dbsession, login, groups=(), active=True, **fields):
    """Add a user with :data:`PASSWORD` (no argon2 cost after the first)."""
    from cms.models import User
    from cms.security.passwords import hash_password

    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    user = User(login=login, password_hash=_PASSWORD_HASH, active=active, **fields)
    user.groups = [ensure_group(dbsession, name) for name in groups]
    dbsession.add(user)
    dbsession.flush()
    return user


def ensure_group(dbsession, name):
    from sqlalchemy import select

    from cms.models import Group

    group = dbsession.scalars(select(Group).where(Group.name == name)).one_or_none()
    if group is None:
        group = Group(name=name, title=name.title())
        dbsession.add(group)
        dbsession.flush()
    return group


def grant(node, principal, role):
    """Grant *role* on *node* to a user or group row."""
    from cms.models import Group, LocalRole

    if isinstance(principal, Group):
        node.local_roles.append(LocalRole(group_id=principal.id, role=role))
    else:
        node.local_roles.append(LocalRole(user_id=principal.id, role=role))
    return node


def bearer(dbsession, user):
    """Return headers that authenticate as *user* with a new API token."""
    from cms.security.tokens import create_token

    _token, secret = create_token(dbsession, user, "test")
    return {"Authorization": f"Bearer {secret}", "Accept": "application/json"}


def log_in(testapp, login, password=PASSWORD):
    """Log *testapp* in through the form; return the page's CSRF token."""
    testapp.post("/@@login", {"login": login, "password": password}, status=303)
    page = testapp.get("/@@logout")
    return page.html.select_one('meta[name="csrf-token"]')["content"]


def browser(app, dbsession, user):
    """Return a WebTest app with a browser session of *user* (no login form).

    The session is made the way a login makes it; logging in through the
    form (slow on purpose: argon2) is tested on its own.
    """
    import webtest
    from pyramid.testing import DummyRequest

    from cms.security.sessions import start_session

    request = DummyRequest()
    request.registry = app.registry
    request.dbsession = dbsession
    headers = start_session(request, user)
    dbsession.flush()
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    cookie = dict(headers)["Set-Cookie"].split(";", 1)[0]
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    return client


def find_user(dbsession, login):
    """Return the user called *login* (there must be one)."""
    from sqlalchemy import select

    from cms.models import User

    return dbsession.scalars(select(User).where(User.login == login)).one()


def browser_as(app, dbsession, login):
    """Return :func:`browser` for the user called *login*."""
    return browser(app, dbsession, find_user(dbsession, login))


def png(width=600, height=300, color=(20, 90, 160)):
    """The bytes of a PNG picture of one colour."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()
