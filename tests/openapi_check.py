"""Checking answers against the OpenAPI document: ``check`` asserts that a
response is one the document promises, against a strict copy of it
(``strict_copy``: every response object closed, so that a field the document
does not name fails, while the served document leaves them open to new
fields)."""

import copy
import re

from cms.openapi.variants import schema_uses


def resolve(document, value):
    """Follow a local ``$ref`` (``#/components/…``) to what it names."""
    while isinstance(value, dict) and "$ref" in value:
        target = document
        for part in value["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        value = target
    return value


def strict_copy(document):
    """*document* with ``additionalProperties: false`` on every object that
    responses use (the served document leaves them open to new fields)."""
    strict = copy.deepcopy(document)
    schemas = strict["components"]["schemas"]
    for name in schema_uses(strict)[1]:
        for node in walk(schemas[name]):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
    return strict


def walk(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def to_json_schema(value):
    """Turn an OpenAPI 3.0 schema into JSON Schema (draft 4) for a validator."""
    if isinstance(value, list):
        return [to_json_schema(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key == "$ref":
            result[key] = item.replace("#/components/schemas/", "#/definitions/")
        elif key in ("nullable", "example", "discriminator", "xml", "readOnly"):
            continue
        elif key in ("properties", "definitions"):
            result[key] = {name: to_json_schema(sub) for name, sub in item.items()}
        else:
            result[key] = to_json_schema(item)
    if value.get("nullable"):
        if "type" in result:
            result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result


def schema_errors(document, schema, instance):
    full = {
        **to_json_schema(schema),
        "definitions": to_json_schema(document["components"]["schemas"]),
    }
    try:
        import jsonschema
    except ImportError:
        import jsonschema_rs

        validator = jsonschema_rs.Draft4Validator(full)
        return [
            f"{list(e.instance_path)}: {e.message}"
            for e in validator.iter_errors(instance)
        ]
    return [  # pragma: no cover (not installed here)
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft4Validator(full).iter_errors(instance)
    ]


def check(document, path, method, response):
    """Assert that *response* is one that the document promises."""
    operation = document["paths"][path][method]
    assert str(response.status_int) in operation["responses"], (
        f"{method.upper()} {path}: {response.status_int} is not documented"
    )
    documented = resolve(document, operation["responses"][str(response.status_int)])
    for name, header in documented.get("headers", {}).items():
        header = resolve(document, header)
        if header.get("required"):
            assert name in response.headers, f"{name} missing"
        if name in response.headers and header["schema"].get("pattern"):
            assert re.search(header["schema"]["pattern"], response.headers[name])
    content = documented.get("content")
    if not content:
        assert not response.body
        return
    assert response.content_type in content, response.content_type
    schema = content[response.content_type]["schema"]
    assert schema_errors(document, schema, response.json) == []
