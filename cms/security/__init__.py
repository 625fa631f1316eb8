"""Security: client addresses, identity, CSRF and login throttling.

See :mod:`cms.security.policy` for how a request is authenticated and
authorized, :mod:`cms.permissions` for the permissions, and
:mod:`cms.workflow` for who may do what in each state.
"""

from pyramid.config import Configurator
from pyramid.events import NewRequest
from pyramid.httpexceptions import HTTPUnauthorized

from cms.permissions import Permission
from cms.security.csrf import SessionRowCSRFStoragePolicy, needs_csrf_check
from cms.security.policy import BAD_CREDENTIALS, SecurityPolicy
from cms.security.tokens import refuse_writes_of_read_tokens


def refuse_bad_credentials(event: NewRequest) -> None:
    """Answer 401 at once to a request with an invalid bearer token.

    Such a client must learn that its token no longer works, even on a page
    that anonymous visitors may read.
    """
    request = event.request
    if "HTTP_AUTHORIZATION" in request.environ:
        request.identity  # noqa: B018  (looks the credentials up)
        if BAD_CREDENTIALS in request.environ:
            raise HTTPUnauthorized(
                request.environ[BAD_CREDENTIALS],
                headers={
                    "WWW-Authenticate": 'Bearer realm="cms", error="invalid_token"'
                },
            )


def includeme(config: Configurator) -> None:
    config.set_security_policy(SecurityPolicy())
    # A view that forgets to name a permission is not public.
    config.set_default_permission(Permission.VIEW)
    config.set_csrf_storage_policy(SessionRowCSRFStoragePolicy())
    config.set_default_csrf_options(
        require_csrf=True,
        token="csrf_token",  # noqa: S106 (the form field's name, not a secret)
        header="X-CSRF-Token",
        callback=needs_csrf_check,
    )
    config.add_subscriber(refuse_bad_credentials, NewRequest)
    config.add_subscriber(refuse_writes_of_read_tokens, NewRequest)
    # request.client_addr, and the scheme behind a trusted proxy.
    config.include("cms.security.addresses")
