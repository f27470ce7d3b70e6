"""The engine must work with no Qt at all: the CLI, the tests and servers rely on it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QT = textwrap.dedent("""
    import importlib.abc
    import sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
                raise ImportError(f"Qt is blocked in this test: {name}")
            return None

    sys.meta_path.insert(0, BlockQt())
""")

def _engine_modules() -> list[str]:
    """Every module of the engine, found on disk so a new one cannot be forgotten
    (the Alembic scripts run inside Alembic and are left out)."""
    names = []
    for path in sorted((ROOT / "coachdesk").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "versions" in parts or parts[-1] in ("env", "__main__"):
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


ENGINE_MODULES = _engine_modules()


def _run(body: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK_QT + textwrap.dedent(body)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_engine_imports_and_works_with_qt_blocked(tmp_path):
    result = _run(f"""
        import importlib, sys
        # The blocker really blocks.
        try:
            import PySide6.QtCore
        except ImportError:
            pass
        else:
            raise SystemExit("the Qt blocker did not work")
        for name in {ENGINE_MODULES!r}:
            importlib.import_module(name)
        # And the engine does real work without Qt: a new practice with demo data.
        from coachdesk import demo, storage
        from coachdesk.services import clients
        db = storage.open_database({str(tmp_path / "qtfree.db")!r})
        demo.populate(db)
        assert clients.count(db) == 12
        db.close()
        leaked = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
        assert not leaked, leaked
        print("engine ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "engine ok"


def test_the_blocker_would_catch_a_qt_import():
    """Guard against a blocker that silently lets Qt through."""
    result = _run("""
        import PySide6.QtCore
    """)
    assert result.returncode != 0
    assert "Qt is blocked in this test" in result.stderr
