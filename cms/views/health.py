"""``/healthz`` (the process answers) and ``/readyz`` (so does the database)."""

import logging

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


@view_config(route_name="healthz", renderer="json", permission=NO_PERMISSION_REQUIRED)
def healthz(request):
    return {"status": "ok"}


@view_config(route_name="readyz", renderer="json", permission=NO_PERMISSION_REQUIRED)
def readyz(request):
    try:
        with request.registry["dbengine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("readiness check: the database does not answer")
        request.response.status = 503
        return {"status": "unavailable", "database": "unreachable"}
    return {"status": "ok", "database": "ok"}


def includeme(config):
    config.add_route("healthz", "/healthz")
    config.add_route("readyz", "/readyz")
