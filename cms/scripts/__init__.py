"""Console scripts: one module per operator task."""

from contextlib import contextmanager

from pyramid.paster import bootstrap, setup_logging


@contextmanager
def open_site(config_uri):
    """Yield the bootstrap environment of the site *config_uri* describes.

    The request in it has ``tm`` and ``dbsession``; the engine's connections
    are closed on the way out.
    """
    setup_logging(config_uri)
    with bootstrap(config_uri) as env:
        try:
            yield env
        finally:
            env["registry"]["dbengine"].dispose()
