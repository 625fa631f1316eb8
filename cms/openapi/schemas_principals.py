"""The component schemas of logging in, API tokens, users and groups."""

from cms.openapi.builders import (
    DATETIME,
    NULLABLE_DATETIME,
    URI,
    _object,
    _ref,
    _string,
)
from cms.openapi.patterns import PRINCIPAL_NAME_PATTERN
from cms.security.passwords import MAX_LENGTH as PASSWORD_MAX
from cms.security.passwords import MIN_LENGTH as PASSWORD_MIN
from cms.security.tokens import MAX_LIFETIME


def _principal_schemas():
    token = {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "created": DATETIME,
        "expires": NULLABLE_DATETIME,
        "last_used": NULLABLE_DATETIME,
        "scope": {
            "type": "string",
            "enum": ["write", "read"],
            "description": "`read`: every write with the token is refused (403).",
        },
    }
    token_options = {
        "title": _string(200),
        "expires_in": {
            "type": "integer",
            "minimum": 60,
            "maximum": MAX_LIFETIME,
            "description": "Seconds; without it the token does not expire.",
        },
    }
    profile = {
        "password": _string(PASSWORD_MAX, minLength=PASSWORD_MIN, format="password"),
        "email": _string(
            254,
            description="An email address, or empty.",
            pattern=r"^$|^[^@\s\x00]{1,64}@[^@\s\x00]{1,189}$",
        ),
        "fullname": _string(200),
    }
    admin_fields = {
        "active": {"type": "boolean"},
        "groups": {
            "type": "array",
            "items": _string(64, pattern=PRINCIPAL_NAME_PATTERN),
            "description": "Names of existing groups.",
        },
    }
    site = {
        "title": _string(200, description="In every page's header and title."),
        "description": _string(2000),
        "logo": {
            "type": "string",
            "format": "uuid",
            "nullable": True,
            "description": "The uid of an Image, or null.",
        },
        "footer": _string(100_000, description="Sanitized HTML."),
        "navigation_depth": {"type": "integer", "minimum": 1, "maximum": 10},
    }
    return {
        "Login": _object(
            {
                "login": _string(description="Case-insensitive."),
                "password": {"type": "string", "format": "password"},
                **token_options,
                "expires_in": {
                    **token_options["expires_in"],
                    "description": (
                        "Seconds; without it, `cms.token_max_age` (30 days)."
                    ),
                },
            },
            ("login", "password"),
        ),
        "LoginToken": _object(
            {
                "token": {"type": "string"},
                "id": {"type": "integer"},
                "expires": DATETIME,
            },
            ("token", "id", "expires"),
        ),
        "Token": _object(token, tuple(token)),
        "NewToken": _object({**token_options, "scope": token["scope"]}),
        "CreatedToken": _object(
            {**token, "token": {"type": "string"}}, (*token, "token")
        ),
        "Tokens": _object(
            {"items": {"type": "array", "items": _ref("Token")}}, ("items",)
        ),
        "User": _object(
            {
                "@id": URI,
                "login": {"type": "string"},
                "email": {"type": "string"},
                "fullname": {"type": "string"},
                "active": {"type": "boolean"},
                "groups": {"type": "array", "items": {"type": "string"}},
                "created": DATETIME,
            },
            ("@id", "login", "email", "fullname", "active", "groups", "created"),
        ),
        "Users": _object(
            {"items": {"type": "array", "items": _ref("User")}}, ("items",)
        ),
        "NewUser": _object(
            {
                "login": _string(64, pattern=PRINCIPAL_NAME_PATTERN),
                **profile,
                **admin_fields,
            },
            ("login", "password"),
        ),
        "UserChanges": _object(
            {
                **profile,
                "current_password": _string(
                    format="password", description="Checked like a login."
                ),
                **admin_fields,
            },
            description="A user may change their own `password` (with "
            "`current_password`), `email` and `fullname`; the rest is for "
            "admins, who change another user's password without it.",
        ),
        "Group": _object(
            {"@id": URI, "name": {"type": "string"}, "title": {"type": "string"}},
            ("@id", "name", "title"),
        ),
        "Groups": _object(
            {"items": {"type": "array", "items": _ref("Group")}}, ("items",)
        ),
        "NewGroup": _object(
            {
                "name": _string(64, pattern=PRINCIPAL_NAME_PATTERN),
                "title": _string(200),
            },
            ("name",),
        ),
        "GroupChanges": _object({"title": _string(200)}),
        "SiteSettings": _object(site, tuple(site)),
        "SiteSettingsChanges": _object(site),
    }
