"""``GET /@@openapi.json``: a valid OpenAPI 3.0 document that matches the app.

Three promises are kept here: the document is valid OpenAPI 3.0; every JSON
view the application registers is in it (so that it cannot go stale when a
view is added); and real answers validate against the schemas it documents,
closed to fields it does not name (``tests/openapi_check.py``: the served
document leaves responses open to new fields). ``bin/api-check`` goes
further with schemathesis against a live site.
"""

import io
import re

import pytest
from PIL import Image

from tests.factories import add_document, add_folder, bearer, make_user
from tests.openapi_check import check, resolve, schema_errors, strict_copy

JSON = {"Accept": "application/json"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture
def served_document(testapp, root):
    return testapp.get("/@@openapi.json").json


@pytest.fixture
def document(served_document):
    """The document as served, every response object closed: answers are
    checked against it, so that a field the document does not name fails."""
    return strict_copy(served_document)


@pytest.fixture
def site(dbsession, root):
    about = add_folder(root, "about", "About us", description="Who we are")
    add_document(about, "team", "Our team", body="<p>Hi</p>")
    add_document(root, "draft", "A draft", state="private")
    dbsession.flush()
    return root


@pytest.fixture
def admin(dbsession, root):
    user = make_user(dbsession, "admin", groups=["admins"])
    return bearer(dbsession, user)


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


# -- a valid OpenAPI 3.0 document -------------------------------------------------


def openapi_errors(document):
    """Return the document's errors against the OpenAPI 3.0 schema.

    openapi-spec-validator when it is installed; else the official OpenAPI
    3.0 JSON Schema that schemathesis ships, checked with jsonschema-rs.
    """
    try:
        from openapi_spec_validator import validate
    except ImportError:
        pass
    else:  # pragma: no cover (not installed here)
        try:
            validate(document)
        except Exception as error:
            return [str(error)]
        return []
    import jsonschema_rs
    from schemathesis.specs.openapi.definitions import OPENAPI_30

    validator = jsonschema_rs.Draft4Validator(OPENAPI_30)
    return [
        f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(document)
    ]


def test_the_validator_finds_errors():
    assert openapi_errors({"openapi": "3.0.3", "info": {"title": "x"}, "paths": {}})
    assert openapi_errors(
        {
            "openapi": "3.0.3",
            "info": {"title": "x", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {}}}}},
        }
    )


def test_document_is_valid_openapi_3_0(document):
    assert document["openapi"] == "3.0.3"
    assert openapi_errors(document) == []


def test_served_to_anyone_with_the_sites_url(testapp, root):
    response = testapp.get("/@@openapi.json", headers={"Accept": "text/html"})
    assert response.content_type == "application/json"
    assert response.json["servers"] == [
        {"url": "http://example.com", "description": "This site."}
    ]
    assert (
        "every node path `/a/b/c/` works like `/{node}/`"
        in (response.json["info"]["description"])
    )


def test_every_reference_resolves(document):
    def refs(value):
        if isinstance(value, dict):
            if "$ref" in value:
                yield value["$ref"]
            for item in value.values():
                yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    for ref in refs(document):
        assert ref.startswith("#/components/"), ref
        assert resolve(document, {"$ref": ref}) is not None, ref


def test_path_parameters_match_the_templates(document):
    """What the OpenAPI schema cannot check: each `{name}` is declared."""
    for path, item in document["paths"].items():
        names = set(re.findall(r"\{([^}]+)\}", path))
        shared = [resolve(document, p) for p in item.get("parameters", [])]
        for _, method, operation in operations({"paths": {path: item}}):
            own = [resolve(document, p) for p in operation.get("parameters", [])]
            declared = {p["name"] for p in shared + own if p["in"] == "path"}
            assert declared == names, (method, path)
            for parameter in shared + own:
                if parameter["in"] == "path":
                    assert parameter["required"] is True


def test_operations_are_named_once_and_links_name_them(document):
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    for _, _, operation in operations(document):
        for response in operation["responses"].values():
            for link in resolve(document, response).get("links", {}).values():
                assert link["operationId"] in ids


def test_every_operation_documents_its_errors(document):
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert "401" in responses, (method, path)  # a bad token, anywhere
        assert "default" not in responses
        for status, response in responses.items():
            response = resolve(document, response)
            if "400" <= status < "500" and status != "416":
                # JSON errors (a 416 comes from the download's range logic).
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= set(responses), (method, path)


def test_writes_refuse_unknown_fields_as_documented(document):
    schemas = document["components"]["schemas"]
    for name in ("NewFolder", "NewDocument", "NodeChanges", "Move", "Copy", "Order"):
        assert schemas[name]["additionalProperties"] is False
    assert schemas["NewDocument"]["properties"]["title"]["maxLength"] == 200
    assert schemas["NewDocument"]["properties"]["description"]["maxLength"] == 2000


# -- every JSON view is documented --------------------------------------------------


def view_paths(intr, introspector):
    """Return the document's paths (``{}`` for a parameter) that serve *intr*.

    ``None`` for a view that is not part of the JSON API: HTML pages (they
    render a template), exception views and static files.
    """
    context = intr["context"]
    if intr["exception_only"] or (
        isinstance(context, type) and issubclass(context, BaseException)
    ):
        return None
    if any(
        related.category_name == "templates" for related in introspector.related(intr)
    ):
        return None
    if intr.get("accept") in ("text/html", ["text/html"]):
        return None  # a form's target, answering browsers only
    if intr["route_name"]:
        route = introspector.get("routes", intr["route_name"])
        if route["static"] or route["name"].startswith("__"):
            return None
        return {route["pattern"]}
    name, subpath = intr["name"], intr.get("subpath")
    if not name:
        return {"/", "/{}/"}
    tail = f"@@{name}" + ("/{}" if subpath == 1 else "")
    if intr.get("site_root"):
        return {f"/{tail}"}
    # A view of any node: documented for /{node}/ and maybe for the root.
    return {f"/{{}}/{tail}"}


def registered_views(app):
    introspector = app.registry.introspector
    for intr in introspector.get_category("views"):
        intr = intr["introspectable"]
        paths = view_paths(intr, introspector)
        if paths is None:
            continue
        methods = intr["request_methods"]
        if methods is None:
            methods = ("GET",)
        elif isinstance(methods, str):
            methods = (methods,)
        for method in methods:
            if method != "HEAD":
                yield intr.title, paths, method.lower()


def documented(document):
    return {
        (re.sub(r"\{[^}]+\}", "{}", path), method)
        for path, method, _ in operations(document)
    }


def test_every_json_view_is_documented(app, document):
    have = documented(document)
    missing = [
        (title, sorted(paths), method)
        for title, paths, method in registered_views(app)
        if not any((path, method) in have for path in paths)
    ]
    assert missing == []


def test_every_documented_operation_has_a_view(app, document):
    served = set()
    for _, paths, method in registered_views(app):
        for path in paths:
            served.add((path, method))
            if path.startswith("/{}/@@"):
                # A view of any node is a view of the root too.
                served.add((path.removeprefix("/{}"), method))
    assert sorted(documented(document) - served) == []


def test_the_json_views_are_found(app):
    """The walk above sees the views it must (a guard for the guard)."""
    found = {
        (path, method) for _, paths, method in registered_views(app) for path in paths
    }
    for expected in (
        ("/{}/", "get"),
        ("/{}/", "post"),
        ("/{}/@@workflow", "post"),
        ("/{}/@@history/{}", "get"),
        ("/@@users/{}", "patch"),
        ("/@@login", "post"),
        ("/healthz", "get"),
        ("/@@openapi.json", "get"),
    ):
        assert expected in found
    # The HTML login form and node pages are not part of the JSON API.
    assert ("/@@login", "get") not in found


# -- real answers match the documented ones -----------------------------------------


def test_schema_check_catches_a_wrong_answer(document):
    node = {"$ref": "#/components/schemas/Node"}
    assert schema_errors(document, node, {"@id": "http://example.com/"})
    error = {"$ref": "#/components/schemas/Error"}
    assert (
        schema_errors(document, error, {"error": {"type": "X", "message": "m"}}) == []
    )
    assert schema_errors(document, error, {"error": {"type": "X"}})


def test_reading_nodes(testapp, document, site, admin):
    check(document, "/", "get", testapp.get("/", headers=JSON))
    check(document, "/{node}/", "get", testapp.get("/about/?b_size=1", headers=JSON))
    check(document, "/{node}/", "get", testapp.get("/draft/", headers=admin))
    etag = testapp.get("/about/", headers=JSON).headers["ETag"]
    not_modified = testapp.get(
        "/about/", headers={**JSON, "If-None-Match": etag}, status=304
    )
    check(document, "/{node}/", "get", not_modified)
    for view in ("breadcrumbs", "navigation", "workflow"):
        response = testapp.get(f"/about/@@{view}", headers=JSON)
        check(document, f"/{{node}}/@@{view}", "get", response)
    for view in ("sharing", "history"):
        response = testapp.get(f"/about/@@{view}", headers=admin)
        check(document, f"/{{node}}/@@{view}", "get", response)


def test_writing_nodes(testapp, document, site, admin):
    created = testapp.post_json(
        "/", {"@type": "Document", "id": "new", "title": "New", "body": "<p>x</p>"},
        headers=admin, status=201,
    )  # fmt: skip
    check(document, "/", "post", created)
    changed = testapp.patch_json("/new/", {"title": "Newer"}, headers=admin)
    check(document, "/{node}/", "patch", changed)
    published = testapp.post_json(
        "/new/@@workflow", {"transition": "publish"}, headers=admin
    )
    check(document, "/{node}/@@workflow", "post", published)
    revision = testapp.get("/new/@@history/1", headers=admin)
    check(document, "/{node}/@@history/{version}", "get", revision)
    moved = testapp.post_json("/new/@@move", {"to": "/about/"}, headers=admin)
    check(document, "/{node}/@@move", "post", moved)
    deleted = testapp.delete("/about/new/", headers=admin, status=204)
    check(document, "/{node}/", "delete", deleted)


def test_uploading_an_image(testapp, document, site, admin):
    image = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 80, 40)).save(image, "PNG")
    created = testapp.post(
        "/",
        {"@type": "Image", "id": "picture"},
        upload_files=[("file", "picture.png", image.getvalue(), "image/png")],
        headers=admin,
        status=201,
    )
    check(document, "/", "post", created)
    assert set(created.json["scales"]) == {"thumb", "preview", "large"}


def test_error_answers(testapp, document, site, admin):
    bad = testapp.post_json("/", {"@type": "Document"}, headers=admin, status=400)
    check(document, "/", "post", bad)
    assert bad.json["error"]["errors"] == [{"field": "title", "message": "Required."}]
    unknown = testapp.post_json(
        "/", {"@type": "Folder", "title": "T", "owner": "x"}, headers=admin, status=400
    )
    check(document, "/", "post", unknown)
    anonymous = testapp.get("/@@users", headers=JSON, status=401)
    check(document, "/@@users", "get", anonymous)
    check(document, "/", "post", testapp.post_json("/", {}, headers=JSON, status=401))
    missing = testapp.get("/nothing-here/", headers=JSON, status=404)
    check(document, "/{node}/", "get", missing)
    taken = testapp.post_json(
        "/", {"@type": "Folder", "id": "about", "title": "T"}, headers=admin, status=409
    )
    check(document, "/", "post", taken)
    stale = testapp.patch_json(
        "/about/", {"title": "T"}, headers={**admin, "If-Match": '"0"'}, status=412
    )
    check(document, "/{node}/", "patch", stale)
    wrong_type = testapp.post(
        "/", "x", headers=admin, content_type="text/plain", status=415
    )
    check(document, "/", "post", wrong_type)


def test_principals_and_tokens(testapp, document, root, admin):
    check(document, "/@@users", "get", testapp.get("/@@users", headers=admin))
    user = testapp.post_json(
        "/@@users", {"login": "alice", "password": "a long password"},
        headers=admin, status=201,
    )  # fmt: skip
    check(document, "/@@users", "post", user)
    group = testapp.post_json("/@@groups", {"name": "staff"}, headers=admin, status=201)
    check(document, "/@@groups", "post", group)
    check(document, "/@@tokens", "get", testapp.get("/@@tokens", headers=admin))
    token = testapp.post_json("/@@tokens", {"title": "CI"}, headers=admin, status=201)
    check(document, "/@@tokens", "post", token)
    login = testapp.post_json(
        "/@@login", {"login": "alice", "password": "a long password"}, status=201
    )
    check(document, "/@@login", "post", login)
    failed = testapp.post_json(
        "/@@login", {"login": "alice", "password": "wrong"}, status=401
    )
    check(document, "/@@login", "post", failed)
    check(document, "/healthz", "get", testapp.get("/healthz"))
    check(document, "/readyz", "get", testapp.get("/readyz"))
