"""Where the files a coach saves land, what they are called, and saying where they went.

Every place that saves a file (a worksheet or report PDF, the ICF log, a calendar
file, the practice export, a client's own data) goes through here, so they all
behave alike:

- the save dialog opens in the folder last used for that kind of file, remembered
  per machine in QSettings (never in the practice file, which travels), else in
  the user's Documents folder;
- the proposed name says what the file is, in one style ("GROW worksheet — José
  Álvarez — 2026-08-28.pdf", "Progress report — José Álvarez — 2026-08-01 to
  2026-11-29.pdf": ``coachdesk.filenames.file_name``), made safe for Windows, macOS
  and Linux and of a sane length;
- after a save that really happened, a small box that does not block the coach
  says "Saved to <path>" and offers "Open folder"; a save that failed says so in
  one plain sentence and claims nothing.

``proposed_path`` and ``file_name`` are plain functions, so tests can check the
proposal without a file dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

# The names are made in the engine: one style for the screens, the engine and the CLI.
from coachdesk.filenames import (  # noqa: F401 (re-exported: ui.files.file_name)
    MAX_NAME_BYTES,
    MAX_PART_CHARS,
    SEPARATOR,
    file_name,
    safe_name,
)

from .plain import as_plain

# -- folders ---------------------------------------------------------------------------------


def _settings() -> QSettings:
    from .window_state import settings  # the one place for this machine's own state

    return settings()


def _key(kind: str) -> str:
    return f"files/last_folder/{kind}"


def documents_folder() -> Path:
    """The user's Documents folder, or their home folder when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def last_folder(kind: str) -> Path | None:
    """The folder a file of this kind was last saved in on this machine, if it is still there."""
    value = _settings().value(_key(kind))
    if not value:
        return None
    folder = Path(str(value))
    return folder if folder.is_dir() else None


def remember_folder(kind: str, folder: Path | str) -> None:
    settings = _settings()
    settings.setValue(_key(kind), str(Path(folder)))
    settings.sync()


def proposed_folder(kind: str) -> Path:
    return last_folder(kind) or documents_folder()


def proposed_path(kind: str, name: str) -> Path:
    """Where the save dialog opens for a file of ``kind`` called ``name``."""
    return proposed_folder(kind) / name


def ask_save_path(parent: QWidget | None, kind: str, caption: str, name: str,
                  file_filter: str, suffix: str = "") -> Path | None:
    """The save dialog, opened on ``proposed_path``; None when the coach cancels.

    ``suffix`` is added when the name typed does not end with it: "planned" and
    "Dr. Smith" (whose ".Smith" is no extension) become "planned.ics" and
    "Dr. Smith.ics", and "planned.json" typed for a calendar file becomes
    "planned.json.ics", a file the calendar opens. A name typed under an
    "All files (*)" choice is kept as typed when it has a suffix. The folder is
    remembered only once the file is really saved (``show_saved``).
    """
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent, caption, str(proposed_path(kind, name)), file_filter)
    if not chosen:
        return None
    target = Path(chosen)
    any_file = (chosen_filter or "").rstrip().endswith("(*)")
    if suffix and target.suffix.lower() != suffix.lower() and not (any_file and target.suffix):
        target = target.with_name(target.name + suffix)
    return target


def ask_folder(parent: QWidget | None, kind: str, caption: str) -> Path | None:
    """A folder chooser opened on the folder last used for ``kind`` (else Documents)."""
    chosen = QFileDialog.getExistingDirectory(parent, caption, str(proposed_folder(kind)))
    return Path(chosen) if chosen else None


# -- saying where it went ---------------------------------------------------------------------


def open_folder(folder: Path | str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def show_saved(parent: QWidget | None, kind: str, path: Path | str, *, title: str = "Saved",
               details: str = "", what: str = "") -> QMessageBox:
    """After a save that really happened: remember its folder and say where it went.

    A small box that does not block the coach ("Saved to <path>", with Open folder
    and OK); ``what`` replaces "Saved to" with e.g. "Maria's data was saved in".
    ``path`` may be a file or, for several files, their folder.
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    remember_folder(kind, folder)
    box = QMessageBox(QMessageBox.Icon.Information, title,
                      f"{what or 'Saved to'} {path}", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("savedNotice")
    box.setAccessibleName(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if details:
        box.setInformativeText(details)
    opener = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    opener.setObjectName("openFolder")
    opener.setAccessibleName("Open the folder")
    ok = box.addButton(QMessageBox.StandardButton.Ok)
    ok.setObjectName("savedOk")
    ok.setAccessibleName("OK")
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)
    opener.clicked.connect(lambda: open_folder(folder))
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # nobody owns it: keep it alive until it is closed
        _unowned.add(box)
        box.destroyed.connect(lambda *_: _unowned.discard(box))
    box.show()
    return box


_unowned: set[QMessageBox] = set()


def failure_text(what: str, exc: BaseException) -> str:
    """One plain sentence for a save that did not happen (a full disk, no permission).

    The detail is the system's short reason, never a traceback or the coach's text.
    """
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        where = f" in {Path(exc.filename).parent}" if exc.filename else ""
        return f"{what} was not saved: the computer refused to write it{where} ({reason})."
    return f"{what} was not saved. {exc}"


def save_file(parent: QWidget | None, kind: str, write, *, title: str, what: str, name: str,
              file_filter: str, suffix: str, target: str | None = None,
              details: str = "") -> str | None:
    """Ask where (unless ``target`` is given), ``write(path)``, then say where it went.

    ``what`` names the file in a failure ("The calendar file"); a refused write
    (CoachDeskError or OSError) is one plain sentence in a box and returns None.
    """
    from coachdesk.errors import CoachDeskError

    if not target:
        chosen = ask_save_path(parent, kind, title, name, file_filter, suffix)
        if chosen is None:
            return None
        target = str(chosen)
    try:
        write(target)
    except (CoachDeskError, OSError) as exc:
        QMessageBox.warning(parent, title, as_plain(failure_text(what, exc)))
        return None
    show_saved(parent, kind, target, title=title, details=details)
    return target


def export_planned_sessions(parent: QWidget, ctx, target: str | None = None) -> str | None:
    """File → Export to calendar: the planned sessions as an .ics file the coach chooses
    (``target`` skips the dialog); returns the path written, or None."""
    from coachdesk.services import calendar

    saved = save_file(parent, "calendar",
                      lambda path: calendar.export_ics(ctx.db, path, planned_only=True),
                      title="Export to calendar", what="The calendar file",
                      name="CoachDesk planned sessions.ics", file_filter="Calendar files (*.ics)",
                      suffix=".ics", target=target,
                      details="Open the file to add the sessions to your calendar.")
    if saved:
        ctx.say(f"Planned sessions saved to {saved}: open it to add them to your calendar.")
    return saved
