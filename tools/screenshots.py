"""Render the main pages on demo data to PNG: ``python tools/screenshots.py OUTDIR``.

Used to look at what we build, and to refresh the README's screenshots. The
pages are drawn in CoachDesk's own look (``ui.theme``), as the app starts; the
dashboard is also rendered in the dark palette (``dashboard_dark.png``), to check
that it reads in a dark theme. Every page and dialog at both laptop sizes, light
and dark: ``COACHDESK_LAYOUT_SHOTS=DIR pytest tests/test_ui_layout.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":  # a laptop's screen, as the tests have
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'tests' / 'data' / 'screen_1366x768.json'}"
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from coachdesk import storage  # noqa: E402
from ui import theme  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def dark_palette():
    """A dark palette like the ones desktop themes give (active colours only, no disabled
    ones): what CoachDesk had to cope with before ``ui.theme``; tests still use it."""
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    role = QPalette.ColorRole
    for r, c in ((role.Window, "#2b2b2b"), (role.WindowText, "#e0e0e0"), (role.Base, "#1e1e1e"),
                 (role.AlternateBase, "#262626"), (role.Text, "#e0e0e0"), (role.Button, "#353535"),
                 (role.ButtonText, "#e0e0e0"), (role.Highlight, "#2a82da"),
                 (role.HighlightedText, "#ffffff"), (role.ToolTipBase, "#333333"),
                 (role.ToolTipText, "#eeeeee"), (role.Link, "#6cb4ff"),
                 (role.PlaceholderText, "#9a9a9a")):
        pal.setColor(r, QColor(c))
    return pal


def wait_for_dashboard(app, window, timeout_s: float = 20.0) -> None:
    """The dashboard loads off the GUI thread: let events run until it has."""
    import time

    page = window.dashboard_page
    page.data = None
    deadline = time.monotonic() + timeout_s
    while page.data is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    theme.apply(app, dark=False)
    with tempfile.TemporaryDirectory() as tmp:
        from PySide6.QtCore import QSettings

        # Closing a window remembers its size (QSettings): not in this machine's settings.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        db = storage.open_database(Path(tmp) / "screens.db")
        ctx = AppContext(db)
        window = MainWindow(ctx)
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        window.grab().save(str(out / "welcome.png"))
        window.load_demo()
        app.processEvents()
        window.grab().save(str(out / "clients.png"))
        first = window.clients_page.model.rows()
        target = next(r for r in first if r.name.startswith("José"))
        window.open_client(target.id)
        app.processEvents()
        window.grab().save(str(out / "client.png"))
        # The client's retention tabs: indicators, goals, relationships.
        tabs = window.client_page.tabs
        for index in range(tabs.count()):
            label = tabs.tabText(index).replace("&&", "&").split()[0].lower()
            if label in ("indicators", "goals", "relationships"):
                tabs.setCurrentIndex(index)
                app.processEvents()
                window.grab().save(str(out / f"client_{label}.png"))
        tabs.setCurrentIndex(0)
        app.processEvents()
        from coachdesk.services import sessions

        held = [x for x in sessions.list_for_client(db, target.id)
                if x.status.value == "held" and x.private_notes]
        if held:
            window.open_session(held[0].id)
            app.processEvents()
            window.grab().save(str(out / "session.png"))
            window.session_page.tabs.setCurrentWidget(window.session_page.grow)
            app.processEvents()
            window.grab().save(str(out / "grow.png"))
        window.show_nav("sessions")
        app.processEvents()
        window.grab().save(str(out / "sessions.png"))
        window.show_nav("actions")
        app.processEvents()
        window.grab().save(str(out / "actions.png"))
        window.show_nav("dashboard")
        wait_for_dashboard(app, window)
        window.grab().save(str(out / "dashboard.png"))
        window.close()
        # A window made under the dark palette, as CoachDesk starts on a dark desktop.
        theme.apply(app, dark=True)
        dark = MainWindow(ctx)
        dark.resize(1280, 800)
        dark.show()
        dark.show_nav("dashboard")
        wait_for_dashboard(app, dark)
        dark.grab().save(str(out / "dashboard_dark.png"))
        dark.close()
        theme.apply(app, dark=False)
        db.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
