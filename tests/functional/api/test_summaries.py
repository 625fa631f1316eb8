"""What a listed item tells: images their scales, files their download."""

from tests.functional.api.conftest import JSON


def item(data, name):
    return next(entry for entry in data["items"] if entry["id"] == name)


def test_an_image_in_a_listing_carries_its_scales(testapp, shop):
    photo = item(testapp.get("/shop/", headers=JSON).json, "photo")
    assert photo["image"]["thumb"] == {
        "download": "http://example.com/shop/photo/@@images/thumb",
        "width": 128,
        "height": 64,
    }
    assert set(photo["image"]) == {"thumb", "preview", "large"}
    assert photo["file"]["download"] == "http://example.com/shop/photo/@@download"
    # What the summary names is served.
    testapp.get(photo["image"]["preview"]["download"], status=200)


def test_a_file_in_a_listing_carries_its_download(testapp, shop):
    manual = item(testapp.get("/shop/", headers=JSON).json, "manual")
    assert manual["file"] == {
        "download": "http://example.com/shop/manual/@@download",
        "content_type": "application/pdf",
        "size": 109,
    }
    assert "image" not in manual
    widget = item(testapp.get("/shop/", headers=JSON).json, "widget")
    assert "file" not in widget and "image" not in widget


def test_search_results_carry_them_too(testapp, shop):
    found = testapp.get("/@@search?q=photo&fields=title,image", headers=JSON)
    [photo] = found.json["items"]
    assert set(photo) == {"@id", "@type", "title", "image"}
    assert photo["image"]["thumb"]["width"] == 128
    assert 'rel="first"' in found.headers["Link"]


def test_a_search_parameter_not_understood_is_400(testapp, shop):
    bad = (("portal_type=Image", "portal_type"), ("fields=acl", "fields"))
    for query, named in bad:
        error = testapp.get(f"/@@search?{query}", headers=JSON, status=400).json
        assert error["error"]["message"].startswith(named)


def test_a_node_says_where_its_page_and_feed_are(testapp, shop):
    assert testapp.get("/shop/widget/", headers=JSON).json["links"] == {
        "html": "http://example.com/shop/widget/",
        "feed": "http://example.com/shop/@@feed",
    }
    assert testapp.get("/shop/", headers=JSON).json["links"]["feed"] == (
        "http://example.com/shop/@@feed"
    )
