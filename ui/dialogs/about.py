"""Help → About CoachDesk: what this copy is, whose work it is built on, under which licences.

The first tab says the version, what CoachDesk is for, its licence (MIT), the versions of
Qt, PySide6 and Python it runs on, the practice file open now, and every bundled package
with its licence (read from ``THIRD-PARTY-NOTICES``, written by
``tools/third_party_notices.py``), with Qt's LGPL-3.0 terms and where its source is. The
second tab shows the notices themselves, loaded when first opened; "About Qt" is Qt's own
box. A copy whose notices file is missing says so in a sentence instead of failing.
"""

from __future__ import annotations

import html
import logging
import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
)

from coachdesk import APP_NAME, __version__, identity

from ..widgets.fields import name_widget

log = logging.getLogger(__name__)

NOTICES_MISSING = ("The third-party notices are missing from this copy of CoachDesk. "
                   "Reinstalling CoachDesk brings them back.")


def _read(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        log.warning("the file %s could not be read", path.name)
        return None


def about_html(practice: Path | None = None, notices: str | None = None) -> str:
    """The About tab's text (HTML): version, purpose, licences, versions, packages."""
    e = html.escape
    parts = [
        f"<h2>{e(APP_NAME)} {e(__version__)}</h2>",
        f"<p>{e(identity.SUMMARY)}: offline, on your own computer.</p>",
        f"<p>{e(identity.COPYRIGHT)}. CoachDesk is free software under the "
        f"{e(identity.LICENSE_NAME)} licence: you may use, copy, change and share it.</p>",
        "<p>Running on Qt {qt}, PySide6 {pyside} and Python {py} ({os}).</p>".format(
            qt=e(qVersion()), pyside=e(PySide6.__version__), py=e(platform.python_version()),
            os=e(f"{platform.system()} {platform.release()}")),
    ]
    if practice is not None:
        parts.append(f"<p>Practice file: {e(str(practice))}</p>")
    parts.append(
        "<h3>Qt and PySide6</h3><p>Qt and Qt for Python (PySide6) are used under the GNU "
        "Lesser General Public License version 3 (LGPL-3.0), unmodified, as separate "
        "libraries you may replace with your own build. Their source code is at "
        "<a href='https://download.qt.io/official_releases/'>download.qt.io</a>; the "
        "third-party notices hold the "
        "licence text and our offer to send you that source.</p>")
    parts.append("<h3>Fonts</h3><p>Reports are printed in DejaVu Sans (Bitstream Vera and "
                 "DejaVu licence), with Noto Sans Arabic and Noto Sans Hebrew (SIL Open Font "
                 "Licence), Nanum Gothic for Korean (SIL Open Font Licence) and Droid Sans "
                 "Fallback for Chinese and Japanese (Apache License 2.0): all free to use, copy "
                 "and share; their licences are in the third-party notices.</p>")
    rows = identity.bundled_packages(notices) if notices else []
    if rows:
        parts.append("<h3>Built with</h3><table cellspacing='0' cellpadding='2'>")
        parts += [f"<tr><td>{e(n)}</td><td>&nbsp;{e(v)}</td><td>&nbsp;{e(lic)}</td></tr>"
                  for n, v, lic in rows]
        parts.append("</table>")
    else:
        parts.append(f"<p>{e(NOTICES_MISSING)}</p>")
    return "\n".join(parts)


class AboutDialog(QDialog):
    """About CoachDesk: the "About" tab, the "Third-party notices" tab, "About Qt", Close."""

    def __init__(self, parent=None, practice: Path | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self._notices_text = _read(identity.notices_file())

        header = QHBoxLayout()
        icon = QLabel()
        icon.setObjectName("aboutIcon")
        pixmap = QPixmap(str(identity.icon_file(64)))
        if not pixmap.isNull():
            icon.setPixmap(pixmap)
        header.addWidget(icon)
        title = name_widget(QLabel(f"<b>{APP_NAME}</b><br>{html.escape(identity.SUMMARY)}"),
                            "aboutTitle", APP_NAME)
        title.setWordWrap(True)
        header.addWidget(title, 1)

        self.tabs = name_widget(QTabWidget(), "aboutTabs", "About CoachDesk")
        self.text = name_widget(QTextBrowser(), "aboutText", f"About {APP_NAME}")
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html(practice, self._notices_text))
        self.tabs.addTab(self.text, "About")
        self.notices = name_widget(QPlainTextEdit(), "noticesText", "Third-party notices")
        self.notices.setReadOnly(True)
        self.notices.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.notices.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.tabs.addTab(self.notices, "Third-party notices")
        self.tabs.currentChanged.connect(self._load_notices)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        name_widget(buttons.button(QDialogButtonBox.StandardButton.Close), "closeAbout", "Close")
        self.show_notices = name_widget(QPushButton("Third-party &notices"), "showNotices",
                                        "Show the third-party notices")
        self.about_qt = name_widget(QPushButton("About &Qt"), "aboutQtButton", "About Qt")
        buttons.addButton(self.show_notices, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.about_qt, QDialogButtonBox.ButtonRole.ActionRole)
        self.show_notices.clicked.connect(lambda: self.tabs.setCurrentWidget(self.notices))
        self.about_qt.clicked.connect(lambda: QMessageBox.aboutQt(self, "About Qt"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)
        self.text.setFocus()

    def _load_notices(self, _index: int = 0) -> None:
        """The notices go in when their tab is first shown (some 300 KB of text)."""
        if self.tabs.currentWidget() is self.notices and not self.notices.toPlainText():
            self.notices.setPlainText(self._notices_text or NOTICES_MISSING)
