"""The self-test: acknowledged writes undone behind the server's back.

With ``--damage``, once the clients have stopped and the server is down, one
acknowledged Document's body is rewritten in the database (SQL, not the API)
and one acknowledged File's blob is removed from the store. The verification
must then report both as lost, and ``cms-admin INI blobs check`` the missing
blob: a soak that passed anyway would be checking nothing.
"""

from sqlalchemy import create_engine, text

DAMAGED_BODY = "<p>Changed behind the server's back.</p>"


def damage(site, ledger):
    """Damage a Document and a File whose state is certain; say what was done."""
    certain = [
        record
        for record in ledger.records()
        if not record.maybe and record.state.path is not None
    ]
    document = next((r for r in certain if r.type == "Document"), None)
    file = next((r for r in certain if r.type == "File"), None)
    if document is None or file is None:
        raise RuntimeError("--damage: no acknowledged Document and File; run longer")
    engine = create_engine(site.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE documents SET body = :body"
                    " WHERE id = (SELECT id FROM nodes WHERE path = :path)"
                ),
                {"body": DAMAGED_BODY, "path": document.state.path},
            )
    finally:
        engine.dispose()
    key = file.digest
    (site.blob_dir / key[:2] / key[2:4] / key).unlink()
    return [
        f"{document} at {document.state.path}: body rewritten in the database",
        f"{file} at {file.state.path}: blob {key} removed from the store",
    ]
