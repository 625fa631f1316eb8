"""What the site offers crawlers and feed readers: sitemap, robots.txt, feeds.

All of them show what anonymous readers may view, whoever asks.
"""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy import func, select

from cms.models import Node
from cms.permissions import Permission
from cms.reader.feed import atom_feed, newest_children
from cms.reader.sitemap import count_public, public_entries, sitemap_index, urlset
from cms.reader.validators import feed_validators, sitemap_validators
from cms.security.visibility import shown_here
from cms.urls import node_url, site_url
from cms.workflow import is_public

XML = "application/xml"


@view_config(
    route_name="robots.txt",
    request_method=("GET", "HEAD"),
    permission=NO_PERMISSION_REQUIRED,
)
def robots(request):
    body = f"User-agent: *\nAllow: /\n\nSitemap: {site_url(request)}/sitemap.xml\n"
    return Response(body, content_type="text/plain", charset="utf-8")


@view_config(
    route_name="sitemap.xml",
    request_method=("GET", "HEAD"),
    permission=NO_PERMISSION_REQUIRED,
)
def sitemap(request):
    size = request.registry.settings["cms.sitemap_part_size"]
    factory = request.registry["dbsession_factory"]
    part = _part(request)
    response = Response(content_type=XML, charset="utf-8")
    # Before anything is walked: a client with the current copy gets a 304.
    sitemap_validators(request, response, part)
    if part is None:
        # The published count bounds the public one and is cheap: most
        # sites need no walk before the one that streams the answer.
        shown = select(func.count()).select_from(Node).where(shown_here())
        if request.dbsession.execute(shown).scalar_one() > size:
            total = count_public(factory)
            if total > size:
                parts = -(-total // size)
                locations = [
                    node_url(request, "/", "sitemap.xml", {"part": number})
                    for number in range(1, parts + 1)
                ]
                response.body = sitemap_index(locations)
                return response
        entries = public_entries(factory)
    else:
        if (part - 1) * size >= count_public(factory):
            raise HTTPNotFound("The sitemap has no such part.")
        entries = _slice(public_entries(factory), (part - 1) * size, part * size)
    response.app_iter = urlset(entries, lambda path: node_url(request, path))
    return response


def _part(request):
    values = request.GET.getall("part")
    if not values:
        return None
    raw = values[0]
    if len(values) > 1 or not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
        raise HTTPNotFound("The sitemap has no such part.")
    return int(raw)


def _slice(entries, start, stop):
    for index, entry in enumerate(entries):
        if index >= stop:
            return
        if index >= start:
            yield entry


@view_config(
    context=Node,
    name="feed",
    request_method=("GET", "HEAD"),
    permission=Permission.VIEW,
)
def feed(node, request):
    if not is_public(node):
        # A feed is for the public: a folder it may not see has none.
        raise HTTPNotFound("Only a folder the public may view has a feed.")
    response = Response(content_type="application/atom+xml")
    feed_validators(request, response, node)
    rows = newest_children(request, node, request.registry.settings["cms.feed_size"])
    response.body = atom_feed(request, node, rows)
    return response


def includeme(config):
    # Routes, not views of the root: their names are reserved at the root
    # (no node may take them), and they need no node.
    config.add_route("sitemap.xml", "/sitemap.xml")
    config.add_route("robots.txt", "/robots.txt")
