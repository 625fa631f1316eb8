"""What makes ``/@@openapi.json`` fit for client generators: responses open
to new fields and requests closed, partial nodes (``fields=``) described,
and the variant for openapi-python-client (``?variant=python-client``).
``test_generated_clients.py`` runs the generators themselves."""

import pytest

from cms.openapi.variants import schema_uses
from tests.factories import add_document, add_folder
from tests.openapi_check import check, schema_errors, strict_copy, walk

JSON = {"Accept": "application/json"}


@pytest.fixture
def served_document(testapp, root):
    return testapp.get("/@@openapi.json").json


@pytest.fixture
def document(served_document):
    return strict_copy(served_document)


@pytest.fixture
def site(dbsession, root):
    about = add_folder(root, "about", "About us", description="Who we are")
    add_document(about, "team", "Our team", body="<p>Hi</p>")
    add_document(root, "draft", "A draft", state="private")
    dbsession.flush()
    return root


def test_responses_are_open_to_new_fields_and_requests_closed(served_document):
    schemas = served_document["components"]["schemas"]
    requests, responses = schema_uses(served_document)
    assert {"Node", "Summary", "Error", "SearchResults", "User"} <= responses
    assert {"NewDocument", "NodeChanges", "Upload", "SharingChange"} <= requests
    assert requests.isdisjoint(responses)
    for name in responses:
        closed = [
            n for n in walk(schemas[name]) if n.get("additionalProperties") is False
        ]
        assert closed == [], name
    for name in requests:
        if "properties" in schemas[name]:
            assert schemas[name]["additionalProperties"] is False, name


def test_the_strict_copy_catches_an_undocumented_field(served_document, document):
    node = {"$ref": "#/components/schemas/Node"}
    answer = {"@id": "http://example.com/a/", "@type": "Folder", "surprise": 1}
    assert schema_errors(served_document, node, answer) == []
    assert schema_errors(document, node, answer)
    nested = {"@id": "http://example.com/a/", "@type": "Folder", "parent": {}}
    nested["parent"] = {"@id": "http://example.com/", "surprise": 1}
    assert schema_errors(document, node, nested)


def test_partial_nodes_from_fields_are_described(testapp, document, site):
    """`fields=` leaves keys out: only `@id` and `@type` are required."""
    schemas = document["components"]["schemas"]
    assert schemas["Node"]["required"] == ["@id", "@type"]
    assert schemas["Summary"]["required"] == ["@id", "@type"]
    partial = testapp.get("/about/?fields=title,items", headers=JSON)
    assert set(partial.json) == {"@id", "@type", "title", "items"}
    check(document, "/{node}/", "get", partial)


def test_a_variant_for_openapi_python_client(testapp, served_document):
    variant = testapp.get("/@@openapi.json?variant=python-client").json
    schemas = variant["components"]["schemas"]
    node = schemas["Node"]
    assert {"at_id", "at_type", "id", "at_components"} <= set(node["properties"])
    assert node["required"] == ["at_id", "at_type"]
    assert "at_type" in schemas["Upload"]["properties"]
    for item in variant["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body:  # optional exactly where JSON or multipart may be sent
                assert body["required"] is (len(body["content"]) == 1)
    # Lists of names are sent comma-separated, as the site wants them.
    fields = [p for p in variant["paths"]["/"]["get"]["parameters"]
              if p.get("name") == "fields"]  # fmt: skip
    assert fields[0]["schema"]["type"] == "string"
    assert "explode" not in fields[0]
    # Nothing else differs from the document.
    assert variant["paths"]["/@@login"] == served_document["paths"]["/@@login"]
    assert variant["info"]["version"] == served_document["info"]["version"]


def test_an_unknown_variant_or_parameter_is_a_400_naming_it(testapp, root):
    wrong = testapp.get("/@@openapi.json?variant=java", headers=JSON, status=400)
    assert wrong.json["error"]["errors"][0]["field"] == "variant"
    unknown = testapp.get("/@@openapi.json?flavour=x", headers=JSON, status=400)
    assert unknown.json["error"]["errors"][0]["field"] == "flavour"
