"""``info.version`` of ``/@@openapi.json`` changes whenever the document does.

The hash of each version's document is stored here. A change to the
document fails this test until ``API_VERSION`` (``cms/openapi/__init__.py``)
is bumped, README.md's "API changes" names the new version, and its hash is
added below: integrators see from the version alone that something moved.
"""

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The hash of the document of each version (see :func:`content_hash`).
DOCUMENTS = {
    "1.0.0": "3a3d170dcdf55105",
    "1.1.0": "2435702c752abd11",
}


def content_hash(document):
    """The document's hash, without its version and what names this site."""
    content = {
        key: value
        for key, value in document.items()
        if key not in ("servers", "externalDocs")
    }
    content["info"] = {k: v for k, v in document["info"].items() if k != "version"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_the_version_names_the_document(testapp, root):
    document = testapp.get("/@@openapi.json").json
    version = document["info"]["version"]
    assert DOCUMENTS.get(version) == content_hash(document), (
        f"The document changed since {version}: bump API_VERSION, name the new "
        "version in README.md's API changes, and store its hash in DOCUMENTS "
        f"({content_hash(document)})"
    )


def test_the_readme_lists_the_version(testapp, root):
    version = testapp.get("/@@openapi.json").json["info"]["version"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    changes = readme.split("\n### API changes\n", 1)[1].split("\n#", 1)[0]
    assert f"\n- **{version}**" in changes


def test_the_hash_ignores_the_sites_address_only(testapp, root):
    document = testapp.get("/@@openapi.json").json
    moved = {**document, "servers": [{"url": "https://elsewhere.example"}]}
    assert content_hash(moved) == content_hash(document)
    changed = json.loads(json.dumps(document))
    changed["components"]["schemas"]["Node"]["properties"]["new"] = {"type": "string"}
    assert content_hash(changed) != content_hash(document)
