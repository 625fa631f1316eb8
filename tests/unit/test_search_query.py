"""Search queries from what users type, and the text that is indexed."""

from cms.search.query import Term, fts5_query, parse, tsquery, tsvector
from cms.search.text import snippet, visible_text


def test_words_phrases_and_prefixes():
    assert parse('Red "big apple" pi* -x NEAR(') == [
        Term(("red",)),
        Term(("big", "apple")),
        Term(("pi",), prefix=True),
        Term(("x",)),
        Term(("near",)),
    ]


def test_only_words_reach_the_backends():
    terms = parse('a"b "c\'d OR ( ) \x00 :^ é*')
    assert fts5_query(terms) == '"a b" AND "c d or é"'
    assert tsquery(parse("o'neil* x")) == "('o' <-> 'neil':*) & ('x')"
    assert parse("!!! ((( \x00") == []


def test_tsvector_weights_and_gaps_between_fields():
    assert tsvector([("Red apple", "A"), ("apple", "D")]) == "'red':2A 'apple':3A,5D"


def test_visible_text_skips_markup_scripts_and_attributes():
    html = '<p>One<br>two <a href="/x" title="t">th</a>ree</p><script>no()</script>'
    assert visible_text(html) == "One two three"


def test_snippet_escapes_everything_but_marks():
    assert snippet(["<b> & fox"], frozenset({"fox"}), ()) == (
        "&lt;b&gt; &amp; <mark>fox</mark>"
    )
    assert snippet(["", "foxes"], frozenset(), ("fox",)) == "<mark>foxes</mark>"
