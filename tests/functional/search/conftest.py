import pytest

from tests.factories import add_folder, bearer, grant, make_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def editor(dbsession, root):
    """JSON headers of an editor of the whole site."""
    user = make_user(dbsession, "searcheditor")
    grant(root, user, "editor")
    dbsession.flush()
    return bearer(dbsession, user)


@pytest.fixture
def section(dbsession, root):
    section = add_folder(root, "section", "Section")
    dbsession.flush()
    return section


@pytest.fixture
def search(testapp):
    """``search(q=…, **params)`` → the JSON answer of ``/@@search``."""

    def run(url="/@@search", headers=JSON, status=200, **params):
        return testapp.get(url, params, headers=headers, status=status).json

    return run


def found(answer):
    """The paths of the items of a search answer."""
    return [item["@id"].removeprefix("http://example.com") for item in answer["items"]]
