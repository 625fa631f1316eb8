"""Renderers: JSON with dates and uids, and HTML preferred for ``*/*``."""

import datetime
import uuid

from pyramid.renderers import JSON


def _isoformat(value, request):
    return value.isoformat()


def _string(value, request):
    return str(value)


def json_renderer():
    """Return the JSON renderer, which knows datetimes and UUIDs."""
    renderer = JSON()
    renderer.add_adapter(datetime.datetime, _isoformat)
    renderer.add_adapter(uuid.UUID, _string)
    return renderer


def includeme(config):
    config.add_renderer("json", json_renderer())
    # A client that accepts anything (curl, a plain browser link) gets HTML.
    config.add_accept_view_order("text/html", weighs_more_than="application/json")
