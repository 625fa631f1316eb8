"""The security policy keeps Pyramid's contract for ``remember``."""

import pytest
from pyramid.security import remember
from pyramid.testing import DummyRequest
from sqlalchemy import select

from cms.models import LoginSession
from tests.factories import make_user


def _request(app, dbsession):
    request = DummyRequest()
    request.registry = app.registry
    request.dbsession = dbsession
    return request


def test_remember_by_user_id_alone_starts_a_session(app, dbsession):
    """``remember(request, userid)``, as Pyramid documents it: no user row."""
    user = make_user(dbsession, "remembered")
    headers = remember(_request(app, dbsession), user.id)
    assert dict(headers)["Set-Cookie"].startswith("cms_session=")
    sessions = dbsession.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id)
    ).all()
    assert len(sessions) == 1


def test_remember_an_unknown_user_id_is_refused(app, dbsession):
    with pytest.raises(ValueError, match="no user"):
        remember(_request(app, dbsession), 987654)
