"""`cms`: a content management system built on Pyramid's resource-tree traversal.

:func:`main` is the WSGI application factory named by the ``paste.app_factory``
entry point. It is a table of contents: every subsystem configures itself in
its own ``includeme``.
"""

from pyramid.config import Configurator

from cms.observability import observed
from cms.page_cache import serving
from cms.settings import load_settings


def main(global_config, **settings):
    """Return the WSGI application for the given ini settings."""
    settings = load_settings(settings)
    with Configurator(settings=settings) as config:
        # Request-scoped SQLAlchemy session, pyramid_tm and pyramid_retry.
        config.include(".db")
        # Log format, request metrics, and the views' names for them.
        config.include(".observability")
        # JSON renderer and the HTML-before-JSON preference for `*/*`.
        config.include(".renderers")
        # Jinja2 templates, helpers and the static assets.
        config.include(".templating")
        # A site's own templates and stylesheet (cms.theme_dir), if any.
        config.include(".theme")
        # The header, toolbar and breadcrumbs around every page.
        config.include(".page")
        # The request: forms checked once, when read (JSON by read_json).
        config.include(".validation")
        # Headers every response carries.
        config.include(".headers")
        # Calls from the pages of other origins (cms.cors_origins).
        config.include(".cors")
        # How long shared caches may keep anonymous answers (s-maxage).
        config.include(".shared_cache")
        # Bans of the site in the HTTP caches in front, after each write.
        config.include(".purges")
        # Anonymous pages kept in the process while the site's generation holds.
        config.include(".page_cache")
        # Counts of big listings kept while the site's generation holds.
        config.include(".counts")
        # Root factory and the one-query traverser.
        config.include(".traversal")
        # Identity, permissions, CSRF.
        config.include(".security")
        # The rules of every change; request.caller.
        config.include(".services")
        # Messages for the page after a form is sent.
        config.include(".flash")
        # The blob store of files and images.
        config.include(".files")
        # Health checks for process managers and load balancers.
        config.include(".views.health")
        # GET /metrics for the addresses in cms.metrics_allow.
        config.include(".views.metrics")
        config.include(".views.reader")
        # Views register themselves with @view_config.
        config.scan(".views")
    # Kept anonymous pages are answered in front of the router; around it
    # all: X-Request-ID, the access log and the request metrics.
    return observed(serving(config.make_wsgi_app()))
