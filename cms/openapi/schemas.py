"""The component schemas: errors and the health checks, around the schemas
of nodes (:mod:`cms.openapi.schemas_nodes`) and of principals and tokens
(:mod:`cms.openapi.schemas_principals`)."""

from cms.openapi.builders import _object, _ref
from cms.openapi.schemas_nodes import _node_schemas
from cms.openapi.schemas_principals import _principal_schemas


def _schemas():
    schemas = {
        "Error": _object(
            {
                "error": _object(
                    {
                        "type": {"type": "string", "example": "NotFound"},
                        "message": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "items": _ref("FieldError"),
                            "description": "Only for a 400.",
                        },
                    },
                    ("type", "message"),
                )
            },
            ("error",),
        ),
        "FieldError": _object(
            {"field": {"type": "string"}, "message": {"type": "string"}},
            ("field", "message"),
        ),
        **_node_schemas(),
        **_principal_schemas(),
        "Health": _object({"status": {"type": "string", "enum": ["ok"]}}, ("status",)),
        "Readiness": _object(
            {
                "status": {"type": "string", "enum": ["ok", "unavailable"]},
                "database": {"type": "string", "enum": ["ok", "unreachable"]},
                "blobs": {"type": "string", "enum": ["ok", "unreachable"]},
            },
            ("status", "database", "blobs"),
        ),
        "OpenAPI": {"type": "object", "description": "This document."},
    }
    return schemas
