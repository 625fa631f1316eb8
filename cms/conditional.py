"""ETags: conditional GETs (304) and lost-update checks (412).

A node's ETag is ``"<uid>-<version>-<digest>"``. The version is the row's
counter, bumped by every UPDATE; the digest covers the representation the
caller got (its fields, the batch of children, a draft or not), so the tag
changes when the node or what it shows changes.

``If-Match`` on a write compares only uid and version, that is, whether the
client saw the node as it is now (:mod:`cms.services.stale`).
"""

import hashlib
import json
import re

from pyramid.httpexceptions import HTTPNotModified

ETAG = re.compile(r'"([0-9a-f]{32})-(\d+)(?:-[0-9a-f]*)?"')


def _default(value):
    return str(value)


def node_etag(node, data, variant=""):
    """Return the ETag of *node* as represented by *data*."""
    payload = json.dumps(data, sort_keys=True, default=_default) + variant
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return f'"{node.uid.hex}-{node.version}-{digest}"'


def answer_conditional_get(request, node, data, variant=""):
    """Set ETag and Last-Modified; raise 304 when the client's copy is current."""
    etag = node_etag(node, data, variant)
    answer_if_current(request, request.response, etag, node.modified, vary="Accept")
    return etag


def summary_etag(kind, *values):
    """Return an ETag made of *values*: a summary of what a document lists."""
    digest = hashlib.sha256(repr((kind, *values)).encode()).hexdigest()[:32]
    return f'"{kind}-{digest}"'


def answer_if_current(request, response, etag, last_modified=None, vary=None):
    """Give *response* the validators; raise 304 when ``If-None-Match`` names *etag*.

    Only the ETag decides: ``Last-Modified`` is informative, since a
    document that loses an entry may have no newer date than before.
    """
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.last_modified = last_modified
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and (
        if_none_match.strip() == "*" or etag in tags(if_none_match, weak_ok=True)
    ):
        headers = {"ETag": etag, **({"Vary": vary} if vary else {})}
        raise HTTPNotModified(headers=headers)


def tags(header, weak_ok=False):
    """The entity tags of an ``If-Match`` or ``If-None-Match`` header."""
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            if not weak_ok:
                continue
            part = part[2:]
        tags.append(part)
    return tags
