"""What a coach can do, without a screen.

Every function takes the open ``Database`` first; the UI, the CLI and the
tests all call these and nothing else touches the database.

The service modules are imported when first named (``from coachdesk.services import
clients`` or ``services.clients``), not all together with this package: the window's
first frame needs none of them, and they bring SQLAlchemy and the models with them.
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
