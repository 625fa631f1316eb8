"""Readable differences between two revisions of a node, field by field.

Text is compared line by line, and lines that changed word by word, with
:mod:`difflib`; removed words are wrapped in ``<del>`` and added ones in
``<ins>``. A body's HTML, when asked for, is compared as text and shown
escaped, tags included, so that stored markup is never rendered by a diff. Every
piece of text that comes out of here has been escaped. By default a body is
compared as the text readers see (:func:`cms.search.text.visible_lines`);
its HTML on request.

The work is bounded. difflib's matcher takes time that grows with the
product of the lengths it compares when a few lines or words recur often
(the same paragraph again and again), so the comparison of two revisions has
a budget of steps (`WORK_LIMIT`). Past it a diff gets coarser instead of
slower: a changed block is shown removed and added whole rather than word by
word, and, past that, all that lies between what both versions share at
their start and at their end. A field compared so says so (``coarse``).
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

from markupsafe import Markup, escape

from cms.schemas import SNAPSHOT
from cms.search.text import visible_lines

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
    r"</(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|tr|div|figure)>|<br\s*/?>",
    re.IGNORECASE,
)

#: Words, runs of spaces, and whole tags, so that a tag is one token.
_TOKEN = re.compile(r"<[^>]*>|\s+|[^\s<]+|<")

#: The steps a comparison of two revisions may take (read when called, so
#: tests can lower it). A step is a character cut into words or one look at a
#: pair of equal lines or words: each takes up to a third of a microsecond.
#: Everything else a diff does grows with the size of the text alone.
WORK_LIMIT = 1_000_000


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    #: Escaped HTML with ``<ins>`` and ``<del>``, one line per line.
    html: Markup
    #: Whether some change is shown whole, the budget being too small for detail.
    coarse: bool = False


class TooCostly(Exception):
    """The next piece of work would take more steps than the budget has left."""


class Budget:
    """The steps a comparison may still take."""

    def __init__(self, steps):
        self.left = steps
        #: How many times a change was shown whole for want of steps.
        self.shortfalls = 0

    def spend(self, steps):
        """Take *steps* from the budget, or raise :class:`TooCostly`."""
        if steps > self.left:
            raise TooCostly()
        self.left -= steps


class _BoundedMatcher(SequenceMatcher):
    """A :class:`~difflib.SequenceMatcher` that pays for each search first.

    Each search for the longest match looks, for every item of ``a[alo:ahi]``,
    at each place where ``b`` holds the same item: with few distinct items
    that is ``len(a) * len(b) / 2`` steps, and a diff makes many searches.
    The price of each is known beforehand and paid from the budget before it
    is made, so a costly diff stops early with :class:`TooCostly`.
    """

    #: The first sequence, which SequenceMatcher keeps (typeshed leaves it out).
    a: Sequence[str]

    def __init__(self, a, b, budget):
        budget.spend(len(a) + len(b))
        counts = Counter(b)
        # _places[i]: how many places in b hold the items of a[:i].
        self._places = list(accumulate(map(counts.__getitem__, a), initial=0))
        self._budget = budget
        first = 1 + self._price(0, len(a))
        if first > budget.left:
            budget.spend(first)  # raises TooCostly before b is indexed
        super().__init__(None, a, b, autojunk=False)

    def _price(self, alo, ahi):
        """The steps of a search over ``a[alo:ahi]``."""
        return ahi - alo + self._places[ahi] - self._places[alo]

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        self._budget.spend(1 + self._price(alo, ahi))
        return super().find_longest_match(alo, ahi, blo, bhi)


def field_label(name):
    return LABELS.get(name, name.replace("_", " ").capitalize())


def visible_fields(type_name):
    """The names of a type's revision fields that a diff shows, in order."""
    return [name for name in SNAPSHOT[type_name] if name not in HIDDEN]


def diff_revisions(type_name, old, new, source=False):
    """Return a :class:`FieldDiff` per shown field, comparing *old* to *new*.

    *old* and *new* are revisions' ``data``; *old* may be ``{}`` (the first
    revision has nothing before it). All fields share one budget. A body is
    compared as the text readers see, a line per block (images by their alt
    text); with *source*, as its HTML.
    """
    budget = Budget(WORK_LIMIT)
    diffs = []
    for name in visible_fields(type_name):
        before, after = old.get(name), new.get(name)
        changed = before != after
        lines = _text_lines
        if name == "body":
            lines = _html_lines if source else visible_lines
        shortfalls = budget.shortfalls
        if name in OPAQUE:
            html = escape("Replaced." if changed else "Unchanged.")
        elif not changed:
            html = escape("\n".join(lines(after)))
        else:
            html = diff_lines(lines(before), lines(after), budget)
        coarse = budget.shortfalls > shortfalls
        diffs.append(FieldDiff(name, field_label(name), changed, html, coarse))
    return diffs


def _text(value):
    return "" if value is None else str(value)


def _text_lines(value):
    return _text(value).splitlines()


def _html_lines(value):
    return _LINE_END.sub(lambda end: end[0] + "\n", _text(value)).splitlines()


def _opcodes(a, b, budget):
    """Return :mod:`difflib` opcodes that turn *a* into *b*, within *budget*.

    When comparing the whole costs too much, what both share at their start
    and end is matched first, for free (an edit in a long text then costs
    what the edited part costs), and what lies between is compared if the
    budget allows, else is one ``replace``.
    """
    try:
        return _BoundedMatcher(a, b, budget).get_opcodes()
    except TooCostly:
        pass
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_end, b_end = len(a) - end, len(b) - end
    try:
        if not start and not end:
            raise TooCostly()  # the same comparison again
        middle = [
            (op, i1 + start, i2 + start, j1 + start, j2 + start)
            for op, i1, i2, j1, j2 in _BoundedMatcher(
                a[start:a_end], b[start:b_end], budget
            ).get_opcodes()
        ]
    except TooCostly:
        budget.shortfalls += 1
        middle = [("replace", start, a_end, start, b_end)]
    opcodes = [("equal", 0, start, 0, start), *middle]
    opcodes.append(("equal", a_end, len(a), b_end, len(b)))
    return [op for op in opcodes if op[1] < op[2] or op[3] < op[4]]


def diff_lines(old_lines, new_lines, budget=None):
    """Return escaped HTML that shows how *old_lines* became *new_lines*."""
    budget = budget or Budget(WORK_LIMIT)
    out = []
    for op, i1, i2, j1, j2 in _opcodes(old_lines, new_lines, budget):
        old_text, new_text = "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
        if op == "equal":
            out.append(escape(new_text))
        elif op == "delete":
            out.append(_wrap("del", old_text))
        elif op == "insert":
            out.append(_wrap("ins", new_text))
        else:
            out.append(diff_words(old_text, new_text, budget))
    return Markup("\n").join(out)


def diff_words(old, new, budget=None):
    """Return escaped HTML that shows how the text *old* became *new*.

    Past the budget, *old* is shown removed and *new* added, whole.
    """
    budget = budget or Budget(WORK_LIMIT)
    try:
        budget.spend(len(old) + len(new))
    except TooCostly:
        budget.shortfalls += 1
        return _wrap("del", old) + Markup("\n") + _wrap("ins", new)
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in _opcodes(old_tokens, new_tokens, budget):
        if op == "equal":
            out.append(escape("".join(new_tokens[j1:j2])))
        else:
            out.append(_wrap("del", "".join(old_tokens[i1:i2])))
            out.append(_wrap("ins", "".join(new_tokens[j1:j2])))
    return Markup("").join(out)


def _wrap(tag, text):
    if not text:
        return Markup("")
    # Markup.format escapes the text it is given.
    return Markup("<{tag}>{text}</{tag}>").format(tag=tag, text=text)
