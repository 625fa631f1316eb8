import pytest

from tests.functional.security.site import build_site


@pytest.fixture
def site(app, testapp, dbsession, root):
    return build_site(app, dbsession)


@pytest.fixture
def rollback(connection, dbsession):
    """``with rollback():`` undoes what the requests inside it committed."""
    from contextlib import contextmanager

    @contextmanager
    def undo():
        savepoint = connection.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()
            dbsession.expire_all()

    return undo
