"""HTML sanitizing for ``Document.body``, on the way in, with nh3 (ammonia).

What is kept is a list, not a guess: the tags and attributes an editor needs
for a page, links only to http, https and mailto URLs (and to paths of the
site and ``#`` anchors), and no ``style``, event handler, script, form,
frame or embedded object at all. A tag not on the list goes, its text stays
(``<div>`` and ``<span>`` carry nothing without attributes).

The list is the rich-text editor's schema (``assets/editor/schema.js``):
whatever is kept, the editor can show and write back unchanged. nh3's
well-formed output is then written in the one canonical form the editor
writes too (:mod:`cms.canonical`), so that opening a page in the editor and
saving it changes nothing.
"""

import nh3

from cms.canonical import canonical

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd",
        "del", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
        "pre", "q", "s", "small", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_html(html):
    """Return *html* with everything not on the lists above removed, canonical."""
    return canonical(
        nh3.clean(
            html,
            tags=set(TAGS),
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    )
