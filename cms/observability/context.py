"""The request being served, for every log line and metric of its thread.

A :class:`contextvars.ContextVar` holds the :class:`Exchange` of the request
that the current thread serves; a log record factory copies its id to every
record made meanwhile, whichever logger makes it (cms, SQLAlchemy,
waitress), so that any format may show ``%(request_id)s``.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from pyramid.httpexceptions import HTTPNotFound

#: What an incoming ``X-Request-ID`` must look like to be taken as it is.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: ``record.request_id`` outside any request (start-up, scripts).
NO_REQUEST = "-"
#: The ``view`` label of an answer that no view made (escaped errors).
NO_VIEW = "none"


@dataclass(slots=True)
class Exchange:
    """One request and its answer, as the metrics and the access log see them."""

    request_id: str
    #: The label of the first view called (:func:`label_view`).
    view: str | None = None
    #: SQL statements that read or write rows, run while it was served.
    statements: int = 0


CURRENT: ContextVar[Exchange | None] = ContextVar("cms_exchange", default=None)


def request_id(incoming: str | None) -> str:
    """*incoming* when it is sane (so a proxy's id runs through), else a new one."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def name_view(label: str) -> None:
    """Name what answers the current request, unless a view already did."""
    exchange = CURRENT.get()
    if exchange is not None and exchange.view is None:
        exchange.view = label


def view_label(info) -> str:
    """A view's label: its route's name, or its callable's; never a URL.

    The set of labels is the set of views, so the metrics stay bounded
    whatever addresses clients ask for.
    """
    route = info.options.get("route_name")
    if route:
        # add_static_view names its routes "__" + the URL prefix.
        return "static" if route.startswith("__") else route
    context = info.options.get("context")
    if isinstance(context, type) and issubclass(context, BaseException):
        return "notfound" if issubclass(context, HTTPNotFound) else "error"
    original = info.original_view
    name = getattr(original, "__name__", type(original).__name__)
    attr = info.options.get("attr")
    return f"{name}.{attr}" if attr else name


def label_view(view, info):
    """View deriver: the first view a request calls names it for the metrics.

    An error view called after a view failed leaves that view's name: a
    500 counts against the view that failed.
    """
    label = view_label(info)

    def labelled(context, request):
        name_view(label)
        return view(context, request)

    return labelled


def _install_record_factory() -> None:
    """Give every log record ``request_id``, from :data:`CURRENT`."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "names_request", False):
        return

    def record_factory(*args, **kwargs):
        record = make_record(*args, **kwargs)
        exchange = CURRENT.get()
        record.request_id = NO_REQUEST if exchange is None else exchange.request_id
        return record

    record_factory.names_request = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(record_factory)


# At import: the ini's formatter class (cms.observability.logs) imports this
# module while pserve, alembic or a script configures logging, before any
# record is made that a format with %(request_id)s would show.
_install_record_factory()
