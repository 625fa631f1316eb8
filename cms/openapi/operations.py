"""What the path items share: security requirements, answers, operations,
links and the error statuses of reads and writes."""

from cms.openapi.builders import _json, _operation, _ref, _responses

# -- paths -----------------------------------------------------------------------

#: Anonymous callers may read published content; writes need a token.
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, {"bearer": []}]
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
NO_AUTH: list[dict[str, list[str]]] = []


def _answer(description, schema=None, headers=None, links=None):
    """A response object, with a JSON body of the component *schema*."""
    response = {"description": description}
    if headers:
        response["headers"] = headers
    if schema:
        response["content"] = _json(_ref(schema))
    if links:
        response["links"] = links
    return response


def _op(operation_id, summary, tag, success, errors=(), *, security, **extra):
    """An operation: *success* maps statuses to responses, *errors* are statuses."""
    return _operation(
        operation_id,
        summary,
        [tag],
        _responses(success, *errors),
        security=security,
        **extra,
    )


def _links(operation_ids, parameter, pointer):
    """Links from a created resource to the operations on it."""
    return {
        operation_id[0].upper() + operation_id[1:]: {
            "operationId": operation_id,
            "parameters": {parameter: f"$response.body#/{pointer}"},
        }
        for operation_id in operation_ids
    }


#: What a JSON write may answer besides its success (409: another writer
#: changed the node meanwhile, or a name is taken).
WRITE_ERRORS = (400, 403, 404, 409, 413, 415)
READ_ERRORS = (403, 404)
#: What storing an upload may answer besides: the file store failing (503) or
#: full (507).
UPLOAD_ERRORS = (503, 507)


def _header_ref(name):
    return {"$ref": f"#/components/headers/{name}"}
