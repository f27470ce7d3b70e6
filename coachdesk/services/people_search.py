"""Ctrl+K finds sponsors and organizations too.

They are not in the full-text index (adding kinds there would need new triggers,
that is a schema change); they are few, so their own tables are read and matched
here the way the index matches: every typed word must match, accents and case
folded, whole words except the last one typed, which is a prefix (not when it is
a lone letter), and words in scripts written without spaces as substrings.
"""

from __future__ import annotations

import re

from ..storage import Database
from .search import (
    _UNSPACED,
    MAX_LIMIT,
    MAX_WORDS,
    PEOPLE_KINDS,
    SearchHit,
    _clean_text,
    _merge,
    render,
    search,
)
from .validation import fold


def search_everything(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """What Ctrl+K shows: matching sponsors and organizations first (they are few,
    and found by name), then ``search``'s hits; ``limit`` in all."""
    people = search_people(db, query, limit)
    return people + search(db, query, limit - len(people))


_TOKEN = re.compile(r"\w+")


def _tokens(text_: str) -> list[str]:
    """Folded words, split as the index's unicode61 tokenizer splits them."""
    return _TOKEN.findall(fold(text_))


def _word_matches(word: str, tokens: list[str], folded: str, prefix: bool) -> bool:
    """One typed word against a record's words: a phrase of whole words (the last one
    a prefix while typing), or a substring for unspaced scripts."""
    if _UNSPACED.search(word):
        return fold(word) in folded
    wanted = _tokens(word)
    if not wanted:
        return True
    for i in range(len(tokens) - len(wanted) + 1):
        window = tokens[i:i + len(wanted)]
        if window[:-1] == wanted[:-1] and (window[-1] == wanted[-1] or (
                prefix and window[-1].startswith(wanted[-1]))):
            return True
    return False


def _people_hit(kind: str, ref_id: int, name: str, details: list[str], words: list[str],
                archived: bool) -> SearchHit:
    shown = " · ".join(re.sub(r"\s+", " ", t).strip()[:200] for t in [name, *details]
                       if t and t.strip())
    folded_words = [fold(w) for w in words]
    parts = []
    for piece in re.split(r"(\w+)", shown):
        folded = fold(piece)
        hit = bool(piece) and any(
            (folded.startswith(t) if not _UNSPACED.search(t) else t in folded)
            for w in folded_words for t in (_tokens(w) if not _UNSPACED.search(w) else [w]))
        parts.append((piece, hit))
    parts = _merge(parts)
    label = PEOPLE_KINDS[kind] + (" (archived)" if archived else "")
    return SearchHit(kind=kind, kind_label=label, ref_id=ref_id, client_id=None,
                     client_name="", session_id=None, session_date=None,
                     snippet=render(parts), snippet_parts=parts, title=name, archived=archived)


def search_people(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Sponsors (by name, role, e-mail or organization) and organizations (by name)
    matching every typed word, accents and case folded as in the index; names that
    match come before roles and e-mails, then alphabetical. Archived ones are found
    too (marked). Never raises for what a coach can type.
    """
    words = [w for w in _clean_text(query).split() if any(ch.isalnum() for ch in w)][:MAX_WORDS]
    if not words or limit is None or limit <= 0:
        return []
    # A lone one-letter word is a whole word, never a prefix (as in ``build_query``).
    prefix = len(words) > 1 or len(words[0]) > 1
    with db.session() as s:
        conn = s.connection()
        sponsors = conn.exec_driver_sql(
            "SELECT p.id, p.name, p.role, p.email, o.name, p.archived FROM sponsor AS p "
            "LEFT JOIN organization AS o ON o.id = p.organization_id").fetchall()
        orgs = conn.exec_driver_sql("SELECT id, name, archived FROM organization").fetchall()
    found = []
    candidates = [("sponsor", r[0], r[1] or "", [r[2] or "", r[4] or "", r[3] or ""], bool(r[5]))
                  for r in sponsors]
    candidates += [("organization", r[0], r[1] or "", [], bool(r[2])) for r in orgs]
    for kind, ref_id, name, details, archived in candidates:
        haystack = "\n".join([name, *details])
        tokens, folded = _tokens(haystack), fold(haystack)
        last = len(words) - 1
        if all(_word_matches(w, tokens, folded, prefix and i == last)
               for i, w in enumerate(words)):
            in_name = all(_word_matches(w, _tokens(name), fold(name), prefix and i == last)
                          for i, w in enumerate(words))
            found.append((not in_name, archived, fold(name), kind, ref_id, name, details))
    found.sort(key=lambda f: f[:3])
    return [_people_hit(kind, ref_id, name, details, words, archived)
            for _n, archived, _f, kind, ref_id, name, details in found[:min(limit, MAX_LIMIT)]]


