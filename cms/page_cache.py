"""The anonymous page cache: answers kept in the process, honest across processes.

A tween above the transaction keeps what anonymous readers get for a node's
page or JSON (and the 404 of a missing page), by URL (scheme, host, path and
query) and representation (HTML or JSON, as :func:`cms.responses.wants_json`
decides), at most ``cms.page_cache_size`` entries, the least recently used
dropped first. Only ``GET`` and ``HEAD`` without credentials of any kind are
served from it (no ``Authorization`` header, no cookie of the site), and only
answers that set no cookie and say nothing against it (``private``,
``no-store``) are kept.

An entry is served while both hold:

- **The generation is unchanged.** Every write gives the site a new
  generation in its own transaction (:mod:`cms.generation`); each request
  reads it first with one small query of its own, so an entry kept by this
  process is never served after a write committed by any process.
  It is read before the page is made: a page made from newer data than its
  generation is only kept under a generation that is already gone.
- **No schedule moment has passed since it was made.** What readers see
  changes with no write when a node's ``effective`` or ``expires`` passes.
  So each generation comes with the first such moment still ahead anywhere
  in the site (two index look-ups, once per generation in each process), and
  every entry made at that generation ends then. Coarse (any moment ends
  every entry) but simple and exact: no entry can outlive a moment of
  something it shows, whatever it shows.

A hit answers without a transaction, a lineage or a template: the stored
status, headers and body, or a 304 when ``If-None-Match`` names the stored
ETag. The headers every answer gets (``Vary``, ``Cache-Control``, the CSP,
CORS) are added after the tweens, so they are the uncached answer's.
"""

import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from pyramid.httpexceptions import HTTPNotModified
from pyramid.response import Response
from pyramid.tweens import EXCVIEW
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from cms.conditional import tags
from cms.flash import COOKIE_NAME as FLASH_COOKIE
from cms.generation import next_boundary, read_generation
from cms.models import Node
from cms.models.meta import utcnow
from cms.observability.metrics import METRICS
from cms.responses import wants_json
from cms.security.addresses import forwarded_scheme
from cms.security.sessions import COOKIE_NAME as SESSION_COOKIE

log = logging.getLogger(__name__)

#: Where the process's cache is kept (``registry[PAGE_CACHE]``).
PAGE_CACHE = "cms.page_cache"
#: The cookies that make a request someone's, or about to be.
SITE_COOKIES = (SESSION_COOKIE, FLASH_COOKIE)
#: What ``Cache-Control`` may say for an answer to be kept.
FORBIDDING = ("private", "no-store")


@dataclass(frozen=True)
class Entry:
    generation: int
    #: When it stops being served: the next schedule moment, or never.
    ends: datetime | None
    status: str
    headerlist: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None

    def answer(self, request):
        if self.etag and _names(request.headers.get("If-None-Match"), self.etag):
            # As cms.conditional.answer_if_current says it, uncached.
            return HTTPNotModified(headers={"ETag": self.etag, "Vary": "Accept"})
        return Response(
            status=self.status, headerlist=list(self.headerlist), body=self.body
        )


def _names(if_none_match, etag):
    if not if_none_match:
        return False
    return if_none_match.strip() == "*" or etag in tags(if_none_match, weak_ok=True)


class PageCache:
    """Entries by key, least recently used dropped first; safe across threads."""

    def __init__(self, size):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        #: ``(generation, since, moment)``: no schedule moment of the site at
        #: that generation falls after *since* and before *moment*.
        self._schedule = None

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._schedule = None

    def get(self, key, generation, now):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != generation or (
                entry.ends is not None and now >= entry.ends
            ):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def schedule_end(self, connection, generation, now):
        """The first schedule moment after *now* at *generation*, or ``None``."""
        known = self._schedule
        if known is not None:
            known_generation, since, moment = known
            if (
                known_generation == generation
                and since <= now
                and (moment is None or now < moment)
            ):
                return moment
        moment = next_boundary(connection, now)
        self._schedule = (generation, now, moment)
        return moment


def is_anonymous_read(request):
    """Whether the cache may answer: GET or HEAD with no credentials or cookie."""
    return (
        request.method in ("GET", "HEAD")
        and "Authorization" not in request.headers
        and not any(name in request.cookies for name in SITE_COOKIES)
        # Tests that hand in a session of their own go around the cache.
        and "app.dbsession" not in request.environ
    )


def cache_key(request):
    scheme = forwarded_scheme(request) or request.scheme
    representation = "json" if wants_json(request) else "html"
    return (scheme, request.host, request.path_qs, representation)


def is_kept(request, response):
    """Whether *response* is a node's page or JSON, or a 404, fit to keep."""
    if request.method != "GET" or response.status_int not in (200, 404):
        return False
    if not isinstance(getattr(request, "context", None), Node):
        return False
    if response.status_int == 200 and request.view_name != "":
        return False
    if response.status_int == 404 and "@@" in request.path_info:
        return False
    if request.__dict__.get("response_callbacks"):
        return False  # something will still change it
    headers = response.headers
    if "Set-Cookie" in headers:
        return False
    cache_control = headers.get("Cache-Control", "").lower()
    if any(word in cache_control for word in FORBIDDING):
        return False
    return isinstance(response.app_iter, list)


@contextmanager
def _connection(session_factory):
    """A connection of the sessions' engine, for the generation alone.

    A connection of its own, not the request's session: a hit never begins
    the request's transaction, and a bare connection reads in a third less
    time than a session would. The tests' sessions are bound to the
    connection that holds their transaction: that one is read.
    """
    bind = session_factory.kw.get("bind")
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as connection:
        yield connection


def page_cache_tween_factory(handler, registry):
    settings = registry.settings
    if not settings["cms.page_cache"]:
        return handler
    cache = registry[PAGE_CACHE] = PageCache(settings["cms.page_cache_size"])

    def page_cache_tween(request):
        if not is_anonymous_read(request):
            return handler(request)
        started = utcnow()
        try:
            with _connection(registry["dbsession_factory"]) as connection:
                generation = read_generation(connection)
                ends = None
                if generation is not None:
                    ends = cache.schedule_end(connection, generation, started)
        except SQLAlchemyError:
            # The request itself will meet the database away, and say so.
            log.debug("page cache: no generation", exc_info=True)
            return handler(request)
        if generation is None:
            return handler(request)
        key = cache_key(request)
        entry = cache.get(key, generation, started)
        if entry is not None:
            registry[METRICS].page_cache_hit()
            return entry.answer(request)
        registry[METRICS].page_cache_miss()
        response = handler(request)
        if is_kept(request, response) and (ends is None or utcnow() < ends):
            cache.put(
                key,
                Entry(
                    generation=generation,
                    ends=ends,
                    status=response.status,
                    headerlist=tuple(response.headerlist),
                    body=response.body,
                    etag=response.headers.get("ETag"),
                ),
            )
        return response

    return page_cache_tween


def includeme(config):
    # Above the transaction and the exception views: a hit opens neither,
    # and a 404 is kept as the exception views made it.
    config.add_tween(
        "cms.page_cache.page_cache_tween_factory",
        over=("pyramid_tm.tm_tween_factory", EXCVIEW),
    )
