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

A hit is answered in front of Pyramid's router (:class:`PageCacheApp`, the
WSGI application ``main`` returns): no request object, no transaction, no
lineage and no template; the generation is read on a pooled connection of
the database driver itself. It answers the stored status, headers and body,
all the headers the router added included, or a 304 when ``If-None-Match``
names the stored ETag. Which answers are kept is still decided inside the
router, where the node and the view are known (:func:`page_cache_tween`).
Headers that depend on the request besides its URL and representation
(CORS, by ``Origin``) are kept apart by putting ``Origin`` in the key.
"""

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from pyramid.request import Request
from pyramid.tweens import EXCVIEW
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from cms.conditional import tags
from cms.flash import COOKIE_NAME as FLASH_COOKIE
from cms.generation import GENERATION_QUERY, read_generation
from cms.models import Node
from cms.models.meta import utcnow
from cms.moments import NextMoment, generation_connection, site_next_moment
from cms.observability.metrics import METRICS
from cms.responses import wants_json
from cms.security.addresses import environ_forwarded_scheme
from cms.security.sessions import COOKIE_NAME as SESSION_COOKIE
from cms.shared_cache import seconds_until

log = logging.getLogger(__name__)

#: Where the process's cache is kept (``registry[PAGE_CACHE]``).
PAGE_CACHE = "cms.page_cache"
#: The cookies that make a request someone's, or about to be.
SITE_COOKIES = (SESSION_COOKIE, FLASH_COOKIE)
#: What ``Cache-Control`` may say for an answer to be kept.
FORBIDDING = ("private", "no-store")
#: The lifetime a shared cache is given, in a ``Cache-Control`` header.
SHARED = re.compile(r"s-maxage=\d+")
#: Marks in the environ: the cache may keep this answer; the router says it
#: is fit to keep.
CANDIDATE = "cms.page_cache.candidate"
KEEP = "cms.page_cache.keep"
#: The headers a 304 repeats from the answer it stands for (RFC 9110 15.4.5,
#: and what every answer of the site carries); entity headers are left out.
NOT_MODIFIED_HEADERS = frozenset(
    {
        "cache-control",
        "content-location",
        "content-security-policy",
        "etag",
        "expires",
        "referrer-policy",
        "vary",
        "x-content-type-options",
    }
)


@dataclass(frozen=True)
class Entry:
    generation: int
    #: When it stops being served: the next schedule moment, or never.
    ends: datetime | None
    status: str
    headerlist: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    not_modified: tuple[tuple[str, str], ...] = field(init=False)

    def __post_init__(self):
        kept = tuple(
            (name, value)
            for name, value in self.headerlist
            if name.lower() in NOT_MODIFIED_HEADERS
            or name.lower().startswith("access-control-")
        )
        object.__setattr__(self, "not_modified", kept)

    def serve(self, environ, start_response, shared_limit, now):
        """Answer from the entry: the page, its headers alone, or a 304.

        A shared cache is told the seconds left now (``s-maxage``, when the
        answer said any: :mod:`cms.shared_cache`), not those left when the
        entry was made.
        """
        not_modified = self.etag and _names(
            environ.get("HTTP_IF_NONE_MATCH"), self.etag
        )
        headerlist = list(self.not_modified if not_modified else self.headerlist)
        if shared_limit:
            seconds = seconds_until(self.ends, now, shared_limit)
            headerlist = [
                (name, SHARED.sub(f"s-maxage={seconds}", value))
                if name == "Cache-Control"
                else (name, value)
                for name, value in headerlist
            ]
        if not_modified:
            start_response("304 Not Modified", headerlist)
            return []
        start_response(self.status, headerlist)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [self.body]


def _names(if_none_match, etag):
    if not if_none_match:
        return False
    return if_none_match.strip() == "*" or etag in tags(if_none_match, weak_ok=True)


class PageCache:
    """Entries by key, least recently used dropped first; safe across threads."""

    def __init__(self, size, next_moment=None):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        #: The site's next schedule moment, which ends every entry.
        self.next_moment = next_moment or NextMoment()

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
        self.next_moment.clear()

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


def is_anonymous_read(environ):
    """Whether the cache may answer: GET or HEAD with no credentials or cookie."""
    cookies = environ.get("HTTP_COOKIE", "")
    return (
        environ["REQUEST_METHOD"] in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in environ
        # Any mention of the site's cookies: someone's request, or about to be.
        and not (cookies and any(name in cookies for name in SITE_COOKIES))
        # Tests that hand in a session of their own go around the cache.
        and "app.dbsession" not in environ
    )


class Representations:
    """HTML or JSON, as :func:`cms.responses.wants_json` decides, by the few
    things it reads; remembered, since browsers send a handful of ``Accept``
    headers."""

    SIZE = 256

    def __init__(self):
        self._known = {}

    def __call__(self, environ):
        key = (
            environ.get("PATH_INFO", "").startswith("/++api++"),
            environ.get("HTTP_ACCEPT", ""),
            environ.get("CONTENT_TYPE", ""),
        )
        known = self._known.get(key)
        if known is None:
            probe = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": environ.get("PATH_INFO", ""),
                "HTTP_ACCEPT": key[1],
                "CONTENT_TYPE": key[2],
            }
            known = "json" if wants_json(Request(probe)) else "html"
            if len(self._known) >= self.SIZE:
                self._known.clear()
            self._known[key] = known
        return known


def cache_key(environ, networks, representation):
    """URL (scheme, host, path, query), representation and ``Origin``."""
    scheme = environ_forwarded_scheme(environ, networks) or environ["wsgi.url_scheme"]
    host = environ.get("HTTP_HOST") or (
        f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    )
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return (
        scheme,
        host,
        path,
        environ.get("QUERY_STRING", ""),
        representation(environ),
        environ.get("HTTP_ORIGIN"),
    )


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


class PageCacheApp:
    """The WSGI application in front of the router, when the cache is on."""

    def __init__(self, router, registry):
        self.router = router
        self.registry = registry
        self.cache = registry[PAGE_CACHE]
        self.representation = Representations()
        self.shared_limit = registry.settings["cms.shared_max_age"]
        engine = registry["dbengine"]
        self.generation_sql = str(
            GENERATION_QUERY.compile(engine, compile_kwargs={"literal_binds": True})
        )
        self.driver_error = engine.dialect.loaded_dbapi.Error

    def __call__(self, environ, start_response):
        if not is_anonymous_read(environ):
            return self.router(environ, start_response)
        now = utcnow()
        try:
            generation, ends = self.site_state(now)
        except (SQLAlchemyError, self.driver_error):
            # The request itself will meet the database away, and say so.
            log.debug("page cache: no generation", exc_info=True)
            return self.router(environ, start_response)
        if generation is None:
            return self.router(environ, start_response)
        key = cache_key(
            environ, self.registry.settings["cms.trusted_proxies"], self.representation
        )
        entry = self.cache.get(key, generation, now)
        metrics = self.registry[METRICS]
        if entry is not None:
            metrics.page_cache_hit()
            return entry.serve(environ, start_response, self.shared_limit, now)
        metrics.page_cache_miss()
        return self.make_and_keep(environ, start_response, key, generation, ends)

    def make_and_keep(self, environ, start_response, key, generation, ends):
        """The router's answer, kept when it is fit to keep."""
        answered: list = []

        def note(status, headerlist, exc_info=None):
            answered[:] = [status, headerlist]
            return start_response(status, headerlist, exc_info)

        environ[CANDIDATE] = True
        body = self.router(environ, note)
        if (
            environ.get(KEEP)
            and answered
            and isinstance(body, list)
            and not any(name.lower() == "set-cookie" for name, _ in answered[1])
            and (ends is None or utcnow() < ends)
        ):
            status, headerlist = answered
            etag = next((v for n, v in headerlist if n.lower() == "etag"), None)
            entry = Entry(
                generation=generation,
                ends=ends,
                status=status,
                headerlist=tuple(headerlist),
                body=b"".join(body),
                etag=etag,
            )
            self.cache.put(key, entry)
        return body

    def site_state(self, now):
        """The generation, and the schedule moment that ends its entries."""
        factory = self.registry["dbsession_factory"]
        bind = factory.kw.get("bind")
        if isinstance(bind, Connection):
            # The tests' sessions share the connection of their transaction.
            generation = read_generation(bind)
        else:
            generation = self._read_generation_raw(bind)
        if generation is None:
            return None, None
        known, moment = self.cache.next_moment.known(generation, now)
        if not known:
            with generation_connection(factory) as connection:
                moment = self.cache.next_moment.after(connection, generation, now)
        return generation, moment

    def _read_generation_raw(self, engine):
        """The generation, read on a pooled connection of the driver itself:
        a fifth of the time of SQLAlchemy's connection around it."""
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(self.generation_sql)
                row = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool, rolled back
        return None if row is None else row[0]


def serving(router):
    """The site's WSGI application: *router*, with the cache in front if on."""
    registry = router.registry
    if PAGE_CACHE not in registry:
        return router
    return PageCacheApp(router, registry)


def page_cache_tween_factory(handler, registry):
    settings = registry.settings
    if not settings["cms.page_cache"]:
        return handler
    registry[PAGE_CACHE] = PageCache(
        settings["cms.page_cache_size"], site_next_moment(registry)
    )

    def page_cache_tween(request):
        """Say whether the answer is fit to keep, where node and view are known."""
        response = handler(request)
        environ = request.environ
        if environ.get(CANDIDATE) and is_kept(request, response):
            environ[KEEP] = True
        return response

    return page_cache_tween


def includeme(config):
    # Above the transaction and the exception views: a 404 is judged as the
    # exception views made it.
    config.add_tween(
        "cms.page_cache.page_cache_tween_factory",
        over=("pyramid_tm.tm_tween_factory", EXCVIEW),
    )
