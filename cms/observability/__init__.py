"""Observability: request ids, log lines that name them, an access log, metrics.

:func:`observed` wraps the Pyramid application (:mod:`cms.observability.wsgi`):
it sees every answer, even one whose error escaped Pyramid, where a tween
would miss the answers that :mod:`pyramid_retry` makes outside the tweens
and the headers that ``NewResponse`` subscribers add after them. Inside,
a view deriver names the view that answers, for the metrics' ``view`` label.
"""

from pyramid.viewderivers import INGRESS

from cms.observability.context import label_view
from cms.observability.logs import install_log_format
from cms.observability.metrics import METRICS, Metrics
from cms.observability.wsgi import ObservedApp


def observed(app):
    """*app* (the Pyramid router) with request ids, access log and metrics."""
    return ObservedApp(app, app.registry)


def includeme(config):
    settings = config.get_settings()
    install_log_format(settings["cms.log_format"])
    metrics = config.registry[METRICS] = Metrics(config.registry)
    metrics.count_statements(config.registry["dbengine"])
    # Above the permission check: a refused request counts as its view's.
    config.add_view_deriver(label_view, under=INGRESS, over="secured_view")
