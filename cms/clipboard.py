"""The editor's clipboard: the nodes cut or copied, until they are pasted.

It lives in the browser's signed session cookie (:mod:`cms.flash`), not in
the database: it is one browser's intention, and nothing changes until the
paste. Each node is held by its path and its row id: at paste time the path
is looked up again, and a node deleted, moved away or hidden meanwhile (or
another node now at its path) is no longer there. A cookie holds about
4 kB, so the clipboard holds at most :data:`MAX_CHARACTERS` of entries.
"""

import json
from dataclasses import dataclass

from cms.flash import COOKIE_NAME

KEY = "cms.clipboard"
MODES = ("copy", "cut")
#: What the session cookie (4 kB, base64) carries beside a few flash messages.
MAX_CHARACTERS = 1800


class TooManyItems(ValueError):
    """The entries do not fit in the session cookie."""


@dataclass(frozen=True)
class Clipboard:
    #: ``copy`` or ``cut``.
    mode: str
    #: ``(path, node id)`` of each node, in the order they were listed.
    entries: tuple


def get(request):
    """Return this browser's :class:`Clipboard`, or ``None`` when it is empty."""
    # Without the cookie there is no clipboard: do not start a session.
    if COOKIE_NAME not in request.cookies:
        return None
    data = request.session.get(KEY)
    if not isinstance(data, dict) or data.get("mode") not in MODES:
        return None
    entries = tuple(
        (entry[0], entry[1])
        for entry in data.get("entries") or ()
        if isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], int)
    )
    return Clipboard(data["mode"], entries) if entries else None


def put(request, mode, nodes):
    """Hold *nodes* to *mode* (copy or cut) them; replaces what was held."""
    if mode not in MODES:
        raise ValueError(mode)
    entries = [[node.path, node.id] for node in nodes]
    if len(json.dumps(entries)) > MAX_CHARACTERS:
        raise TooManyItems()
    request.session[KEY] = {"mode": mode, "entries": entries}


def clear(request):
    """Empty the clipboard."""
    if COOKIE_NAME in request.cookies and KEY in request.session:
        del request.session[KEY]
