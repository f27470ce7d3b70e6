"""Dates in the practice's chosen form everywhere in the window (issue 14, "Dates by locale").

On Unix, constructing ``QApplication`` calls ``setlocale(LC_ALL, "")``. From then on
Python's ``strftime`` writes month and day names in the system's language, but only in
the window's process: under ``LANG=fr_FR.UTF-8`` a report made from the app said
"Prepared on dimanche 29 novembre 2026" while the CLI said "29 Nov 2026". Every date a
coach reads is now written by ``coachdesk.dates`` from the practice's "Date format" and
"Language for month names" settings, so:

- ``dates_in_one_language`` still puts the time category back to the C locale, so a
  ``strftime`` that was not converted can never leak the system's language;
- ``apply`` makes a practice's setting the one in force (``coachdesk.dates.use_from``);
  ``date_locale`` is the QLocale a calendar pop-up takes, so it names months and weekdays
  alike. Qt's default locale stays English with the system's country, as before: it also
  reads and writes numbers (a spin box's decimal point), which the date setting must not
  change.
- ``follow`` re-applies it when the practice changes (Settings saved, a restore, a switch).
"""

from __future__ import annotations

import locale
import logging

from PySide6.QtCore import QLocale

from coachdesk import dates

log = logging.getLogger(__name__)

_QT_LANGUAGES = {"en": QLocale.Language.English, "fr": QLocale.Language.French,
                 "de": QLocale.Language.German, "es": QLocale.Language.Spanish}
_QT_TERRITORIES = {"en_US": QLocale.Country.UnitedStates, "en_GB": QLocale.Country.UnitedKingdom,
                   "fr_FR": QLocale.Country.France, "de_DE": QLocale.Country.Germany,
                   "es_ES": QLocale.Country.Spain}


def dates_in_one_language() -> None:
    """Call once, right after ``QApplication`` exists. Numbers are left to the system."""
    try:
        locale.setlocale(locale.LC_TIME, "C")
    except locale.Error:  # pragma: no cover - "C" always exists
        log.warning("could not reset the time locale")
    system = QLocale.system()
    QLocale.setDefault(QLocale(QLocale.Language.English, system.territory()))


def date_locale(style: dates.DateStyle | None = None) -> QLocale:
    """The QLocale whose month and weekday names are the style's (a calendar's
    ``setLocale``); Monday or Sunday first as the style's country has it."""
    st = style or dates.current()
    return QLocale(_QT_LANGUAGES[st.language], _QT_TERRITORIES[st.territory])


def apply(db) -> None:
    """Make the practice's date setting the one in force for the window, read when a date
    is first written (not before the first frame). A practice whose setting cannot be read
    has its dates written in the system's form: a date must never stop a list painting."""

    def read() -> dates.DateStyle:
        from coachdesk.services import settings

        try:
            return settings.date_style(db)
        except Exception:  # noqa: BLE001 - any failure: the system's form, said in the log
            log.warning("the date setting could not be read; dates follow the system")
            return dates.system_default()

    dates.use_from(read)


def follow(ctx) -> None:
    """Apply ``ctx.db``'s setting now and whenever it may change. Connected first, before
    any page, so lists that reload on "settings" already see the new form."""
    apply(ctx.db)
    ctx.data_changed.connect(lambda what: apply(ctx.db) if what in ("settings", "all") else None)
    ctx.database_replaced.connect(lambda: apply(ctx.db))
