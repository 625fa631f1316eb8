"""The editor's clipboard: the paths of nodes cut or copied, until pasted.

It lives in the browser's signed session cookie (:mod:`cms.flash`), not in
the database: it is one browser's intention, and nothing is changed until
the paste. The paths are looked up again at paste time, so a node deleted,
moved or hidden meanwhile is simply no longer there. A cookie holds about
4 kB, so the clipboard holds at most :data:`MAX_PATH_CHARACTERS` of paths.
"""

from dataclasses import dataclass

from cms.flash import COOKIE_NAME

KEY = "cms.clipboard"
MODES = ("copy", "cut")
#: What the session cookie can carry beside a flash message or two.
MAX_PATH_CHARACTERS = 2400


class TooManyItems(ValueError):
    """The paths do not fit in the session cookie."""


@dataclass(frozen=True)
class Clipboard:
    #: ``copy`` or ``cut``.
    mode: str
    #: The paths of the nodes, in the order they were listed.
    paths: tuple


def get(request):
    """Return this browser's :class:`Clipboard`, or ``None`` when it is empty."""
    # Without the cookie there is no clipboard: do not start a session.
    if COOKIE_NAME not in request.cookies:
        return None
    data = request.session.get(KEY)
    if not isinstance(data, dict) or data.get("mode") not in MODES:
        return None
    paths = data.get("paths")
    if not isinstance(paths, list) or not paths:
        return None
    return Clipboard(data["mode"], tuple(p for p in paths if isinstance(p, str)))


def put(request, mode, paths):
    """Hold *paths* to *mode* (copy or cut) them; replaces what was held."""
    if mode not in MODES:
        raise ValueError(mode)
    paths = list(paths)
    if sum(len(path) for path in paths) > MAX_PATH_CHARACTERS:
        raise TooManyItems()
    request.session[KEY] = {"mode": mode, "paths": paths}


def clear(request):
    """Empty the clipboard."""
    if COOKIE_NAME in request.cookies and KEY in request.session:
        del request.session[KEY]
