"""Classic XSS payloads in a body are cleaned on the way in."""

import pytest

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=\"jav&#x09;ascript:alert('XSS');\">",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">x</p>',
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=http://xss.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="http://xss.example/">',
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<p onmouseover="alert(1)">hover</p>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;'
    '&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<input autofocus onfocus=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    '"><script>alert(1)</script>',
]
DANGERS = (
    "<script", "javascript:", "vbscript:", "data:text", "onerror", "onload",
    "onmouseover", "ontoggle", "onstart", "onfocus", "<iframe", "<object", "<embed",
    "<form", "<style", "style=", "<link", "<meta", "<base", "<svg", "<math",
)  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_cleaned(testapp, people, payload):
    editor = people["editor"]
    body = f"<p>before</p>{payload}<p>after</p>"
    created = testapp.post_json(
        "/site/", {"@type": "Document", "title": "XSS", "body": body}, headers=editor
    ).json
    stored = created["body"].lower()
    for danger in DANGERS:
        assert danger not in stored, (payload, stored)
    page = testapp.get(
        created["@id"], headers={"Authorization": editor["Authorization"]}
    )
    rendered = page.html.select_one(".body")
    assert (
        rendered.find_all(["script", "iframe", "object", "embed", "style", "svg"]) == []
    )
    for tag in rendered.find_all(True):
        assert not [name for name in tag.attrs if name.startswith("on")]


def test_good_html_survives(testapp, people):
    body = (
        '<h2>Title</h2><p>Some <strong>bold</strong> and <a href="https://example.org/">'
        'a link</a>.</p><ul><li>one</li></ul><img src="/img.png" alt="An image">'
    )
    created = testapp.post_json(
        "/site/",
        {"@type": "Document", "title": "Good", "body": body},
        headers=people["editor"],
    ).json
    assert "<strong>bold</strong>" in created["body"]
    assert 'href="https://example.org/"' in created["body"]
    assert '<img src="/img.png" alt="An image">' in created["body"]


def test_titles_are_text_not_html(testapp, people):
    created = testapp.post_json(
        "/site/",
        {"@type": "Document", "title": "<script>alert(1)</script>"},
        headers=people["editor"],
    ).json
    page = testapp.get(
        created["@id"], headers={"Authorization": people["editor"]["Authorization"]}
    )
    assert "<script>alert(1)</script>" not in page.text
    assert page.html.h1.text == "<script>alert(1)</script>"
