"""Every editor page is valid HTML (the W3C Nu checker) and accessible (axe-core).

The pages are those an editor sees on a real site: the views of each type,
every form, the contents, sharing and history pages, the site manager's
pages, the login form and an error page. axe-core runs in the browser on
the page as rendered (scripts run, styles applied); the Nu checker reads the
HTML as the server sent it.
"""

import pytest

from tests.e2e.conftest import (
    ADMIN_PASSWORD,
    Api,
    axe_blocking,
    log_in,
    new_page,
    nu_errors,
    png,
)

#: (name, path) of the pages checked, logged in as the site's admin.
PAGES = [
    ("home", "/"),
    ("folder", "/checks/"),
    ("document", "/checks/page/"),
    ("draft", "/checks/page/?version=draft"),
    ("image", "/checks/picture/"),
    ("file", "/checks/notes/"),
    ("edit-document", "/checks/page/@@edit"),
    ("edit-image", "/checks/picture/@@edit"),
    ("add-folder", "/checks/@@add?type=Folder"),
    ("add-document", "/checks/@@add?type=Document"),
    ("add-file", "/checks/@@add?type=File"),
    ("add-image", "/checks/@@add?type=Image"),
    ("delete", "/checks/page/@@delete"),
    ("contents", "/checks/@@contents"),
    ("upload", "/checks/@@upload"),
    ("sharing", "/checks/@@sharing"),
    ("sharing-search", "/checks/@@sharing?q=edit"),
    ("history", "/checks/page/@@history"),
    ("revision", "/checks/page/@@history/2"),
    ("users", "/@@users"),
    ("user", "/@@users/editor"),
    ("groups", "/@@groups"),
    ("group", "/@@groups/admins"),
    ("preferences", "/@@preferences"),
    ("not-found", "/checks/no-such-page"),
    ("search", "/@@search?q=page"),
    ("search-none", "/checks/@@search?q=nothing-like-it&type=Folder"),
]


@pytest.fixture(scope="module")
def admin_page(chromium, site):
    page = new_page(chromium, site)
    log_in(page, "admin", ADMIN_PASSWORD)
    api = Api(page)
    api.add("/", "Folder", "checks", title="Checks")
    api.add("/checks/", "Document", "page", title="A page", body="<p>First</p>")
    api.patch("/checks/page/", {"body": "<p>Second <strong>words</strong></p>"})
    api.post("/checks/page/@@workflow", {"transition": "publish"})
    api.patch("/checks/page/", {"title": "A page, redrafted"})
    api.upload("/checks/", "Image", "picture", "picture.png", png(), "image/png")
    # A picture wider than a phone in the draft's text: its edit page too
    # must fit 390 px.
    api.patch(
        "/checks/page/",
        {
            "body": "<p>Second <strong>words</strong></p><figure>"
            '<img src="/checks/picture/@@images/large" alt="A picture">'
            "<figcaption>A caption</figcaption></figure>"
        },
    )
    api.upload("/checks/", "File", "notes", "notes.txt", b"Some notes\n", "text/plain")
    yield page
    page.context.close()


#: Forms sent with a mistake: (name, page, form, {field: value}). The
#: browser's own checks (``required``, ``type``) are taken off first, so the
#: server's messages are what is checked.
FORMS_WITH_ERRORS = [
    ("edit-error", "/checks/page/@@edit", "#edit-form", {"#field-title": ""}),
    ("add-error", "/checks/@@add?type=Folder", "#edit-form", {"#field-title": ""}),
    (
        "rename-error",
        "/checks/@@contents-rename?item=notes",
        "#rename-form",
        {"#field-id": "no/slashes"},
    ),
    (
        "user-error",
        "/@@users/@@add",
        "#user-form",
        {"#field-login": "editor", "#field-email": "not-an-address"},
    ),
    (
        "password-error",
        "/@@preferences",
        "#password-form",
        {"#field-current_password": "wrong", "#field-new_password": "x"},
    ),
]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_accessible(admin_page, name, path):
    response = admin_page.goto(path)
    assert response.status == (404 if name == "not-found" else 200)
    assert axe_blocking(admin_page) == []
    assert admin_page.js_errors == []


def test_valid_html(admin_page, tmp_path):
    pages = {}
    for name, path in PAGES:
        response = admin_page.request.get(path, headers={"Accept": "text/html"})
        assert response.headers["content-type"].startswith("text/html"), path
        pages[name] = response.body()
    assert nu_errors(pages, tmp_path) == []


def test_forms_with_errors(admin_page, tmp_path):
    """A form sent back with messages is as valid and accessible as the first."""
    pages, blocking = {}, {}
    for name, path, form, values in FORMS_WITH_ERRORS:
        admin_page.goto(path)
        admin_page.evaluate(
            """form => document.querySelectorAll(form + " input, " + form + " textarea")
                .forEach(field => {
                    field.removeAttribute("required");
                    if (field.type === "email") field.type = "text";
                })""",
            form,
        )
        for field, value in values.items():
            admin_page.fill(field, value)
        with admin_page.expect_response(lambda r: r.request.method == "POST") as sent:
            admin_page.locator(f"{form} button[type=submit]").first.click()
        response = sent.value
        assert response.status in (400, 409), (name, response.status)
        admin_page.wait_for_load_state()
        assert admin_page.locator("[aria-invalid=true], .message.error").count()
        pages[name] = response.body()
        blocking[name] = axe_blocking(admin_page)
    assert blocking == {name: [] for name, *_ in FORMS_WITH_ERRORS}
    assert nu_errors(pages, tmp_path) == []


#: (name, path, status) of pages checked as an anonymous reader sees them.
READER_PAGES = [
    ("reader-home", "/", 200),
    ("reader-document", "/about/team/", 200),
    ("reader-not-found", "/about/old-storry", 404),
]


def test_reader_pages(chromium, site, tmp_path):
    """The pages readers meet, meta data and the themed 404 included."""
    page = new_page(chromium, site)
    try:
        pages, blocking = {}, {}
        for name, path, status in READER_PAGES:
            response = page.goto(path)
            assert response.status == status, name
            blocking[name] = axe_blocking(page)
            pages[name] = response.body()
        assert page.input_value("#search-instead-q") == "old storry"
        assert page.js_errors == []
    finally:
        page.context.close()
    assert blocking == {name: [] for name, *_ in READER_PAGES}
    assert nu_errors(pages, tmp_path) == []


def test_every_editor_page_fits_a_phone(admin_page, screenshots):
    """At 390 px nothing scrolls sideways: wide tables become cards."""
    admin_page.set_viewport_size({"width": 390, "height": 844})
    try:
        wide = {}
        for name, path in PAGES:
            admin_page.goto(path)
            width = admin_page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[name] = width
            screenshots(admin_page, f"{name}-390")
        assert wide == {}
    finally:
        admin_page.set_viewport_size({"width": 1280, "height": 900})
