"""Progress of a long command, on stderr."""

import sys
import time


class Progress:
    """A counter on stderr: one line rewritten on a terminal, every 10 % otherwise."""

    def __init__(self, total, label):
        self.total, self.label, self.done = total, label, 0
        self.tty = sys.stderr.isatty()
        self.last_tenth = 0
        self.started = time.perf_counter()

    def step(self, count=1):
        self.done += count
        if self.tty:
            if self.done % 100 == 0 or self.done == self.total:
                self._write("\r")
        else:
            tenth = self.done * 10 // self.total
            if tenth != self.last_tenth:
                self.last_tenth = tenth
                self._write("")
                sys.stderr.write("\n")

    def _write(self, prefix):
        percent = 100 * self.done / self.total
        elapsed = time.perf_counter() - self.started
        sys.stderr.write(
            f"{prefix}{self.label}: {self.done:,}/{self.total:,} ({percent:5.1f} %) "
            f"{elapsed:6.1f} s"
        )
        sys.stderr.flush()

    def finish(self):
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()
