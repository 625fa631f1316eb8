"""Servers that ``bench.compare`` (and ``bench.scaleout``) start, and the ini
file cms is served with.

Every server is a child process kept by its PID and stopped by it (TERM,
then KILL after 5 s): nothing else is ever signalled.
"""

import http.client
import re
import socket
import subprocess
import sys
import time
import urllib.parse

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]")


def override_ini(text, settings, section="app:main"):
    """Return the ini *text* with *settings* set in *section* (pure).

    A key already there has its line replaced (an ini file may not name a
    key twice); the others are added at the end of the section. The rest of
    the file, the server's and the logging's sections, stays as it is, so
    that the copy serves exactly as the original does but for *settings*.
    """
    pending = dict(settings)
    out, current = [], None

    def flush():
        if current == section and pending:
            while out and not out[-1].strip():
                out.pop()
            out.extend(f"{key} = {value}" for key, value in pending.items())
            out.append("")
            pending.clear()

    for line in text.splitlines():
        header = _SECTION.match(line)
        if header:
            flush()
            current = header.group(1).strip()
        elif current == section:
            key = _KEY.match(line)
            if key and key.group(1) in pending:
                line = f"{key.group(1)} = {pending.pop(key.group(1))}"
        out.append(line)
    flush()
    if pending:  # the file had no such section
        out += ["", f"[{section}]"] + [f"{k} = {v}" for k, v in pending.items()]
    return "\n".join(out) + "\n"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(base, path, headers=None, method="GET", body=None, timeout=10):
    """One HTTP request; return ``(status, headers, body bytes)``."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Server:
    """A server process started from *command*, its output in *log*."""

    def __init__(self, name, command, port, log, env=None, cwd=None):
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd
            )

    def wait_ready(self, path="/", timeout=60):
        """Wait until *path* answers (any status); raise if the server died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            try:
                request(self.base, path, timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name}: no answer after {timeout} s:\n{self.tail()}")

    def tail(self):
        with open(self.log, errors="replace") as log:
            return log.read()[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


#: The name that starts each progress line: the tool that runs (``bench.compare``'s
#: by default; another tool that reuses these functions sets its own).
TOOL = "compare"


def say(text):
    """A progress line on stderr."""
    sys.stderr.write(f"{TOOL}: {text}\n")
    sys.stderr.flush()
