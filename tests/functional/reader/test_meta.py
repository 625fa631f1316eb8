"""What a page tells search engines and link previews: description, canonical
URL and OpenGraph, never naming an image the reader may not see."""

import pytest

from cms.services.site_settings import update_settings
from tests.factories import add_document, add_folder, bearer, browser, make_user
from tests.functional.editing.test_files import png


@pytest.fixture
def site(dbsession, root):
    root.state = "published"
    news = add_folder(root, "news", "News", description="What happened")
    add_document(news, "first", "First news")
    add_document(news, "hidden", "Hidden news", state="private")
    add_folder(root, "media", "Media")
    update_settings(
        dbsession, {"title": "Field notes", "description": "Notes from the field"}
    )
    dbsession.flush()
    return root


@pytest.fixture
def admin(dbsession, site):
    user = make_user(dbsession, "al", groups=["admins"])
    return {"user": user, "headers": bearer(dbsession, user)}


def meta(page):
    """The page's meta data: ``{"description", "canonical", "og:…"}``."""
    html = page.html
    found = {
        tag["property"]: tag["content"]
        for tag in html.select("meta[property]")
        if tag["property"].startswith("og:")
    }
    description = html.select_one('meta[name="description"]')
    found["description"] = description["content"] if description else None
    canonical = html.select('link[rel="canonical"]')
    found["canonical"] = [link["href"] for link in canonical]
    return found


def add_image(testapp, headers, name, publish=True):
    """Upload a 1600 by 800 PNG into /media/; publish it unless told not to."""
    created = testapp.post(
        "/media/",
        {"@type": "Image", "description": "A red square"},
        upload_files=[("file", name, png())],
        headers=headers,
        status=201,
    ).json
    if publish:
        testapp.post_json(
            created["@id"] + "@@workflow", {"transition": "publish"}, headers=headers
        )
    return created


def test_a_page_describes_itself(testapp, site):
    found = meta(testapp.get("/news/"))
    assert found["description"] == "What happened"
    assert found["canonical"] == ["http://example.com/news/"]
    assert found["og:title"] == "News"
    assert found["og:description"] == "What happened"
    assert found["og:url"] == "http://example.com/news/"
    assert found["og:type"] == "article"
    assert found["og:site_name"] == "Field notes"
    # No image of its own, and the site has no logo.
    assert "og:image" not in found


def test_without_a_description_the_sites_is_used(testapp, site):
    found = meta(testapp.get("/news/first/"))
    assert found["description"] == "Notes from the field"
    assert found["og:description"] == "Notes from the field"


def test_the_home_page_is_the_website(testapp, site):
    found = meta(testapp.get("/"))
    assert found["og:type"] == "website"
    assert found["canonical"] == ["http://example.com/"]


def test_the_canonical_url_has_no_query(testapp, dbsession, app, site, admin):
    editor = browser(app, dbsession, admin["user"])
    for url, plain in [
        ("/news/?b_size=1", "http://example.com/news/"),
        ("/news/first/?version=draft", "http://example.com/news/first/"),
    ]:
        found = meta(editor.get(url))
        assert found["canonical"] == [plain]
        assert found["og:url"] == plain


def test_the_public_url_names_the_page(testapp, site, app):
    settings = app.registry.settings
    settings["cms.public_url"] = "https://www.example.org"
    try:
        found = meta(testapp.get("/news/"))
    finally:
        settings["cms.public_url"] = ""
    assert found["canonical"] == ["https://www.example.org/news/"]
    assert found["og:url"] == "https://www.example.org/news/"


def test_values_are_escaped(testapp, dbsession, site):
    add_document(site["news"], "quotes", 'Say "hi" <now>', description="a & b")
    dbsession.flush()
    page = testapp.get("/news/quotes/")
    assert 'content="Say &#34;hi&#34; &lt;now&gt;"' in page.text
    assert meta(page)["description"] == "a & b"


def test_an_image_previews_itself_by_a_scale(testapp, site, admin):
    image = add_image(testapp, admin["headers"], "square.png")
    found = meta(testapp.get("/media/square.png/"))
    assert found["og:image"] == "http://example.com/media/square.png/@@images/large"
    assert (found["og:image:width"], found["og:image:height"]) == ("1200", "600")
    assert found["og:image"] == image["scales"]["large"]["download"]
    # The scale is there for the same reader.
    testapp.get(found["og:image"], status=200)


def test_other_pages_preview_the_logo(testapp, site, admin):
    image = add_image(testapp, admin["headers"], "logo.png")
    testapp.patch_json(
        "/@@site-settings", {"logo": image["uid"]}, headers=admin["headers"]
    )
    found = meta(testapp.get("/news/"))
    assert found["og:image"] == "http://example.com/media/logo.png/@@images/thumb"
    testapp.get(found["og:image"], status=200)


def test_a_private_logo_is_never_previewed_to_anonymous(
    testapp, dbsession, app, site, admin
):
    image = add_image(testapp, admin["headers"], "logo.png", publish=False)
    testapp.patch_json(
        "/@@site-settings", {"logo": image["uid"]}, headers=admin["headers"]
    )
    page = testapp.get("/news/")
    assert "og:image" not in meta(page)
    assert "logo.png" not in page.text
    # Its managers do see it, as they see it in the header.
    editor_page = browser(app, dbsession, admin["user"]).get("/news/")
    assert meta(editor_page)["og:image"].endswith("/logo.png/@@images/thumb")


def test_a_private_image_is_never_previewed_to_anonymous(testapp, site, admin):
    add_image(testapp, admin["headers"], "private.png", publish=False)
    # Its own page asks anonymous readers to log in: no preview there.
    testapp.get("/media/private.png/", status=303)
    for url in ("/media/", "/news/"):
        page = testapp.get(url)
        assert "og:image" not in meta(page)
        assert "private.png" not in page.text


def test_other_pages_have_no_node_meta(testapp, site):
    page = testapp.get("/@@search?q=news")
    assert not page.html.select('link[rel="canonical"]')
    assert not page.html.select("meta[property]")


def test_json_is_unchanged(testapp, site):
    data = testapp.get("/news/", headers={"Accept": "application/json"}).json
    assert "meta" not in data and "og" not in data


def test_the_meta_is_in_the_etag(testapp, dbsession, site):
    etag = testapp.get("/news/first/").headers["ETag"]
    update_settings(dbsession, {"description": "Other notes"})
    dbsession.flush()
    page = testapp.get("/news/first/", headers={"If-None-Match": etag}, status=200)
    assert meta(page)["description"] == "Other notes"
