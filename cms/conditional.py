"""ETags: conditional GETs (304) and lost-update checks (412).

A node's ETag is ``"<uid>-<version>-<digest>"``. The version is the row's
counter, bumped by every UPDATE; the digest covers the representation the
caller got (its fields, the batch of children, a draft or not), so the tag
changes when the node or what it shows changes.

``If-Match`` on a write compares only uid and version, that is, whether the
client saw the node as it is now: its children may change meanwhile without
making an edit of the node stale. The comparison is explicit and answers
412, which pyramid_retry never replays (a retried StaleDataError would be).
"""

import hashlib
import json
import re

from pyramid.httpexceptions import HTTPNotModified, HTTPPreconditionFailed

from cms.models import Node

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
    response = request.response
    response.headers["ETag"] = etag
    response.last_modified = node.modified
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and (
        if_none_match.strip() == "*" or etag in _tags(if_none_match, weak_ok=True)
    ):
        raise HTTPNotModified(headers={"ETag": etag, "Vary": "Accept"})
    return etag


def check_if_match(request, node):
    """Raise 412 unless ``If-Match`` (when sent) names the node as it is now.

    The node's row is read again and locked (``FOR UPDATE``; on SQLite the
    write transaction holds the lock already): a writer that got there first
    has committed by then, and its new version is what is compared.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return
    request.dbsession.refresh(node, with_for_update={"of": Node.__table__})
    for tag in _tags(header):
        match = ETAG.fullmatch(tag)
        if match and match[1] == node.uid.hex and int(match[2]) == node.version:
            return
    raise HTTPPreconditionFailed(
        "The node has changed since you read it (If-Match): read it again."
    )


def _tags(header, weak_ok=False):
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            if not weak_ok:
                continue
            part = part[2:]
        tags.append(part)
    return tags
