"""Jinja2 templates and the static assets they use."""

from pyramid.security import NO_PERMISSION_REQUIRED

from cms.urls import node_url, site_url


def includeme(config):
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    config.add_jinja2_search_path("cms:templates", name=".jinja2")
    config.add_static_view(
        "static", "cms:static", cache_max_age=3600, permission=NO_PERMISSION_REQUIRED
    )
    config.commit()
    environment = config.get_jinja2_environment(".jinja2")
    environment.globals.update(
        node_url=node_url,
        site_url=site_url,
    )
