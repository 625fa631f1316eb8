"""The site the editor's pages are tried on, and a logged-in browser per role.

``site`` is ``/site/``, a published folder on which the user called after
each role (``reader``, ``contributor``, ``editor``, ``manager``) holds that
role, and ``admin`` is a site administrator. A file that needs content in it
extends ``site`` by asking for it under the same name::

    @pytest.fixture
    def site(site, dbsession):
        add_document(site, "page", "Page")
        dbsession.flush()
        return site

and the role fixtures below then log into that extended tree. A file whose
tests are about the people themselves (who is listed, who is found) keeps a
tree of its own and makes its browsers with ``browser_for``.
"""

from functools import partial

import pytest

from tests.factories import add_folder, browser_as, grant, make_user

#: The roles of the site, each held on /site/ by the user of the same name.
ROLES = ("reader", "contributor", "editor", "manager")


@pytest.fixture
def browser_for(testapp, app, dbsession):
    """``browser_for(login)``: a browser with a session of that user.

    It asks for ``testapp`` so that the browser's requests, like the test's
    own, run inside the test's transaction.
    """
    return partial(browser_as, app, dbsession)


@pytest.fixture
def site(testapp, dbsession, root):
    # testapp: a test may build its own client on ``app``; its requests must
    # see this tree too.
    site = add_folder(root, "site", "Site")
    for role in ROLES:
        grant(site, make_user(dbsession, role), role)
    make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return site


@pytest.fixture
def reader(browser_for, site):
    return browser_for("reader")


@pytest.fixture
def contributor(browser_for, site):
    return browser_for("contributor")


@pytest.fixture
def editor(browser_for, site):
    return browser_for("editor")


@pytest.fixture
def manager(browser_for, site):
    return browser_for("manager")


@pytest.fixture
def admin(browser_for, site):
    return browser_for("admin")
