"""The text readers see, its words, and snippets around matched words.

Both databases match the same words because the words are found here, in
Python, once: a word is a run of letters and digits (any script), compared
in lower case. PostgreSQL is given these words as they are; SQLite's FTS5
``unicode61`` tokenizer splits text on the same classes of characters.
"""

import re
from html import escape
from html.parser import HTMLParser

#: A word: letters and digits of any script (``_`` separates, as in FTS5).
WORD = re.compile(r"[^\W_]+")
#: Longer words are not indexed (PostgreSQL refuses lexemes above 2 KiB).
MAX_WORD_LENGTH = 200
#: Characters of context a snippet shows around its first match.
SNIPPET_CONTEXT = 80
SNIPPET_LENGTH = 240

#: Elements whose text is never shown.
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
#: Elements that break words apart (their text is not glued to the next).
_BLOCK_NAMES = (
    "p div br li ul ol h1 h2 h3 h4 h5 h6 td th tr table blockquote pre section "
    "article header footer figure figcaption dt dd hr"
)
_BLOCKS = frozenset(_BLOCK_NAMES.split())


class _TextParser(HTMLParser):
    """The text of an HTML body; blocks end with *separator*.

    With *images*, an image shows as ``[Image: its alt text]``.
    """

    def __init__(self, separator: str = " ", images: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.separator = separator
        self.images = images

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append(self.separator)
        elif tag == "img" and self.images:
            alt = dict(attrs).get("alt") or ""
            self.parts.append(f"[Image: {alt}]" if alt else "[Image]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append(self.separator)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _parts(html: str, separator: str, images: bool = False) -> str:
    parser = _TextParser(separator, images)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def visible_text(html: str | None) -> str:
    """Return the text an HTML body shows, whitespace collapsed."""
    if not html:
        return ""
    return " ".join(_parts(html, " ").split())


def visible_lines(html: str | None) -> list[str]:
    """Return the text an HTML body shows, a line per block, images named."""
    if not html:
        return []
    lines = (" ".join(line.split()) for line in _parts(html, "\n", True).split("\n"))
    return [line for line in lines if line]


def words(text: str) -> list[str]:
    """Return the indexable words of *text*, in lower case, in order."""
    return [
        word
        for word in (match.group().lower() for match in WORD.finditer(text))
        if len(word) <= MAX_WORD_LENGTH
    ]


def _matches(word: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    return word in exact or word.startswith(prefixes)


def snippet(texts: list[str], exact: frozenset[str], prefixes: tuple[str, ...]) -> str:
    """Return HTML: a stretch of the first text with a match, matches in ``<mark>``.

    Everything but the ``<mark>`` tags is escaped. Without a match, the
    beginning of the first non-empty text.
    """
    chosen, first = "", None
    for text in texts:
        for match in WORD.finditer(text):
            if _matches(match.group().lower(), exact, prefixes):
                chosen, first = text, match.start()
                break
        if first is not None:
            break
    if first is None:
        chosen = next((text for text in texts if text), "")
        first = 0
    start = max(0, first - SNIPPET_CONTEXT)
    if start:
        # Start at a word boundary.
        space = chosen.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(chosen), start + SNIPPET_LENGTH)
    if end < len(chosen):
        space = chosen.rfind(" ", start, end)
        end = space if space > first else end
    part = chosen[start:end]
    out = ["…" if start else ""]
    position = 0
    for match in WORD.finditer(part):
        if _matches(match.group().lower(), exact, prefixes):
            out.append(escape(part[position : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    out.append(escape(part[position:]))
    if end < len(chosen):
        out.append("…")
    return "".join(out)
