"""Counts and timings of the requests a run made."""

from collections import Counter


class Tally:
    """What one thread's requests met; tallies add up with ``+=``."""

    def __init__(self):
        #: Requests the server answered, whatever the status.
        self.requests = 0
        #: Requests refused at connect: the server was down.
        self.refused = 0
        #: Requests sent but never answered: cut by a kill.
        self.unanswered = 0
        #: 5xx answers by the kind of request and status.
        self.server_errors = Counter()
        #: 4xx answers likewise: refusals (412 for a stale If-Match…).
        self.refusals = Counter()
        #: Seconds each answered request took.
        self.seconds = []

    def answered(self, kind, response):
        self.requests += 1
        self.seconds.append(response.seconds)
        if response.status >= 500:
            self.server_errors[f"{kind} {response.status}"] += 1
        elif response.status >= 400:
            self.refusals[f"{kind} {response.status}"] += 1

    def __iadd__(self, other):
        self.requests += other.requests
        self.refused += other.refused
        self.unanswered += other.unanswered
        self.server_errors += other.server_errors
        self.refusals += other.refusals
        self.seconds += other.seconds
        return self

    def percentile(self, share):
        """The time below which *share* (0 to 1) of the answers came, in ms."""
        if not self.seconds:
            return 0.0
        ordered = sorted(self.seconds)
        index = min(len(ordered) - 1, int(share * len(ordered)))
        return ordered[index] * 1000
