import pytest

from cms.services.caller import Caller
from tests.factories import add_document, add_folder, make_user


def caller_for(user, permits=lambda permission, node: True):
    """A caller acting as *user*, allowed what *permits* says (everything)."""
    return Caller(
        user_id=user.id, login=user.login, permits=permits, site_url="https://x.org"
    )


@pytest.fixture
def tree(dbsession, root):
    """/a/ holding /a/page/, and an empty /b/."""
    a = add_folder(root, "a", state="private")
    add_document(a, "page", state="private")
    add_folder(root, "b", state="private")
    dbsession.flush()
    return root


@pytest.fixture
def ada(dbsession):
    return make_user(dbsession, "ada")
