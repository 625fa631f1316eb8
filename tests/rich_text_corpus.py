"""Bodies in canonical form: every element the sanitizer keeps, and nestings.

Each is what :func:`cms.sanitize.clean_html` writes and what the editor
writes back unchanged (tests/unit/test_canonical.py, tests/e2e/test_rich_text.py).
"""

from cms.demo import HOME, PICTURE_ALT, PICTURE_CAPTION
from cms.sanitize import clean_html

CORPUS = {
    "headings": "<h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>",
    "marks": (
        "<p><strong>strong</strong> <em>em</em> <u>u</u> <s>s</s> <sub>sub</sub>"
        ' <sup>sup</sup> <code>code</code> <abbr title="HyperText">HTML</abbr>'
        " <cite>cite</cite> <del>del</del> <ins>ins</ins> <kbd>Ctrl</kbd>"
        " <mark>mark</mark> <q>q</q> <small>small</small></p>"
    ),
    "nested marks": (
        "<p><strong>bold <em>both</em></strong><em> italic</em>"
        "<br>next line <strong><u><s>three</s></u></strong></p>"
    ),
    "links": (
        '<p><a href="https://example.org/a?b=1&amp;c=2" title="A &quot;title&quot;"'
        ' rel="noopener noreferrer"><strong>bold <code>code</code></strong> link</a>'
        ' <a href="mailto:someone@example.org" rel="noopener noreferrer">mail</a>'
        ' <a href="#part" rel="noopener noreferrer">anchor</a>'
        ' <a href="/news/" rel="noopener noreferrer"><em>news</em></a></p>'
    ),
    "lists": (
        "<ul><li>one</li><li><p>two</p><ul><li>two.one</li><li><p>two.two</p>"
        '<ol start="3"><li>deep</li></ol></li></ul></li><li><strong>three</strong>'
        "</li></ul><ol><li><p>first</p><p>second paragraph</p></li></ol>"
    ),
    "quote and rule": (
        "<blockquote><p>quoted</p><blockquote><p>nested</p></blockquote></blockquote>"
        "<hr><p>after</p>"
    ),
    "code block": (
        '<pre><code>  if (a &lt; b &amp;&amp; c &gt; d) {\n\treturn "x";\n  }\n\n'
        "</code></pre><p>a&nbsp;b  two spaces</p>"
    ),
    "table": (
        "<table><caption>Prices <em>2027</em></caption><thead><tr>"
        '<th scope="col">Item</th><th colspan="2" scope="colgroup">Price</th></tr>'
        '</thead><tbody><tr><th scope="row">Tea</th><td>1</td><td>2</td></tr>'
        '<tr><td rowspan="2">Cake</td><td><strong>3</strong></td><td><p>4</p>'
        "<ul><li>a</li></ul></td></tr><tr><td>5</td><td>6</td></tr></tbody>"
        "<tfoot><tr><td>Total</td><td>9</td><td>8</td></tr></tfoot></table>"
    ),
    "plain table": "<table><tbody><tr><td>a</td><td></td></tr></tbody></table>",
    # Rows of groups of their own, rows shorter than others, spans that
    # reach past the last row, a footer written first: kept as they are.
    "irregular tables": (
        "<table><tbody><tr><td>a</td></tr></tbody><tbody><tr><td>b</td></tr>"
        "<tr><td>c</td></tr></tbody><tbody><tr><td>d</td></tr></tbody></table>"
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>a</td></tr>"
        "</tbody><tbody><tr><td>b</td></tr></tbody><tfoot><tr><td>f</td></tr>"
        "</tfoot></table>"
        "<table><tbody><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr>"
        '<tr><td colspan="3">e</td></tr></tbody></table>'
        '<table><tbody><tr><td rowspan="3">a</td><td>b</td></tr><tr><td>c</td>'
        "</tr></tbody></table>"
        "<table><tfoot><tr><td>f</td></tr></tfoot><tbody><tr><td>a</td></tr>"
        "</tbody></table>"
    ),
    # Pictures of this site: the page's policy loads no other (img-src 'self').
    "images": (
        '<p>Inline <img src="/about/harbour/@@images/thumb" alt="A harbour"'
        ' title="Harbour" width="120" height="80"> picture and a decorative one'
        ' <img src="/line.png" alt=""></p>'
        '<figure><img src="/a.png" alt="A chart" width="640"'
        ' height="480"><figcaption>The <em>chart</em></figcaption></figure>'
        '<figure><img src="/b.png" alt="No caption"></figure>'
    ),
    "definitions": "<dl><dt>Term</dt><dd>Definition</dd><dt>Other</dt><dd><p>one</p><p>two</p></dd></dl>",  # noqa: E501
    "empty paragraph": "<p>before</p><p></p><p>after</p>",
    "breaks": "<p>line<br></p><p><br></p><h3>a<br><em>b</em></h3>",
    "formatting in blocks": (
        '<h2><a href="https://example.org/" rel="noopener noreferrer">Linked'
        "</a> <code>x</code></h2><blockquote><ul><li><em>i</em></li></ul>"
        "<pre><code>&lt;b&gt;not bold&lt;/b&gt;</code></pre></blockquote>"
        "<table><tbody><tr><th><strong>a</strong><br>b</th><td><sup>1</sup>"
        "</td></tr></tbody></table>"
    ),
    # As the demo stores it (its links by uid once stored: tests/e2e too).
    "demo home": clean_html(
        HOME.format(alt=PICTURE_ALT, caption=PICTURE_CAPTION, width=1200, height=800)
    ),
}
