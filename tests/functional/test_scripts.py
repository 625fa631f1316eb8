"""The operator's commands: initialize_cms_db and cms-admin check."""

import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from cms.db import get_engine
from cms.migrations import upgrade
from cms.models import Node
from cms.scripts import admin, initialize_db


def count_nodes(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(text("SELECT path FROM nodes ORDER BY path"))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()


def test_initialize_creates_the_root_and_a_demo_tree(ini_file, scratch_url, capsys):
    assert initialize_db.main(["initialize_cms_db", ini_file, "--demo"]) == 0
    paths = count_nodes(scratch_url)
    assert paths[0] == "/"
    assert {"/about/", "/about/team/", "/news/", "/getting-started/"} <= set(paths)
    assert "demo nodes added: 10" in capsys.readouterr().out


def test_initialize_twice_changes_nothing(ini_file, scratch_url, capsys):
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    first = count_nodes(scratch_url)
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert count_nodes(scratch_url) == first
    assert "demo nodes added: 0" in capsys.readouterr().out


def delete_nodes(url, *paths):
    """Delete the nodes at *paths* as an editor would (subtrees included)."""
    engine = get_engine({"sqlalchemy.url": url})
    try:
        with Session(engine) as session, session.begin():
            for path in paths:
                session.scalars(select(Node).where(Node.path == path)).one().delete()
    finally:
        engine.dispose()


def test_deleted_demo_pages_stay_deleted(ini_file, scratch_url, capsys):
    """./bin/serve runs initialize_cms_db --demo every time it starts."""
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    delete_nodes(scratch_url, "/news/", "/about/team/", "/getting-started/")
    assert initialize_db.main(["initialize_cms_db", ini_file, "--demo"]) == 0
    assert count_nodes(scratch_url) == [
        "/",
        "/about/",
        "/about/harbour/",
        "/about/history/",
    ]
    assert "demo nodes added: 0" in capsys.readouterr().out
    # Even with no demo page left, the demo was added once: that is all.
    delete_nodes(scratch_url, "/about/")
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert count_nodes(scratch_url) == ["/"]


def test_a_demo_added_before_markers_existed(ini_file, scratch_url):
    """The migration that brings markers marks a site that has the demo."""
    engine = get_engine({"sqlalchemy.url": scratch_url})
    try:
        upgrade(engine, "0003")
        # Rows as the schema of then had them (the models are today's); the
        # demo's news were deleted.
        paths = ["/", "/getting-started/", "/about/", "/about/team/"]
        with engine.begin() as connection:
            for number, path in enumerate(paths, start=1):
                parent = {"/": None, "/about/team/": 3}.get(path, 1)
                connection.execute(
                    text(
                        "INSERT INTO nodes (id, uid, parent_id, name, path, position,"
                        " type, title, description, state, created, modified, version)"
                        " VALUES (:id, :uid, :parent, :name, :path, 0, 'Document',"
                        " 'T', '', 'published', :now, :now, 1)"
                    ),
                    {
                        "id": number,
                        "uid": uuid.uuid4().hex,
                        "parent": parent,
                        "name": path.rstrip("/").rpartition("/")[2],
                        "path": path,
                        "now": "2026-01-01 00:00:00",
                    },
                )
                connection.execute(
                    text("INSERT INTO documents (id, body) VALUES (:id, '')"),
                    {"id": number},
                )
    finally:
        engine.dispose()
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert "/news/" not in count_nodes(scratch_url)
    assert "/about/team/" in count_nodes(scratch_url)


def test_the_demo_may_come_after_the_site(ini_file, scratch_url, capsys):
    initialize_db.main(["initialize_cms_db", ini_file])
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert "/news/news-3/" in count_nodes(scratch_url)
    assert "demo nodes added: 10" in capsys.readouterr().out


def test_initialize_without_demo_adds_only_the_root(ini_file, scratch_url):
    initialize_db.main(["initialize_cms_db", ini_file])
    assert count_nodes(scratch_url) == ["/"]


def test_check_finds_no_problem_in_a_sound_tree(ini_file, capsys):
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert admin.main(["cms-admin", ini_file, "check"]) == 0
    assert "Checked 11 nodes: 0 problems." in capsys.readouterr().out


def test_check_reports_a_broken_path(ini_file, scratch_url, capsys):
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    engine = create_engine(scratch_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE nodes SET path = '/wrong/' WHERE path = '/news/'")
        )
    engine.dispose()
    assert admin.main(["cms-admin", ini_file, "check"]) == 1
    captured = capsys.readouterr()
    assert "/wrong/: expected /news/" in captured.err
    # The children no longer sit under their parent's path either.
    assert "/news/news-1/: expected /wrong/news-1/" in captured.err
    assert "5 problems" in captured.out


def test_commands_have_help(capsys):
    for module, name in ((initialize_db, "initialize_cms_db"), (admin, "cms-admin")):
        with pytest.raises(SystemExit) as exit:
            module.main([name, "--help"])
        assert exit.value.code == 0
    assert "check" in capsys.readouterr().out
