"""Lost updates: a change based on a version that is no longer current.

``If-Match`` on a write compares only uid and version (:mod:`cms.conditional`
makes the tags), that is, whether the caller saw the node as it is now: its
children may change meanwhile without making an edit of the node stale. The
comparison is explicit and refuses with :class:`~.errors.Stale` (412), which
pyramid_retry never replays (a retried StaleDataError would be).
"""

from cms.conditional import ETAG, tags
from cms.models import Node
from cms.services.caller import Caller
from cms.services.errors import Stale


def check_if_match(caller: Caller, node: Node) -> None:
    """Refuse unless the caller's ``If-Match`` (when given) names the node as it is.

    The service has claimed the node (:func:`cms.services.locks.claim`)
    before: its row is locked and its version current, as a writer that got
    there first has committed by then (and this request was replayed).
    """
    header = caller.if_match
    if header is None or header.strip() == "*":
        return
    for tag in tags(header):
        match = ETAG.fullmatch(tag)
        if match and match[1] == node.uid.hex and int(match[2]) == node.version:
            return
    raise Stale()
