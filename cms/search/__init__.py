"""Full-text search: one interface over SQLite FTS5 and PostgreSQL full text.

- :mod:`.text` turns content into the plain text readers see, splits it into
  words, and cuts snippets;
- :mod:`.query` turns what a user typed into terms that cannot fail;
- :mod:`.index` writes the index in the same transaction as the content;
- :mod:`.backends` says how each database matches and ranks;
- :mod:`.run` finds the nodes a caller may view, a batch at a time.
"""
