"""README's "Generate a client" recipe, followed on a served site.

The document is fetched from a site served over HTTP; openapi-python-client
(with ``clients/openapi-python-client.yaml``, from the document's
``?variant=python-client``), datamodel-code-generator and openapi-typescript
generate from it, offline, as the README says. The Python package is
imported and drives a round trip: a token, a folder and a document three
levels deep, a read, a PATCH with ``If-Match``, a stale ETag's 412 parsed as
``Error``, publish, children in batches, an upload downloaded byte for byte,
a delete. The pydantic models parse real answers (and answers with a field
added: responses are open to new fields), and the TypeScript types
type-check a small use with ``tsc --strict``. Generated once per module.
"""

import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from webtest.http import StopableWSGIServer

from tests.sites import served

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "clients" / "openapi-python-client.yaml"
NODE_BIN = ROOT / "node_modules" / ".bin"
#: The console scripts of the generators (and ruff, their post-hook).
VENV_BIN = Path(sys.executable).parent
SECTION = "Generate a client"


def readme_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(f"\n## {SECTION}\n", 1)[1].split("\n## ", 1)[0]


def readme_command(program):
    """The README's command line that runs *program*, as arguments."""
    blocks = re.findall(r"^```sh\n(.*?)^```$", readme_section(), re.M | re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    found = [line for line in lines if re.match(rf"(npx )?{program} ", line)]
    assert len(found) == 1, f"one {program} command in README's {SECTION!r}"
    arguments = shlex.split(found[0])
    return arguments[1:] if arguments[0] == "npx" else arguments


def run(*command, cwd):
    """Run a generator; fail with its output, or return that output."""
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(  # noqa: S603 (the project's pinned generators)
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def fetch(url, token=None):
    """GET *url* (the test's own site) as JSON; its body."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read()


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    """``(url, token)``: a site of its own, served on a free port."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        folder = tmp_path_factory.mktemp("site")
        with served(database_url, folder, monkeypatch) as (app, headers):
            server = StopableWSGIServer.create(app, host="127.0.0.1")
            try:
                token = headers["Authorization"].removeprefix("Bearer ")
                yield f"http://127.0.0.1:{server.adj.port}", token
            finally:
                server.shutdown()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("clients")


@pytest.fixture(scope="module")
def document(site, work):
    """The served document, saved as the README says (``curl -o``)."""
    path = work / "cms-api.json"  # the README's name
    path.write_bytes(fetch(f"{site[0]}/@@openapi.json"))
    return path


@pytest.fixture(scope="module")
def cms_client(site, work):
    """The package openapi-python-client writes, imported."""
    path = work / "cms-api-python.json"  # the README's name
    path.write_bytes(fetch(f"{site[0]}/@@openapi.json?variant=python-client"))
    shutil.copytree(CONFIG.parent, work / CONFIG.parent.name)
    program, *arguments = readme_command("openapi-python-client")
    assert {"--path", path.name, "--config", "--output-path"} <= set(arguments)
    output = run(VENV_BIN / program, *arguments, cwd=work)
    # No schema dropped, no response left out, every post-hook found.
    assert "warning" not in output.lower(), output
    assert "error" not in output.lower(), output  # a post-hook that failed
    package = work / arguments[arguments.index("--output-path") + 1]
    sys.path.insert(0, str(package))
    try:
        yield importlib.import_module("cms_client")
    finally:
        sys.path.remove(str(package))
        for name in [name for name in sys.modules if name.startswith("cms_client")]:
            del sys.modules[name]


def api(cms_client, module):
    return importlib.import_module(f"cms_client.api.{module}")


def models(cms_client):
    return importlib.import_module("cms_client.models")


@pytest.fixture
def client(cms_client, site):
    """A client of the generated package, with a token it got by logging in."""
    url = site[0]
    m = models(cms_client)
    with cms_client.Client(base_url=url) as anonymous:
        login = api(cms_client, "auth.login").sync_detailed(
            client=anonymous,
            body=m.Login(login="admin", password="the admin's passphrase"),
        )
    assert login.status_code == 201, login.content
    assert isinstance(login.parsed, m.LoginToken)
    with cms_client.AuthenticatedClient(
        base_url=url, token=login.parsed.token, headers={"Accept": "application/json"}
    ) as client:
        yield client


def test_the_python_client_does_a_round_trip(cms_client, client, site):
    url = site[0]
    m = models(cms_client)
    add_to_root = api(cms_client, "content.add_to_root")
    add_to_node = api(cms_client, "content.add_to_node")
    get_node = api(cms_client, "content.get_node")

    folder = add_to_root.sync_detailed(
        client=client,
        body=m.NewFolder(at_type=m.NewFolderAtType.FOLDER, id="club", title="Club"),
    )
    assert folder.status_code == 201, folder.content
    assert folder.parsed.at_id == f"{url}/club/"
    assert folder.parsed.at_type == m.NodeAtType.FOLDER
    sub = add_to_node.sync_detailed(
        "club",
        client=client,
        body=m.NewFolder(at_type=m.NewFolderAtType.FOLDER, id="news", title="News"),
    )
    assert sub.status_code == 201, sub.content
    # The path of a node three levels deep is one parameter: the client
    # percent-encodes its slashes (club%2Fnews), the site finds the node.
    page = add_to_node.sync_detailed(
        "club/news",
        client=client,
        body=m.NewDocument(
            at_type=m.NewDocumentAtType.DOCUMENT,
            id="opening",
            title="Opening day",
            body="<p>Come along.</p>",
        ),
    )
    assert page.status_code == 201, page.content
    deep = "club/news/opening"

    read = get_node.sync_detailed(deep, client=client)
    assert read.status_code == 200, read.content
    assert isinstance(read.parsed, m.Node)
    assert (read.parsed.at_id, read.parsed.id) == (f"{url}/{deep}/", "opening")
    assert read.parsed.parent.at_id == f"{url}/club/news/"
    etag = read.headers["ETag"]

    update_node = api(cms_client, "content.update_node")
    changed = update_node.sync_detailed(
        deep, client=client, body=m.NodeChanges(title="Opening: 1 May"), if_match=etag
    )
    assert changed.status_code == 200, changed.content
    assert changed.parsed.title == "Opening: 1 May"
    stale = update_node.sync_detailed(
        deep, client=client, body=m.NodeChanges(title="Lost"), if_match=etag
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, m.Error)
    assert stale.parsed.error.type_ == "PreconditionFailed"

    fire = api(cms_client, "workflow.fire_node_transition")
    published = fire.sync_detailed(
        deep,
        client=client,
        body=m.Transition(transition=m.TransitionTransition.PUBLISH),
    )
    assert published.status_code == 200, published.content
    assert published.parsed.state == m.WorkflowState.PUBLISHED

    for number in range(4):
        more = add_to_node.sync_detailed(
            "club/news",
            client=client,
            body=m.NewDocument(
                at_type=m.NewDocumentAtType.DOCUMENT, title=f"Item {number}"
            ),
        )
        assert more.status_code == 201, more.content
    names, batches, after = [], 0, cms_client.types.UNSET
    while True:
        batch = get_node.sync_detailed(
            "club/news", client=client, b_size=2, b_after=after
        )
        assert batch.status_code == 200, batch.content
        batches += 1
        assert batch.parsed.items_total == 5
        names += [item.id for item in batch.parsed.items]
        next_url = batch.parsed.batching.next_
        if not next_url:
            break
        # The cursor comes from the link the site gave: never made up.
        after = parse_qs(urlsplit(next_url).query)["b_after"][0]
    assert batches == 3
    assert names[0] == "opening" and len(set(names)) == 5
    # fields= answers parse: a partial node, partial items.
    partial = get_node.sync_detailed("club/news", client=client, fields="title,items")
    assert partial.status_code == 200, partial.content
    assert isinstance(partial.parsed, m.Node) and partial.parsed.title == "News"
    assert isinstance(partial.parsed.state, cms_client.types.Unset)
    assert [item.title for item in partial.parsed.items][:1] == ["Opening: 1 May"]

    content = b"10:00 Opening\n\x00\xff binary too\n"
    upload = add_to_node.sync_detailed(
        deep,
        client=client,
        body=m.Upload(
            at_type=m.UploadAtType.FILE,
            file=cms_client.types.File(
                payload=BytesIO(content), file_name="programme.txt"
            ),
            title="Programme",
        ),
    )
    assert upload.status_code == 201, upload.content
    assert upload.parsed.file.size == len(content)
    download = api(cms_client, "files.download_file").sync_detailed(
        f"{deep}/{upload.parsed.id}", client=client
    )
    assert download.status_code == 200
    assert download.parsed.payload.read() == content

    deleted = api(cms_client, "content.delete_node").sync_detailed(
        "club", client=client
    )
    assert deleted.status_code == 204
    gone = get_node.sync_detailed(deep, client=client)
    assert gone.status_code == 404 and isinstance(gone.parsed, m.Error)


def test_pydantic_models_parse_the_answers(document, site, work):
    program, *arguments = readme_command("datamodel-codegen")
    assert arguments[arguments.index("--input") + 1] == document.name
    run(VENV_BIN / program, *arguments, cwd=work)
    assert arguments[arguments.index("--output") + 1] == "cms_models.py"
    sys.path.insert(0, str(work))
    try:
        cms_models = importlib.import_module("cms_models")
    finally:
        sys.path.remove(str(work))
        sys.modules.pop("cms_models", None)
    url, token = site
    answer = json.loads(fetch(f"{url}/?b_size=1", token))
    root = cms_models.Node.model_validate(answer)
    assert str(root.field_id) == f"{url}/" and root.id == ""
    # A field the site adds later does not break today's models.
    cms_models.Node.model_validate({**answer, "added_later": {"x": 1}})
    partial = {"@id": f"{url}/", "@type": "Folder", "title": "Only this"}
    assert cms_models.Node.model_validate(partial).title == "Only this"


USE_TS = """\
import type { components, paths } from "./cms-api";

type Node = components["schemas"]["Node"];
type Created =
  paths["/{node}/"]["post"]["responses"][201]["content"]["application/json"];
type Failure = components["schemas"]["Error"];

const node: Node = { "@id": "http://127.0.0.1:6543/a/", "@type": "Document" };
const url: string = node["@id"];
const created: Created = node;
const title: string | undefined = created.title;
const failure: Failure = { error: { type: "PreconditionFailed", message: "" } };
// @ts-expect-error: @type is one of the content types
const wrong: Node = { "@id": url, "@type": "Page" };
export { title, failure, wrong };
"""


def test_typescript_types_compile(document, work):
    for tool in ("openapi-typescript", "tsc"):
        assert (NODE_BIN / tool).exists(), f"{tool}: run npm ci (bin/test does)"
    program, *arguments = readme_command("openapi-typescript")
    assert arguments == [document.name, "--output", "cms-api.ts"]
    run(NODE_BIN / program, *arguments, cwd=work)
    (work / "use.ts").write_text(USE_TS, encoding="utf-8")
    run(NODE_BIN / "tsc", "--strict", "--noEmit", "--skipLibCheck",
        work / "use.ts", cwd=work)  # fmt: skip
    (work / "broken.ts").write_text(
        USE_TS.replace("// @ts-expect-error: @type is one of the content types\n", "")
    )
    broken = subprocess.run(  # noqa: S603 (the project's pinned tsc)
        [str(NODE_BIN / "tsc"), "--strict", "--noEmit", str(work / "broken.ts")],
        capture_output=True, text=True, cwd=work, check=False,
    )  # fmt: skip
    assert broken.returncode != 0 and "Page" in broken.stdout


def test_the_readme_example_runs(cms_client, site):
    """The Python example of README's section, with the package generated."""
    blocks = re.findall(r"^```python\n(.*?)^```$", readme_section(), re.M | re.S)
    assert len(blocks) == 1, f"one Python example under {SECTION!r}"
    package = Path(cms_client.__file__).parents[1]
    done = subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", blocks[0]],
        env={**os.environ, "CMS_URL": site[0], "CMS_TOKEN": site[1],
             "PYTHONPATH": str(package)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"created: {site[0]}/opening-day/ Document"
    assert lines[1:] == [
        "changed: Opening: 1 May",
        "refused: PreconditionFailed",
        "deleted: 204",
    ]
