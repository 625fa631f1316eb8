"""What the server acknowledged: the states each node may be found in.

A write is acknowledged when the server answered it 2xx: pyramid_tm has
committed it by then, so no crash may undo it. A write whose answer never
came (the server was killed with the request in hand) may or may not have
landed: its node may be found either way.

Every write of an existing node carries ``If-Match``, so the writes that land
on a node follow one line of versions (the number in its ETag), whichever
client sent them: of the acknowledged states the one with the highest
version is the last. An unanswered write based on version *b* may have
landed after it only while no acknowledged version is above *b*. An
acknowledged delete is the end of the line.
"""

import math
import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class State:
    """Where a node is (``None``: deleted) and, for a Document, its body."""

    path: str | None
    body: str | None = None


GONE = State(None)


@dataclass
class Record:
    """One node the clients created, and what the server said of it since."""

    uid: str
    type: str
    state: State
    version: float
    #: The SHA-256 of a File's bytes.
    digest: str | None = None
    #: Every path at which the node was acknowledged.
    paths: set[str] = field(default_factory=set)
    #: Unanswered writes: (the version they were based on, the state they make).
    maybe: list[tuple[int, State]] = field(default_factory=list)

    def candidates(self):
        """The states the node may be in now: the last acknowledged, or later."""
        later = [state for base, state in self.maybe if base >= self.version]
        return [self.state, *later]

    def __str__(self):
        return f"{self.type} {self.uid}"


class Ledger:
    """The records of every client, shared: clients may write the same nodes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records = {}
        #: Acknowledged writes: creations, uploads, updates, moves, deletes.
        self.acknowledged = 0

    def created(self, uid, type_, version, state, digest=None):
        record = Record(uid, type_, state, version, digest, {state.path})
        with self._lock:
            self._records[uid] = record
            self.acknowledged += 1

    def acknowledged_write(self, uid, state, version=math.inf):
        """Note a 2xx answer: *state* at *version* (a delete: ``GONE``)."""
        with self._lock:
            record = self._records[uid]
            self.acknowledged += 1
            if state.path is not None:
                record.paths.add(state.path)
            if version > record.version:
                record.state, record.version = state, version

    def unanswered(self, uid, base, state):
        """Note a write based on version *base* that may have made *state*."""
        with self._lock:
            self._records[uid].maybe.append((base, state))

    def records(self):
        with self._lock:
            return list(self._records.values())
