"""Dates in one language everywhere, whatever the system's locale says.

On Unix, constructing ``QApplication`` calls ``setlocale(LC_ALL, "")``. From then on
Python's ``strftime`` writes month and day names in the system's language, but only in
the window's process: under ``LANG=fr_FR.UTF-8`` a report made from the app said
"Prepared on dimanche 29 novembre 2026" and the sessions list "lun. 30 nov. 2026",
while the dashboard's sentences, the CLI and every PDF made by the CLI said
"29 Nov 2026". CoachDesk writes its dates one way (day first, English month names,
as its reports and messages are written in English) until a date setting exists, so
the window puts the time category back to the C locale that every other process uses,
and Qt's own date widgets (the calendar pop-up) follow the same language.
"""

from __future__ import annotations

import locale
import logging

from PySide6.QtCore import QLocale

log = logging.getLogger(__name__)


def dates_in_one_language() -> None:
    """Call once, right after ``QApplication`` exists. Numbers are left to the system."""
    try:
        locale.setlocale(locale.LC_TIME, "C")
    except locale.Error:  # pragma: no cover - "C" always exists
        log.warning("could not reset the time locale")
    system = QLocale.system()
    QLocale.setDefault(QLocale(QLocale.Language.English, system.territory()))
