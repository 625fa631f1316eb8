"""``cms.theme_dir``: a site's own templates and stylesheet."""

import pytest
import webtest

from cms import main
from cms.services.site_settings import update_settings
from cms.settings import load_settings
from tests.factories import add_document

FOOTER = (
    '<footer class="theme-footer">Printed by {{ frame.site.title }}'
    "{% if frame.site.footer %} · {{ frame.site.footer|safe }}{% endif %}</footer>\n"
)
CSS = ":root { --accent: #7a1f5c; }\n"


def make_theme(folder, footer=True, css=True):
    """A theme folder: a footer template and a stylesheet, as asked."""
    (folder / "templates").mkdir(parents=True)
    (folder / "static").mkdir()
    if footer:
        (folder / "templates" / "footer.jinja2").write_text(FOOTER)
    if css:
        (folder / "static" / "theme.css").write_text(CSS)
    (folder / "static" / "mark.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    )
    return folder


@pytest.fixture
def themed_app(app_settings, dbengine, session_factory, tmp_path):
    """Return a function making an app with *theme* as its cms.theme_dir."""
    made = []

    def make(theme):
        app = main({}, **app_settings, **{"cms.theme_dir": str(theme)})
        # Share the test's transaction, as the testapp fixture does.
        app.registry["dbsession_factory"] = session_factory
        made.append(app)
        return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})

    yield make
    for app in made:
        app.registry["dbengine"].dispose()


@pytest.fixture
def site(dbsession, root):
    root.state = "published"
    add_document(root, "page", "A page", body="<p>Text</p>")
    update_settings(dbsession, {"title": "Field notes", "footer": "<p>Be kind</p>"})
    dbsession.flush()
    return root


def stylesheets(page):
    return [link["href"] for link in page.html.select('link[rel="stylesheet"]')]


def test_a_template_of_the_theme_replaces_ours(themed_app, site, tmp_path):
    client = themed_app(make_theme(tmp_path / "theme"))
    for page in (client.get("/page/"), client.get("/nowhere", status=404)):
        footer = page.html.select_one("footer")
        assert footer["class"] == ["theme-footer"]
        assert footer.text == "Printed by Field notes · Be kind"
        # The templates the theme lacks are still ours.
        assert page.html.select_one("header.site-header") is not None


def test_the_themes_stylesheet_follows_ours(themed_app, site, tmp_path):
    client = themed_app(make_theme(tmp_path / "theme"))
    for page in (client.get("/page/"), client.get("/nowhere", status=404)):
        site_css, theme_css = stylesheets(page)
        assert site_css.endswith("/static/site.css")
        assert theme_css == "http://example.com/++theme++/theme.css"
    served = client.get("/++theme++/theme.css")
    assert served.text == CSS
    assert served.content_type == "text/css"
    assert client.get("/++theme++/mark.svg").content_type == "image/svg+xml"
    client.get("/++theme++/nothing.css", status=404)


def test_a_theme_may_have_no_stylesheet(themed_app, site, tmp_path):
    client = themed_app(make_theme(tmp_path / "theme", css=False))
    page = client.get("/page/")
    assert len(stylesheets(page)) == 1
    assert page.html.select_one("footer")["class"] == ["theme-footer"]


def test_a_theme_may_only_restyle(themed_app, site, tmp_path):
    client = themed_app(make_theme(tmp_path / "theme", footer=False))
    page = client.get("/page/")
    assert page.html.select_one("footer")["class"] == ["site-footer"]
    assert stylesheets(page)[-1].endswith("/++theme++/theme.css")


def test_without_the_setting_nothing_changes(testapp, site, tmp_path):
    make_theme(tmp_path / "theme")
    page = testapp.get("/page/")
    assert len(stylesheets(page)) == 1
    assert page.html.select_one("footer")["class"] == ["site-footer"]
    assert page.html.select_one("footer").text == "Be kind"
    testapp.get("/++theme++/theme.css", status=404)


def test_a_missing_folder_stops_the_start(app_settings, tmp_path):
    settings = {**app_settings, "cms.theme_dir": str(tmp_path / "no-such-theme")}
    with pytest.raises(ValueError, match=r"cms\.theme_dir: there is no folder"):
        load_settings(settings, environ={})


def test_the_folder_is_made_absolute(app_settings, tmp_path, monkeypatch):
    make_theme(tmp_path / "theme")
    monkeypatch.chdir(tmp_path)
    settings = load_settings({**app_settings, "cms.theme_dir": "theme"}, environ={})
    assert settings["cms.theme_dir"] == str(tmp_path / "theme")
    assert load_settings(app_settings, environ={})["cms.theme_dir"] == ""
