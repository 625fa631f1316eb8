"""Full-text search: what is indexed, how words match, parameters, batches."""

import pytest
from sqlalchemy import func, select

from cms.models import File
from cms.search.index import search_index
from tests.factories import add_document, add_folder
from tests.functional.search.conftest import found


def test_title_description_visible_body_and_file_names_are_found(
    search, dbsession, section
):
    add_document(section, "t", "Aardvark title")
    add_document(section, "d", "Plain", description="Bandicoot description")
    add_document(
        section,
        "b",
        "Plain",
        body='<p>A <em>capy</em>bara <a href="/wombat-link/" title="quokka">here</a>'
        "</p><script>numbat()</script>",
    )
    section.add(
        File(
            title="A file",
            filename="dugong-report.pdf",
            blob_key="0" * 64,
            content_type="application/pdf",
            size=1,
            state="published",
        ),
        "report",
    )
    dbsession.flush()
    assert found(search(q="aardvark")) == ["/section/t/"]
    assert found(search(q="BANDICOOT")) == ["/section/d/"]
    # The body's text as shown: markup joins nothing that it does not show.
    assert found(search(q="capybara")) == ["/section/b/"]
    assert found(search(q="dugong")) == ["/section/report/"]
    # Attributes and scripts are not text a reader sees.
    for hidden in ("wombat", "quokka", "numbat"):
        assert search(q=hidden)["items_total"] == 0


def test_words_prefixes_and_phrases(search, dbsession, section):
    add_document(section, "one", "Red apple pie")
    add_document(section, "two", "Apple red wine")
    dbsession.flush()
    assert sorted(found(search(q="apple red"))) == ["/section/one/", "/section/two/"]
    assert found(search(q='"red apple"')) == ["/section/one/"]
    assert sorted(found(search(q="app*"))) == ["/section/one/", "/section/two/"]
    assert found(search(q="app")) == []
    assert found(search(q="apple pie")) == ["/section/one/"]
    # Every word must match.
    assert found(search(q="apple banana")) == []


def test_title_matches_rank_first(search, dbsession, section):
    add_document(section, "body", "Something", body="<p>Zebra crossing</p>")
    add_document(section, "title", "Zebra")
    dbsession.flush()
    assert found(search(q="zebra")) == ["/section/title/", "/section/body/"]


def test_a_draft_is_found_once_published(testapp, search, editor, dbsession, section):
    add_document(section, "page", "Live words", body="<p>Original text</p>")
    dbsession.flush()
    testapp.patch_json(
        "/section/page/", {"title": "Ocelot", "body": "<p>Pangolin</p>"}, headers=editor
    )
    for who in (None, editor):
        headers = who or {"Accept": "application/json"}
        assert search(q="ocelot", headers=headers)["items_total"] == 0
        assert search(q="pangolin", headers=headers)["items_total"] == 0
        assert found(search(q="original", headers=headers)) == ["/section/page/"]
    testapp.post_json(
        "/section/page/@@workflow", {"transition": "publish"}, headers=editor
    )
    assert found(search(q="pangolin ocelot")) == ["/section/page/"]
    assert search(q="original")["items_total"] == 0


def test_private_text_is_not_found_and_not_counted(search, dbsession, section):
    add_document(section, "open", "Walrus open")
    add_document(section, "closed", "Walrus closed", state="private")
    hidden = add_folder(section, "hidden", "Hidden", state="private")
    add_document(hidden, "inside", "Walrus inside")
    dbsession.flush()
    answer = search(q="walrus")
    assert found(answer) == ["/section/open/"]
    assert answer["items_total"] == 1
    assert "closed" not in str(answer) and "inside" not in str(answer)


def test_deleting_a_subtree_deletes_its_index_rows(
    testapp, search, editor, dbsession, section
):
    folder = add_folder(section, "gone", "Gone")
    add_document(folder, "child", "Narwhal")
    dbsession.flush()
    assert search(q="narwhal")["items_total"] == 1
    testapp.delete("/section/gone/", headers=editor, status=204)
    assert search(q="narwhal", headers=editor)["items_total"] == 0
    remaining = dbsession.execute(
        select(func.count()).select_from(search_index)
    ).scalar_one()
    from cms.models import Node

    assert (
        remaining
        == dbsession.execute(select(func.count()).select_from(Node)).scalar_one()
    )


def test_moving_keeps_the_text_found_at_the_new_url(
    testapp, search, editor, dbsession, section
):
    add_document(section, "mover", "Axolotl")
    add_folder(section, "target", "Target")
    dbsession.flush()
    testapp.post_json(
        "/section/mover/@@move", {"to": "/section/target/"}, headers=editor
    )
    assert found(search(q="axolotl")) == ["/section/target/mover/"]


def test_snippets_mark_matches_and_escape_everything_else(search, dbsession, section):
    add_document(
        section,
        "xss",
        "Page",
        body="<p>&lt;script&gt;alert(1)&lt;/script&gt; the lynx &amp; <b>co</b></p>",
    )
    dbsession.flush()
    (item,) = search(q="lynx")["items"]
    assert item["snippet"] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; the <mark>lynx</mark> &amp; co"
    )


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unclosed phrase',
        "a AND OR NOT b",
        "NEAR(a b, 3)",
        "- + : ^ ( ) * ** *a",
        "title:secret",
        "a & b | !c <-> d:* 'e'",
        "\x00",
        "nul\x00inside",
        "x" * 10_000,
        "word " * 2000,
        "東京タワー",
        "مرحبا بالعالم",
        "🦊🦊 fox🦊",
        "\\ \\\\ ' '' \"\" ;--",
        "   ",
    ],
)
def test_no_input_breaks_the_query(search, testapp, dbsession, section, q):
    add_document(section, "doc", "Lynx", body="<p>東京タワー مرحبا fox</p>")
    dbsession.flush()
    assert isinstance(search(q=q)["items_total"], int)
    testapp.get("/@@search", {"q": q}, status=200)
    path = "/" + "".join(char for char in q[:100] if char.isprintable())
    testapp.get("/section/@@search", {"q": q, "path": path}, status=200)


def test_other_scripts_are_found(search, dbsession, section):
    add_document(section, "jp", "東京 タワー", body="<p>مرحبا بالعالم</p>")
    dbsession.flush()
    assert found(search(q="東京")) == ["/section/jp/"]
    assert found(search(q="مرحبا")) == ["/section/jp/"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"b_size": "0"}, "b_size"),
        ({"b_start": "-1"}, "b_start"),
        ({"type": "Nope"}, "type"),
        ({"depth": "x"}, "depth"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_before": "2026-13-45"}, "modified_before"),
        ({"sort_on": "colour"}, "sort_on"),
        ({"sort_order": "up"}, "sort_order"),
        ({"path": "relative/"}, "path"),
        ({"path": "/a\x00b/"}, "path"),
        ({"q": "x" * 10_001}, "q"),
        ({"effective_after": "soon"}, "effective_after"),
        ({"effective_before": "2026-02-30"}, "effective_before"),
    ],
)
def test_an_invalid_parameter_is_a_400_naming_it(search, root, params, name):
    answer = search(status=400, **params)
    assert name in answer["error"]["message"]


def test_batches_count_and_link_on(testapp, search, dbsession, section):
    for number in range(23):
        add_document(section, f"p{number}", f"Puffin {number}")
    dbsession.flush()
    seen = []
    answer = search(q="puffin", b_size="10")
    assert answer["items_total"] == 23
    while True:
        seen.extend(found(answer))
        assert answer["items_total"] == 23
        if "next" not in answer["batching"]:
            break
        answer = testapp.get(
            answer["batching"]["next"], headers={"Accept": "application/json"}
        ).json
    assert sorted(seen) == sorted(f"/section/p{number}/" for number in range(23))
    assert "prev" in answer["batching"]


def test_scope_type_depth_dates_and_sorting(search, dbsession, section):
    add_document(section, "b", "Beta heron")
    inner = add_folder(section, "inner", "Alpha heron")
    add_document(inner, "deep", "Gamma heron")
    add_document(
        add_folder(
            dbsession.get(type(section), section.parent_id), "elsewhere", "Elsewhere"
        ),
        "x",
        "Heron far",
    )
    dbsession.flush()
    assert sorted(found(search("/section/@@search", q="heron"))) == [
        "/section/b/",
        "/section/inner/",
        "/section/inner/deep/",
    ]
    assert sorted(found(search(q="heron", path="/section/", depth="1"))) == [
        "/section/b/",
        "/section/inner/",
    ]
    assert found(search(q="heron", type="Folder")) == ["/section/inner/"]
    assert len(found(search(q="heron", type=["Folder", "Document"]))) == 4
    assert found(search(q="heron", path="/section/", sort_on="title")) == [
        "/section/inner/",
        "/section/b/",
        "/section/inner/deep/",
    ]
    assert (
        found(
            search(
                q="heron", path="/section/", sort_on="title", sort_order="descending"
            )
        )[0]
        == "/section/inner/deep/"
    )
    assert search(q="heron", modified_after="2999-01-01")["items_total"] == 0
    assert search(q="heron", modified_before="2999-01-01T00:00:00Z")["items_total"] == 4


def test_without_words_newest_first(search, dbsession, section):
    add_document(section, "first", "First")
    dbsession.flush()
    add_document(section, "second", "Second")
    dbsession.flush()
    answer = search(path="/section/", type="Document")
    assert found(answer) == ["/section/second/", "/section/first/"]


def test_a_copy_is_found_with_its_original(testapp, search, editor, dbsession, section):
    add_document(section, "original", "Okapi")
    add_folder(section, "elsewhere", "Elsewhere")
    dbsession.flush()
    testapp.post_json(
        "/section/original/@@copy", {"to": "/section/elsewhere/"}, headers=editor
    )
    # Copies start private: the editor finds both, visitors the original.
    assert sorted(found(search(q="okapi", headers=editor))) == [
        "/section/elsewhere/original/",
        "/section/original/",
    ]
    assert found(search(q="okapi")) == ["/section/original/"]


def test_a_match_in_the_title_alone_shows_the_text_not_the_title_again(
    search, dbsession, section
):
    add_document(section, "hills", "The hills route", body="<p>Steep and long.</p>")
    dbsession.flush()
    (item,) = search(q="hills")["items"]
    assert item["snippet"] == "Steep and long."
