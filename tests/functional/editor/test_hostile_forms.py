"""Forms sent by hand, not by our pages: odd numbers, files for text, long text.

Each answer is a 4xx or a page with a message, never a 500, and what is
stored stays as it was (or is changed exactly as asked).
"""

import pytest
from sqlalchemy import func, select

from cms.models import ApiToken, Node
from tests.factories import add_document

NINES = "9" * 5000


@pytest.fixture
def site(site, dbsession):
    add_document(site, "alpha", "Alpha", state="private")
    dbsession.flush()
    return site


def token_of(page):
    return page.html.select_one('meta[name="csrf-token"]')["content"]


def title_of(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node.title).where(Node.path == path)).one()


@pytest.mark.parametrize("version", ["²", NINES, "-1", "1e3"])
def test_odd_versions_in_the_edit_form(editor, dbsession, version):
    token = token_of(editor.get("/site/alpha/@@edit"))
    fields = {"csrf_token": token, "title": "Beta", "version": version}
    editor.post("/site/alpha/@@edit", fields, status=303)
    assert title_of(dbsession, "/site/alpha/") == "Beta"


@pytest.mark.parametrize("version", ["²", NINES])
def test_odd_versions_in_the_rename_form(editor, dbsession, version):
    token = token_of(editor.get("/site/@@contents"))
    fields = {"csrf_token": token, "id": "alpha", "title": "Beta", "version": version}
    editor.post("/site/@@contents-rename?item=alpha", fields, status=303)
    assert title_of(dbsession, "/site/alpha/") == "Beta"


def test_files_where_the_contents_view_wants_text(editor, dbsession):
    token = token_of(editor.get("/site/@@contents"))
    for url, field in (
        ("/site/@@contents", "ids"),
        ("/site/@@contents-delete", "ids"),
        ("/site/@@contents-order", "up"),
        ("/site/@@contents-rename?item=alpha", "id"),
    ):
        editor.post(
            url,
            {"csrf_token": token, "action": "copy"},
            upload_files=[(field, "x.txt", b"x")],
            status=404,
        )
    assert title_of(dbsession, "/site/alpha/") == "Alpha"


def test_odd_token_expiry_and_ids(editor, dbsession):
    token = token_of(editor.get("/@@preferences"))
    page = editor.post(
        "/@@preferences/tokens",
        {"csrf_token": token, "token_title": "t", "token_expires": NINES},
        status=400,
    )
    assert page.html.select_one("#error-token_expires").text
    for number in ("99999999999999999", "²", NINES):
        response = editor.post(
            "/@@preferences/revoke", {"csrf_token": token, "token": number}, status=303
        )
        assert "no such token" in response.follow().html.select_one(".message").text
    assert dbsession.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_long_name_echoed_back_fits_the_cookie(admin):
    token = token_of(admin.get("/@@groups/admins"))
    response = admin.post(
        "/@@groups/admins/@@members",
        {"csrf_token": token, "remove": "x" * 5000},
        status=303,
    )
    assert len(response.headers["Set-Cookie"]) < 4096
    message = response.follow().html.select_one(".message").text
    assert message.endswith("…") or "not a member" in message


def test_many_long_file_names_fit_the_cookie(editor, dbsession):
    token = token_of(editor.get("/site/@@upload"))
    names = [f"{'日本語のファイル名' * 6}-{number}.txt" for number in range(12)]
    response = editor.post(
        "/site/@@upload",
        {"csrf_token": token},
        upload_files=[("files", name, b"text") for name in names],
        status=303,
    )
    message = response.follow().html.select_one(".message").text
    assert message.startswith("Added 12 files") and message.endswith("…")
    dbsession.expire_all()
    count = dbsession.scalar(
        select(func.count()).select_from(Node).where(Node.path.like("/site/%.txt/"))
    )
    assert count == 12
