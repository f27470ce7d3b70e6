"""Every page and dialog fits a laptop: 1024×640 (the window's minimum) and 1366×768.

On the demo practice, each page of the main window (every sidebar page, a
client's page and a session's page, with every one of their tabs) and each
dialog class found in ``ui`` is laid out at both sizes and checked by
``layout_check``: no text wider than its room, no widget outside the window,
no page that needs sideways scrolling, no dialog larger than the screen.
Under DejaVu Sans at both sizes and under Noto Sans (taller lines, other widths)
at 1024×640, whatever fontconfig maps the desktop's "Sans Serif" to
(``conftest.ui_font``).

Kept general: a new sidebar page, tab or dialog is checked with no new code
here, except that a new dialog class needs a line in ``DIALOGS`` saying how to
build it (``test_every_dialog_class_can_be_built_here`` fails until it has one).

Known offenders are marked ``xfail`` per page and dialog (``KNOWN``), to be
fixed and unmarked. The full list is printed, and appended to the file named by
``COACHDESK_LAYOUT_REPORT`` when set; with ``COACHDESK_LAYOUT_SHOTS=DIR`` every
state checked is also saved as a PNG there, light and dark.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
from pathlib import Path

import pytest
from conftest import UI_FONTS
from layout_check import Offender, check, report
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget

import ui
from coachdesk.services import clients, engagements, goals, indicators, relationships, sessions
from ui import workers
from ui.context import AppContext
from ui.main_window import NAV_ITEMS, MainWindow
from ui.widgets import fit

SIZES = {"1024x640": QSize(1024, 640), "1366x768": QSize(1366, 768)}
PAGES = ["welcome", *(key for key, _ in NAV_ITEMS), "client", "session"]

# (page or dialog, size) -> why it is expected to fail today. Size None: both sizes.
KNOWN: dict[tuple[str, str | None], str] = {
}


def _known(name: str, size: str):
    reason = KNOWN.get((name, size)) or KNOWN.get((name, None))
    return pytest.mark.xfail(strict=False, reason=reason) if reason else ()


def _params(names):
    """Every page or dialog at both sizes under DejaVu Sans, and at 1024×640 under each other
    UI font (conftest.UI_FONTS): the smaller screen never gives a layout more room, and a
    second font at every size would cost the suite half a minute."""
    first, *others = UI_FONTS
    return [pytest.param(font, name, size, id=f"{font.replace(' ', '')}-{name}-{size}",
                         marks=_known(name, size))
            for name in names for size in SIZES
            for font in (first, *(others if size == "1024x640" else ()))]


# -- shared steps ------------------------------------------------------------------------

def _settle(qtbot, page=None) -> None:
    """Let background loads (the dashboard's) finish and the layouts settle."""
    qtbot.waitUntil(lambda: not workers.running(), timeout=20000)
    if page is not None and hasattr(page, "loaded") and getattr(page, "data", True) is None:
        qtbot.waitUntil(lambda: page.data is not None, timeout=20000)
    for _ in range(3):
        QApplication.processEvents()


def _shots_dir() -> Path | None:
    folder = os.environ.get("COACHDESK_LAYOUT_SHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def _shoot(widget, name: str, app_theme) -> None:
    folder = _shots_dir()
    if folder is None:
        return
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    for dark in (False, True):
        app_theme(dark)
        QApplication.processEvents()
        widget.grab().save(str(folder / f"{safe}_{'dark' if dark else 'light'}.png"))
    app_theme(False)
    QApplication.processEvents()


def _verdict(name: str, offenders: list[Offender]) -> None:
    unique, seen = [], set()
    for o in offenders:
        key = (o.path, o.problem, o.text)
        if key not in seen:
            seen.add(key)
            unique.append(o)
    text = report(unique)
    if unique:
        print(f"\n== {name}: {len(unique)} offender(s)\n{text}")
        target = os.environ.get("COACHDESK_LAYOUT_REPORT")
        if target:
            with open(target, "a", encoding="utf-8") as out:
                out.write(f"== {name}: {len(unique)} offender(s)\n{text}\n")
    assert not unique, f"{len(unique)} layout offender(s) on {name}:\n{text}"


def _check_with_tabs(qtbot, window, root, where: str, app_theme, done=None) -> list[Offender]:
    """Check ``root`` as shown, then each tab of each tab widget on it, nested ones too."""
    done = set() if done is None else done
    _settle(qtbot, root)
    offenders = check(window, where)
    _shoot(window, where, app_theme)
    for tabs in root.findChildren(QTabWidget):
        if id(tabs) in done or not tabs.isVisible() or tabs.window() is not window:
            continue
        done.add(id(tabs))
        start = tabs.currentIndex()
        for index in range(tabs.count()):
            if index == start or not tabs.isTabEnabled(index) or not tabs.isTabVisible(index):
                continue
            tabs.setCurrentIndex(index)
            label = tabs.tabText(index).replace("&&", "&").split(" · ")[0]
            offenders += _check_with_tabs(qtbot, window, tabs.currentWidget(), f"{where} › {label}",
                                          app_theme, done)
        tabs.setCurrentIndex(start)
    return offenders


# -- pages ---------------------------------------------------------------------------------

def _demo_client_id(db) -> int:
    rows = clients.list_rows(db)
    return next((r.id for r in rows if r.name.startswith("José")), rows[0].id)


def _demo_session_id(db) -> int:
    held = [s for s in sessions.list_for_client(db, _demo_client_id(db))
            if s.status.value == "held" and s.private_notes]
    return held[-1].id


def _open_page(window, page: str) -> None:
    if page == "welcome":
        assert window.stack.currentWidget() is window.welcome_page
    elif page == "client":
        window.open_client(_demo_client_id(window.ctx.db))
    elif page == "session":
        window.open_session(_demo_session_id(window.ctx.db))
    else:  # a sidebar page: click it
        window.nav.setCurrentRow([key for key, _ in NAV_ITEMS].index(page))


@pytest.mark.parametrize(("ui_font", "page", "size"), _params(PAGES), indirect=["ui_font"])
def test_page_fits(qtbot, request, app_theme, ui_font, page, size):
    db = request.getfixturevalue("db" if page == "welcome" else "demo_db")
    app_theme(False)
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(SIZES[size])
    _settle(qtbot)
    _open_page(window, page)
    _settle(qtbot, window.stack.currentWidget())
    assert window.size() == SIZES[size], "the window cannot be made this small"
    offenders = _check_with_tabs(qtbot, window, window.stack.currentWidget(), f"{page} @ {size}",
                                 app_theme)
    window.close()
    _verdict(f"{page} @ {size}", offenders)


# -- dialogs ----------------------------------------------------------------------------------

def dialog_classes() -> dict[str, type]:
    """Every QDialog subclass defined in the ``ui`` package, by 'module.Class'."""
    found = {}
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == module.__name__:
                found[f"{module.__name__.removeprefix('ui.')}.{name}"] = cls
    return found


class Demo:
    """What the dialogs need from the demo practice, looked up when asked for."""

    def __init__(self, ctx: AppContext, window, tmp: Path):
        self.ctx, self.db, self.window, self.tmp = ctx, ctx.db, window, tmp

    @property
    def client_id(self) -> int:
        return _demo_client_id(self.db)

    @property
    def engagement(self):
        return engagements.pick_current(engagements.list_all(self.db, client_id=self.client_id))

    @property
    def goal(self):
        return goals.list_for_engagement(self.db, self.engagement.id)[0]

    @property
    def reading(self):
        return indicators.readings_for_client(self.db, self.client_id)[0]

    @property
    def pdf(self) -> str:
        from ui.dialogs.print_preview import build_worksheet_pdf

        out = self.tmp / "worksheet.pdf"
        if not out.exists():
            build_worksheet_pdf(self.db, None, False, out)
        return str(out)


# How to build each dialog class on the demo practice, without blocking.
DIALOGS = {
    "dialogs.about.AboutDialog": lambda d: _cls("about.AboutDialog")(d.window, d.db.path),
    "dialogs.backups_dialog.BackupsDialog": lambda d: _cls("backups_dialog.BackupsDialog")(d.ctx, d.window),
    "dialogs.crash.CrashDialog": lambda d: _cls("crash.CrashDialog")(
        "CoachDesk 0.1.0\nTraceback (most recent call last):\n", d.tmp, d.window),
    "dialogs.base.FormDialog": None,  # the base of the form dialogs below, never shown alone
    "dialogs.client_data.EraseClientDialog":
        lambda d: _cls("client_data.EraseClientDialog")(d.ctx, d.client_id, d.window),
    "dialogs.export_seal.SealDialog": lambda d: _cls("export_seal.SealDialog")(
        "Export the whole practice", "Your export holds everything, your private notes too.",
        choice=("Sealed with a passphrase you choose now", "A plain file (as before)"),
        sealed_by_default=True, notes=("Type it twice.", ""), twice=True, parent=d.window),
    "dialogs.email_dialog.EmailDialog": lambda d: _cls("email_dialog.EmailDialog")(
        d.ctx, Path(d.pdf), to="sponsor@example.org", sponsor_name="Marta Keller",
        client_name="José Álvarez", period="March to November 2026", coach_name="Alex Coach",
        parent=d.window),
    "dialogs.engagement.EngagementDialog":
        lambda d: _cls("engagement.EngagementDialog")(d.ctx, d.client_id, None, parent=d.window),
    "dialogs.goal_dialog.GoalDialog":
        lambda d: _cls("goal_dialog.GoalDialog")(d.ctx, d.engagement.id, d.goal, parent=d.window),
    "dialogs.goal_dialog.RatingDialog":
        lambda d: _cls("goal_dialog.RatingDialog")(d.ctx, d.goal, parent=d.window),
    "dialogs.icf_dialog.IcfLogDialog": lambda d: _cls("icf_dialog.IcfLogDialog")(d.ctx, d.window),
    "dialogs.import_clients.ImportClientsDialog":
        lambda d: _cls("import_clients.ImportClientsDialog")(
            d.ctx, d.window, Path(__file__).parent / "data" / "import" / "outlook_utf8_bom.csv"),
    "dialogs.indicator_library.IndicatorDialog":
        lambda d: _cls("indicator_library.IndicatorDialog")(
            d.ctx, indicators.list_all(d.db)[0], 3, parent=d.window),
    "dialogs.indicator_library.IndicatorLibraryDialog":
        lambda d: _cls("indicator_library.IndicatorLibraryDialog")(d.ctx, d.window),
    "dialogs.new_invoice.NewInvoiceDialog":
        lambda d: _cls("new_invoice.NewInvoiceDialog")(d.ctx, d.engagement.id, d.window),
    "dialogs.invoice_forms.MarkPaidDialog": lambda d: _cls("invoice_forms.MarkPaidDialog")(
        d.ctx, _cls_helper("issued_invoice")(d.db, d.engagement.id), d.window),
    "dialogs.invoice_forms.CreditNoteDialog": lambda d: _cls("invoice_forms.CreditNoteDialog")(
        d.ctx, _cls_helper("issued_invoice")(d.db, d.engagement.id), d.window),
    "dialogs.people.OrganizationDialog": lambda d: _cls("people.OrganizationDialog")(d.ctx, d.window),
    "dialogs.people.SponsorDialog": lambda d: _cls("people.SponsorDialog")(d.ctx, d.window),
    "dialogs.people.NewClientDialog": lambda d: _cls("people.NewClientDialog")(d.ctx, d.window),
    "dialogs.print_preview.WorksheetChoiceDialog":
        lambda d: _cls("print_preview.WorksheetChoiceDialog")(True, d.window),
    "dialogs.print_preview.PdfPreviewDialog":
        lambda d: _cls("print_preview.PdfPreviewDialog")(d.pdf, "GROW worksheet.pdf", d.window),
    "dialogs.readings_dialog.QuickEntryDialog":
        lambda d: _cls("readings_dialog.QuickEntryDialog")(d.ctx, d.client_id, parent=d.window),
    "dialogs.readings_dialog.ReadingDialog":
        lambda d: _cls("readings_dialog.ReadingDialog")(d.ctx, d.reading, parent=d.window),
    "dialogs.report_earlier.ReportPreviewDialog":
        lambda d: _cls("report_earlier.ReportPreviewDialog")(d.pdf, "Progress report.pdf",
                                                              lambda _how: None, d.window),
    "dialogs.consent_dialog.ConsentDialog":
        lambda d: _cls("consent_dialog.ConsentDialog")(d.ctx, d.engagement.id, d.window),
    "dialogs.consent_dialog.AskConsentDialog":
        lambda d: _cls("consent_dialog.AskConsentDialog")(
            d.ctx, d.engagement.id, "the indicator “Wellbeing and resilience”",
            indicator_ids=(1,), parent=d.window),
    "dialogs.report_choices.CoachNameDialog":
        lambda d: _cls("report_choices.CoachNameDialog")(d.ctx, d.window),
    "dialogs.action_dialog.ActionDialog": lambda d: _cls("action_dialog.ActionDialog")(
        d.ctx, _first_action(d.db), d.window),
    "dialogs.deleted_sessions.DeletedSessionsDialog":
        lambda d: _cls("deleted_sessions.DeletedSessionsDialog")(d.ctx, d.window),
    "dialogs.explanation.ExplanationDialog":
        lambda d: _cls("explanation.ExplanationDialog")(d.window),
    "dialogs.shortcuts.ShortcutsDialog": lambda d: _cls("shortcuts.ShortcutsDialog")(d.window),
    "dialogs.people_merge.MergeDialog": lambda d: _cls("people_merge.MergeDialog")(
        d.ctx, "sponsor", _sponsor_rows(d.db)[:2], d.window),
    "dialogs.report_dialog.ReportDialog":
        lambda d: _cls("report_dialog.ReportDialog")(d.ctx, d.engagement.id, d.window),
    "dialogs.retention_review.RetentionReviewDialog":
        lambda d: _cls("retention_review.RetentionReviewDialog")(d.ctx, d.window),
    "dialogs.search_dialog.SearchDialog": lambda d: _cls("search_dialog.SearchDialog")(d.ctx, d.window),
    "dialogs.session_dialog.NewSessionDialog":
        lambda d: _cls("session_dialog.NewSessionDialog")(d.ctx, d.client_id, d.window),
    "dialogs.new_passphrase.NewPassphraseDialog":
        lambda d: _cls("new_passphrase.NewPassphraseDialog")(d.db.path.name, d.window),
    "dialogs.new_passphrase.ChangePassphraseDialog":
        lambda d: _cls("new_passphrase.ChangePassphraseDialog")(d.db.path, d.window),
    "dialogs.new_passphrase.CheckPassphraseDialog":
        lambda d: _cls("new_passphrase.CheckPassphraseDialog")(
            d.db.path, "Decrypt this practice", "Type your passphrase (or your recovery key) "
            "to decrypt this practice.", "Decrypt", d.window, allow_recovery=True),
    "dialogs.recovery_key.RecoveryKeyDialog": lambda d: _cls("recovery_key.RecoveryKeyDialog")(
        "OBRVV-3XTZM-D4YON-EPWV7-PFOYH-LU54O-QQRHU-NNMZ4-IQ2QD-JPUKE-C752A", d.db.path.name,
        d.window),
    "dialogs.busy_work.BusyDialog": lambda d: _cls("busy_work.BusyDialog")(
        "Encrypt this practice", "Encrypting your practice and its backups. This can take a "
        "minute for a large practice; please do not switch the computer off.", d.window),
    "dialogs.settings_dialog.SettingsDialog":
        lambda d: _cls("settings_dialog.SettingsDialog")(d.ctx, d.window),
    "dialogs.stakeholder_dialog.StakeholderDialog":
        lambda d: _cls("stakeholder_dialog.StakeholderDialog")(
            d.ctx, d.client_id, relationships.stakeholders(d.db, d.client_id)[0], parent=d.window),
    "dialogs.stakeholder_dialog.PatternDialog":
        lambda d: _cls("stakeholder_dialog.PatternDialog")(
            d.ctx, d.client_id, relationships.patterns(d.db, d.client_id)[0], parent=d.window),
    "dialogs.unlock.UnlockDialog": lambda d: _cls("unlock.UnlockDialog")(d.db.path, d.window),
}


def _cls_helper(name: str):
    """A set-up function of tests/invoice_ui_helpers.py (an issued invoice to open)."""
    import invoice_ui_helpers

    return getattr(invoice_ui_helpers, name)


def _first_action(db):
    from coachdesk.services import actions

    return actions.list_actions(db)[0]


def _sponsor_rows(db):
    from coachdesk.services import sponsors

    return sponsors.list_rows(db)


def _cls(dotted: str) -> type:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(f"ui.dialogs.{module}"), name)


def test_every_dialog_class_can_be_built_here():
    found = dialog_classes()
    missing = sorted(set(found) - set(DIALOGS))
    assert not missing, ("new dialog classes: say how to build them in DIALOGS "
                         f"(tests/test_ui_layout.py) so their layout is checked: {missing}")
    gone = sorted(set(DIALOGS) - set(found))
    assert not gone, f"DIALOGS names classes that no longer exist: {gone}"


@pytest.mark.parametrize(("ui_font", "name", "size"),
                         _params(sorted(k for k, v in DIALOGS.items() if v)), indirect=["ui_font"])
def test_dialog_fits(qtbot, demo_db, tmp_path, app_theme, ui_font, name, size):
    app_theme(False)
    window = MainWindow(AppContext(demo_db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    screen = QRect(0, 0, SIZES[size].width(), SIZES[size].height())
    dialog = DIALOGS[name](Demo(window.ctx, window, tmp_path))
    qtbot.addWidget(dialog)
    offenders = []
    room = fit.room_for(dialog, screen)
    fit.fit_to_screen(dialog, screen)
    dialog.show()
    qtbot.waitExposed(dialog)
    _settle(qtbot)
    fit.fit_to_screen(dialog, screen)  # as on its Show in the app, now its layout is known
    _settle(qtbot)
    where = f"{name.rsplit('.', 1)[1]} @ {size}"
    needs = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    if dialog.width() > room.width() or dialog.height() > room.height():
        offenders.append(Offender(where, dialog.objectName() or "<dialog>", type(dialog).__name__,
                                  "dialog larger than the screen (its minimum: "
                                  f"{needs.width()}×{needs.height()})", dialog.windowTitle(),
                                  max(dialog.width(), dialog.height()),
                                  room.width() if dialog.width() > room.width() else room.height()))
    offenders += _check_with_tabs(qtbot, dialog, dialog, where, app_theme)
    dialog.close()
    window.close()
    _verdict(where, offenders)
