"""``/@@preferences``: every user's own profile, password and API tokens.

One page with a form for each; the forms post to ``/@@preferences/profile``,
``/@@preferences/password``, ``/@@preferences/tokens`` (make a token) and
``/@@preferences/revoke``. The rules are the service layer's
(:func:`cms.services.principals.update_user`, :mod:`cms.security.tokens`).

A new password ends every session of the user (:func:`update_user`); the
browser that changed it gets a fresh session at once. The current password
is checked as it is for every change of one's own password, counted and
throttled like a login (:func:`cms.security.guesses.current_password_error`),
so a borrowed session cannot be used to guess it.

A new token's secret is shown once, in the answer to the form that made it:
never in a flash message (a cookie), never again.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.security import remember
from pyramid.view import view_config, view_defaults

from cms.accounts import AccountViews
from cms.flash import flash
from cms.forms import FORM_POST, by_field, read_form, small_number
from cms.models import Node
from cms.models.meta import utcnow
from cms.permissions import Permission
from cms.security.guesses import current_password_refusal
from cms.security.tokens import create_token, token_options
from cms.services.errors import Invalid, ServiceError
from cms.services.principals import update_user
from cms.urls import node_url

PAGE = "cms:templates/accounts/preferences.jinja2"
#: The longest lifetime offered for a token, in days (the service's limit).
MAX_TOKEN_DAYS = 365
#: Where the service's field names show on this page.
TOKEN_FIELDS = {"title": "token_title", "expires_in": "token_expires"}
#: The news after a new password.
CHANGED_MESSAGE = "Your password is changed; your other sessions ended."


@view_defaults(
    context=Node,
    site_root=True,
    name="preferences",
    renderer=PAGE,
    permission=Permission.AUTHENTICATED,
)
class Preferences(AccountViews):
    def page(self, values=None, errors=(), status=200, new_token=None):
        self.request.response.status = status
        defaults = {
            "fullname": self.user.fullname,
            "email": self.user.email,
            "token_title": "",
            "token_expires": "",
        }
        return {
            "title": "Preferences",
            "user": self.user,
            "values": {**defaults, **(values or {})},
            "errors": by_field(errors),
            "tokens": self.own_tokens(),
            "now": utcnow(),
            "new_token": new_token,
            "max_days": MAX_TOKEN_DAYS,
            "url": lambda name: node_url(self.request, "/", f"@@preferences/{name}"),
        }

    def done(self, message, headers=None):
        flash(self.request, message)
        location = node_url(self.request, "/", "@@preferences")
        return HTTPSeeOther(location=location, headers=headers)

    @view_config(request_method=("GET", "HEAD"), subpath=0)
    def show(self):
        return self.page()

    def action(self):
        return {
            "profile": self.profile,
            "password": self.password,
            "tokens": self.make_token,
            "revoke": self.revoke,
        }.get(self.request.subpath[0])

    @view_config(request_method="POST", header=FORM_POST, subpath=1)
    def post(self):
        action = self.action()
        if action is None:
            raise HTTPNotFound()
        return action()

    @view_config(request_method=("GET", "HEAD"), subpath=1)
    def back(self):
        """A form's address opened again (history, bookmark): the page itself."""
        if self.action() is None:
            raise HTTPNotFound()
        return HTTPSeeOther(location=node_url(self.request, "/", "@@preferences"))

    def profile(self):
        values, errors = read_form(self.request, ["fullname", "email"])
        if not errors:
            try:
                update_user(self.dbsession, self.user, values)
            except ServiceError as error:
                errors = error.errors
        if errors:
            return self.page(values, errors, status=400)
        return self.done("Your profile is saved.")

    def password(self):
        names = ["current_password", "new_password", "new_password_again"]
        values, errors = read_form(self.request, names)
        if errors:
            return self.page(errors=errors, status=400)
        refusal = current_password_refusal(
            self.request, self.user, values["current_password"]
        )
        if refusal:
            status, error = refusal
            return self.page(errors=[error], status=status)
        if values["new_password"] != values["new_password_again"]:
            message = "The two new passwords differ."
            error = {"field": "new_password_again", "message": message}
            return self.page(errors=[error], status=400)
        try:
            update_user(self.dbsession, self.user, {"password": values["new_password"]})
        except ServiceError as error:
            errors = [{**e, "field": "new_password"} for e in error.errors]
            return self.page(errors=errors, status=400)
        headers = None
        if self.request.identity.via == "cookie":
            # Every session of the user ended: this browser gets a new one.
            headers = remember(self.request, self.user.id, user=self.user)
        return self.done(CHANGED_MESSAGE, headers)

    def make_token(self):
        values, errors = read_form(
            self.request, ["token_title", "token_expires", "token_read_only"]
        )
        days = values["token_expires"].strip()
        expires_in = None
        if days:
            number = small_number(days)
            if number is not None and 1 <= number <= MAX_TOKEN_DAYS:
                expires_in = number * 24 * 3600
            else:
                message = f"A whole number of days, from 1 to {MAX_TOKEN_DAYS}."
                errors.append({"field": "token_expires", "message": message})
        if not errors:
            data = {"title": values["token_title"].strip(), "expires_in": expires_in}
            try:
                title, expires_in = token_options(data)
            except Invalid as error:
                errors = [
                    {**e, "field": TOKEN_FIELDS.get(e["field"], e["field"])}
                    for e in error.errors
                ]
        if errors:
            return self.page(values, errors, status=400)
        scope = "read" if values["token_read_only"] else "write"
        token, secret = create_token(
            self.dbsession, self.user, title, expires_in, scope
        )
        # Shown in this answer alone: a redirect would have to carry it.
        # The secret is in this answer: no cache may keep it.
        self.request.response.headers["Cache-Control"] = "no-store"
        return self.page(new_token={"token": token, "secret": secret})

    def revoke(self):
        token = self.own_token(self.request.POST.get("token", ""))
        if token is None:
            flash(self.request, "There is no such token: nothing was revoked.", "error")
            return HTTPSeeOther(location=node_url(self.request, "/", "@@preferences"))
        title = token.title or "Untitled"
        self.dbsession.delete(token)
        return self.done(f"Revoked the token “{title}”.")
