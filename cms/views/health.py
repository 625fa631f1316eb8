"""``/healthz`` (the process answers) and ``/readyz`` (so do the database and blobs).

``/readyz`` names each dependency, ``"ok"`` or ``"unreachable"``, so that an
operator sees which one is down: the database, or the blob store (its
folder, or the object store's bucket).
"""

import logging

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy.exc import SQLAlchemyError

from cms.outage import database_unreachable, log_unreachable
from cms.storage import BlobStoreUnavailable

log = logging.getLogger(__name__)

#: What asks the database to read its own storage. SQLite answers
#: ``SELECT 1`` without reading the file, even while another program holds
#: it locked; its schema version is read from the file.
PROBES = {"sqlite": "PRAGMA schema_version"}


@view_config(route_name="healthz", renderer="json", permission=NO_PERMISSION_REQUIRED)
def healthz(request):
    return {"status": "ok"}


@view_config(route_name="readyz", renderer="json", permission=NO_PERMISSION_REQUIRED)
def readyz(request):
    answer = {"database": _database(request), "blobs": _blobs(request)}
    ready = all(state == "ok" for state in answer.values())
    if not ready:
        request.response.status = 503
    return {"status": "ok" if ready else "unavailable", **answer}


def _database(request):
    engine = request.registry["dbengine"]
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(PROBES.get(engine.dialect.name, "SELECT 1"))
    except SQLAlchemyError as error:
        if database_unreachable(error):
            log_unreachable(request, error)
        else:
            log.exception("readiness check: the database does not answer")
        return "unreachable"
    return "ok"


def _blobs(request):
    try:
        request.registry["blobstore"].check()
    except BlobStoreUnavailable as error:
        log.warning("readiness check: the blob store does not answer: %s", error)
        return "unreachable"
    return "ok"


def includeme(config):
    config.add_route("healthz", "/healthz")
    config.add_route("readyz", "/readyz")
