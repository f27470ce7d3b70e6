"""Search everything a coach wrote: clients, both kinds of notes, GROW worksheets,
options and actions.

The full-text index (``search_index``, an FTS5 table made by migration 0002) is
kept in step by triggers; ``rebuild_index`` re-creates it from the source
tables when it has drifted (``coachdesk check --repair``).

Free text typed by the coach is never handed to FTS5 as query syntax: every
word becomes a quoted FTS5 string, so ``AND``, ``NEAR(``, ``"``, ``*``, ``-``
or ``:`` are just text. The last word is a prefix, so results follow typing.

Chinese, Japanese, Korean and Thai are written without spaces between words,
and the ``unicode61`` tokenizer turns a whole run of such characters into one
token: '陈静' would not be found inside '陈静说…'. Words holding such
characters are therefore matched as substrings of the text (``LIKE``) instead
of through the index; the rest of the query still uses the index and its rank.
"""

from __future__ import annotations

import heapq
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from datetime import time as dt_time

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ..storage import Database

log = logging.getLogger(__name__)

#: kind stored in the index -> (rowid code, label shown to the coach)
KINDS = {
    "client": (1, "Client"),
    "private_note": (2, "Private note"),
    "shared_summary": (3, "Shareable summary"),
    "worksheet": (4, "GROW worksheet"),
    "option": (5, "Option"),
    "action": (6, "Action"),
}
#: kinds not in the index: sponsors and organizations are few, and found by reading
#: their own tables (``services.people_search``), so no trigger or schema changes
PEOPLE_KINDS = {"sponsor": "Sponsor", "organization": "Organization"}
KIND_LABELS = {kind: label for kind, (_code, label) in KINDS.items()} | PEOPLE_KINDS

#: how ``SearchHit.snippet`` marks a match (``snippet_parts`` needs no markup)
MARK_START, MARK_END = "[", "]"
ELLIPSIS = "…"
SNIPPET_TOKENS = 12
MAX_WORDS = 16
MAX_LIMIT = 500
# Beyond this many matches a search lists the newest first instead of ranking them.
BROAD_MATCHES = 4000

# Private-use characters (plane 16) bracket the match in FTS5's snippet(); they
# are never typed by a coach and are removed from the text the UI receives.
_OPEN, _CLOSE = "\U00100000", "\U00100001"

# Scripts written without spaces between words (see the module docstring).
_UNSPACED = re.compile(
    "[\u0e00-\u0e7f"          # Thai
    "\u2e80-\u2fdf"           # CJK radicals, Kangxi
    "\u3040-\u30ff"           # Hiragana, Katakana
    "\u3100-\u312f\u31a0-\u31ff"  # Bopomofo
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"  # Hangul
    "\uf900-\ufaff"           # CJK compatibility ideographs
    "\uff66-\uff9f"           # half-width Katakana
    "\U00020000-\U0003ffff]"  # CJK extensions
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class SearchHit:
    kind: str  # one of KINDS
    kind_label: str  # "Private note", "Shareable summary", ...
    ref_id: int  # id of the client, session, worksheet, option or action
    client_id: int | None
    client_name: str
    session_id: int | None  # the session a note, worksheet, option or action belongs to
    session_date: date | None
    snippet: str  # the matching words in [brackets], trimmed with "…"
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_match)
    title: str = ""  # a sponsor's or organization's name ("" for the index's kinds)
    archived: bool = False  # a sponsor or organization the coach has archived

    @property
    def is_private(self) -> bool:
        """A private note: the coach's own, never shown to a sponsor."""
        return self.kind == "private_note"


# -- the query ------------------------------------------------------------------


@dataclass
class _Query:
    fts: str | None  # an FTS5 MATCH expression, or None
    substrings: list[str]  # words matched as substrings (unspaced scripts)

    @property
    def empty(self) -> bool:
        return self.fts is None and not self.substrings


def _clean_text(query) -> str:
    if not isinstance(query, str):
        query = "" if query is None else str(query)
    # Lone surrogates cannot be sent to SQLite; control characters mean nothing here.
    query = query.encode("utf-8", "ignore").decode("utf-8")
    query = query.replace(_OPEN, " ").replace(_CLOSE, " ")
    return _CONTROL.sub(" ", query)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def build_query(query: str) -> _Query:
    """Turn free text into a safe FTS5 expression (plus substring words).

    Words are split on white space; a word without any letter or digit (``-``,
    ``*``, ``"``, an emoji) is dropped. Each remaining word is quoted as an
    FTS5 string, so nothing typed is ever read as FTS5 syntax; the last word
    gets ``*`` so that a half-typed word already matches (not a lone letter).
    """
    words = [w for w in _clean_text(query).split() if any(ch.isalnum() for ch in w)]
    words = words[:MAX_WORDS]
    substrings = [w for w in words if _UNSPACED.search(w)]
    indexed = [w for w in words if not _UNSPACED.search(w)]
    if not indexed:
        return _Query(None, substrings)
    parts = [_quote(w) for w in indexed]
    # Search as you type: the last word is a prefix. A lone one-letter query is
    # not (it would match, and rank, nearly every note in the practice).
    if indexed[-1] == words[-1] and (len(indexed[-1]) > 1 or len(words) > 1):
        parts[-1] += "*"
    return _Query(" ".join(parts), substrings)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# -- searching ------------------------------------------------------------------

# Each hit's client and session. Sessions are found through whatever the row
# belongs to: the note's own session, the worksheet's, the option's worksheet's,
# the action's.
_DETAILS_SQL = """
SELECT si.rowid, si.kind, si.ref_id, si.client_id, c.name, s.id, s.session_date, s.start_time
FROM search_index AS si
LEFT JOIN client AS c ON c.id = si.client_id
LEFT JOIN action_item AS a ON si.kind = 'action' AND a.id = si.ref_id
LEFT JOIN grow_option AS o ON si.kind = 'option' AND o.id = si.ref_id
LEFT JOIN grow_worksheet AS w ON w.id = CASE si.kind WHEN 'worksheet' THEN si.ref_id
                                                      WHEN 'option' THEN o.worksheet_id END
LEFT JOIN coaching_session AS s ON s.id = CASE si.kind
    WHEN 'private_note' THEN si.ref_id
    WHEN 'shared_summary' THEN si.ref_id
    WHEN 'action' THEN a.session_id
    WHEN 'worksheet' THEN w.session_id
    WHEN 'option' THEN w.session_id END
WHERE {where}
"""


def search(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Everything matching ``query``: best match (bm25) first, then the newest session first.

    Never raises for what a coach can type: text without any word gives ``[]``.
    """
    q = build_query(query)
    if q.empty or limit is None or limit <= 0:
        return []
    limit = min(int(limit), MAX_LIMIT)
    params: dict = {}
    likes = []
    for i, word in enumerate(q.substrings):
        likes.append(f"si.body LIKE :like{i} ESCAPE '\\'")
        params[f"like{i}"] = _like_pattern(word)
    try:
        with db.session() as s:
            if q.fts is not None:
                ranks = _best_ranked(s, q.fts, likes, params, limit)
                rows = _details(s, list(ranks))
            else:
                # Substring words only: no rank, every match is read (newest first below).
                ranks = {}
                rows = s.execute(text(_DETAILS_SQL.format(where=" AND ".join(likes))),
                                 params).all()
            rows = sorted(rows, key=lambda r: _order(ranks.get(r[0], 0.0), r))[:limit]
            snippets = _snippets(s, q, [r[0] for r in rows])
    except OperationalError as exc:
        # Quoting makes a syntax error impossible; should FTS5 still refuse a
        # query, the coach sees no results rather than an error.
        if "fts5" not in str(exc).lower():
            raise
        log.warning("a search was refused by FTS5 (%d characters)", len(query))  # never the words
        return []
    hits = []
    for rowid, kind, ref_id, client_id, name, session_id, session_date, _start in rows:
        parts = snippets.get(rowid, [])
        in_session = kind != "client"
        hits.append(SearchHit(
            kind=kind,
            kind_label=KIND_LABELS.get(kind, kind),
            ref_id=ref_id,
            client_id=client_id,
            client_name=name or "",
            session_id=session_id if in_session else None,
            session_date=_as_date(session_date) if in_session else None,
            snippet=render(parts),
            snippet_parts=parts,
        ))
    return hits


def _best_ranked(s, fts: str, likes: list[str], params: dict, limit: int) -> dict[int, float]:
    """rowid -> bm25 rank of the best ``limit`` matches (ties broken by the newest row).

    A query found in more than ``BROAD_MATCHES`` rows (a common word in a large
    practice) is not ranked: scoring every match costs more than it tells, so
    the newest matches come first. Otherwise one pass reads (rowid, rank) of
    every match, which needs no text and is faster than FTS5's ORDER BY rank.
    """
    where = " AND ".join(["search_index MATCH :fts", *likes]).replace("si.body", "body")
    # The driver's own cursor: SQLAlchemy's row objects cost more than the
    # query itself when a common word matches most of the practice.
    raw = s.connection().connection.driver_connection
    args = {**params, "fts": fts}
    newest = raw.execute(f"SELECT rowid FROM search_index WHERE {where} "
                         f"ORDER BY rowid DESC LIMIT {BROAD_MATCHES + 1}", args).fetchall()
    if len(newest) > BROAD_MATCHES:
        return {r[0]: 0.0 for r in newest[:limit]}
    rows = raw.execute(f"SELECT rowid, rank FROM search_index WHERE {where}", args).fetchall()
    if len(rows) > limit:
        best = heapq.nsmallest(limit, rows, key=lambda r: (r[1], -r[0]))
        cutoff = best[-1][1]
        # Rows tied with the last one shown are kept (a few), so that the
        # newest session wins the tie when the hits are put in order.
        shown = {r[0] for r in best}
        tied = [r for r in rows if r[1] == cutoff and r[0] not in shown]
        rows = best + heapq.nlargest(limit, tied, key=lambda r: r[0])
    return {rowid: rank for rowid, rank in rows}


def _details(s, rowids: list[int]) -> list:
    rows = []
    for i in range(0, len(rowids), 500):
        ids = ",".join(str(int(r)) for r in rowids[i:i + 500])
        rows += s.execute(text(_DETAILS_SQL.format(where=f"si.rowid IN ({ids})"))).all()
    return rows


def _order(rank: float, row) -> tuple:
    """Sort key: rank, then newest session (clients, without one, last), then newest row."""
    day, start = _as_date(row[6]), _seconds(row[7])
    return (rank, day is None, -(day.toordinal() if day else 0), start is None, -(start or 0),
            -row[0])


def _seconds(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, dt_time):
        return value.hour * 3600 + value.minute * 60 + value.second
    try:
        hours, minutes, *rest = str(value).split(":")
        return int(hours) * 3600 + int(minutes) * 60 + int(float(rest[0]) if rest else 0)
    except ValueError:
        return None


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _snippets(s, q: _Query, rowids: list[int]) -> dict[int, list[tuple[str, bool]]]:
    """Snippets for the rows shown only (snippet() is the costly part of a search)."""
    if not rowids:
        return {}
    ids = ",".join(str(int(r)) for r in rowids)
    out: dict[int, list[tuple[str, bool]]] = {}
    if q.fts is not None:
        rows = s.execute(text(
            f"SELECT rowid, snippet(search_index, 3, :open, :close, :ellipsis, {SNIPPET_TOKENS}) "
            # "+rowid": one pass over the matches; "rowid IN" would make FTS5
            # seek each row from the start of the index (slow for common words).
            f"FROM search_index WHERE search_index MATCH :fts AND +rowid IN ({ids})"),
            {"open": _OPEN, "close": _CLOSE, "ellipsis": ELLIPSIS, "fts": q.fts}).all()
        for rowid, marked in rows:
            out[rowid] = _mark_substrings(_parts(marked or ""), q.substrings)
    else:
        rows = s.execute(text(f"SELECT rowid, body FROM search_index WHERE rowid IN ({ids})")).all()
        for rowid, body in rows:
            out[rowid] = _substring_snippet(body or "", q.substrings)
    return out


def _merge(parts) -> list[tuple[str, bool]]:
    """Collapse white space (bodies hold line breaks) and join neighbouring parts."""
    out: list[tuple[str, bool]] = []
    for chunk, is_match in parts:
        chunk = re.sub(r"\s+", " ", chunk)
        if not chunk:
            continue
        if out and out[-1][1] == is_match:
            out[-1] = (out[-1][0] + chunk, is_match)
        else:
            out.append((chunk, is_match))
    if out and not out[0][1]:
        out[0] = (out[0][0].lstrip(), False)
    if out and not out[-1][1]:
        out[-1] = (out[-1][0].rstrip(), False)
    return [p for p in out if p[0]]


def _parts(marked: str) -> list[tuple[str, bool]]:
    """FTS5 snippet text with private-use markers -> [(text, is_match)]."""
    parts = []
    is_match = False
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", marked):
        if piece == _OPEN:
            is_match = True
        elif piece == _CLOSE:
            is_match = False
        else:
            parts.append((piece, is_match))
    return _merge(parts)


def _mark_substrings(parts, words: list[str]) -> list[tuple[str, bool]]:
    if not words:
        return parts
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                         re.IGNORECASE)
    out = []
    for chunk, is_match in parts:
        if is_match:
            out.append((chunk, True))
            continue
        pos = 0
        for m in pattern.finditer(chunk):
            out.append((chunk[pos:m.start()], False))
            out.append((m.group(), True))
            pos = m.end()
        out.append((chunk[pos:], False))
    return _merge(out)


def _substring_snippet(body: str, words: list[str]) -> list[tuple[str, bool]]:
    """A short window around the first substring match, with every match marked."""
    body = re.sub(r"\s+", " ", body).strip()
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                         re.IGNORECASE)
    first = pattern.search(body)
    if first is None:
        return _merge([(body[:60], False)])
    start = max(0, first.start() - 24)
    end = min(len(body), first.end() + 48)
    # Spaced text is cut between words, not inside one.
    if start > 0 and not body[start - 1].isspace():
        space = body.find(" ", start, first.start())
        start = space + 1 if space >= 0 else start
    if end < len(body) and not body[end].isspace():
        space = body.rfind(" ", first.end(), end)
        end = space if space >= 0 else end
    window = body[start:end]
    parts = _mark_substrings([(window, False)], words)
    if start > 0:
        parts = _merge([(ELLIPSIS, False), *parts])
    if end < len(body):
        parts = _merge([*parts, (ELLIPSIS, False)])
    return parts


def render(parts: list[tuple[str, bool]]) -> str:
    """``snippet_parts`` as one line with the matches in [brackets]."""
    return "".join(f"{MARK_START}{chunk}{MARK_END}" if is_match else chunk
                   for chunk, is_match in parts)


# -- keeping the index in step ----------------------------------------------------

# Exactly what the triggers of migration 0002 insert, for every source row.
_EXPECTED_SQL = """
SELECT id * 8 + 1 AS rowid, 'client' AS kind, id AS ref_id, id AS client_id,
       name || char(10) || job_title || char(10) || email || char(10) || background AS body
FROM client
UNION ALL
SELECT id * 8 + 2, 'private_note', id, client_id, private_notes
FROM coaching_session WHERE private_notes != ''
UNION ALL
SELECT id * 8 + 3, 'shared_summary', id, client_id, shared_summary
FROM coaching_session WHERE shared_summary != ''
UNION ALL
SELECT w.id * 8 + 4, 'worksheet', w.id,
       (SELECT client_id FROM coaching_session WHERE id = w.session_id),
       w.goal_session || char(10) || w.goal_long_term || char(10) || w.reality_facts
       || char(10) || w.reality_tried || char(10) || w.reality_obstacles || char(10)
       || w.will_what || char(10) || w.will_when
FROM grow_worksheet AS w
UNION ALL
SELECT o.id * 8 + 5, 'option', o.id,
       (SELECT s.client_id FROM grow_worksheet w JOIN coaching_session s ON s.id = w.session_id
        WHERE w.id = o.worksheet_id),
       o.text || char(10) || o.notes
FROM grow_option AS o
UNION ALL
SELECT id * 8 + 6, 'action', id, client_id, text
FROM action_item
"""

_KEYS = "rowid, kind, ref_id, client_id"


def rebuild_index(db: Database) -> int:
    """Empty the search index and fill it again from every source table.

    One transaction: should it fail, the index is left as it was. Returns the
    number of rows in the rebuilt index.
    """
    with db.session() as s:
        s.execute(text("DELETE FROM search_index"))
        s.execute(text(f"INSERT INTO search_index(rowid, kind, ref_id, client_id, body) "
                       f"SELECT rowid, kind, ref_id, client_id, body FROM ({_EXPECTED_SQL}) "
                       f"ORDER BY rowid"))
        # Merge the index's b-trees into one: faster searches after a rebuild.
        s.execute(text("INSERT INTO search_index(search_index) VALUES('optimize')"))
        return s.execute(text("SELECT count(*) FROM search_index")).scalar_one()


def index_problems(db: Database, *, bodies: bool = False) -> int:
    """How many index rows are missing, stale or left over (0 when in step).

    Compares rowids, kinds, ids and clients; ``bodies=True`` compares the
    indexed text as well (slower: it reads every note).
    """
    keys = f"{_KEYS}, body" if bodies else _KEYS
    with db.session() as s:
        expected = s.execute(text(f"SELECT count(*) FROM ({_EXPECTED_SQL})")).scalar_one()
        actual = s.execute(text("SELECT count(*) FROM search_index")).scalar_one()
        missing = s.execute(text(
            f"SELECT count(*) FROM (SELECT {keys} FROM ({_EXPECTED_SQL}) "
            f"EXCEPT SELECT {keys} FROM search_index)")).scalar_one()
    # Rows in the index that nothing produces = actual - (expected - missing).
    extra = actual - (expected - missing)
    return missing + max(extra, 0)


def index_is_consistent(db: Database, *, bodies: bool = False) -> bool:
    """Whether the search index holds exactly the rows a rebuild would write."""
    return index_problems(db, bodies=bodies) == 0


def has_index(db: Database) -> bool:
    """Whether the file has a search index at all (files older than migration 0002 do not)."""
    with db.session() as s:
        return s.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                              "AND name = 'search_index'")).first() is not None
