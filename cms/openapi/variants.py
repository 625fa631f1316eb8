"""What the document promises about new fields, and its variant for
openapi-python-client.

Responses are open to new fields (a client generated today must keep parsing
answers when the site adds a key), requests closed (an unknown field is a
400 that names it): :func:`open_responses` removes ``additionalProperties:
false`` from every schema that only responses use, and refuses a schema that
both use, which could not be both.

openapi-python-client (0.29) names a model's attribute after its JSON key
alone, so ``@id`` and ``id`` (both ``id`` in Python) make it drop the whole
schema, and it writes code that does not import for a required body with two
content types (its bug #1451), and it sends a list in the query as repeated
parameters. ``GET /@@openapi.json?variant=python-client``
(:func:`python_client_variant`) is the document with the ``@`` of each
key spelt ``at_``, those bodies optional and the lists of names in the query
(``fields=title,items``) strings; the generator's configuration
shipped in ``clients/openapi-python-client.yaml`` spells the keys back in the
generated code, so the client sends and reads the same JSON as any other.
"""

import copy
from typing import Any

#: The variants of the document, by the value of ``?variant=``.
VARIANTS = ("python-client",)
#: How the variant spells a key's leading ``@``.
AT_PREFIX = "at_"
SCHEMAS_REF = "#/components/schemas/"


def _walk(value: Any):
    """Every dict inside *value*, *value* included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _refs(value):
    return {
        node["$ref"].removeprefix(SCHEMAS_REF)
        for node in _walk(value)
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith(SCHEMAS_REF)
    }


def _reachable(schemas, names):
    """*names* and the schemas they refer to, transitively."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(schemas[name]))
    return seen


def schema_uses(document):
    """``(requests, responses)``: the names of the schemas each refers to."""
    schemas = document["components"]["schemas"]
    requests, responses = set(), set()
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                requests |= _refs(operation.get("requestBody", {}))
                responses |= _refs(operation.get("responses", {}))
    responses |= _refs(document["components"].get("responses", {}))
    return _reachable(schemas, requests), _reachable(schemas, responses)


def open_responses(document):
    """Open every schema that only responses use to new fields (in place)."""
    requests, responses = schema_uses(document)
    both = requests & responses
    if both:
        raise ValueError(f"schemas used by requests and responses: {sorted(both)}")
    schemas = document["components"]["schemas"]
    for name in responses:
        for node in _walk(schemas[name]):
            if node.get("additionalProperties") is False:
                del node["additionalProperties"]
    return document


def python_client_variant(document):
    """The document as openapi-python-client can use it (see the module)."""
    variant = copy.deepcopy(document)
    for schema in variant["components"]["schemas"].values():
        for node in _walk(schema):
            properties = node.get("properties")
            if isinstance(properties, dict) and any(k[:1] == "@" for k in properties):
                node["properties"] = {_spelt(k): v for k, v in properties.items()}
                if "required" in node:
                    node["required"] = [_spelt(k) for k in node["required"]]
    for item in variant["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and len(body["content"]) > 1:
                body["required"] = False
    for node in _walk(variant["paths"]):
        if node.get("in") == "query" and node.get("explode") is False:
            _comma_separated(node)
    variant["info"]["description"] = (
        "**For openapi-python-client, with `clients/openapi-python-client.yaml`:** "
        f"keys beginning with `@` are spelt `{AT_PREFIX}` here, bodies of "
        "two content types are optional and lists of names in the query "
        "(`fields`, `expand`) are strings; the JSON itself is the same.\n\n"
        + variant["info"]["description"]
    )
    return variant


def _spelt(key):
    if key.startswith(AT_PREFIX):
        raise ValueError(f"a key that the variant could not spell back: {key}")
    return AT_PREFIX + key[1:] if key.startswith("@") else key


def _comma_separated(parameter):
    """A list of names (``fields=title,items``) as the string it is sent as:
    the generator sends a list as repeated parameters, which the site
    refuses (``fields: given more than once``)."""
    names = parameter["schema"]["items"]["enum"]
    parameter["schema"] = {"type": "string", "example": ",".join(names[2:4])}
    parameter["description"] += " Comma-separated: " + ", ".join(names) + "."
    del parameter["style"], parameter["explode"]
