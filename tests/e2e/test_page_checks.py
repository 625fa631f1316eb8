"""Every editor page is valid HTML (the W3C Nu checker) and accessible (axe-core).

The pages are those an editor sees on a real site: the views of each type,
every form, the contents, sharing and history pages, the site manager's
pages, the login form and an error page. axe-core runs in the browser on
the page as rendered (scripts run, styles applied); the Nu checker reads the
HTML as the server sent it.
"""

import json
import shutil
import subprocess

import pytest

from tests.e2e.conftest import ADMIN_PASSWORD, NODE_MODULES, Api, log_in, new_page, png

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: axe-core's impacts that fail the check.
BLOCKING = {"serious", "critical"}

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
    api.upload("/checks/", "File", "notes", "notes.txt", b"Some notes\n", "text/plain")
    yield page
    page.context.close()


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_accessible(admin_page, name, path):
    response = admin_page.goto(path)
    assert response.status == (404 if name == "not-found" else 200)
    admin_page.evaluate(AXE.read_text())
    violations = admin_page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]}))
            .violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }))"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == []
    assert admin_page.js_errors == []


def test_valid_html(admin_page, tmp_path):
    java = shutil.which("java")
    assert java, "The Nu checker needs Java: install default-jre-headless."
    assert VNU.exists(), "The Nu checker is missing: run `npm ci`."
    files = {}
    for name, path in PAGES:
        response = admin_page.request.get(path, headers={"Accept": "text/html"})
        assert response.headers["content-type"].startswith("text/html"), path
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.body())
        files[file.as_uri()] = path
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *sorted(
            str(tmp_path / f"{name}.html") for name, _ in PAGES
        )],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
