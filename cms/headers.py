"""Headers that every response carries."""

from pyramid.events import NewResponse


def vary_on_accept(event):
    """Say ``Vary: Accept``: one URL answers HTML or JSON by that header.

    A shared cache must never hand JSON to a browser or HTML to a client.
    """
    response = event.response
    vary = list(response.vary or ())
    if "Accept" not in vary:
        response.vary = [*vary, "Accept"]


def includeme(config):
    config.add_subscriber(vary_on_accept, NewResponse)
