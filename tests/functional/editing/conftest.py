import pytest

from tests.factories import add_folder, bearer, grant, make_user


@pytest.fixture
def people(testapp, dbsession, root):
    """Callers, each with JSON headers: roles on /site/ as their names say."""
    site = add_folder(root, "site", "Site")
    users = {}
    for name, role in (
        ("reader", "reader"),
        ("contributor", "contributor"),
        ("editor", "editor"),
        ("manager", "manager"),
        ("owner", "contributor"),
    ):
        users[name] = make_user(dbsession, name)
        grant(site, users[name], role)
    users["admin"] = make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    headers = {name: bearer(dbsession, user) for name, user in users.items()}
    headers[None] = {"Accept": "application/json"}
    return headers


@pytest.fixture
def site(dbsession, people):
    from cms.site import ensure_root

    return ensure_root(dbsession)["site"]
