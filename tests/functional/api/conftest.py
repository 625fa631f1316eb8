"""A small site for the integrators' queries, read as JSON.

``/shop/`` is a published folder holding, in the editors' order: ``widget``,
``gadget`` and ``doohickey`` (published documents with distinct dates),
``secret`` (a private document), ``photo`` (an image) and ``manual`` (a
file). ``people`` gives JSON headers: ``None`` anonymous, ``editor`` with
the editor role on /shop/, ``admin`` a site administrator.
"""

from datetime import UTC, datetime

import pytest

from tests.factories import (
    add_document,
    add_folder,
    bearer,
    find_user,
    grant,
    make_user,
    png,
)

JSON = {"Accept": "application/json"}


@pytest.fixture
def people(dbsession, root):
    editor = make_user(dbsession, "editor")
    admin = make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return {
        None: JSON,
        "editor": bearer(dbsession, editor),
        "admin": bearer(dbsession, admin),
    }


@pytest.fixture
def shop(testapp, dbsession, root, people):
    shop = add_folder(root, "shop", "Shop", body="<p>Welcome</p>")
    grant(shop, find_user(dbsession, "editor"), "editor")
    for day, (name, title) in enumerate(
        [("widget", "Widget"), ("gadget", "Gadget"), ("doohickey", "Doohickey")], 1
    ):
        add_document(
            shop,
            name,
            title,
            body=f"<p>All about the {title.lower()}.</p>",
            created=datetime(2026, 1, day, tzinfo=UTC),
            effective=datetime(2026, 2, 10 - day, tzinfo=UTC),
        )
    add_document(shop, "secret", "Secret plans", state="private")
    dbsession.flush()
    testapp.post(
        "/shop/",
        {"@type": "Image", "id": "photo", "title": "A photo"},
        upload_files=[("file", "photo.png", png(800, 400))],
        headers=people["admin"],
    )
    testapp.post(
        "/shop/",
        {"@type": "File", "id": "manual", "title": "Manual"},
        upload_files=[("file", "manual.pdf", b"%PDF-1.4\n" + b"x" * 100)],
        headers=people["admin"],
    )
    for name in ("photo", "manual"):
        testapp.post_json(
            f"/shop/{name}/@@workflow",
            {"transition": "publish"},
            headers=people["admin"],
        )
    return shop


def ids(data):
    return [item["id"] for item in data["items"]]
