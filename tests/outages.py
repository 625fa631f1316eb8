"""Database outages a test can start and end, on the database of its run.

On PostgreSQL the site talks to the server through a TCP forwarder that the
test cuts: what the site sees when the server stops (every open connection
breaks at once, new ones are refused because nothing listens on the port),
while the server itself, which other tests share, goes on running. On
SQLite another connection holds the database locked.
"""

import socket
import sqlite3
import struct
import threading

from sqlalchemy.engine import make_url

#: How often the listening thread looks whether it should stop, in seconds.
POLL = 0.05


class Forwarder:
    """Forward 127.0.0.1:``port`` to ``(host, port)`` of the real server."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.port = 0
        self._lock = threading.Lock()
        self._sockets = set()
        self._listener = None
        self._thread = None
        self._listen()

    def _listen(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The port is taken again on restore, while the old connections on
        # it may still be in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(POLL)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(
            target=self._accept, args=(listener,), daemon=True
        )
        self._thread.start()

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, target), daemon=True
                ).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            self._drop(sock)

    def _drop(self, sock):
        with self._lock:
            self._sockets.discard(sock)
        _reset(sock)

    def cut(self):
        """Break every connection and refuse new ones, as a stopped server does."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
            self._thread.join()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _reset(sock)

    def restore(self):
        """Accept connections again: the server is back."""
        if self._listener is None:
            self._listen()

    def close(self):
        self.cut()


def _reset(sock):
    """Close *sock* at once (RST), waking a thread blocked reading it."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class ServerOutage:
    """PostgreSQL stopping and starting again, seen from the site.

    The site connects to :attr:`url`, through a :class:`Forwarder` to the
    real server: :meth:`cut` is the server stopping (open connections
    break, new ones are refused), :meth:`restore` it starting again.
    """

    def __init__(self, url):
        real = make_url(url)
        self.forwarder = Forwarder(real.host or "127.0.0.1", real.port or 5432)
        self.url = real.set(host="127.0.0.1", port=self.forwarder.port)
        self.url = self.url.render_as_string(hide_password=False)

    def cut(self):
        self.forwarder.cut()

    def cut_at_commit(self):
        """Stop the server while a request is about to commit."""
        self.forwarder.cut()

    def restore(self):
        self.forwarder.restore()

    def close(self):
        self.forwarder.close()


class LockOutage:
    """A SQLite database that another program holds locked.

    :meth:`cut` takes the database's exclusive lock on a connection of its
    own, as a long maintenance job or a ``sqlite3`` shell left in a
    transaction does: every reader and writer of the site waits its busy
    timeout and gives up with "database is locked". At commit time the site
    holds the write lock already; there :meth:`cut_at_commit` takes a read
    lock, which keeps the commit from taking the exclusive lock it needs.
    Readers are shut out by the exclusive lock in rollback-journal mode only,
    so the site must run in it (see :data:`ROLLBACK_JOURNAL_PRAGMAS`).
    """

    def __init__(self, url):
        self.url = url
        self.path = make_url(url).database
        self._holder = None

    def _hold(self, *statements):
        self.restore()
        holder = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        for statement in statements:
            holder.execute(statement).fetchall()
        self._holder = holder

    def cut(self):
        self._hold("BEGIN EXCLUSIVE")

    def cut_at_commit(self):
        self._hold("BEGIN", "SELECT count(*) FROM nodes")

    def restore(self):
        holder, self._holder = self._holder, None
        if holder is not None:
            holder.rollback()
            holder.close()

    def close(self):
        self.restore()


#: SQLite's settings for a site that a :class:`LockOutage` can stop: its
#: usual ones, but in rollback-journal mode (in WAL mode, readers go on
#: reading whatever lock another program holds) and with a short busy
#: timeout, so that each request gives up in a tenth of a second.
ROLLBACK_JOURNAL_PRAGMAS = (
    "PRAGMA journal_mode=DELETE",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=100",
    "PRAGMA synchronous=NORMAL",
)


def outage_for(url):
    """Return the outage of the database at *url*: its server's, or its file's."""
    if make_url(url).get_backend_name() == "sqlite":
        return LockOutage(url)
    return ServerOutage(url)
