"""Every editor action works from the keyboard, and shows where focus is.

On each editor page, Tab alone reaches every visible, enabled control of the
page's <main> and of the editing toolbar, and each control it reaches shows a
focus indicator. Then real actions are done with keys alone: publishing from
the toolbar, and selecting, renaming and deleting items in Contents.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, Api, log_in, new_page

#: (name, path) of the editor pages walked through with Tab.
PAGES = [
    ("node", "/keys/page/"),
    ("edit", "/keys/page/@@edit"),
    ("add", "/keys/@@add?type=Document"),
    ("contents", "/keys/@@contents"),
    ("sharing", "/keys/@@sharing?q=edit"),
    ("history", "/keys/page/@@history"),
    ("revision", "/keys/page/@@history/2"),
    ("upload", "/keys/@@upload"),
    ("delete", "/keys/page/@@delete"),
    ("site-settings", "/@@site-settings"),
    ("users", "/@@users"),
    ("user", "/@@users/editor"),
    ("preferences", "/@@preferences"),
]

#: Marks the controls Tab should reach, each with its number (data-kb), and
#: returns how each is described. Of a group of radio buttons, Tab reaches
#: the one checked (the arrow keys move within the group); of a toolbar
#: (the rich-text editor's), its one stop: the arrow keys move within it
#: (tests/e2e/test_chooser.py).
MARK_FOCUSABLE = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, '
        + 'textarea, summary, [contenteditable=true], [tabindex]';
    const shown = el => !el.disabled && el.getClientRects().length > 0
        && getComputedStyle(el).visibility === 'visible'
        && !el.closest('[hidden], [inert], dialog:not([open])');
    const found = [];
    const radios = new Set();
    for (const root of document.querySelectorAll('main, nav.toolbar')) {
        for (const el of root.querySelectorAll(selector)) {
            if (!shown(el)) continue;
            if (el.closest('[role=toolbar]') && el.tabIndex < 0) continue;
            if (el.type === 'radio') {
                const group = (el.form ? el.form.id : '') + ' ' + el.name;
                const checked = document.querySelector(
                    `input[type=radio][name="${el.name}"]:checked`);
                if (radios.has(group) || (checked && checked !== el)) continue;
                radios.add(group);
            }
            el.dataset.kb = found.length;
            found.push(el.outerHTML.slice(0, 120));
        }
    }
    return found;
}"""

#: What has focus: its number (or null), its description, and whether it
#: shows a focus indicator (an outline or a box shadow). The last Tab stop of
#: a date field is the browser's own calendar button inside it, which the page
#: cannot style and Chromium rings itself: the field is then the active
#: element without matching :focus.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const pickerButton = !el.matches(':focus') && el.type === 'datetime-local';
    const outline = style.outlineStyle !== 'none'
        && parseFloat(style.outlineWidth) >= 2
        && style.outlineColor !== 'rgba(0, 0, 0, 0)';
    return {
        kb: el.dataset.kb ?? null,
        html: el.outerHTML.slice(0, 120),
        shown: outline || style.boxShadow !== 'none' || pickerButton,
    };
}"""


@pytest.fixture(scope="module")
def editor(chromium, site):
    page = new_page(chromium, site)
    log_in(page, "admin", ADMIN_PASSWORD)
    api = Api(page)
    api.add("/", "Folder", "keys", title="Keys")
    api.add("/keys/", "Document", "page", title="A page", body="<p>First</p>")
    api.patch("/keys/page/", {"body": "<p>Second</p>"})
    api.patch("/keys/page/", {"body": "<p>Third</p>"})
    for name in ("first", "second", "third"):
        api.add("/keys/", "Document", name, title=name.title())
    yield page
    page.context.close()


def tab_through(page):
    """Press Tab from the top of the page until focus leaves it; what it met."""
    met = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (met and focused == met[0]):
            return met
        met.append(focused)
    pytest.fail("Tab never left the page")


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("width", [1280, 390])
def test_tab_reaches_every_control(editor, name, path, width):
    editor.set_viewport_size({"width": width, "height": 900})
    try:
        assert editor.goto(path).status == 200
        expected = editor.evaluate(MARK_FOCUSABLE)
        assert expected, "no controls found"
        met = tab_through(editor)
    finally:
        editor.set_viewport_size({"width": 1280, "height": 900})
    reached = {int(f["kb"]) for f in met if f["kb"] is not None}
    missed = [html for number, html in enumerate(expected) if number not in reached]
    assert missed == [], "not reached by Tab"
    unmarked = [f["html"] for f in met if not f["shown"]]
    assert unmarked == [], "no focus indicator"


def tab_to(page, selector):
    """Press Tab until the element matching *selector* has focus."""
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_publish_from_the_toolbar_with_enter(editor):
    editor.goto("/keys/first/")
    expect(editor.locator(".toolbar .state")).to_have_text("Private")
    tab_to(editor, ".toolbar button[value=publish]")
    editor.keyboard.press("Enter")
    expect(editor.locator(".toolbar .state")).to_have_text("Published")
    expect(editor.locator(".message")).to_contain_text("is now published")


def test_rename_and_delete_in_contents_with_keys(editor):
    editor.goto("/keys/@@contents")
    tab_to(editor, ".row-actions a[href*='item=second']")
    editor.keyboard.press("Enter")
    expect(editor.locator("h1")).to_have_text("Rename “Second”")
    tab_to(editor, "#field-title")
    editor.keyboard.press("Control+A")
    editor.keyboard.type("Second, renamed")
    tab_to(editor, "#rename-form button[type=submit]")
    editor.keyboard.press("Enter")
    expect(editor.locator("tr[data-id=second] th a")).to_have_text("Second, renamed")

    tab_to(editor, "#select-third")
    editor.keyboard.press("Space")
    expect(editor.locator("#select-third")).to_be_checked()
    tab_to(editor, ".contents-actions button[value=delete]")
    editor.keyboard.press("Enter")
    expect(editor.locator("h1")).to_have_text("Delete 1 item from “Keys”?")
    tab_to(editor, "#contents-delete-form button[type=submit]")
    editor.keyboard.press("Enter")
    expect(editor.locator("h1")).to_have_text("Contents of “Keys”")
    expect(editor.locator("tr[data-id=third]")).to_have_count(0)
    expect(editor.locator("tr[data-id=second]")).to_have_count(1)


#: The controls smaller than a finger (or than 24 by 24 px anywhere): buttons,
#: fields and the toolbar's links are 44 px high on a phone; check boxes,
#: radio buttons and all the rest at least 24 by 24 px.
SMALL_TARGETS = """(phone) => {
    const tall = 'button, select, textarea, nav.toolbar a, a.button, '
        + 'input:not([type=checkbox], [type=radio], [type=hidden])';
    const all = tall + ', input[type=checkbox], input[type=radio]';
    const small = [];
    for (const root of document.querySelectorAll('main, nav.toolbar')) {
        for (const el of root.querySelectorAll(all)) {
            const box = el.getBoundingClientRect();
            if (!box.width || getComputedStyle(el).visibility !== 'visible') continue;
            const least = phone && el.matches(tall) ? 44 : 24;
            if (box.height < least - 0.5 || box.width < 23.5) {
                small.push(`${el.outerHTML.slice(0, 80)} ${box.width}x${box.height}`);
            }
        }
    }
    return small;
}"""


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("width", [1280, 390])
def test_targets_are_big_enough_to_tap(editor, name, path, width):
    editor.set_viewport_size({"width": width, "height": 900})
    try:
        assert editor.goto(path).status == 200
        small = editor.evaluate(SMALL_TARGETS, width <= 640)
    finally:
        editor.set_viewport_size({"width": 1280, "height": 900})
    assert small == []
