"""The search page, and the search box in every page's header."""

from tests.factories import add_document, add_folder


def test_every_page_has_a_search_box(testapp, dbsession, root):
    add_document(root, "page", "Page")
    dbsession.flush()
    for url in ("/", "/page/", "/@@login", "/@@search"):
        form = testapp.get(url).html.select_one("header form[role=search]")
        assert form["action"] == "http://example.com/@@search"
        assert form["method"] == "get"
        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for={field['id']}]") is not None


def test_the_search_box_searches(testapp, dbsession, root):
    add_document(
        add_folder(root, "zoo", "Zoo"), "otter", "Otter", body="<p>River otter</p>"
    )
    dbsession.flush()
    page = testapp.get("/")
    form = page.forms[0] if page.forms[0].action.endswith("@@search") else None
    assert form is not None
    form["q"] = "otter"
    results = form.submit().html
    (result,) = results.select(".search-result")
    assert result.select_one("h2 a")["href"] == "http://example.com/zoo/otter/"
    assert result.select_one("h2 a").text == "Otter"
    assert result.select_one(".search-path").text == "Home \u203a Zoo"
    assert str(result.select_one(".search-snippet")) == (
        '<p class="search-snippet">River <mark>otter</mark></p>'
    )
    assert result.select_one(".search-type").text == "Document"


def test_snippets_cannot_inject_markup(testapp, dbsession, root):
    add_document(
        root, "x", "X", body="<p>&lt;script&gt;alert(1)&lt;/script&gt; kiwi</p>"
    )
    dbsession.flush()
    page = testapp.get("/@@search", {"q": "kiwi"})
    assert "<script>alert" not in page.text
    assert page.html.select("main script") == []


def test_results_come_in_pages(testapp, dbsession, root):
    for number in range(30):
        add_document(root, f"p{number}", f"Heron {number}")
    dbsession.flush()
    page = testapp.get("/@@search", {"q": "heron"}).html
    assert len(page.select(".search-result")) == 25
    assert "30 results" in page.select_one(".search-total").text
    more = page.select_one("a[rel=next]")["href"]
    second = testapp.get(more).html
    assert len(second.select(".search-result")) == 5
    assert second.select_one("a[rel=prev]") is not None
    assert second.select_one("a[rel=next]") is None


def test_no_results_suggests_what_to_try(testapp, dbsession, root):
    section = add_folder(root, "section", "Section")
    add_document(root, "elsewhere", "Flamingo pink")
    dbsession.flush()
    page = testapp.get("/section/@@search", {"q": "flamin", "type": "Folder"}).html
    none = page.select_one(".search-none")
    assert "Nothing was found" in none.text
    links = {a.text: a["href"] for a in none.select("a")}
    assert links["flamin*"] == "http://example.com/section/@@search?q=flamin%2A"
    assert "Search every type" in links
    assert links["Search the whole site"] == "http://example.com/@@search?q=flamin"
    assert section.title in page.select_one("h1").text


def test_private_pages_are_not_shown_to_visitors(testapp, dbsession, root):
    secret = add_folder(root, "secret", "Secret folder", state="private")
    add_document(secret, "plan", "Plan", body="<p>Albatross</p>")
    dbsession.flush()
    page = testapp.get("/@@search", {"q": "albatross"})
    assert page.html.select(".search-result") == []
    assert "Plan" not in page.text and "Secret folder" not in page.text
