"""What a client asks a node's JSON to hold: ``fields=`` and ``expand=``.

``fields=title,description`` keeps only those keys, plus ``@id`` and
``@type``, in the node and in each of its ``items`` (and in the items of
search results). A node whose ``fields`` leave out ``items``,
``items_total`` and ``batching`` costs no listing query.

``expand=breadcrumbs,navigation,workflow,children`` puts the JSON of those
views in the node under ``@components``, so that a front end renders a page
with one request:

- ``breadcrumbs``: ``{"items": […]}`` as ``@@breadcrumbs`` answers;
- ``navigation``: as ``@@navigation`` answers, ``expand.navigation.depth``
  levels (default: the site's setting);
- ``workflow``: as ``@@workflow`` answers (state and the transitions the
  caller may fire);
- ``children``: the children of the batch that ``items`` lists, each as a
  node (its body, its file, its scales) without children of its own, kept
  to ``expand.children.fields`` when given.

Everything is trimmed as the views themselves are: only what the caller
may view. A name that is not one of these is a 400 that names it.
"""

from dataclasses import dataclass

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request

#: The keys of a node's JSON (``@id`` and ``@type`` are always kept).
NODE_KEYS = (
    "id", "uid", "title", "description", "body", "state", "created", "modified",
    "effective", "expires", "parent", "file", "width", "height", "scales",
    "has_draft", "links", "items", "items_total", "batching",
)  # fmt: skip
#: The keys of a summary, as ``items`` and search results list them.
SUMMARY_KEYS = (
    "id", "uid", "title", "description", "state", "modified", "effective",
    "expires", "file", "image", "snippet",
)  # fmt: skip
#: What ``fields`` of a node may name: its keys and its items' (each once).
NODE_AND_SUMMARY_KEYS = tuple(dict.fromkeys(NODE_KEYS + SUMMARY_KEYS))
#: What ``items`` needs: without them, the listing is not queried.
LISTING_KEYS = frozenset({"items", "items_total", "batching"})
ALWAYS = ("@id", "@type")
EXPANSIONS = ("breadcrumbs", "navigation", "workflow", "children")
MAX_FIELDS = 50


@dataclass(frozen=True)
class Shape:
    """The ``fields`` and ``expand`` of a request (None: everything)."""

    fields: frozenset[str] | None = None
    expand: tuple[str, ...] = ()
    children_fields: frozenset[str] | None = None

    @property
    def lists(self) -> bool:
        """Whether the answer shows the node's listing (or its children)."""
        return (
            self.fields is None
            or bool(self.fields & LISTING_KEYS)
            or "children" in self.expand
        )


def parse_fields(request: Request, name: str, allowed: tuple[str, ...]):
    """Return the set of keys *name* asks for, None when absent; 400 if unknown."""
    values = request.GET.getall(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPBadRequest(
            f"{name}: given more than once; separate names with commas."
        )
    names = [part.strip() for part in values[0].split(",") if part.strip()]
    if not names or len(names) > MAX_FIELDS:
        raise HTTPBadRequest(
            f"{name}: from 1 to {MAX_FIELDS} names, separated by commas."
        )
    unknown = [part for part in names if part not in allowed and part not in ALWAYS]
    if unknown:
        raise HTTPBadRequest(
            f"{name}: no field {unknown[0][:100]!r}; "
            f"the fields are {', '.join(allowed)}."
        )
    return frozenset(names)


def parse_shape(request: Request) -> Shape:
    """Return the :class:`Shape` a node's JSON is asked for, or raise 400."""
    fields = parse_fields(request, "fields", NODE_AND_SUMMARY_KEYS)
    expand: tuple[str, ...] = ()
    values = request.GET.getall("expand")
    if len(values) > 1:
        raise HTTPBadRequest(
            "expand: given more than once; separate names with commas."
        )
    if values:
        names = [part.strip() for part in values[0].split(",") if part.strip()]
        unknown = [part for part in names if part not in EXPANSIONS]
        if unknown or not names:
            raise HTTPBadRequest(f"expand: one or more of {', '.join(EXPANSIONS)}.")
        expand = tuple(dict.fromkeys(names))
    children_fields = parse_fields(request, "expand.children.fields", NODE_KEYS)
    if children_fields is not None and "children" not in expand:
        raise HTTPBadRequest("expand.children.fields: only with expand=children.")
    if "expand.navigation.depth" in request.GET and "navigation" not in expand:
        raise HTTPBadRequest("expand.navigation.depth: only with expand=navigation.")
    return Shape(fields, expand, children_fields)


def keep(data: dict, fields: frozenset[str] | None) -> dict:
    """*data* with only *fields* (and ``@id``, ``@type``, ``@components``)."""
    if fields is None:
        return data
    return {
        key: value
        for key, value in data.items()
        if key in fields or key in ALWAYS or key == "@components"
    }
