"""The sanitizer's canonical form (cms/canonical.py): each rule, and that it holds.

The e2e tests (tests/e2e/test_rich_text.py) check that the editor writes
the same form back.
"""

import pytest

from cms.demo import HOME, PICTURE_ALT, PICTURE_CAPTION
from cms.sanitize import clean_html
from tests.rich_text_corpus import CORPUS


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_corpus_is_canonical(name):
    assert clean_html(CORPUS[name]) == CORPUS[name]


def test_the_demo_home_is_canonical_once_cleaned():
    home = HOME.format(alt=PICTURE_ALT, caption=PICTURE_CAPTION, width=1, height=2)
    clean = clean_html(home)
    assert clean.startswith("<p>Welcome")
    assert '<figure><img src="/about/harbour/@@images/preview"' in clean
    assert clean_html(clean) == clean


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        # Bold and italic have one spelling each.
        ("<p><b>a</b> <i>b</i></p>", "<p><strong>a</strong> <em>b</em></p>"),
        # Whitespace between blocks goes; between inline elements it stays.
        ("<p>a</p>\n  <p>b</p>\n", "<p>a</p><p>b</p>"),
        ("<ul>\n <li>a</li>\n</ul>", "<ul><li>a</li></ul>"),
        ("<p><b>a</b> <i>b</i> </p>", "<p><strong>a</strong> <em>b</em> </p>"),
        # ... and inside <pre> nothing is touched, whitespace or markup.
        (
            "<pre>  a\n\n <b>b</b>\tc  </pre>",
            "<pre><code>  a\n\n b\tc  </code></pre>",
        ),
        ("<pre><code>x &lt; y</code></pre>", "<pre><code>x &lt; y</code></pre>"),
        # Text outside any block becomes a paragraph, trimmed at its ends.
        (
            "Hello <em>you</em>\n<h2>T</h2>\nbye",
            "<p>Hello <em>you</em></p><h2>T</h2><p>bye</p>",
        ),
        ("<blockquote>q</blockquote>", "<blockquote><p>q</p></blockquote>"),
        # <div> and <span> are unwrapped, their text kept.
        ("<div><span>a</span> b</div>", "<p>a b</p>"),
        # A list item or a cell holding one paragraph is written without it.
        ("<ul><li><p>a</p></li></ul>", "<ul><li>a</li></ul>"),
        (
            "<table><tr><td><p>a</p></td><th><p>b</p></th></tr></table>",
            "<table><tbody><tr><td>a</td><th>b</th></tr></tbody></table>",
        ),
        # ... but beside blocks, text is a paragraph; an item starts with one.
        (
            "<ul><li>a<ul><li>b</li></ul></li></ul>",
            "<ul><li><p>a</p><ul><li>b</li></ul></li></ul>",
        ),
        ("<ul><li><h3>a</h3></li></ul>", "<ul><li><p></p><h3>a</h3></li></ul>"),
        ("<ul>text<li>a</li></ul>", "<ul><li>text</li><li>a</li></ul>"),
        # Attributes in one order; empty and default ones go; alt="" stays.
        (
            '<p><img height="2" alt="" width="1" src="/x.png" title=""></p>',
            '<p><img src="/x.png" alt="" width="1" height="2"></p>',
        ),
        (
            '<p><a title="t" href="/a/">x</a></p>',
            '<p><a href="/a/" title="t" rel="noopener noreferrer">x</a></p>',
        ),
        (
            '<table><tr><td colspan="1" rowspan="2">a</td></tr></table>',
            '<table><tbody><tr><td rowspan="2">a</td></tr></tbody></table>',
        ),
        ('<ol start="1"><li>a</li></ol>', "<ol><li>a</li></ol>"),
        # Formatting nests in one order, and neighbours merge.
        ("<p><em><strong>a</strong></em></p>", "<p><strong><em>a</em></strong></p>"),
        ("<p><strong>a</strong><strong>b</strong></p>", "<p><strong>ab</strong></p>"),
        (
            '<p><strong><a href="/x">a</a></strong></p>',
            '<p><a href="/x" rel="noopener noreferrer"><strong>a</strong></a></p>',
        ),
        ("<p><strong>a<strong>b</strong></strong></p>", "<p><strong>ab</strong></p>"),
        # A link without an address, a picture without a source: nothing to keep.
        ('<p><a title="t">a</a><img alt="x"></p>', "<p>a</p>"),
        # A figure holds a picture and its caption.
        (
            '<figure><figcaption>c</figcaption><img src="/i.png" alt="i"></figure>',
            '<figure><img src="/i.png" alt="i"><figcaption>c</figcaption></figure>',
        ),
        ("<figure><p>no picture</p></figure>", "<p>no picture</p>"),
        # Nothing is nothing.
        ("", ""),
        ("  \n ", ""),
    ],
)
def test_a_rule(given, canonical):
    assert clean_html(given) == canonical
    assert clean_html(canonical) == canonical


@pytest.mark.parametrize(
    "given",
    [
        "<p>a<p>b",
        "<li>x</li><li>y",
        "<strong><p>a</p></strong>",
        "<h2><p>a</p></h2>",
        "<table><td>a<table><td>b</table></table>",
        "<a href='/x'><div><a href='/y'>b</a></div></a>",
        "<ol start=5><li>a<ol><li>b<blockquote>c</blockquote>d</ol></ol>",
        "<figure><img src=/a><img src=/b><figcaption>x</figcaption>y</figure>",
        "<dl>x<dt>a<dd>b<p>c</p></dl>",
        "<pre>\n\nx</pre><pre><code>y</code> z</pre>",
        "<p>&nbsp; &amp; &lt; &gt; \" '</p>",
    ],
)
def test_cleaning_twice_is_cleaning_once(given):
    once = clean_html(given)
    assert clean_html(once) == once


def test_scripts_and_handlers_are_still_removed():
    body = clean_html(
        '<p onclick="x()" style="color:red">a<script>x()</script></p>'
        '<a href="javascript:x()">b</a><img src="data:image/png;base64,AA">'
    )
    assert body == "<p>a</p><p>b</p>"


@pytest.mark.parametrize("tag", ["blockquote", "strong", "ul"])
def test_deep_nesting_is_no_error(tag):
    inner = "<li>x</li>" if tag == "ul" else "x"
    body = f"<{tag}>" * 5000 + inner + f"</{tag}>" * 5000
    clean = clean_html(body)
    assert "x" in clean
    assert clean_html(clean) == clean
