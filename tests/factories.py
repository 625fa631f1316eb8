"""Helpers that build content through the model API, as the app does."""

from cms.models import Document, Folder


def add_folder(parent, name=None, title=None, state="published", **fields):
    title = title or (name or "Folder").replace("-", " ").title()
    return parent.add(Folder(title=title, state=state, **fields), name)


def add_document(parent, name=None, title=None, state="published", body="", **fields):
    title = title or (name or "Document").replace("-", " ").title()
    return parent.add(Document(title=title, state=state, body=body, **fields), name)


def add_chain(parent, names, factory=add_document):
    """Add nested nodes, one per name; return the deepest."""
    node = parent
    for name in names:
        node = factory(node, name)
    return node


DEEP_CHAIN = ["deep"] + [f"d{number}" for number in range(1, 11)]
