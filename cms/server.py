"""The ``[server:main]`` runner: waitress on 127.0.0.1, port 6543 unless told.

``pserve INI http_port=PORT`` passes ``http_port`` as a global variable; an
ini file's own ``[DEFAULT]`` would override it (PasteDeploy never lets a
command-line variable win over the file), so the default lives here instead.

Waitress would remove ``X-Forwarded-For``, ``X-Forwarded-Proto`` and the
other proxy headers from every request whose peer is not its own
``trusted_proxy`` (none is set), before the site sees them: behind nginx the
site would never learn the client's address or that it used HTTPS. The site
decides whom to believe itself (``cms.trusted_proxies``,
:mod:`cms.security.addresses`), so waitress is told to pass them on.
"""

from waitress import serve as waitress_serve

DEFAULT_PORT = 6543


def serve(wsgi_app, global_conf, host="127.0.0.1", port=None, **settings):
    """Serve *wsgi_app* with waitress (``paste.server_runner``)."""
    port = global_conf.get("http_port") or port or DEFAULT_PORT
    settings.setdefault("clear_untrusted_proxy_headers", False)
    waitress_serve(wsgi_app, host=host, port=int(port), **settings)
