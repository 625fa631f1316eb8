"""The security policy: who is asking, with which principals, and what they may."""

from datetime import timedelta

import pytest
from pyramid.authorization import Authenticated, Everyone
from pyramid.security import remember
from pyramid.testing import DummyRequest
from sqlalchemy import select

from cms.models import LoginSession
from cms.models.meta import utcnow
from cms.permissions import Permission as P
from cms.security.identity import Identity
from cms.security.policy import (
    BAD_CREDENTIALS,
    SecurityPolicy,
    load_identity,
    principals_for,
)
from cms.security.sessions import COOKIE_NAME
from cms.security.tokens import create_token
from cms.traversal import SiteRoot
from cms.workflow import ADMIN_PRINCIPAL
from tests.factories import (
    add_document,
    add_folder,
    ensure_group,
    find_user,
    grant,
    make_user,
)


@pytest.fixture
def site(root, dbsession):
    """/site/ (published): a private page, and /box/ that blocks inheritance.

    ``rita`` reads /site/, the ``staff`` group (``gina``) edits it, ``olga``
    owns the private page, ``ada`` is an admin, ``ian`` is inactive.
    """
    site = add_folder(root, "site")
    olga = make_user(dbsession, "olga")
    add_document(site, "page", state="private", owner_id=olga.id)
    add_folder(site, "box", state="private", inherit_roles=False)
    grant(site, make_user(dbsession, "rita"), "reader")
    make_user(dbsession, "gina", groups=["staff"])
    grant(site, ensure_group(dbsession, "staff"), "editor")
    make_user(dbsession, "ada", groups=["admins"])
    grant(site, make_user(dbsession, "ian", active=False), "editor")
    dbsession.flush()
    return site


def identity(dbsession, login):
    return Identity(user=find_user(dbsession, login), via="cookie")


def roles(principals):
    return {p.removeprefix("role:") for p in principals if p.startswith("role:")}


@pytest.fixture
def request_with(make_request, dbsession):
    """``request_with(headers=…, cookies=…)``: a request on the test's database."""

    def make(**kwargs):
        request = make_request("/site/", **kwargs)
        request.dbsession = dbsession
        return request

    return make


def bearer_of(dbsession, login):
    _token, secret = create_token(dbsession, find_user(dbsession, login))
    return {"Authorization": f"Bearer {secret}"}


def session_cookie(request_with, login):
    """The cookie a browser of *login* holds after logging in."""
    request = request_with()
    user = find_user(request.dbsession, login)
    headers = SecurityPolicy().remember(request, user.id, user=user)
    request.dbsession.flush()
    name, value = dict(headers)["Set-Cookie"].split(";", 1)[0].split("=", 1)
    assert name == COOKIE_NAME
    return {name: value}


class TestPrincipals:
    def test_anonymous_is_everyone_and_nothing_more(self, site):
        assert principals_for(None, site["page"]) == [Everyone]

    def test_a_user_is_authenticated_and_holds_roles_granted_above(
        self, site, dbsession
    ):
        rita = identity(dbsession, "rita")
        principals = principals_for(rita, site["page"])
        assert {Everyone, Authenticated, rita.user.principal} <= set(principals)
        assert roles(principals) == {"reader"}

    def test_roles_stop_where_inheritance_is_blocked(self, site, dbsession):
        assert roles(principals_for(identity(dbsession, "rita"), site["box"])) == set()

    def test_roles_granted_to_a_group_reach_its_members(self, site, dbsession):
        gina = identity(dbsession, "gina")
        principals = principals_for(gina, site["page"])
        assert ensure_group(dbsession, "staff").principal in principals
        assert roles(principals) == {"editor"}

    def test_an_owner_owns_their_node_alone(self, site, dbsession):
        olga = identity(dbsession, "olga")
        assert roles(principals_for(olga, site["page"])) == {"owner"}
        assert roles(principals_for(olga, site)) == set()

    def test_an_admin_manages_everywhere(self, site, dbsession):
        ada = identity(dbsession, "ada")
        for node in (site, site["page"], site["box"]):
            principals = principals_for(ada, node)
            assert ADMIN_PRINCIPAL in principals
            assert "manager" in roles(principals)

    def test_no_roles_where_there_is_no_node(self, site, make_request, dbsession):
        rita = identity(dbsession, "rita")
        principals = principals_for(rita, SiteRoot(make_request()))
        assert Authenticated in principals and roles(principals) == set()


class TestIdentity:
    def test_no_credentials_is_anonymous_and_no_error(self, site, request_with):
        request = request_with()
        assert load_identity(request) is None
        assert BAD_CREDENTIALS not in request.environ

    def test_from_a_token(self, site, request_with, dbsession):
        found = load_identity(request_with(headers=bearer_of(dbsession, "rita")))
        assert (found.user.login, found.via) == ("rita", "token")

    def test_the_scheme_is_read_in_any_case(self, site, request_with, dbsession):
        secret = bearer_of(dbsession, "rita")["Authorization"].split()[1]
        headers = {"Authorization": f"bearer {secret}"}
        assert load_identity(request_with(headers=headers)).user.login == "rita"

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer cms_not-a-token",
            "Bearer ",
            "Bearer two words",
            "Bearer " + "x" * 201,
            "Basic cml0YTpwYXNzd29yZA==",
            "cms_token-without-a-scheme",
        ],
    )
    def test_a_bad_authorization_is_an_error_not_anonymous(
        self, site, request_with, header
    ):
        request = request_with(headers={"Authorization": header})
        assert load_identity(request) is None
        assert request.environ[BAD_CREDENTIALS]

    def test_an_expired_token(self, site, request_with, dbsession):
        token, secret = create_token(dbsession, find_user(dbsession, "rita"))
        headers = {"Authorization": f"Bearer {secret}"}
        assert load_identity(request_with(headers=headers)) is not None
        token.expires = utcnow() - timedelta(seconds=1)
        dbsession.flush()
        request = request_with(headers=headers)
        assert load_identity(request) is None
        assert request.environ[BAD_CREDENTIALS]

    def test_an_inactive_users_token(self, site, request_with, dbsession):
        request = request_with(headers=bearer_of(dbsession, "ian"))
        assert load_identity(request) is None
        assert request.environ[BAD_CREDENTIALS]

    def test_from_a_session_cookie(self, site, request_with):
        cookies = session_cookie(request_with, "gina")
        found = load_identity(request_with(cookies=cookies))
        assert (found.user.login, found.via) == ("gina", "cookie")

    def test_a_bad_token_is_not_rescued_by_a_cookie(self, site, request_with):
        cookies = session_cookie(request_with, "gina")
        headers = {"Authorization": "Bearer cms_not-a-token"}
        assert load_identity(request_with(cookies=cookies, headers=headers)) is None

    def test_a_forged_cookie_is_anonymous(self, site, request_with):
        value = session_cookie(request_with, "gina")[COOKIE_NAME]
        forged = {
            COOKIE_NAME: value[:-4] + ("AAAA" if value[-4:] != "AAAA" else "BBBB")
        }
        assert load_identity(request_with(cookies=forged)) is None
        assert load_identity(request_with(cookies={COOKIE_NAME: "x"})) is None

    def test_an_expired_session(self, site, request_with, dbsession):
        cookies = session_cookie(request_with, "gina")
        for session in dbsession.scalars(select(LoginSession)):
            session.expires = utcnow() - timedelta(seconds=1)
        dbsession.flush()
        assert load_identity(request_with(cookies=cookies)) is None

    def test_a_deactivated_users_session(self, site, request_with, dbsession):
        cookies = session_cookie(request_with, "gina")
        find_user(dbsession, "gina").active = False
        dbsession.flush()
        assert load_identity(request_with(cookies=cookies)) is None


class TestPolicy:
    def test_permits_what_the_roles_allow_here(self, site, request_with, dbsession):
        policy = SecurityPolicy()
        reader = request_with(headers=bearer_of(dbsession, "rita"))
        assert policy.permits(reader, site["page"], P.VIEW)
        assert not policy.permits(reader, site["page"], P.EDIT)
        assert not policy.permits(reader, site["box"], P.VIEW)

    def test_anonymous_sees_only_what_is_published(self, site, request_with):
        policy, request = SecurityPolicy(), request_with()
        assert policy.permits(request, site, P.VIEW)
        assert not policy.permits(request, site["page"], P.VIEW)
        assert policy.authenticated_userid(request) is None

    def test_the_identity_is_looked_up_once_a_request(
        self, site, request_with, dbsession, count_queries
    ):
        policy, page = SecurityPolicy(), site["page"]
        request = request_with(headers=bearer_of(dbsession, "rita"))
        with count_queries() as first:
            userid = policy.authenticated_userid(request)
        with count_queries() as again:
            policy.permits(request, page, P.VIEW)
            policy.permits(request, page, P.EDIT)
        assert userid == find_user(dbsession, "rita").id

        def token_reads(statements):
            return [s for s in statements if s.startswith("SELECT api_tokens")]

        assert len(token_reads(first)) == 1
        assert token_reads(again) == []

    def test_after_forget_the_cookie_logs_in_no_more(self, site, request_with):
        cookies = session_cookie(request_with, "gina")
        request = request_with(cookies=cookies)
        headers = dict(SecurityPolicy().forget(request))
        assert headers["Set-Cookie"].startswith(f"{COOKIE_NAME}=;")
        assert load_identity(request_with(cookies=cookies)) is None


# -- remember, as Pyramid documents it ------------------------------------------


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
