"""Differences between revisions: readable, escaped, and bounded in work."""

import re
import time
from html import unescape

import pytest

from cms import diff
from cms.diff import diff_revisions

#: Far above what the bounded diff takes of the inputs below (a few hundredths
#: of a second), far below what the unbounded one took (11 s).
SECONDS = 2.0
#: Likewise for a megabyte: 0.1 to 0.5 s bounded, many minutes unbounded.
MEGABYTE_SECONDS = 5.0


def body_diff(old, new, title="T", source=True):
    """The body's diff: of its HTML (the diff engine's hardest input), or text."""
    diffs = diff_revisions(
        "Document", {"title": title, "body": old}, {"body": new}, source=source
    )
    return next(d for d in diffs if d.name == "body")


def test_a_body_is_compared_as_the_text_readers_see():
    diff = body_diff(
        '<p>The <a href="/a/">old</a> walk</p><p>Same.</p>',
        '<p>The <a href="/b/" title="x">new</a> walk</p><p>Same.</p>'
        '<figure><img src="/m/" alt="A map"></figure>',
        source=False,
    )
    # No markup: the link's address and title changed nothing readers read.
    assert texts(diff.html, "del") == ["old"]
    assert texts(diff.html, "ins") == ["new", "[Image: A map]"]
    assert "&lt;" not in str(diff.html)


def texts(html, tag):
    """The text of each *tag* element of a diff."""
    return [unescape(text) for text in re.findall(rf"<{tag}>([^<]*)</{tag}>", html)]


def version(html, left_out):
    """One version's text as a diff shows it: all but the *left_out* parts.

    A diff's text is escaped, so the only tags in it are its own.
    """
    kept = "ins" if left_out == "del" else "del"
    text = re.sub(rf"<{left_out}>[^<]*</{left_out}>|</?{kept}>", "", str(html))
    return unescape(text).replace("\n", "")


def test_a_small_change_is_shown_word_by_word():
    result = body_diff("<p>One two three.</p><p>Same.</p>", "<p>One 2 three.</p>")
    assert result.changed
    assert not result.coarse
    assert texts(result.html, "del") == ["two", "\n<p>Same.</p>"]
    assert texts(result.html, "ins") == ["2"]


#: Bodies whose fine diff costs time quadratic in their size (or worse): few
#: distinct lines or words, repeated, and moved about.
SWAPPED_BLOCKS = ("<p>a</p><p>b</p>" * 6000, "<p>b</p><p>a</p>" * 6000 + "<p>c</p>")
SWAPPED_WORDS = ("<p>" + "a b " * 3000 + "</p>", "<p>" + "b a " * 3000 + "c</p>")


@pytest.mark.parametrize(("old", "new"), [SWAPPED_BLOCKS, SWAPPED_WORDS])
def test_a_costly_diff_falls_back_to_a_coarse_one(old, new):
    start = time.perf_counter()
    result = body_diff(old, new)
    assert time.perf_counter() - start < SECONDS
    assert result.changed
    assert result.coarse
    # Both versions are still there to read, the changes marked.
    assert version(result.html, "ins") == old
    assert version(result.html, "del") == new


def test_the_coarse_form_keeps_what_both_versions_share():
    shared = "<p>Intro.</p>"
    old, new = SWAPPED_BLOCKS
    result = body_diff(shared + old + shared, shared + new + shared)
    assert result.coarse
    lines = str(result.html).split("\n")
    assert lines[0] == lines[-1] == "&lt;p&gt;Intro.&lt;/p&gt;"
    assert "Intro" not in "".join(texts(result.html, "del") + texts(result.html, "ins"))


def test_the_budget_bounds_the_work(monkeypatch):
    """Past the limit the fine diff stops: the limit, not the input, sets the cost."""
    old, new = "<p>x</p>" * 50 + "<p>one</p>", "<p>y</p>" * 50 + "<p>two</p>"
    assert not body_diff(old, new).coarse
    monkeypatch.setattr(diff, "WORK_LIMIT", 100)
    assert body_diff(old, new).coarse


MEGABYTE = 1024 * 1024
ONE_MEGABYTE_CASES = {
    "blocks swapped": (
        "<p>a</p><p>b</p>" * (MEGABYTE // 16),
        "<p>b</p><p>a</p>" * (MEGABYTE // 16),
    ),
    "one long line": ("a b " * (MEGABYTE // 4), "b a " * (MEGABYTE // 4)),
    "many small blocks": (
        "".join(f"<p>{'a b ' * 20}{n}</p>" for n in range(MEGABYTE // 90)),
        "".join(f"<p>{'b a ' * 20}{n}</p>" for n in range(MEGABYTE // 90)),
    ),
    "unchanged": ("<p>a</p>" * (MEGABYTE // 8),) * 2,
}


@pytest.mark.parametrize("case", ONE_MEGABYTE_CASES)
def test_any_diff_of_a_megabyte_body_is_quick(case):
    old, new = ONE_MEGABYTE_CASES[case]
    start = time.perf_counter()
    result = body_diff(old, new, title="Title")
    assert time.perf_counter() - start < MEGABYTE_SECONDS
    assert result.changed == (old != new)
    assert version(result.html, "ins") == old.replace("\n", "")
    assert version(result.html, "del") == new.replace("\n", "")


def test_one_change_in_a_long_repetitive_body_stays_fine():
    """What both versions share at either end costs nothing to compare."""
    paragraphs = ["<p>a</p>"] * 60_000
    changed = [*paragraphs]
    changed[30_000] = "<p>b</p>"
    start = time.perf_counter()
    result = body_diff("".join(paragraphs), "".join(changed))
    assert time.perf_counter() - start < MEGABYTE_SECONDS
    assert not result.coarse
    assert texts(result.html, "del") == ["a"]
    assert texts(result.html, "ins") == ["b"]


def test_unchanged_fields_are_shown_whole_and_escaped():
    result = body_diff("<p>Same & same.</p>", "<p>Same & same.</p>")
    assert not result.changed
    assert str(result.html) == "&lt;p&gt;Same &amp; same.&lt;/p&gt;"
