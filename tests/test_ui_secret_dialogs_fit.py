"""Every passphrase, recovery key and seal dialog, with its longest red sentence shown, fits a
1024×640 and a 1366×768 screen: every visible label's text has the room it needs (a coach
found error lines squeezed to half a line and the recovery key window without its last
sentence, "This key is shown only now.")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from encryption_helpers import cheap_keys  # noqa: F401 - autouse fixture
from layout_check import Offender, check, report
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel
from test_ui_lock import _window, encrypted, encrypted_template  # noqa: F401 - fixtures

from coachdesk import storage
from ui import workers
from ui.context import AppContext
from ui.dialogs import export_seal, new_passphrase, practice_seal, recovery_key, unlock
from ui.widgets import fit

SIZES = {"1024x640": QRect(0, 0, 1024, 640), "1366x768": QRect(0, 0, 1366, 768)}
KEY = "OBRVV-3XTZM-D4YON-EPWV7-PFOYH-LU54O-QQRHU-NNMZ4-IQ2QD-JPUKE-C752A"
#: the longest sentence each kind of dialog may show in red
LONGEST = max((new_passphrase.TOO_SHORT, unlock.WRONG, unlock._UNEXPECTED), key=len)


def _form_error(dialog) -> None:
    """A FormDialog's red line under its first passphrase field (the real refusal)."""
    first = next(iter(dialog.errors))
    dialog.errors[first].show_error(LONGEST)


def _seal_error(dialog) -> None:
    dialog.error.show_error(LONGEST)


def _unlock_error(dialog) -> None:
    dialog._say(LONGEST, error=True)


def _recovery_unlock(dialog) -> None:
    dialog.switch.click()
    dialog._say(LONGEST, error=True)


def _nothing(dialog) -> None:
    return None


DIALOGS = {
    "protect": (lambda ctx, w: new_passphrase.NewPassphraseDialog(ctx.db.path.name, w),
                _form_error),
    "change": (lambda ctx, w: new_passphrase.ChangePassphraseDialog(ctx.db.path, w),
               _form_error),
    "decrypt": (lambda ctx, w: new_passphrase.CheckPassphraseDialog(
        ctx.db.path, "Decrypt this practice", "Type your passphrase (or your recovery key) "
        "to decrypt this practice.", "Decrypt", w, allow_recovery=True), _form_error),
    "export sealed": (lambda ctx, w: practice_seal.seal_dialog(ctx, w), _seal_error),
    "export plain choice": (lambda ctx, w: _plain_chosen(practice_seal.seal_dialog(ctx, w)),
                            _seal_error),
    "seal twice": (lambda ctx, w: export_seal.SealDialog(
        "Export the whole practice", "Your export holds everything, your private notes too.",
        choice=("Sealed with a passphrase you choose now", "A plain file (as before)"),
        notes=("Type it twice: you type the same passphrase to bring it in.", ""),
        twice=True, parent=w), _seal_error),
    "import": (lambda ctx, w: _import_dialog(ctx, w), _seal_error),
    "client seal": (lambda ctx, w: _client_seal(w), _seal_error),
    "unlock": (lambda ctx, w: unlock.UnlockDialog(ctx.db.path, w), _unlock_error),
    "unlock recovery": (lambda ctx, w: unlock.UnlockDialog(ctx.db.path, w), _recovery_unlock),
    "recovery key": (lambda ctx, w: recovery_key.RecoveryKeyDialog(KEY, ctx.db.path.name, w),
                     _nothing),
}


def _plain_chosen(dialog):
    if dialog.plain_choice is not None:
        dialog.plain_choice.setChecked(True)
    return dialog


def _import_dialog(ctx, window):
    """As ``practice_seal.open_sealed`` builds it (it runs it at once), a long file name."""
    name = "CoachDesk export - coachdesk - 2026-11-30 14-05 (sealed).json.age"
    return export_seal.SealDialog(
        practice_seal.IMPORT_TITLE,
        f"“{name}” is sealed with a passphrase. Type the passphrase it was sealed "
        "with (for an encrypted practice, that practice's passphrase).",
        check=lambda words: None, checking="Opening the file…", parent=window)


def _client_seal(window):
    """As ``practice_seal.ask_client_seal`` builds it, sealed chosen."""
    dialog = export_seal.SealDialog(
        "Export everything held about this client",
        "Your practice is encrypted, but the files for Siobhán Kelly-Ó Briain are plain by "
        "default: they are the client's own data, and a client opens them without any tool.",
        label="New &passphrase:",
        choice=("&Sealed with a passphrase you choose now",
                "A p&lain JSON file and PDF (usual for the client)"),
        sealed_by_default=True,
        notes=("Give the client the passphrase separately (by phone, not in the same "
               "e-mail). They open the files with the free age tool (age-encryption.org).",
               "These files are not encrypted: send them in a way only the client can read."),
        twice=True, parent=window)
    return dialog


@pytest.fixture
def ewindow(qtbot, encrypted):  # noqa: F811
    db = storage.open_database(encrypted[0])
    window = _window(qtbot, db)
    yield window
    db.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(DIALOGS))
def test_secret_dialog_with_its_error_fits(qtbot, ewindow, monkeypatch, tmp_path, ui_font,
                                          name, size):
    screen = SIZES[size]
    monkeypatch.setattr(fit, "available_geometry", lambda widget=None: QRect(screen))
    build, show_error = DIALOGS[name]
    dialog = build(AppContext(ewindow.ctx.db), ewindow)
    qtbot.addWidget(dialog)
    dialog.show()  # as in the app: fitted to the screen on Show (fit.watch)
    fit.fit_to_screen(dialog, screen)
    qtbot.waitExposed(dialog)
    show_error(dialog)
    for _ in range(4):
        qtbot.wait(10)
        QApplication.processEvents()
    qtbot.waitUntil(lambda: not workers.running(), timeout=10000)
    where = f"{name} @ {size}"
    offenders = check(dialog, where)  # labels (and every other text) with too little room
    room = fit.room_for(dialog, screen)
    if dialog.width() > room.width() or dialog.height() > room.height():
        offenders.append(Offender(where, "<dialog>", type(dialog).__name__,
                                  "dialog larger than the screen", dialog.windowTitle(),
                                  max(dialog.width(), dialog.height()), 0))
    shown = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    if name == "recovery key":
        assert any("This key is shown only now." in text for text in shown)
    else:
        assert LONGEST in shown, shown
    folder = Path(os.environ.get("COACHDESK_PNG_DIR") or tmp_path)
    dialog.grab().save(str(folder / f"secret-{name.replace(' ', '-')}-{size}.png"))
    dialog.close()
    assert not offenders, report(offenders)
