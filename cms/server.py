"""The ``[server:main]`` runner: waitress on 127.0.0.1, port 6543 unless told.

``pserve INI http_port=PORT`` passes ``http_port`` as a global variable; an
ini file's own ``[DEFAULT]`` would override it (PasteDeploy never lets a
command-line variable win over the file), so the default lives here instead.
"""

from waitress import serve as waitress_serve

DEFAULT_PORT = 6543


def serve(wsgi_app, global_conf, host="127.0.0.1", port=None, **settings):
    """Serve *wsgi_app* with waitress (``paste.server_runner``)."""
    port = global_conf.get("http_port") or port or DEFAULT_PORT
    waitress_serve(wsgi_app, host=host, port=int(port), **settings)
