"""HTTP as the soak's clients speak it: one connection per request.

A fresh connection for each request tells the two ways a request can fail
apart: refused at connect (the server is down: the request never left, so
nothing can have landed) and cut after it was sent (the server died with
it in hand: it may or may not have landed).
"""

import http.client
import json
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

JSON = "application/json"
HTML = "text/html"
#: A node's ETag: ``"<uid>-<version>-<digest>"``.
ETAG = re.compile(r'"[0-9a-f]{32}-(\d+)(?:-[0-9a-f]*)?"')


class NotSent(Exception):
    """The server was not listening: the request never reached it."""


class Unanswered(Exception):
    """The request was sent but no answer came (cut by a kill, or too slow)."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    #: From sending the request to reading the whole answer.
    seconds: float

    def json(self):
        return json.loads(self.body)

    @property
    def etag(self):
        return self.headers.get("ETag")

    @property
    def version(self):
        """The node's version, from its ETag."""
        return version_of(self.etag)

    @property
    def location(self):
        """The path a redirect or a creation points to."""
        return path_of(self.headers.get("Location", ""))


def version_of(etag):
    match = ETAG.fullmatch(etag or "")
    if match is None:
        raise ValueError(f"not a node's ETag: {etag!r}")
    return int(match[1])


def path_of(url):
    return urlsplit(url).path


class Api:
    """Requests to the site on 127.0.0.1:*port*, with a bearer token once given."""

    def __init__(self, port, token=None, timeout=30):
        self.port = port
        self.token = token
        self.timeout = timeout

    def request(self, method, path, body=None, headers=()):
        headers = {"Accept": JSON, **dict(headers)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout
        )
        try:
            try:
                connection.connect()
            except OSError as error:
                raise NotSent(str(error)) from None
            started = time.monotonic()
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
            except (OSError, http.client.HTTPException) as error:
                raise Unanswered(f"{type(error).__name__}: {error}") from None
            return Response(
                answer.status, answer.headers, data, time.monotonic() - started
            )
        finally:
            connection.close()

    def get(self, path, accept=JSON):
        return self.request("GET", path, headers={"Accept": accept})

    def send_json(self, method, path, data, if_match=None):
        headers = {"Content-Type": JSON}
        if if_match:
            headers["If-Match"] = if_match
        return self.request(method, path, json.dumps(data).encode(), headers)

    def delete(self, path, if_match):
        return self.request("DELETE", path, headers={"If-Match": if_match})

    def upload(self, folder, name, data):
        """Add a File named *name* holding *data* to *folder* (multipart)."""
        boundary = secrets.token_hex(16)
        parts = []
        for field, value in (("@type", "File"), ("id", name)):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream'
            "\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        return self.request(
            "POST", folder, b"".join(parts), {"Content-Type": content_type}
        )
