"""A site with things to hide: what readers may and may not find."""

import pytest

from tests.factories import add_document, add_folder, grant, make_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def site(dbsession, root):
    """Published sections, a private one, a draft, a published page hidden
    under a private folder, and titles that need escaping."""
    root.state = "published"
    about = add_folder(root, "about", "About us")
    team = add_folder(about, "team", "Our team")
    add_document(team, "alice", "Alice")
    add_document(about, "history", "Our history")
    add_document(about, "draft", "Secret draft", state="private")
    news = add_folder(root, "news", "News & <views>")
    add_document(news, "first", "First <news> & more")
    secret = add_folder(root, "secret", "Secret section", state="private")
    add_document(secret, "inside", "Published inside a secret folder")
    pending = add_folder(root, "pending", "Pending section", state="pending")
    add_document(pending, "under", "Published under a pending folder")
    dbsession.flush()
    return root


@pytest.fixture
def owner(dbsession, site):
    """A user who may view the secret section (a reader there)."""
    user = make_user(dbsession, "reader")
    secret = next(child for child in site.children() if child.name == "secret")
    grant(secret, user, "reader")
    dbsession.flush()
    return user


#: Words that must never reach anonymous readers.
HIDDEN = ("Secret", "secret", "Pending", "pending", "under a pending")
