"""Logging in and out: a form for browsers, tokens for integrators.

A failed login says the same thing, takes the same time and is counted the
same way whether or not the account exists (:mod:`cms.security.guesses`).
A token made here expires after ``cms.token_max_age`` seconds unless the
login asks for another lifetime (``expires_in``).
"""

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPNoContent,
    HTTPSeeOther,
    HTTPUnauthorized,
    HTTPUnsupportedMediaType,
)
from pyramid.renderers import render_to_response
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config, view_defaults
from sqlalchemy import delete

from cms.models import ApiToken, Node
from cms.responses import error_response, wants_json
from cms.schemas import check_fields
from cms.security.guesses import check_password, keep_counts
from cms.security.origins import comes_from_elsewhere
from cms.security.tokens import create_token, token_options
from cms.services.errors import Invalid
from cms.services.principals import find_user
from cms.urls import safe_came_from
from cms.validation import read_json

LOGIN = "cms:templates/auth/login.jinja2"
LOGOUT = "cms:templates/auth/logout.jinja2"
LOGIN_FAILED = "Wrong login or password."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_json_request(request):
    return request.content_type == "application/json"


@view_defaults(context=Node, site_root=True, permission=NO_PERMISSION_REQUIRED)
class LoginViews:
    """Logging in and out, at the site root, open to everyone."""

    def __init__(self, root, request):
        self.root = root
        self.request = request

    @view_config(name="login", request_method=("GET", "HEAD"), renderer=LOGIN)
    def login_form(self):
        request = self.request
        return {
            "title": "Log in",
            "came_from": safe_came_from(request, request.params.get("came_from")),
            "login": "",
            "message": None,
        }

    @view_config(name="login", request_method="POST")
    def login(self):
        request = self.request
        if is_json_request(request):
            data = read_json(request)
            check_fields(
                data,
                {"login", "password", "title", "expires_in"},
                ("login", "password"),
            )
            credentials = (data["login"], data["password"])
            if not all(isinstance(value, str) for value in credentials):
                raise Invalid(
                    [{"field": "login", "message": "Login and password are strings."}]
                )
            title, expires_in = token_options(data, default_title="Login")
        elif request.content_type in FORM_TYPES:
            refuse_cross_site(request)
            try:
                credentials = (
                    request.POST.get("login", ""),
                    request.POST.get("password", ""),
                )
            except ValueError:  # a multipart body without its boundary
                raise HTTPBadRequest("The form could not be read.") from None
            if not all(isinstance(value, str) for value in credentials):
                raise HTTPBadRequest("Login and password are text fields.")
        else:
            raise HTTPUnsupportedMediaType("Send a login form or JSON.")
        login_name, password = credentials
        # A NUL cannot name an account (and no database would store it).
        login_name = login_name.strip().lower()[:200].replace("\x00", "\ufffd")
        user = find_user(request.dbsession, login_name)
        password_hash = user.password_hash if user is not None and user.active else None
        # The password is checked even without a user: the answer takes as long.
        if not check_password(request, login_name, password_hash, password) or not user:
            return login_failed(request, login_name)

        if is_json_request(request):
            if expires_in is None:
                expires_in = request.registry.settings["cms.token_max_age"]
            token, secret = create_token(request.dbsession, user, title, expires_in)
            request.response.status = 201
            return render_to_response(
                "json",
                {"token": secret, "id": token.id, "expires": token.expires},
                request=request,
                response=request.response,
            )
        headers = remember(request, user.id, user=user)
        came_from = safe_came_from(request, request.POST.get("came_from"))
        return HTTPSeeOther(location=came_from, headers=headers)

    @view_config(name="logout", request_method=("GET", "HEAD"), renderer=LOGOUT)
    def logout_form(self):
        return {"title": "Log out"}

    @view_config(name="logout", request_method="POST")
    def logout(self):
        request = self.request
        identity = request.identity
        if identity is not None and identity.via == "token":
            # An integrator logging out gives up the token it used.
            request.dbsession.execute(
                delete(ApiToken).where(ApiToken.id == identity.token.id)
            )
            return HTTPNoContent()
        # The cookie of a request from another origin is not its to drop.
        headers = [] if comes_from_elsewhere(request) else forget(request)
        if wants_json(request):
            return HTTPNoContent(headers=headers)
        return HTTPSeeOther(location=safe_came_from(request, "/"), headers=headers)


def refuse_cross_site(request):
    """Refuse a login form posted from another site's page (login CSRF).

    Browsers say where a form was posted from in ``Origin``; integrators'
    clients send none and are not affected. A JSON login sets no cookie: a
    page of an origin in ``cms.cors_origins`` may use it to get a token.
    """
    if comes_from_elsewhere(request):
        raise HTTPBadRequest("A login from another site's page is refused.")


def login_failed(request, login_name):
    """The one answer to every failed login; the failure count is kept."""
    if wants_json(request):
        response = error_response(
            request,
            HTTPUnauthorized(headers={"WWW-Authenticate": 'Bearer realm="cms"'}),
            LOGIN_FAILED,
        )
    else:
        response = render_to_response(
            LOGIN,
            {
                "title": "Log in",
                "came_from": safe_came_from(request, request.POST.get("came_from")),
                "login": login_name,
                "message": LOGIN_FAILED,
            },
            request=request,
        )
        response.status = 401
    return keep_counts(response)
