"""A visitor's search words, made safe for the databases' full-text queries.

Every full-text search on the site (articles, drills) reads the visitor's text through
`search_terms`: letters and digits only, so quotes, stars, brackets, colons, minus signs and
words like OR or NEAR are never query syntax; then each word is quoted for SQLite's FTS5 or
PostgreSQL's to_tsquery. Every word must match; the last one also as the start of a word,
because people are still typing it.
"""

from __future__ import annotations

import re

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
TOO_LONG = f"Please keep the search to {MAX_QUERY_LENGTH} characters or fewer."
# Runs of letters and digits in any script; everything else (underscore too) separates words.
_WORD = re.compile(r"[^\W_]+")


def search_terms(query: str) -> list[str]:
    """The words of a visitor's query, lower-cased; punctuation and operators are dropped."""
    return _WORD.findall(query[:MAX_QUERY_LENGTH].lower())[:MAX_TERMS]


def query_error(query: str) -> str | None:
    """Why `query` cannot be searched as given (shown beside the field), None when it can."""
    return TOO_LONG if len(query) > MAX_QUERY_LENGTH else None


def fts_match_expression(terms: list[str]) -> str:
    """An FTS5 query: every word must match, the last one as a prefix."""
    # search_terms() yields letters and digits only, so no word can close its quotes.
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery_expression(terms: list[str]) -> str:
    """A PostgreSQL to_tsquery text: every word must match, the last one as a prefix."""
    quoted = [f"'{term}'" for term in terms]
    quoted[-1] += ":*"
    return " & ".join(quoted)
