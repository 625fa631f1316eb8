"""How long a shared HTTP cache may keep an anonymous answer: ``s-maxage``.

With ``cms.shared_max_age`` above 0, an anonymous ``GET`` or ``HEAD`` of the
site (traversal views: pages, JSON, search, listings) says shared caches may
keep it that many seconds (``s-maxage``; browsers still revalidate every
time), since the application bans the site from them after every write
(:mod:`cms.purges`). Two things shorten it:

- **The next schedule moment.** What readers see changes with no write
  when an ``effective`` or ``expires`` passes: no answer is kept past the
  first such moment ahead anywhere in the site (:class:`cms.moments.NextMoment`,
  looked up once per generation in each process).
- **A write while the answer was made.** The generation is read before the
  answer is made and again after: when it changed, the answer may show the
  site before a commit whose ban is already sent, and it gets no
  ``s-maxage`` at all.

Both reads are one small query each, on a connection of their own, and only
for anonymous reads when the setting is on: behind a cache, the site sees
only the cache's misses. The generation read first is kept in the request's
environ (:data:`GENERATION`) for whoever else needs it.
"""

import logging
from datetime import datetime

from pyramid.tweens import EXCVIEW
from sqlalchemy.exc import SQLAlchemyError

from cms.flash import COOKIE_NAME as FLASH_COOKIE
from cms.generation import read_generation
from cms.models.meta import utcnow
from cms.moments import generation_connection, site_next_moment
from cms.security.sessions import COOKIE_NAME as SESSION_COOKIE

log = logging.getLogger(__name__)

#: The request's environ: the site's generation when the request began.
GENERATION = "cms.generation"
#: The request's environ: the seconds shared caches may keep the answer.
SHARED_MAX_AGE = "cms.shared_max_age"


def seconds_until(moment: datetime | None, now: datetime, limit: int) -> int:
    """*limit*, or the whole seconds left before *moment* when fewer."""
    if moment is None:
        return limit
    return max(0, min(limit, int((moment - now).total_seconds())))


def _is_anonymous_read(request):
    """GET or HEAD with no credentials, and no message waiting (as the VCL)."""
    return (
        request.method in ("GET", "HEAD")
        and "Authorization" not in request.headers
        and not any(name in request.cookies for name in (SESSION_COOKIE, FLASH_COOKIE))
    )


def shared_cache_tween_factory(handler, registry):
    limit = registry.settings["cms.shared_max_age"]
    if not limit:
        return handler
    next_moment = site_next_moment(registry)
    session_factory = registry["dbsession_factory"]

    def shared_cache_tween(request):
        if not _is_anonymous_read(request):
            return handler(request)
        started = utcnow()
        try:
            with generation_connection(session_factory) as connection:
                before = read_generation(connection)
                moment = next_moment.after(connection, before, started)
        except SQLAlchemyError:
            # The request itself will meet the database away, and say so.
            log.debug("shared cache: no generation", exc_info=True)
            return handler(request)
        request.environ[GENERATION] = before
        response = handler(request)
        try:
            with generation_connection(session_factory) as connection:
                after = read_generation(connection)
        except SQLAlchemyError:
            return response
        if before is not None and after == before:
            request.environ[SHARED_MAX_AGE] = seconds_until(moment, utcnow(), limit)
        return response

    return shared_cache_tween


def includeme(config):
    # Above the page cache's tween; its hits, answered in front of the
    # router, are given the seconds left then (cms.page_cache).
    config.add_tween(
        "cms.shared_cache.shared_cache_tween_factory",
        over=(
            "cms.page_cache.page_cache_tween_factory",
            "pyramid_tm.tm_tween_factory",
            EXCVIEW,
        ),
    )
