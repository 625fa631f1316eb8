"""The parameters of ``@@search``, checked: an invalid one is a 400 naming it."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request

from cms.models import CONTENT_TYPES
from cms.search.query import Term, parse

#: ``sort_on`` values, and the order each takes unless ``sort_order`` says.
SORTS = {
    "relevance": "descending",
    "modified": "descending",
    "created": "descending",
    "effective": "descending",
    "title": "ascending",
    "position": "ascending",
}
ORDERS = ("ascending", "descending")
#: The date ranges: ``modified`` and the date a node took effect.
RANGES = ("modified_after", "modified_before", "effective_after", "effective_before")
MAX_QUERY_LENGTH = 10_000
MAX_PATH_LENGTH = 2048
MAX_DEPTH = 100
MAX_START = 1_000_000
#: Every parameter of the JSON search; any other is a 400 that names it.
PARAMETERS = frozenset(
    {"q", "type", "path", "depth", *RANGES, "sort_on", "sort_order", "b_size"}
    | {"b_start", "fields"}
)
_SINGLE = (
    "q",
    "path",
    "depth",
    *RANGES,
    "sort_on",
    "sort_order",
    "b_size",
    "b_start",
)


@dataclass
class SearchParams:
    q: str = ""
    terms: list[Term] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    path: str | None = None
    depth: int | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    effective_after: datetime | None = None
    effective_before: datetime | None = None
    sort_on: str = "modified"
    sort_order: str = "descending"
    size: int = 25
    start: int = 0


def _bad(name: str, message: str) -> HTTPBadRequest:
    return HTTPBadRequest(f"{name}: {message}")


def _whole(name: str, raw: str, low: int, high: int) -> int:
    if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    raise _bad(name, f"a whole number from {low} to {high}.")


def _when(name: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise _bad(
            name, "a date or time in ISO 8601 (2026-12-07T10:00:00+00:00)."
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_search_params(request: Request) -> SearchParams:
    """Return the search's parameters, or raise 400 naming the invalid one."""
    params, settings = request.GET, request.registry.settings
    for name in _SINGLE:
        if len(params.getall(name)) > 1:
            raise _bad(name, "given more than once.")
    result = SearchParams(size=settings["cms.batch_size"])
    q = params.get("q", "")
    if len(q) > MAX_QUERY_LENGTH:
        raise _bad("q", f"at most {MAX_QUERY_LENGTH} characters.")
    result.q = q.strip()
    result.terms = parse(q)
    for name in params.getall("type"):
        if name not in CONTENT_TYPES:
            raise _bad("type", f"one of {', '.join(CONTENT_TYPES)}.")
        result.types.append(name)
    path = params.get("path")
    if path is not None:
        if (
            not path.startswith("/")
            or len(path) > MAX_PATH_LENGTH
            # No path holds them, and PostgreSQL refuses NUL in any string.
            or any(ord(char) < 0x20 or ord(char) == 0x7F for char in path)
        ):
            raise _bad("path", "a path of this site, starting with /.")
        result.path = path if path.endswith("/") else path + "/"
    if "depth" in params:
        result.depth = _whole("depth", params["depth"], 0, MAX_DEPTH)
    for name in RANGES:
        if name in params:
            setattr(result, name, _when(name, params[name]))
    result.sort_on = "relevance" if result.q else "modified"
    sort_on = params.get("sort_on")
    if sort_on is not None:
        if sort_on not in SORTS:
            raise _bad("sort_on", f"one of {', '.join(SORTS)}.")
        result.sort_on = sort_on
    result.sort_order = SORTS[result.sort_on]
    sort_order = params.get("sort_order")
    if sort_order is not None:
        if sort_order not in ORDERS:
            raise _bad("sort_order", "ascending or descending.")
        result.sort_order = sort_order
    if "b_size" in params:
        result.size = _whole(
            "b_size", params["b_size"], 1, settings["cms.batch_size_max"]
        )
    if "b_start" in params:
        result.start = _whole("b_start", params["b_start"], 0, MAX_START)
    return result
