"""Telling the HTTP caches in front (Varnish) to drop the site after a write.

Every page shows the navigation and breadcrumbs, so a title changed or a
page retracted changes every page: the honest unit is the site, as for the
page cache in each process (:mod:`cms.page_cache`). So after each commit
that gave the site a new generation (:data:`cms.generation.BUMPED`: only
those, never before the commit, never for a transaction rolled back), each
cache in ``cms.purge_urls`` gets a ``BAN`` of everything it keeps of the
site: the host of ``cms.public_url`` (header ``X-Ban-Host``) when it is set,
else every host (a process cannot know under which names it is reached).

Writes of the console scripts (``cms-admin``) send no ban: after an import,
ban the site by hand (``varnishadm ban obj.status != 0``).

The bans leave from a thread of their own: a write never waits for a cache
nor fails with one (2 s timeout; a failure is logged as a warning naming
the cache). Commits that come while a ban is on its way share the next one.

The order is what keeps caches honest. A ban is sent after the commit: a
reader that fills the cache again between the commit and the ban already
gets the new data, and what the ban removes is at worst fetched again. An
answer made from the data *before* the commit may still be on its way to a
cache when the ban lands, and be kept after it (a ban drops only what the
cache holds); so each ban is sent a second time a moment later
(:data:`AGAIN`), and an answer whose generation changed while it was made
is not given to shared caches at all (:mod:`cms.shared_cache`).
"""

import http.client
import logging
import threading
import time
from urllib.parse import urlsplit

from sqlalchemy import event
from sqlalchemy.orm import Session

from cms.generation import BUMPED

log = logging.getLogger(__name__)

#: Where the registry keeps the process's purger, when caches are named.
PURGER = "cms.purger"
#: Seconds a cache may take to answer a ban.
TIMEOUT = 2.0
#: Seconds after which a ban is sent again, for answers then on their way.
AGAIN = 1.0
#: A ban of every host.
EVERY_HOST = ""


class Purger:
    """Bans the site in each cache after a commit, from a thread of its own."""

    def __init__(self, urls, host=EVERY_HOST, timeout=TIMEOUT, again=AGAIN):
        self.urls = tuple(urls)
        self.host = host
        self.timeout = timeout
        self.again = again
        self._wake = threading.Event()
        self._thread = None
        self._lock = threading.Lock()

    def committed(self):
        """A commit gave the site a new generation: ban it, soon, twice."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="cms-purges", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self):
        while True:
            self._wake.wait()
            self._wake.clear()
            self.ban_all()
            # Answers made before the commit that reach a cache after the
            # ban: a second ban drops them.
            time.sleep(self.again)
            self.ban_all()

    def ban_all(self):
        for url in self.urls:
            self.ban(url)

    def ban(self, url):
        """Send one ``BAN`` to the cache at *url*; True when it said 2xx."""
        parts = urlsplit(url)
        kind = (
            http.client.HTTPSConnection
            if parts.scheme == "https"
            else http.client.HTTPConnection
        )
        headers = {"X-Ban-Host": self.host} if self.host else {}
        connection = kind(parts.hostname, parts.port, timeout=self.timeout)
        try:
            connection.request("BAN", (parts.path or "") + "/", headers=headers)
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException) as error:
            log.warning("cache %s: the ban after a write failed: %s", url, error)
            return False
        finally:
            connection.close()
        if not 200 <= status < 300:
            log.warning("cache %s: the ban after a write was refused (%s)", url, status)
            return False
        return True


@event.listens_for(Session, "after_commit")
def _ban_after_commit(session):
    if not session.info.pop(BUMPED, False):
        return
    request = session.info.get("request")
    purger = None if request is None else request.registry.get(PURGER)
    if purger is not None:
        purger.committed()


def includeme(config):
    settings = config.get_settings()
    if settings["cms.purge_urls"]:
        public = urlsplit(settings["cms.public_url"]).netloc.lower()
        config.registry[PURGER] = Purger(settings["cms.purge_urls"], host=public)
