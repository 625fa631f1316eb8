"""Steps of the browser tests that edit pages: add one, open its form, save."""

import re

from playwright.sync_api import expect


def newest_version(api, path):
    items = api.get(f"{path}@@history")["items"]
    return items[0]["version"] if items else None


def add_page(api, name, body=""):
    slug = "rt-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    api.add("/", "Document", slug, title=name, body=body)
    return f"/{slug}/"


def edit(page, path):
    page.goto(f"{path}@@edit")
    body = page.get_by_role("textbox", name="Body")
    expect(body).to_be_visible()
    return body


def save(page, changed=True):
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message")).to_contain_text(
        "Saved" if changed else "Nothing changed"
    )


def toolbar(page):
    return page.get_by_role("toolbar", name="Formatting")
