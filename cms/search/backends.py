"""How each database matches search terms and ranks what it found.

Both take the terms of :mod:`.query` and answer a table to join to
``nodes``, a WHERE condition and a rank to sort by (best first).
Title counts most, then description and file names, then the body.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, cast, column, func, literal_column
from sqlalchemy import table as table_
from sqlalchemy.dialects.postgresql import TSQUERY

from cms.models import Node
from cms.search.index import search_index
from cms.search.query import Term, fts5_query, tsquery

_fts = table_("search_fts", column("rowid"))


@dataclass
class Match:
    """What a backend adds to a query to find *terms*."""

    #: The table to join to ``nodes``, and how.
    join: FromClause
    on: ColumnElement[bool]
    where: ColumnElement[bool]
    #: Sort by this, ascending, for the best matches first.
    rank: ColumnElement[Any]


def match(dialect: str, terms: list[Term]) -> Match:
    """Return how *dialect* finds nodes whose text holds all *terms*."""
    if dialect == "postgresql":
        query = cast(tsquery(terms), TSQUERY)
        document = search_index.c.document
        return Match(
            join=search_index,
            on=search_index.c.node_id == Node.id,
            where=document.op("@@")(query),
            # Normalization 1: longer texts do not win by length alone.
            rank=-func.ts_rank_cd(document, query, 1),
        )
    fts: ColumnElement[Any] = literal_column("search_fts")
    return Match(
        join=_fts,
        on=_fts.c.rowid == Node.id,
        where=fts.op("MATCH")(fts5_query(terms)),
        # bm25 is lower for better matches; weights per column.
        rank=func.bm25(fts, 10.0, 4.0, 1.0, 4.0),
    )
