"""``GET /metrics``: the application's metrics in Prometheus's text format.

Answered only to the addresses in ``cms.metrics_allow`` (this machine by
default; ``request.client_addr``, so behind ``cms.trusted_proxies`` the
client's, not the proxy's); anyone else gets the 404 of any missing page,
which says nothing of the metrics being there.
"""

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from cms.observability.metrics import METRICS
from cms.security.addresses import is_within


@view_config(
    route_name="metrics",
    request_method=("GET", "HEAD"),
    permission=NO_PERMISSION_REQUIRED,
)
def metrics(request):
    allowed = request.registry.settings["cms.metrics_allow"]
    if not is_within(request.client_addr, allowed):
        raise HTTPNotFound()
    response = Response(body=generate_latest(request.registry[METRICS].registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response


def includeme(config):
    # A route, as /healthz: "metrics" is reserved at the root.
    config.add_route("metrics", "/metrics")
