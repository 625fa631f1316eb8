"""The README's Python example ("API in ten minutes") works on a served site.

The ```python block under that heading is taken from README.md as it stands
and run in a process of its own, with the token the README tells how to get
(``POST /@@login``) in ``CMS_TOKEN`` and the site in ``CMS_URL``: it reads,
lists with ``fields`` and ``expand``, searches, creates, updates with
``If-Match``, uploads, moves and deletes. Twice, since the README says it
can be run again. With httpx, as the README says (the test extra has it).
"""

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest

from tests.e2e.conftest import ADMIN_PASSWORD, ROOT

README = ROOT / "README.md"
SECTION = "API in ten minutes"


def readme_example():
    """The one ```python block of the README's section."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"\n## {SECTION}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"one Python example under {SECTION!r}"
    return blocks[0]


def login_token(site):
    """A token as the README makes one: POST /@@login with JSON."""
    request = urllib.request.Request(
        f"{site.url}/@@login",
        data=json.dumps({"login": "admin", "password": ADMIN_PASSWORD}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def news_titles(site, token):
    """The titles of /news/'s children, in order, as one batch."""
    request = urllib.request.Request(
        f"{site.url}/news/?b_size=1000&fields=title,items",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return [item["title"] for item in json.load(response)["items"]]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    script = tmp_path_factory.mktemp("readme") / "example.py"
    script.write_text(readme_example(), encoding="utf-8")
    return script


def run(example, site, token):
    env = {**os.environ, "CMS_URL": site.url, "CMS_TOKEN": token}
    done = subprocess.run(
        [sys.executable, str(example)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def said(lines, label):
    """What the example printed after *label* (``"moved:"``), line by line."""
    return [line[len(label) :].strip() for line in lines if line.startswith(label)]


def test_the_readme_example_runs_against_the_site(example, site):
    token = login_token(site)
    lines = run(example, site, token)

    assert said(lines, "read:") == ["Our team published"]
    assert said(lines, "in:") == ["Home / News"]
    # Every child of /news/ the admin may see (other tests add some), in
    # batches of two, in the editors' order.
    children = [line.split(" ", 1)[1] for line in said(lines, "child:")]
    assert children == news_titles(site, token)
    assert "The summer festival programme" in children
    found = [line.split(" | ")[0] for line in said(lines, "found:")]
    assert "The harbour walk is open" in found
    page = f"{site.url}/news/opening-day/"
    assert said(lines, "created:") == [page]
    assert said(lines, "updated:") == ["Opening day: 1 May"]
    (download,) = said(lines, "uploaded:")
    assert re.fullmatch(re.escape(page) + r"programme[\w.-]*/@@download", download)
    assert said(lines, "moved:") == [f"{site.url}/about/opening-day/"]
    assert said(lines, "old URL:") == [f"301 {site.url}/about/opening-day/"]
    assert said(lines, "deleted:") == ["204"]

    # It cleaned up: the same again.
    assert run(example, site, token) == lines
