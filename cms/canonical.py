"""The one canonical form of a sanitized body, the same that the editor writes.

:func:`cms.sanitize.clean_html` runs nh3 first; its output is well formed
(every element closed, attributes in double quotes, ``<`` escaped in text),
so this module reads it with one regular expression into a small tree, in
time linear in its length, and writes it back in the form the rich-text
editor's schema produces (``assets/editor/``):

- ``<b>`` is ``<strong>``, ``<i>`` is ``<em>``; the attributes of a tag come
  in one fixed order; empty ones go (except an image's ``alt=""``), and so do
  ``colspan="1"``, ``rowspan="1"`` and ``start="1"``;
- text that is only whitespace between blocks goes; inside ``<pre>``
  nothing is touched;
- text and inline elements directly in the body, a quotation, a cell, a list
  item or a definition beside blocks are wrapped in ``<p>``; a list item, a
  cell or a definition holding one paragraph alone is written without it;
  a list item starts with a paragraph (an empty one if need be);
- ``<pre>`` holds one ``<code>`` with the text alone;
- formatting around the same text is nested in one order (:data:`MARKS`),
  and the same formatting on neighbouring text is one element.
"""

import re

#: Attributes in the order they are written.
ATTRIBUTE_ORDER = {
    "a": ("href", "title", "rel"),
    "abbr": ("title",),
    "img": ("src", "alt", "title", "width", "height"),
    "ol": ("start",),
    "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan", "scope"),
}
RENAMED = {"b": "strong", "i": "em"}
VOID = frozenset({"br", "hr", "img"})
#: Formatting, outermost first: the order of the editor's marks.
MARKS = (
    "a", "strong", "em", "u", "s", "del", "ins", "sub", "sup", "code",
    "abbr", "cite", "kbd", "mark", "q", "small",
)  # fmt: skip
MARK_RANK = {name: rank for rank, name in enumerate(MARKS)}
#: Elements holding text and formatting.
TEXTBLOCKS = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "dt"}
)
#: Elements holding blocks only.
BLOCKS_ONLY = frozenset(
    {"ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "dl", "figure"}
)
#: Elements holding one paragraph written alone, or blocks.
MIXED = frozenset({"li", "td", "th", "dd"})
BLOCKS = TEXTBLOCKS | BLOCKS_ONLY | MIXED | {"blockquote", "pre", "hr"}

TOKEN = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s=>]+="[^"]*")*)\s*/?>|[^<]+')
ATTRIBUTE = re.compile(r'([^\s=>]+)="([^"]*)"')
#: Elements deeper than this are unwrapped (their content kept): no page
#: needs more, and the writing below recurses once per level.
MAX_DEPTH = 100


class Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag, attrs=None, children=None):
        self.tag = tag
        self.attrs = attrs or {}
        self.children = children if children is not None else []


def is_block(node):
    return isinstance(node, Element) and node.tag in BLOCKS


def parse(html):
    """Return the tree of *html*, well formed as nh3 writes it, and whether
    it was nested too deep (see :data:`MAX_DEPTH`)."""
    root = Element("")
    stack = [root]
    unwrapped = 0
    cut = False
    for match in TOKEN.finditer(html):
        closing, tag, attrs = match.group(1, 2, 3)
        tag = RENAMED.get(tag, tag)
        if tag is None:
            stack[-1].children.append(match[0])
        elif len(stack) > MAX_DEPTH and tag not in VOID:
            unwrapped += -1 if closing else 1
            cut = True
        elif closing and unwrapped:
            unwrapped -= 1
        elif closing:
            # A stray end tag cannot come from nh3; close up to its element.
            while len(stack) > 1 and stack[-1].tag != tag:
                stack.pop()
            if len(stack) > 1:
                stack.pop()
        else:
            element = Element(tag, dict(ATTRIBUTE.findall(attrs)))
            stack[-1].children.append(element)
            if tag not in VOID:
                stack.append(element)
    return root, cut


def canonical(html):
    """Return sanitized *html* in the canonical form."""
    root, too_deep = parse(html)
    out: list[str] = []
    write_blocks(root, out, "")
    if too_deep:
        # Paragraphs and list items added around what was cut may go past
        # the limit again: cut once more, so that the form is stable.
        root, _ = parse("".join(out))
        out = []
        write_blocks(root, out, "")
    return "".join(out)


# -- blocks ----------------------------------------------------------------------


def drop_blank(children, blocks_only):
    """*children* without whitespace-only text beside blocks, first or last."""
    kept = []
    for index, child in enumerate(children):
        if isinstance(child, str) and not child.strip(" \t\n\r\f"):
            before = children[index - 1] if index else None
            after = children[index + 1] if index + 1 < len(children) else None
            if blocks_only or before is None or after is None:
                continue
            if is_block(before) or is_block(after):
                continue
        kept.append(child)
    return kept


def unwrap_inline_blocks(children):
    """Lift blocks out of formatting that wraps them (``<strong><p>…``)."""
    result = []
    for child in children:
        if (
            isinstance(child, Element)
            and child.tag not in BLOCKS
            and child.tag not in VOID
        ):
            inner = unwrap_inline_blocks(child.children)
            if any(is_block(node) for node in inner):
                result.extend(inner)
                continue
            child.children = inner
        result.append(child)
    return result


def paragraph(run):
    """A paragraph of *run*, without the whitespace that ended the blocks around it."""
    run = list(run)
    if isinstance(run[0], str):
        run[0] = run[0].lstrip(" \t\n\r\f")
    if isinstance(run[-1], str):
        run[-1] = run[-1].rstrip(" \t\n\r\f")
    return Element("p", children=[child for child in run if child != ""])


def as_blocks(children):
    """*children* with every run of inline content wrapped in a paragraph."""
    blocks: list[Element] = []
    run: list[Element | str] = []
    for child in children:
        if is_block(child):
            if run:
                blocks.append(paragraph(run))
                run = []
            blocks.append(child)
        else:
            run.append(child)
    if run:
        blocks.append(paragraph(run))
    return blocks


def write_blocks(parent, out, tag):
    """Write the content of *parent*, an element holding blocks."""
    children = drop_blank(unwrap_inline_blocks(parent.children), tag in BLOCKS_ONLY)
    if tag in {"", "blockquote"}:
        for child in as_blocks(children):
            write_block(child, out)
        return
    if tag in MIXED:
        if not any(is_block(child) for child in children):
            write_inline(children, out)
            return
        blocks = as_blocks(children)
        if tag == "li" and blocks[0].tag != "p":
            blocks.insert(0, Element("p"))
        if len(blocks) == 1 and blocks[0].tag == "p":
            write_inline(blocks[0].children, out)
            return
        for child in blocks:
            write_block(child, out)
        return
    if tag in {"ul", "ol"}:
        children = wrapped(children, "li")
    elif tag == "dl":
        children = wrapped(children, "dd", {"dt", "dd"})
    elif tag == "tr":
        children = wrapped(children, "td", {"td", "th"})
    for child in children:
        write_block(child, out)


def wrapped(children, tag, allowed=None):
    """*children* with every run of what *allowed* does not name in a *tag*."""
    allowed = allowed or {tag}
    result: list[Element | str] = []
    run: list[Element | str] = []
    for child in children:
        if isinstance(child, Element) and child.tag in allowed:
            if run:
                result.append(Element(tag, children=run))
                run = []
            result.append(child)
        else:
            run.append(child)
    if run:
        result.append(Element(tag, children=run))
    return result


def write_block(element, out):
    tag = element.tag
    if tag == "pre":
        out.append("<pre><code>")
        out.append("".join(text_of(element)))
        out.append("</code></pre>")
        return
    if tag == "figure":
        write_figure(element, out)
        return
    out.append(start_tag(tag, element.attrs))
    if tag == "hr":
        return
    if tag in TEXTBLOCKS:
        write_inline(element.children, out)
    else:
        write_blocks(element, out, tag)
    out.append(f"</{tag}>")


def write_figure(figure, out):
    """A picture with its caption; anything else a figure held stands alone."""
    children = drop_blank(figure.children, True)
    image = next(
        (c for c in children if isinstance(c, Element) and c.tag == "img"), None
    )
    if image is None:
        for child in as_blocks(unwrap_inline_blocks(children)):
            write_block(child, out)
        return
    out.append("<figure>")
    out.append(start_tag("img", image.attrs))
    caption = next(
        (c for c in children if isinstance(c, Element) and c.tag == "figcaption"), None
    )
    if caption is not None:
        out.append("<figcaption>")
        write_inline(unwrap_all_blocks(caption.children), out)
        out.append("</figcaption>")
    out.append("</figure>")
    rest = [c for c in children if c is not image and c is not caption]
    for child in as_blocks(unwrap_inline_blocks(rest)):
        write_block(child, out)


def text_of(element):
    for child in element.children:
        if isinstance(child, str):
            yield child
        elif child.tag == "br":
            yield "\n"
        else:
            yield from text_of(child)


def unwrap_all_blocks(children):
    """The inline content of *children*, blocks inside them unwrapped."""
    result = []
    for child in children:
        if is_block(child):
            result.extend(unwrap_all_blocks(child.children))
        else:
            result.append(child)
    return result


def start_tag(tag, attrs):
    parts = [tag]
    for name in ATTRIBUTE_ORDER.get(tag, ()):
        value = attrs.get(name)
        if value is None or (value == "" and not (tag == "img" and name == "alt")):
            continue
        if name in {"colspan", "rowspan", "start"} and value == "1":
            continue
        parts.append(f'{name}="{value}"')
    return "<" + " ".join(parts) + ">"


# -- inline content ----------------------------------------------------------------


def leaves(children, marks, found):
    """Append ``(marks, leaf)`` for each text, break and image of *children*."""
    for child in children:
        if isinstance(child, str):
            found.append((marks, child))
        elif child.tag == "img":
            # The editor cannot show a picture without a source.
            if child.attrs.get("src"):
                found.append((marks, child))
        elif child.tag in VOID:
            found.append((marks, child))
        elif child.tag not in MARK_RANK or (
            child.tag == "a" and not child.attrs.get("href")
        ):
            leaves(child.children, marks, found)
        else:
            mark = (child.tag, start_tag(child.tag, child.attrs))
            # The same formatting twice is once; a link in a link, the inner.
            kept = tuple(m for m in marks if m[0] != child.tag)
            ordered = tuple(sorted((*kept, mark), key=lambda m: MARK_RANK[m[0]]))
            leaves(child.children, ordered, found)


def write_inline(children, out):
    """Write inline content with its formatting nested in the one order."""
    found: list[tuple[tuple[tuple[str, str], ...], Element | str]] = []
    leaves(unwrap_all_blocks(children), (), found)
    open_marks: tuple[tuple[str, str], ...] = ()
    for marks, leaf in found:
        keep = 0
        while (
            keep < len(open_marks)
            and keep < len(marks)
            and open_marks[keep] == marks[keep]
        ):
            keep += 1
        for mark in reversed(open_marks[keep:]):
            out.append(f"</{mark[0]}>")
        for mark in marks[keep:]:
            out.append(mark[1])
        open_marks = marks
        if isinstance(leaf, str):
            out.append(leaf)
        else:
            out.append(start_tag(leaf.tag, leaf.attrs))
    for mark in reversed(open_marks):
        out.append(f"</{mark[0]}>")
