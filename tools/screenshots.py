"""Render the main pages on demo data to PNG: ``python tools/screenshots.py OUTDIR``.

Used to look at what we build, and to refresh the README's screenshot.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from coachdesk import storage  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
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
        window.close()
        db.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
