"""The path items of a node: the root (``/``) and any other (``/{node}/``)."""

from cms.openapi.builders import (
    NODE_HEADERS,
    _header,
    _json_body,
    _param_ref,
    _ref,
    _response_ref,
)
from cms.openapi.operations import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    UPLOAD_ERRORS,
    WRITE_ERRORS,
    _answer,
    _header_ref,
    _links,
    _op,
)
from cms.openapi.search import search_parameters
from cms.openapi.shape import node_parameters


def _node_paths(prefix, key):
    """The operations on one node: *prefix* is ``/`` (*key* ``Root``) or
    ``/{node}/`` (*key* ``Node``)."""
    is_root = key == "Root"
    params = [] if is_root else [_param_ref("node")]
    where = "the root" if is_root else "a node"
    # A node that moved answers GETs of its old URL with a redirect.
    moved = {} if is_root else {301: _response_ref("MovedPermanently")}
    links = None
    if is_root:
        links = _links(
            ("getNode", "updateNode", "getNodeWorkflow", "getNodeHistory"),
            "node",
            "id",
        )
    # Its own example, lest trying the examples deletes the other ones' node.
    delete_params = [] if is_root else [_param_ref("node-to-delete")]
    node_headers = dict(NODE_HEADERS)
    created_headers = {**node_headers, "Location": _header_ref("Location")}

    def node(description, status=200, links=None):
        headers = created_headers if status == 201 else node_headers
        return {status: _answer(description, "Node", headers, links)}

    def read(
        name, operation_id, summary, tag, schema, extra_params=(), errors=READ_ERRORS
    ):
        return {
            f"{prefix}@@{name}": {
                "parameters": [*params, *extra_params],
                "get": _op(
                    operation_id,
                    summary,
                    tag,
                    {200: _answer(summary + ".", schema), **moved},
                    errors,
                    security=OPTIONAL_AUTH,
                ),
            }
        }

    def write(operation_id, summary, tag, success, body, example, errors=WRITE_ERRORS):
        return _op(
            operation_id,
            summary,
            tag,
            success,
            errors,
            requestBody=_json_body(_ref(body), example=example),
            security=OPTIONAL_AUTH,
        )

    def json_or_multipart(schema, upload, example):
        return {
            "required": True,
            "content": {
                "application/json": {"schema": _ref(schema), "example": example},
                "multipart/form-data": {"schema": _ref(upload)},
            },
        }

    paths = {
        prefix: {
            "parameters": params,
            "get": _op(
                f"get{key}",
                f"Read {where}: its fields and a batch of its children",
                "content",
                {
                    200: _answer(
                        "The node.",
                        "Node",
                        {**node_headers, "Link": _header_ref("Link")},
                    ),
                    **moved,
                    304: _response_ref("NotModified"),
                },
                (400, *READ_ERRORS),
                parameters=[
                    _param_ref(name)
                    for name in ("b_size", "b_after", "b_before", "version")
                ]
                + node_parameters()
                + [_param_ref("If-None-Match")],
                security=OPTIONAL_AUTH,
            ),
            "post": _op(
                f"addTo{key}",
                f"Add a child to {where} (JSON; multipart for files and images)",
                "content",
                node("The new child.", 201, links),
                (*WRITE_ERRORS, *UPLOAD_ERRORS),
                requestBody=json_or_multipart(
                    "NewNode",
                    "Upload",
                    {"@type": "Document", "id": "team", "title": "Our team"},
                ),
                security=OPTIONAL_AUTH,
            ),
            "patch": _op(
                f"update{key}",
                f"Change {where}'s fields (its draft, when it is published)",
                "content",
                node("The node as saved (its draft)."),
                (*WRITE_ERRORS, 412, *UPLOAD_ERRORS),
                parameters=[_param_ref("If-Match")],
                requestBody=json_or_multipart(
                    "NodeChanges", "UploadChanges", {"title": "A new title"}
                ),
                security=OPTIONAL_AUTH,
            ),
            "delete": _op(
                f"delete{key}",
                "Delete the root: always refused (403)"
                if is_root
                else "Delete a node and its subtree",
                "content",
                {204: _answer("Deleted.")},
                (*READ_ERRORS, 409, 412),
                parameters=[*delete_params, _param_ref("If-Match")],
                security=OPTIONAL_AUTH,
            ),
        },
        **read(
            "breadcrumbs",
            f"get{key}Breadcrumbs",
            "The ancestors the caller may view, from the root down",
            "navigation",
            "Breadcrumbs",
        ),
        **read(
            "navigation",
            f"get{key}Navigation",
            "The site's sections, opened down to the node, the node marked",
            "navigation",
            "Navigation",
            extra_params=[_param_ref("depth")],
            errors=(400, *READ_ERRORS),
        ),
        f"{prefix}@@feed": {
            "parameters": params,
            "get": _op(
                f"get{key}Feed",
                "Atom 1.0 feed of the newest children the public may view",
                "navigation",
                {
                    200: {
                        "description": "The feed (404 when the public may not "
                        "view the node).",
                        "content": {
                            "application/atom+xml": {"schema": {"type": "string"}}
                        },
                    }
                },
                READ_ERRORS,
                security=OPTIONAL_AUTH,
            ),
        },
        f"{prefix}@@search": {
            "parameters": params,
            "get": _op(
                f"search{key}",
                "Find the nodes the caller may view by their text"
                + ("" if is_root else ", in this subtree"),
                "navigation",
                {
                    200: _answer(
                        "The nodes found.",
                        "SearchResults",
                        {"Link": _header_ref("Link")},
                    ),
                    **moved,
                },
                (400, *READ_ERRORS),
                parameters=search_parameters(),
                security=OPTIONAL_AUTH,
            ),
        },
        **read(
            "workflow",
            f"get{key}Workflow",
            "The state and the transitions the caller may fire",
            "workflow",
            "Workflow",
        ),
        **read(
            "sharing",
            f"get{key}Sharing",
            "Local roles: the node's own and those it inherits (managers)",
            "sharing",
            "Sharing",
        ),
        **read(
            "history",
            f"get{key}History",
            "The node's revisions, newest first (editors)",
            "history",
            "History",
        ),
        **read(
            "history/{version}",
            f"get{key}Revision",
            "The node as it was at one revision (editors)",
            "history",
            "Revision",
            [_param_ref("revision")],
        ),
        f"{prefix}@@revert": {
            "parameters": params,
            "post": write(
                f"revert{key}",
                "Make a new revision equal to an old one",
                "history",
                node("The node as saved."),
                "Revert",
                {"version": 1},
            ),
        },
        f"{prefix}@@order": {
            "parameters": params,
            "post": write(
                f"order{key}Child",
                "Move a child to a position among its siblings",
                "content",
                node("The container."),
                "Order",
                {"id": "team", "position": 0},
            ),
        },
    }
    paths[f"{prefix}@@workflow"]["post"] = write(
        f"fire{key}Transition",
        "Fire a transition",
        "workflow",
        {200: _answer("The workflow after it.", "Workflow")},
        "Transition",
        {"transition": "publish"},
    )
    paths[f"{prefix}@@sharing"]["post"] = write(
        f"set{key}Sharing",
        "Replace the node's own local roles (managers)",
        "sharing",
        {200: _answer("The sharing now.", "Sharing")},
        "SharingChange",
        {
            "inherit": True,
            "entries": [{"principal": "user:alice", "roles": ["editor"]}],
        },
    )
    if is_root:
        return paths
    blob_params = [_param_ref("Range"), _param_ref("If-None-Match")]
    paths.update(
        {
            f"{prefix}@@move": {
                "parameters": params,
                "post": write(
                    "moveNode",
                    "Move and/or rename the node; its old URL then redirects (301)",
                    "content",
                    node("The node at its new URL."),
                    "Move",
                    {"to": "/about/"},
                    (*WRITE_ERRORS, 412),
                )
                | {"parameters": [_param_ref("If-Match")]},
            },
            f"{prefix}@@copy": {
                "parameters": params,
                "post": write(
                    "copyNode",
                    "Copy the node and the part of its subtree the caller may view",
                    "content",
                    node("The copy.", 201),
                    "Copy",
                    {"to": "/about/"},
                ),
            },
            f"{prefix}@@download": {
                "parameters": params,
                "get": _op(
                    "downloadFile",
                    "A File's or an Image's content, with its stored content type",
                    "files",
                    _blob_answers(),
                    (*READ_ERRORS, 503),
                    parameters=blob_params,
                    security=OPTIONAL_AUTH,
                ),
            },
            f"{prefix}@@images/{{scale}}": {
                "parameters": [*params, _param_ref("scale")],
                "get": _op(
                    "getImageScale",
                    "A scaled version of an Image",
                    "files",
                    _blob_answers(),
                    (*READ_ERRORS, 503),
                    parameters=blob_params,
                    security=OPTIONAL_AUTH,
                ),
            },
        }
    )
    return paths


def _blob_answers():
    binary = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    headers = {
        "ETag": _header("The content's hash.", required=True),
        "Content-Disposition": _header(
            "`inline` for what browsers show safely, else `attachment`.", required=True
        ),
    }
    return {
        200: {"description": "The content.", "headers": headers, "content": binary},
        206: {"description": "The requested range.", "content": binary},
        301: _response_ref("MovedPermanently"),
        304: {"description": "The client's copy is current."},
        416: {
            "description": "The range is not satisfiable (a plain-text answer).",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
    }
