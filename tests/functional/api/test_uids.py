"""Uids wherever a path is: the target of a move or a copy, and @@resolveuid."""

import pytest

from tests.factories import add_folder
from tests.functional.api.conftest import JSON


@pytest.fixture
def archive(shop, dbsession, root):
    archive = add_folder(root, "archive", "Archive")
    dbsession.flush()
    return archive


@pytest.mark.parametrize(
    "spell", [lambda uid: uid.hex, str, lambda uid: f"/@@resolveuid/{uid.hex}"]
)
def test_a_move_to_a_uid(testapp, shop, archive, people, spell):
    moved = testapp.post_json(
        "/shop/widget/@@move", {"to": spell(archive.uid)}, headers=people["admin"]
    ).json
    assert moved["@id"] == "http://example.com/archive/widget/"


def test_a_copy_to_a_uid(testapp, shop, archive, people):
    response = testapp.post_json(
        "/shop/gadget/@@copy", {"to": str(archive.uid)}, headers=people["admin"]
    )
    assert response.status_code == 201
    assert response.location == "http://example.com/archive/gadget/"


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("0" * 32, "There is no node with this uid."),
        ("archive", "The path of the target, like /about/, its URL or its uid."),
    ],
)
def test_a_target_not_found_is_400_naming_to(testapp, shop, people, to, message):
    error = testapp.post_json(
        "/shop/widget/@@move", {"to": to}, headers=people["admin"], status=400
    ).json["error"]
    assert error["errors"] == [{"field": "to", "message": message}]
    assert testapp.get("/shop/widget/", headers=JSON).json["id"] == "widget"


def test_resolveuid_gives_a_json_client_the_summary(testapp, shop):
    uid = testapp.get("/shop/photo/", headers=JSON).json["uid"]
    found = testapp.get(f"/@@resolveuid/{uid.replace('-', '')}", headers=JSON).json
    assert found["@id"] == "http://example.com/shop/photo/"
    assert found["image"]["thumb"]["download"].endswith("/@@images/thumb")
