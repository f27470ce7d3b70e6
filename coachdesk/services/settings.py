"""Small coach preferences kept as key/value text in the ``setting`` table.

Only plain, non-secret values belong here: the database file is copied into
backups and exports, so passwords go to the system keyring instead
(see ``coachdesk.mail``).
"""

from __future__ import annotations

import json

from ..models import Setting
from ..storage import Database


def get_setting(db: Database, key: str) -> str | None:
    """The stored text for ``key``, or ``None`` when nothing is saved."""
    with db.session() as s:
        row = s.get(Setting, key)
        return row.value if row is not None else None


def put_setting(db: Database, key: str, value: str | None) -> None:
    """Save ``value`` under ``key``; ``None`` removes the setting."""
    with db.session() as s:
        row = s.get(Setting, key)
        if value is None:
            if row is not None:
                s.delete(row)
            return
        if row is None:
            row = Setting(key=key, value=value)
        else:
            row.value = value
        s.add(row)


def get_json(db: Database, key: str):
    """The JSON value stored under ``key``, or ``None`` when absent or unreadable."""
    raw = get_setting(db, key)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def put_json(db: Database, key: str, value) -> None:
    put_setting(db, key, None if value is None else json.dumps(value, ensure_ascii=False))
