"""The WSGI layer around Pyramid: request ids, the access log, request metrics.

Around the whole application, not a tween: pyramid_retry makes an answer
outside the tweens when an error escapes them, ``NewResponse`` subscribers
add headers after them, and an error that escapes Pyramid altogether would
get the server's bare 500. Here every answer gets ``X-Request-ID``, exactly
one access line and one count, however many attempts made it.
"""

import logging
import sys
import time
from urllib.parse import quote

from cms.observability.context import CURRENT, NO_VIEW, Exchange, request_id
from cms.observability.metrics import METRICS
from cms.security.addresses import client_address

log = logging.getLogger(__name__)
access_log = logging.getLogger("cms.access")

HEADER = "X-Request-ID"
#: Kept as they are in a logged path: whatever else is percent-encoded, so
#: a line never holds a control character a client sent.
PATH_SAFE = "/:@!$&'()*+,;=-._~%?"
FAILURE_STATUS = "500 Internal Server Error"
FAILURE_BODY = b"Internal Server Error\n"


class ObservedApp:
    """The Pyramid router, observed; its other attributes (``registry``) shown."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self.metrics = registry[METRICS]

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        exchange = Exchange(request_id(environ.get("HTTP_X_REQUEST_ID")))
        token = CURRENT.set(exchange)
        answer = Answer()

        def start(status, headers, exc_info=None):
            answer.status = status
            answer.headers = headers
            return start_response(
                status, [*headers, (HEADER, exchange.request_id)], exc_info
            )

        try:
            body = self.app(environ, start)
        except Exception:
            log.exception("unexpected error on %s", _request_line(environ))
            body = [FAILURE_BODY]
            headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(FAILURE_BODY))),
            ]
            start(FAILURE_STATUS, headers, sys.exc_info())
        except BaseException:
            CURRENT.reset(token)
            raise
        if isinstance(body, list | tuple) or _is_file(body, environ):
            # Kept whole, or sent by the server from a file: done now.
            self._finish(environ, exchange, answer, body, started)
            CURRENT.reset(token)
            return body
        return Streamed(
            body, lambda: self._finish(environ, exchange, answer, None, started)
        )

    def _finish(self, environ, exchange, answer, body, started):
        """Write the access line and count the request, the exchange still current."""
        seconds = time.perf_counter() - started
        status = answer.status_code()
        view = exchange.view or NO_VIEW
        self.metrics.observe(
            view, environ["REQUEST_METHOD"], status, seconds, exchange.statements
        )
        if access_log.isEnabledFor(logging.INFO):
            self._log(environ, view, status, answer.size(body), seconds)

    def _log(self, environ, view, status, size, seconds):
        """The access line: client, request line, status, bytes, milliseconds."""
        client = client_address(
            environ.get("REMOTE_ADDR"),
            environ.get("HTTP_X_FORWARDED_FOR"),
            self.registry.settings["cms.trusted_proxies"],
        )
        method, path = environ["REQUEST_METHOD"], _path(environ)
        access_log.info(
            '%s "%s %s" %s %s %.1fms',
            client,
            method,
            path,
            status,
            "-" if size is None else size,
            seconds * 1000,
            extra={
                "access": {
                    "client": client,
                    "method": method,
                    "path": path,
                    "status": status,
                    "bytes": size,
                    "duration_ms": round(seconds * 1000, 3),
                    "view": view,
                }
            },
        )


class Answer:
    """What the application started its answer with."""

    __slots__ = ("headers", "status")

    def __init__(self):
        self.status: str = FAILURE_STATUS
        self.headers: list[tuple[str, str]] = []

    def status_code(self):
        return int(self.status[:3])

    def size(self, body):
        """Bytes of the body: its ``Content-Length``, else counted, else ``None``."""
        for name, value in self.headers:
            if name.lower() == "content-length":
                return int(value) if value.isdigit() else None
        if body is not None and isinstance(body, list | tuple):
            return sum(len(chunk) for chunk in body)
        return None


class Streamed:
    """A body made while it is sent: the request ends when the server closes it."""

    def __init__(self, body, finish):
        self.body = body
        self.finish = finish

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.finish()
            CURRENT.set(None)


def _is_file(body, environ):
    file_wrapper = environ.get("wsgi.file_wrapper")
    return isinstance(file_wrapper, type) and isinstance(body, file_wrapper)


def _path(environ):
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode(
        "latin-1", "replace"
    )
    query = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    text = quote(path, safe=PATH_SAFE)
    return f"{text}?{quote(query, safe=PATH_SAFE)}" if query else text


def _request_line(environ):
    return f"{environ['REQUEST_METHOD']} {_path(environ)}"
