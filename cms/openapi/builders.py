"""Small builders of the document's parts, and the error answers by status."""


# -- small builders --------------------------------------------------------------


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _response_ref(name):
    return {"$ref": f"#/components/responses/{name}"}


def _param_ref(name):
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema, example=None):
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _string(max_length=None, **extra):
    schema = {"type": "string", **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def _object(properties, required=(), additional=False, **extra):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if additional is not None:
        schema["additionalProperties"] = additional
    schema.update(extra)
    return schema


URI = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": "string", "format": "date-time", "nullable": True}

#: The error answers, by status: (component name, description).
ERRORS = {
    400: ("BadRequest", "Malformed JSON, an invalid field or query parameter."),
    401: (
        "Unauthorized",
        "No credentials and the request needs a permission anonymous callers "
        "lack, or an invalid, expired or revoked token.",
    ),
    403: ("Forbidden", "The caller may not do this here."),
    404: ("NotFound", "No such node, view or item."),
    409: ("Conflict", "The name is taken."),
    412: ("PreconditionFailed", "`If-Match` does not name the node as it is now."),
    413: (
        "PayloadTooLarge",
        "The body is too large (1 MB of JSON, or the upload limit).",
    ),
    415: ("UnsupportedMediaType", "Wrong `Content-Type` for this write."),
    429: ("TooManyRequests", "Too many failed logins: try again later."),
    503: (
        "ServiceUnavailable",
        "The file store cannot be written or read right now (nothing was "
        "saved): try again after `Retry-After` seconds.",
    ),
    507: ("InsufficientStorage", "The file store is full: nothing was saved."),
}


def _responses(success, *errors):
    """Return a responses object: *success* (``{status: response}``) and errors."""
    responses = {str(status): response for status, response in success.items()}
    for status in sorted({401, *errors}):
        responses[str(status)] = _response_ref(ERRORS[status][0])
    return responses


def _header(description, schema=None, required=False):
    header = {"description": description, "schema": schema or {"type": "string"}}
    if required:
        header["required"] = True
    return header


NODE_HEADERS = {
    "ETag": {"$ref": "#/components/headers/ETag"},
    "Last-Modified": {"$ref": "#/components/headers/LastModified"},
    "Vary": {"$ref": "#/components/headers/Vary"},
}


def _operation(operation_id, summary, tags, responses, **extra):
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": list(tags),
        "responses": responses,
    }
    operation.update(extra)
    return operation


def _json_body(schema, required=True, example=None):
    return {"required": required, "content": _json(schema, example)}


def _query(name, description, schema, **extra):
    """A query parameter."""
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": schema,
        **extra,
    }
