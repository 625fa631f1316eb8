"""The operator's commands: initialize_cms_db and cms-admin check."""

import pytest
from sqlalchemy import create_engine, text

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
    assert "demo nodes added: 8" in capsys.readouterr().out


def test_initialize_twice_changes_nothing(ini_file, scratch_url, capsys):
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    first = count_nodes(scratch_url)
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert count_nodes(scratch_url) == first
    assert "demo nodes added: 0" in capsys.readouterr().out


def test_initialize_without_demo_adds_only_the_root(ini_file, scratch_url):
    initialize_db.main(["initialize_cms_db", ini_file])
    assert count_nodes(scratch_url) == ["/"]


def test_check_finds_no_problem_in_a_sound_tree(ini_file, capsys):
    initialize_db.main(["initialize_cms_db", ini_file, "--demo"])
    assert admin.main(["cms-admin", ini_file, "check"]) == 0
    assert "Checked 9 nodes: 0 problems." in capsys.readouterr().out


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
    assert "4 problems" in captured.out


def test_commands_have_help(capsys):
    for module, name in ((initialize_db, "initialize_cms_db"), (admin, "cms-admin")):
        with pytest.raises(SystemExit) as exit:
            module.main([name, "--help"])
        assert exit.value.code == 0
    assert "check" in capsys.readouterr().out
