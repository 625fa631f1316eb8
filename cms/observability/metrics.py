"""Prometheus metrics of one application, in a registry of its own.

Each :class:`Metrics` has its own :class:`~prometheus_client.CollectorRegistry`
(never the process-wide default: a process may build several applications,
as the tests do). It is kept in ``registry["cms.metrics"]``; the page cache
counts its hits and misses through it, and :mod:`cms.observability.wsgi`
records each request. What costs a query (the open sessions) is read only
when the metrics are asked for.
"""

import logging
import re

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError

from cms.models import LoginSession
from cms.models.meta import utcnow
from cms.observability.context import CURRENT, name_view

log = logging.getLogger(__name__)

#: Where the application's metrics are kept (``registry[METRICS]``).
METRICS = "cms.metrics"
#: Statements that read or write rows; BEGIN, SAVEPOINT and the like do not count.
COUNTED_STATEMENT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)
#: Methods counted by name; any other is "other", so that the labels stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: The ``view`` label of a page cache hit: no view made it.
PAGE_CACHE_VIEW = "page_cache"
STATEMENT_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144)


class Metrics:
    """The application's metrics, and the calls that move them."""

    def __init__(self, registry):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "cms_requests",
            "Requests answered, by view, method and status.",
            ["view", "method", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "cms_request_duration_seconds",
            "Time from a request's arrival to its answer, by view.",
            ["view"],
            registry=self.registry,
        )
        self.statements = Histogram(
            "cms_request_sql_statements",
            "SQL statements that read or write rows, per request, by view.",
            ["view"],
            buckets=STATEMENT_BUCKETS,
            registry=self.registry,
        )
        self.page_cache_hits = Counter(
            "cms_page_cache_hits",
            "Anonymous answers served from the page cache.",
            registry=self.registry,
        )
        self.page_cache_misses = Counter(
            "cms_page_cache_misses",
            "Anonymous requests the page cache could not answer.",
            registry=self.registry,
        )
        self.registry.register(OpenSessions(registry))
        self._children = {}

    def page_cache_hit(self):
        self.page_cache_hits.inc()
        name_view(PAGE_CACHE_VIEW)

    def page_cache_miss(self):
        self.page_cache_misses.inc()

    def observe(self, view, method, status, seconds, statements):
        """Record one answered request."""
        method = method if method in METHODS else "other"
        key = (view, method, status)
        # Looked up once per set of labels: labels() takes a lock and
        # checks each value, a few microseconds a call.
        children = self._children.get(key)
        if children is None:
            children = self._children.setdefault(
                key,
                (
                    self.requests.labels(view, method, str(status)),
                    self.duration.labels(view),
                    self.statements.labels(view),
                ),
            )
        requests, duration, statements_run = children
        requests.inc()
        duration.observe(seconds)
        statements_run.observe(statements)

    def count_statements(self, engine):
        """Count the statements *engine* runs for the request being served."""
        event.listen(engine, "before_cursor_execute", _count_statement)


def _count_statement(conn, cursor, statement, parameters, context, executemany):
    exchange = CURRENT.get()
    if exchange is not None and COUNTED_STATEMENT.match(statement):
        exchange.statements += 1


class OpenSessions:
    """``cms_open_sessions``: unexpired browser sessions, counted when scraped."""

    def __init__(self, registry):
        self.registry = registry

    def describe(self):
        # Registering must not query the database.
        return [self._family()]

    def collect(self):
        try:
            with self.registry["dbsession_factory"]() as session:
                count = session.scalar(
                    select(func.count())
                    .select_from(LoginSession)
                    .where(LoginSession.expires > utcnow())
                )
        except SQLAlchemyError:
            log.warning("metrics: open sessions not counted", exc_info=True)
            return
        family = self._family()
        family.add_metric([], count)
        yield family

    @staticmethod
    def _family():
        return GaugeMetricFamily(
            "cms_open_sessions", "Browser sessions that have not expired."
        )
