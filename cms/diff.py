"""Readable differences between two revisions of a node, field by field.

Text is compared line by line, and lines that changed word by word, with
:mod:`difflib`; removed words are wrapped in ``<del>`` and added ones in
``<ins>``. A body is HTML: its markup is compared as text and shown escaped,
tags included, so that stored markup is never rendered by a diff. Every
piece of text that comes out of here has been escaped.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from cms.schemas import SNAPSHOT

#: How each stored field is named on the page.
LABELS = {
    "title": "Title",
    "description": "Summary",
    "body": "Body",
    "filename": "File name",
    "content_type": "File type",
    "size": "Size in bytes",
    "width": "Width",
    "height": "Height",
    "blob_key": "File content",
}

#: Fields kept in revisions that mean nothing to a reader (derived data).
HIDDEN = frozenset({"scales"})

#: Fields whose value is an internal key: say that it changed, not how.
OPAQUE = frozenset({"blob_key"})

#: Block-level closing tags after which a body is cut into lines.
_LINE_END = re.compile(
    r"(</(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|tr|div|figure)>|<br\s*/?>)",
    re.IGNORECASE,
)

#: Words, runs of spaces, and whole tags, so that a tag is one token.
_TOKEN = re.compile(r"<[^>]*>|\s+|[^\s<]+|<")

#: Past this many tokens in a changed block, show it removed and added whole:
#: a word-level comparison of two huge blocks would cost too much time.
MAX_WORD_TOKENS = 4000


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    #: Escaped HTML with ``<ins>`` and ``<del>``, one line per line.
    html: Markup


def field_label(name):
    return LABELS.get(name, name.replace("_", " ").capitalize())


def visible_fields(type_name):
    """The names of a type's revision fields that a diff shows, in order."""
    return [name for name in SNAPSHOT[type_name] if name not in HIDDEN]


def diff_revisions(type_name, old, new):
    """Return a :class:`FieldDiff` per shown field, comparing *old* to *new*.

    *old* and *new* are revisions' ``data``; *old* may be ``{}`` (the first
    revision has nothing before it).
    """
    diffs = []
    for name in visible_fields(type_name):
        before, after = old.get(name), new.get(name)
        changed = before != after
        if name in OPAQUE:
            html = escape("Replaced." if changed else "Unchanged.")
        elif name == "body":
            html = diff_lines(_html_lines(before), _html_lines(after))
        else:
            html = diff_lines(_text_lines(before), _text_lines(after))
        diffs.append(FieldDiff(name, field_label(name), changed, html))
    return diffs


def _text(value):
    return "" if value is None else str(value)


def _text_lines(value):
    return _text(value).splitlines()


def _html_lines(value):
    return _LINE_END.sub(r"\1\n", _text(value)).splitlines()


def diff_lines(old_lines, new_lines):
    """Return escaped HTML that shows how *old_lines* became *new_lines*."""
    out = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(escape(line) for line in new_lines[j1:j2])
        elif op == "delete":
            out.extend(_wrap("del", line) for line in old_lines[i1:i2])
        elif op == "insert":
            out.extend(_wrap("ins", line) for line in new_lines[j1:j2])
        else:
            out.append(
                diff_words("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2]))
            )
    return Markup("\n").join(out)


def diff_words(old, new):
    """Return escaped HTML that shows how the text *old* became *new*."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(old_tokens) + len(new_tokens) > MAX_WORD_TOKENS:
        return _wrap("del", old) + Markup("\n") + _wrap("ins", new)
    out = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            out.append(_wrap("del", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            out.append(_wrap("ins", "".join(new_tokens[j1:j2])))
    return Markup("").join(out)


def _wrap(tag, text):
    if not text:
        return Markup("")
    # Markup.format escapes the text it is given.
    return Markup("<{tag}>{text}</{tag}>").format(tag=tag, text=text)
