"""The site-wide path items: login, tokens, users, groups, health checks and
this document."""

from cms.openapi.builders import _json_body, _param_ref, _ref
from cms.openapi.operations import (
    BEARER,
    NO_AUTH,
    OPTIONAL_AUTH,
    READ_ERRORS,
    _answer,
    _header_ref,
    _links,
    _op,
)


def _site_paths():
    def created(description, schema, links):
        return {
            201: _answer(
                description, schema, {"Location": _header_ref("Location")}, links
            )
        }

    def ok(description, schema):
        return {200: _answer(description, schema)}

    def admin_json_write(operation_id, summary, success, body, example, errors):
        return _op(
            operation_id,
            summary,
            "principals",
            success,
            errors,
            requestBody=_json_body(_ref(body), example=example),
            security=BEARER,
        )

    deleted = {204: _answer("Deleted.")}
    user_links = _links(("getUser", "updateUser", "deleteUser"), "login", "login")
    group_links = _links(("getGroup", "updateGroup", "deleteGroup"), "name", "name")
    return {
        "/@@login": {
            "post": _op(
                "login",
                "Log in: get an API token",
                "auth",
                {
                    201: _answer(
                        "A new token: its secret shown this once.", "LoginToken"
                    )
                },
                (400, 413, 415, 429),
                description="A failed login answers 401 with one message for "
                "every cause. Repeated failures for one account are slowed "
                "down; from one address, or for one account from one address, "
                "answered 429. The token expires after the setting "
                "`cms.token_max_age` (30 days) unless `expires_in` says "
                "otherwise. (Browsers post the login form instead, and get a "
                "session cookie and a 303.)",
                requestBody=_json_body(
                    _ref("Login"), example={"login": "admin", "password": "…"}
                ),
                security=NO_AUTH,
            ),
        },
        "/@@resolveuid/{uid}": {
            "parameters": [
                {
                    "name": "uid",
                    "in": "path",
                    "required": True,
                    "description": "The node's uid, 32 hex digits (dashes optional).",
                    "schema": {"type": "string", "maxLength": 64},
                }
            ],
            "get": _op(
                "resolveUid",
                "Find a node by its uid, wherever it is now",
                "navigation",
                {
                    200: _answer("The node's summary (JSON clients).", "Summary"),
                    302: {
                        "description": "Browsers: to the node's current URL.",
                        "headers": {"Location": _header_ref("Location")},
                    },
                },
                (404,),
                description="A uid that names no node, or one the caller may "
                "not view, is a 404 alike.",
                security=OPTIONAL_AUTH,
            ),
        },
        "/@@logout": {
            "post": _op(
                "logout",
                "Log out: revoke the token sent (or end the browser session)",
                "auth",
                {
                    204: _answer("Logged out."),
                    303: _answer("A browser's session ended: to the site."),
                },
                security=OPTIONAL_AUTH,
            ),
        },
        "/@@tokens": {
            "get": _op(
                "listTokens",
                "The caller's API tokens (never their secret)",
                "auth",
                ok("Tokens.", "Tokens"),
                security=BEARER,
            ),
            "post": _op(
                "createToken",
                "Make an API token for the caller",
                "auth",
                {
                    201: _answer(
                        "The token; its secret shown this once.",
                        "CreatedToken",
                        links=_links(("deleteToken",), "id", "id"),
                    )
                },
                (400, 413, 415),
                requestBody=_json_body(_ref("NewToken"), example={"title": "CI"}),
                security=BEARER,
            ),
        },
        "/@@tokens/{id}": {
            "parameters": [_param_ref("token")],
            "delete": _op(
                "deleteToken",
                "Revoke one of the caller's tokens",
                "auth",
                deleted,
                (404,),
                security=BEARER,
            ),
        },
        "/@@users": {
            "get": _op(
                "listUsers",
                "Every user (admins)",
                "principals",
                ok("Users.", "Users"),
                (403,),
                security=BEARER,
            ),
            "post": admin_json_write(
                "createUser",
                "Add a user (admins)",
                created("The new user.", "User", user_links),
                "NewUser",
                {"login": "alice", "password": "…", "groups": ["staff"]},
                (400, 403, 409, 413, 415),
            ),
        },
        "/@@users/{login}": {
            "parameters": [_param_ref("login")],
            "get": _op(
                "getUser",
                "A user (admins, or the user themselves)",
                "principals",
                ok("The user.", "User"),
                READ_ERRORS,
                security=BEARER,
            ),
            "patch": admin_json_write(
                "updateUser",
                "Change a user (admins; a user their own password, email, fullname)",
                ok("The user.", "User"),
                "UserChanges",
                {"fullname": "Alice"},
                (400, *READ_ERRORS, 413, 415, 429),
            ),
            "delete": _op(
                "deleteUser",
                "Delete a user (admins; the last active admin stays)",
                "principals",
                deleted,
                (400, *READ_ERRORS),
                security=BEARER,
            ),
        },
        "/@@groups": {
            "get": _op(
                "listGroups",
                "Every group (admins)",
                "principals",
                ok("Groups.", "Groups"),
                (403,),
                security=BEARER,
            ),
            "post": admin_json_write(
                "createGroup",
                "Add a group (admins); members are set on the users",
                created("The new group.", "Group", group_links),
                "NewGroup",
                {"name": "staff", "title": "Staff"},
                (400, 403, 409, 413, 415),
            ),
        },
        "/@@groups/{name}": {
            "parameters": [_param_ref("group")],
            "get": _op(
                "getGroup",
                "A group (admins)",
                "principals",
                ok("The group.", "Group"),
                READ_ERRORS,
                security=BEARER,
            ),
            "patch": admin_json_write(
                "updateGroup",
                "Change a group's title (admins)",
                ok("The group.", "Group"),
                "GroupChanges",
                {"title": "Staff"},
                (400, *READ_ERRORS, 413, 415),
            ),
            "delete": _op(
                "deleteGroup",
                "Delete a group (admins; `admins` stays)",
                "principals",
                deleted,
                (400, *READ_ERRORS),
                security=BEARER,
            ),
        },
        "/sitemap.xml": {
            "get": _op(
                "sitemap",
                "Every node anonymous may view (sitemaps.org)",
                "navigation",
                {
                    200: {
                        "description": "A `urlset`; above `cms.sitemap_part_size` "
                        "URLs, a `sitemapindex` naming `?part=N`.",
                        "content": {"application/xml": {"schema": {"type": "string"}}},
                    }
                },
                (404,),
                parameters=[
                    {
                        "name": "part",
                        "in": "query",
                        "description": "A part named by the sitemap index.",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                ],
                security=NO_AUTH,
            ),
        },
        "/robots.txt": {
            "get": _op(
                "robots",
                "Rules for crawlers, naming the sitemap",
                "navigation",
                {
                    200: {
                        "description": "robots.txt.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
                security=NO_AUTH,
            ),
        },
        "/@@site-settings": {
            "get": _op(
                "getSiteSettings",
                "The site's settings (anyone)",
                "site",
                ok("The settings.", "SiteSettings"),
                security=OPTIONAL_AUTH,
            ),
            "patch": _op(
                "updateSiteSettings",
                "Change the site's settings (its managers: who may share the root)",
                "site",
                ok("The settings.", "SiteSettings"),
                (400, 401, 403, 413, 415),
                requestBody=_json_body(
                    _ref("SiteSettingsChanges"), example={"title": "Our club"}
                ),
                security=BEARER,
            ),
        },
        "/healthz": {
            "get": _op(
                "healthz",
                "The process answers",
                "health",
                ok("Alive.", "Health"),
                security=NO_AUTH,
            ),
        },
        "/readyz": {
            "get": _op(
                "readyz",
                "The database and the blob store answer too",
                "health",
                {
                    **ok("Ready.", "Readiness"),
                    503: _answer(
                        "The database or the blob store does not answer (the "
                        "one that is unreachable is named).",
                        "Readiness",
                    ),
                },
                security=NO_AUTH,
            ),
        },
        "/metrics": {
            "get": _op(
                "metrics",
                "Prometheus metrics (the addresses in cms.metrics_allow only)",
                "health",
                {
                    200: {
                        "description": "Prometheus's text format: requests by "
                        "view, method and status, their durations and SQL "
                        "statements, page cache hits and misses, open sessions.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
                (404,),
                security=NO_AUTH,
            ),
        },
        "/@@openapi.json": {
            "get": _op(
                "openapi",
                "This document",
                "health",
                ok("The OpenAPI document.", "OpenAPI"),
                security=NO_AUTH,
            ),
        },
    }
