"""``cms-admin INI reindex`` rebuilds the search index from the content."""

from sqlalchemy import create_engine, text

from cms.scripts import admin, initialize_db
from cms.search.index import write


def _found(connection, word):
    """The node ids the index finds *word* in, on either database."""
    if connection.dialect.name == "postgresql":
        query = "SELECT node_id FROM search_index WHERE document @@ CAST(:q AS tsquery)"
        word = f"'{word}'"
    else:
        query = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
        word = f'"{word}"'
    return sorted(row[0] for row in connection.execute(text(query), {"q": word}))


def test_reindex_rebuilds_a_damaged_index(ini_file, scratch_url, capsys):
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    engine = create_engine(scratch_url)
    with engine.begin() as connection:
        about = connection.execute(
            text("SELECT id FROM nodes WHERE path = '/about/'")
        ).scalar_one()
        assert about in _found(connection, "about")
        # Damage it: a row that says something else.
        garbage = {"title": "zzgarbage", "description": "", "body": "", "files": ""}
        write(connection, [{"node_id": about, **garbage}])
        assert _found(connection, "zzgarbage") == [about]
    capsys.readouterr()
    assert admin.main(["cms-admin", ini_file, "reindex"]) == 0
    err = capsys.readouterr().err
    assert "reindex: 11/11 (100.0 %)" in err
    assert "Indexed 11 nodes." in err
    with engine.begin() as connection:
        assert _found(connection, "zzgarbage") == []
        assert about in _found(connection, "about")
        rows = connection.execute(text("SELECT count(*) FROM search_index")).scalar()
        nodes = connection.execute(text("SELECT count(*) FROM nodes")).scalar()
        assert rows == nodes == 11
    engine.dispose()
