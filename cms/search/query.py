"""What a user typed, as search terms no database can choke on.

``q`` holds words (all must match), ``word*`` (a prefix) and ``"two words"``
(a phrase); every other character is plain text. The terms are made of the
words of :mod:`.text` only (letters and digits), so the query each backend
gets is built from quoted words and the backend's own operators: quotes,
operators, NUL or any script in ``q`` can change what is found, never make
the query fail.
"""

import re
from dataclasses import dataclass

from cms.search.text import MAX_WORD_LENGTH, WORD

#: Terms beyond this many are ignored: they would only slow the query down.
MAX_TERMS = 32
_CHUNK = re.compile(r'"([^"]*)"?|(\S+)')
#: PostgreSQL positions (1-based) stop at 16383; a lexeme keeps 256 of them.
_MAX_POSITION = 16383
_MAX_POSITIONS = 256
#: A tsvector holds at most 1 MiB; stay well below.
_MAX_VECTOR_BYTES = 900_000


@dataclass(frozen=True)
class Term:
    """Words that must follow each other; the last one a prefix or not."""

    words: tuple[str, ...]
    prefix: bool = False


def parse(q: str) -> list[Term]:
    """Return the terms of *q*: phrases in quotes, words, ``word*`` prefixes."""
    terms: list[Term] = []
    for match in _CHUNK.finditer(q):
        phrase, chunk = match.group(1), match.group(2)
        text = phrase if phrase is not None else chunk
        found = [word.lower() for word in WORD.findall(text)]
        if not found:
            continue
        prefix = chunk is not None and chunk.endswith("*")
        terms.append(Term(tuple(found), prefix))
        if len(terms) == MAX_TERMS:
            break
    return terms


def unmatchable(terms: list[Term]) -> bool:
    """Whether a word is too long to have been indexed: nothing can match."""
    return any(len(word) > MAX_WORD_LENGTH for term in terms for word in term.words)


def highlights(terms: list[Term]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Return the words to mark in snippets: exact ones and prefixes."""
    exact = frozenset(
        word
        for term in terms
        for index, word in enumerate(term.words)
        if not (term.prefix and index == len(term.words) - 1)
    )
    prefixes = tuple(term.words[-1] for term in terms if term.prefix)
    return exact, prefixes


def fts5_query(terms: list[Term]) -> str:
    """Return an FTS5 MATCH expression: each term a quoted phrase, all ANDed."""
    return " AND ".join(
        '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")
        for term in terms
    )


def tsquery(terms: list[Term]) -> str:
    """Return a ``tsquery`` literal: phrases of quoted lexemes, all ANDed."""
    parts = []
    for term in terms:
        lexemes = [f"'{word}'" for word in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def tsvector(fields: list[tuple[str, str]]) -> str:
    """Return a ``tsvector`` literal of *fields*: ``(text, weight)`` pairs.

    Positions run on across fields with a gap, so a phrase never spans two.
    """
    positions: dict[str, list[str]] = {}
    position, size = 0, 0
    for text, weight in fields:
        position += 1
        for word in (w.lower() for w in WORD.findall(text)):
            position += 1
            if len(word) > MAX_WORD_LENGTH:
                continue
            held = positions.get(word)
            if held is None:
                size += len(word.encode()) + 8
                if size > _MAX_VECTOR_BYTES:
                    continue
                held = positions[word] = []
            if len(held) < _MAX_POSITIONS:
                # Past the last position, words share it (as to_tsvector does).
                held.append(f"{min(position, _MAX_POSITION)}{weight}")
                size += 2
    return " ".join(f"'{word}':{','.join(held)}" for word, held in positions.items())
