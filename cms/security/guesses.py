"""Password guesses: a login, or the current password asked before a change.

Both are checked alike: refused with 429 while the caller's address (or that
address for that account) has failed too often, counted when wrong, and
clearing the account's count when right (:mod:`cms.security.throttle`).
A wrong guess is answered with a 4xx, which pyramid_tm would roll back:
:func:`keep_counts` marks such an answer so that the count is kept.
"""

from pyramid.httpexceptions import HTTPTooManyRequests
from pyramid.request import Request
from pyramid.response import Response

from cms.models import User
from cms.security.passwords import MAX_LENGTH, verify_password
from cms.security.throttle import forget_failures, record_failure, retry_after

TOO_MANY = "Too many wrong passwords: try again later."
CURRENT = "current_password"


def check_password(
    request: Request, login: str, password_hash: str | None, password: str
) -> bool:
    """Return whether *password* matches *password_hash*: one guess at *login*.

    While throttled, raise :class:`HTTPTooManyRequests` (with ``Retry-After``)
    and check nothing. With *password_hash* ``None`` (no such account, or
    one that may not log in) the check takes as long, and fails.
    """
    address = request.client_addr
    wait = retry_after(request, login, address)
    if wait:
        raise HTTPTooManyRequests(TOO_MANY, headers={"Retry-After": str(wait)})
    if verify_password(password_hash, password[:MAX_LENGTH]):
        forget_failures(request, login, address)
        return True
    record_failure(request, login, address)
    return False


def keep_counts(response: Response) -> Response:
    """Have pyramid_tm commit *response* although it is a 4xx: it answers a
    wrong guess, whose count must outlive the request."""
    response.headers["X-TM"] = "commit"
    return response


def current_password_error(
    request: Request, user: User, current: object
) -> dict[str, str] | None:
    """The rule for a new password: changing one's own needs the current one.

    Return ``None`` when the change may go on, else the error of the field
    ``current_password`` (a 400, to answer with :func:`keep_counts`); raise
    429 while throttled. A site manager changing another user's password
    needs none; changing their own, they do like anyone.
    """
    if request.identity.user.id != user.id:
        return None
    if not isinstance(current, str) or not current:
        message = "Give your current password to choose a new one."
        return {"field": CURRENT, "message": message}
    if not check_password(request, user.login, user.password_hash, current):
        return {"field": CURRENT, "message": "This is not your password."}
    return None


def current_password_refusal(
    request: Request, user: User, current: object
) -> tuple[int, dict[str, str]] | None:
    """:func:`current_password_error` for a form page, answered with
    ``request.response``: ``None``, or ``(status, error)`` to show."""
    try:
        error = current_password_error(request, user, current)
    except HTTPTooManyRequests as refusal:
        request.response.headers["Retry-After"] = refusal.headers["Retry-After"]
        return 429, {"field": CURRENT, "message": refusal.detail}
    if error is None:
        return None
    keep_counts(request.response)
    return 400, error
