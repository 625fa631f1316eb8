"""The site's generation: changed once by every transaction that writes a page's
content, and by nothing else."""

import pytest
from sqlalchemy import select, text, update

from cms.generation import GENERATION_QUERY, is_shown_write
from cms.models import LoginThrottle, Node
from tests.factories import add_document


@pytest.mark.parametrize(
    ("statement", "shown"),
    [
        ("INSERT INTO nodes (id) VALUES (?)", True),
        ("UPDATE nodes SET title=?", True),
        ('DELETE FROM "local_roles" WHERE id = ?', True),
        ("INSERT OR REPLACE INTO site_settings (id) VALUES (1)", True),
        ("WITH moved AS (SELECT 1) UPDATE nodes SET path = ?", True),
        ("UPDATE login_sessions SET seen=?", False),
        ("INSERT INTO login_throttle (key) VALUES (?)", False),
        ("UPDATE api_tokens SET last_used=?", False),
        ("UPDATE site_generation SET value=?", False),
        ("SELECT * FROM nodes FOR UPDATE", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x FOR UPDATE", False),
        ("BEGIN IMMEDIATE", False),
    ],
)
def test_which_statements_count(statement, shown):
    assert is_shown_write(statement) is shown


def generation(dbsession):
    return dbsession.execute(GENERATION_QUERY).scalar()


def writes(dbsession, change, count_queries):
    """The generation before and after committing *change*, and the bumps."""
    dbsession.commit()  # the root the fixture added
    before = generation(dbsession)
    change()
    with count_queries() as statements:
        dbsession.commit()
    bumps = [s for s in statements if s.startswith("UPDATE site_generation")]
    return before, generation(dbsession), len(bumps)


def test_an_orm_change_is_a_new_generation_once(dbsession, root, count_queries):
    def change():
        add_document(root, "one")
        add_document(root, "two")
        dbsession.flush()
        root.title = "Another"

    before, after, bumps = writes(dbsession, change, count_queries)
    assert after != before and bumps == 1


def test_a_statement_of_the_session_counts(dbsession, root, count_queries):
    def change():
        dbsession.execute(update(Node).where(Node.id == root.id).values(title="X"))

    before, after, bumps = writes(dbsession, change, count_queries)
    assert after != before and bumps == 1


def test_raw_sql_on_the_connection_counts(dbsession, root, count_queries):
    def change():
        dbsession.connection().execute(text("UPDATE nodes SET title = 'Y'"))

    before, after, bumps = writes(dbsession, change, count_queries)
    assert after != before and bumps == 1


def test_reads_and_login_throttling_do_not(dbsession, root, count_queries):
    def change():
        dbsession.scalars(select(Node)).all()
        dbsession.add(LoginThrottle(key="address:1.2.3.4", failures=1))

    before, after, bumps = writes(dbsession, change, count_queries)
    assert after == before and bumps == 0


def test_a_rolled_back_write_does_not(dbsession, root, count_queries):
    dbsession.commit()
    before = generation(dbsession)
    root.title = "Never"
    dbsession.flush()
    dbsession.rollback()
    with count_queries() as statements:
        dbsession.commit()
    assert generation(dbsession) == before
    assert not any("site_generation" in s for s in statements)
