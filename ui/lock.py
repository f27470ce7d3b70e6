"""The lock of an encrypted practice: after N idle minutes, on the system's screen lock, or
with File → Lock now (Ctrl+L), every window of CoachDesk hides what it shows until the
passphrase (or the recovery key) is typed again. A plain practice never locks.

Idle means no key press, mouse press, mouse move or wheel in any window of the app: an
application-wide event filter restarts one single-shot timer (at most every
``RESTART_EVERY_S`` seconds, so a moving mouse costs nothing). The delay is
``settings.lock_minutes`` (0: never on idle), read again when Settings are saved
(``ctx.notify("settings")``) and when another practice is opened (``database_replaced``).

Locking, in this order (see "The lock" in docs/encryption.md):

1. every live ``AutoSaver`` of every window saves what is pending; a value a page refused
   stays in its field (nothing is destroyed, only hidden);
2. the main window's children (pages, menu bar, status bar) are hidden under a
   ``LockScreen``, its title becomes neutral; every other window is hidden, except a modal
   dialog waiting in ``exec()`` (hiding it would end its ``exec()`` as if the coach had
   pressed Cancel, and what was typed in it would be lost): its contents are hidden under a
   small ``LockScreen`` of its own, which then takes the passphrase (Qt gives input only to
   the modal window in front; the main window's cover then shows no field). A window that
   opens while locked is treated the same way;
3. keyboard shortcuts are swallowed (``QEvent.Shortcut``), the daily backup timers stop;
   closing a covered window asks whether to quit without touching the practice
   (``quit_locked``), as the lock screen's "Quit CoachDesk…" does;
4. the practice's connections are closed, its engine dropped and its key forgotten
   (``encryption.forget``): while locked, anything reaching the database gets the plain
   ``PassphraseNeededError`` instead of data.

Unlocking checks the secret with ``encryption.unlock`` in a worker (``ui.workers.Job``); a
wrong one waits ``encryption.WRONG_DELAY`` and says so in red, the text selected. A right
one gives back every window, title, field and the focus as they were; the engine is made
again on first use.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from coachdesk import APP_NAME, encryption

from .widgets.autosave import AutoSaver
from .widgets.lock_screen import LockScreen, on_lock_screen
from .workers import Job

log = logging.getLogger(__name__)

LOCKED_TITLE = f"{APP_NAME} (locked)"
LOCK_KEY = "Ctrl+L"
DEFAULT_MINUTES = 10  # settings.DEFAULT_LOCK_MINUTES, until the practice's own is read
RESTART_EVERY_S = 0.25
CHECK_FAILED = "The passphrase could not be checked. Try again."
_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                       QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin})
_MAX = 16777215  # QWIDGETSIZE_MAX


def minutes_to_ms(minutes: int) -> int:
    """The idle delay in milliseconds (tests make a minute shorter)."""
    return minutes * 60_000


@dataclass
class _Cover:
    """What was changed on one window, to be given back on unlock."""

    screen: LockScreen
    #: held, so Python keeps one wrapper for a window Qt made (a static QMessageBox): the
    #: covers are found by ``id()`` of the object the event filter is given
    top: QWidget | None = None
    hidden: list = field(default_factory=list)
    title: str = ""
    layout_enabled: bool | None = None
    sizes: tuple[QSize, QSize, QSize] | None = None  # minimum, maximum, size before


class _CheckJob(Job):
    def failure_text(self, exc: Exception) -> str:  # never the exception's words
        return self.failure


class Locker(QObject):
    """Locks ``window`` (a ``MainWindow``) and every other window of the app; see the
    module. ``watch_system``: also listen to the system's screen lock (``ui.system_lock``).
    ``deferred``: the delay is read from the practice once the window is painted (the first
    frame needs no SQLAlchemy, ``ui.first_frame``); until then it is the default."""

    locked_changed = Signal(bool)

    def __init__(self, window, *, watch_system: bool = True, deferred: bool = False):
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.locked = False
        self.active = False  # the open practice is encrypted
        self.minutes = 0
        self._last_restart = 0.0
        self._covers: dict[int, _Cover] = {}
        self._hidden_windows: list[QWidget] = []
        self._timers: list[QTimer] = []
        self._focus: QWidget | None = None
        self._checking = False
        self.quitting = False
        self._menu_bar_enabled = True
        self.timer = QTimer(self)
        self.timer.setObjectName("idleLockTimer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.action = self._add_action()
        self._filtering = False  # the application-wide filter: only for an encrypted practice
        self.ctx.database_replaced.connect(self.refresh)
        self.ctx.data_changed.connect(
            lambda what: self.refresh() if what in ("settings", "all") else None)
        self.system = None
        self.refresh(read_setting=not deferred)
        if deferred:  # QtDBus and the session bus wait until the window is on screen too
            from .first_frame import after_first_paint

            def later() -> None:
                if watch_system:
                    self._watch_system()
                self.refresh()

            after_first_paint(window, later)
        elif watch_system:
            self._watch_system()

    def _watch_system(self) -> None:
        """Listen to the system's screen lock (``ui.system_lock``); fails soft to idle only."""
        from .system_lock import SystemLockWatcher

        self.system = SystemLockWatcher(self.window)
        self.system.screen_locked.connect(self.lock)

    # -- following the practice and its setting -------------------------------------------
    def refresh(self, read_setting: bool = True) -> None:
        """Is the open practice encrypted, and after how many idle minutes does it lock?"""
        if self.locked:
            return
        path = Path(self.ctx.db.path)
        self.active = encryption.is_encrypted(path)
        self.minutes = DEFAULT_MINUTES if self.active else 0
        if self.active and read_setting:
            try:
                from coachdesk.services import settings as settings_service

                self.minutes = settings_service.lock_minutes(self.ctx.db)
            except Exception:  # the safe side: the default delay
                log.warning("the idle-lock delay could not be read; using the default")
        self.action.setVisible(self.active)  # a plain practice has nothing to lock:
        self.action.setEnabled(self.active)  # no entry, and Ctrl+L in no list of keys (F1)
        self.action.setShortcut(QKeySequence(LOCK_KEY) if self.active else QKeySequence())
        if self.active != self._filtering:  # a plain practice pays nothing per event
            app = QApplication.instance()
            (app.installEventFilter if self.active else app.removeEventFilter)(self)
            self._filtering = self.active
        self.restart()

    def restart(self) -> None:
        """The idle time counts from now."""
        self._last_restart = time.monotonic()
        if self.active and self.minutes > 0 and not self.locked:
            self.timer.start(minutes_to_ms(self.minutes))
        else:
            self.timer.stop()

    def _add_action(self) -> QAction:
        action = QAction("&Lock now", self.window)
        action.setObjectName("actionLockNow")
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.setToolTip("Hide everything until the passphrase is typed again (Ctrl+L)")
        action.triggered.connect(self.lock)
        quit_action = self.window.findChild(QAction, "actionQuit")
        menu = self.window.menuBar().actions()[0].menu() if self.window.menuBar().actions() \
            else None
        if menu is not None and quit_action is not None and quit_action in menu.actions():
            menu.insertAction(quit_action, action)
        elif menu is not None:
            menu.addAction(action)
        else:
            self.window.addAction(action)
        return action

    # -- the application-wide filter ------------------------------------------------------------
    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        kind = event.type()
        if not self.locked:
            if kind == QEvent.Type.KeyPress and self.active and _is_lock_key(event):
                # Ctrl+L in a modal dialog: Qt gives no shortcut of a window behind it
                # (not even an application-wide one) while the dialog waits in exec()
                return self.lock()
            if kind in _ACTIVITY and self.active \
                    and time.monotonic() - self._last_restart >= RESTART_EVERY_S:
                self.restart()
            return False
        if self.quitting:  # the loops are ending; a window closed now must not save
            if kind == QEvent.Type.Close and obj is self.window:
                event.accept()
                return True
            return False
        if kind == QEvent.Type.Shortcut:
            return not on_lock_screen(obj)  # Ctrl+F, Alt+E… reveal nothing
        if kind == QEvent.Type.KeyPress and id(obj) in self._covers and obj is not self.window:
            return True  # Esc or Enter reaching a covered dialog must not cancel or save it
        if kind == QEvent.Type.Close and id(obj) in self._covers \
                and (obj is self.window or event.spontaneous()):
            # The window: closing would save and make a backup, which needs the key; the
            # coach is asked whether to quit without them. A dialog: its close button would
            # cancel what was typed in it (its own code may close it): the same question.
            event.ignore()
            screen = self._covers[id(obj)].screen
            if screen.passive:  # the dialog in front asks
                front = self._front_cover()
                screen = front.screen if front is not None else screen
            screen.ask_quit()
            return True
        if kind == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow() \
                and id(obj) not in self._covers:
            QTimer.singleShot(0, lambda w=obj: self._late_window(w))
        elif kind == QEvent.Type.Hide and id(obj) in self._covers and obj is not self.window:
            QTimer.singleShot(0, self._focus_lock_screen)  # its own code closed it: the next
        elif kind == QEvent.Type.Resize and id(obj) in self._covers:
            self._covers[id(obj)].screen.setGeometry(obj.rect())
        return False

    # -- locking -------------------------------------------------------------------------------
    def lock(self) -> bool:
        """Lock now (see the module). False when there is nothing to lock (a plain practice)
        or it is locked already."""
        if self.locked or not self.active:
            return False
        flush_all()
        self.timer.stop()
        self.locked = True
        self._focus = QApplication.focusWidget()
        for popup in QApplication.topLevelWidgets():
            if popup.isVisible() and popup.windowType() in (Qt.WindowType.Popup,
                                                            Qt.WindowType.ToolTip):
                popup.close()  # a menu or a tooltip left open: gone, as a click away would
        self._cover(self.window)
        self._menu_bar_enabled = self.window.menuBar().isEnabled()
        self.window.menuBar().setEnabled(False)  # hidden, and where it is the system's: off
        for top in QApplication.topLevelWidgets():
            if top is not self.window and top.isVisible():
                self._hide_or_cover(top)
        self._timers = [t for t in (getattr(self.window, "backup_timer", None),
                                    getattr(self.window, "first_backup_check", None))
                        if t is not None and t.isActive()]
        for timer in self._timers:
            timer.stop()
        self._let_go_of_the_key()
        self._focus_lock_screen()
        log.info("the practice is locked")
        self.locked_changed.emit(True)
        return True

    def _let_go_of_the_key(self) -> None:
        """The pool's connections closed, the engine (whose connection maker holds the key)
        dropped, the key forgotten: made again after unlocking, on first use."""
        db = self.ctx.db
        try:
            db.close()
            if not db.read_only:  # a read-only practice's engine asks for the key each time
                db.engine = None
        except Exception:
            log.exception("closing the practice's connections on lock failed")
        encryption.forget(db.path)

    def _hide_or_cover(self, top: QWidget) -> None:
        if not isValid(top) or not top.isVisible() or id(top) in self._covers:
            return
        if top.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
            top.close()
        elif top.isModal() or top.windowModality() != Qt.WindowModality.NonModal:
            self._cover(top)  # waiting in exec(): hiding it would cancel it
        else:
            top.hide()
            self._hidden_windows.append(top)

    def _late_window(self, top: QWidget) -> None:
        """A window that opened while locked (a background message): hidden or covered."""
        if self.locked and isValid(top) and top is not self.window:
            self._hide_or_cover(top)
            self._focus_lock_screen()

    def _cover(self, top: QWidget) -> None:
        compact = top is not self.window
        screen = LockScreen(Path(self.ctx.db.path).name, top, compact=compact)
        screen.submitted.connect(lambda s=screen: self._try_unlock(s))
        screen.quit_confirmed.connect(self.quit_locked)
        cover = _Cover(screen, top=top, title=top.windowTitle())
        layout = top.layout()
        if layout is not None:
            cover.layout_enabled = layout.isEnabled()
            layout.setEnabled(False)  # hidden children must not shrink a fixed-size dialog
        for child in top.children():
            if isinstance(child, QWidget) and child is not screen and not child.isWindow() \
                    and not child.isHidden():
                child.hide()
                cover.hidden.append(child)
        if compact:
            self._make_room(cover)
            screen.room_changed.connect(lambda c=cover: self._make_room(c))
        screen.setGeometry(top.rect())
        screen.show()
        screen.raise_()
        top.setWindowTitle(LOCKED_TITLE)
        self._covers[id(top)] = cover

    def _make_room(self, cover: _Cover) -> None:
        """A covered dialog grows to what its lock screen needs (the recovery key's field,
        a message, the question to quit); its own sizes come back on unlock."""
        top, screen = cover.top, cover.screen
        if top is None or not isValid(top) or not isValid(screen):
            return
        need = screen.needed_size(max(top.width(), 440))
        if top.width() < need.width() or top.height() < need.height():
            if cover.sizes is None:
                cover.sizes = (top.minimumSize(), top.maximumSize(), top.size())
            top.setMinimumSize(0, 0)
            top.setMaximumSize(_MAX, _MAX)
            top.resize(top.size().expandedTo(need))
            screen.setGeometry(top.rect())

    def _front_cover(self) -> _Cover | None:
        """The cover of the covered modal window in front, if any."""
        front = QApplication.activeModalWidget()
        if front is None or not front.isVisible() or front is self.window:
            return None
        return self._covers.get(id(front))

    def _focus_lock_screen(self) -> None:
        """The passphrase field of the window that can take input: the modal one in front,
        else the main window. Only that window shows a field (one passphrase field on
        screen); the main window's cover then says where to unlock."""
        if not self.locked:
            return
        cover = self._front_cover()
        front = cover.top if cover is not None else self.window
        main = self._covers.get(id(self.window))
        if main is not None and isValid(main.screen):
            main.screen.set_passive(cover is not None)
        if cover is None:
            cover = main
        if cover is None:
            return
        front.activateWindow()
        if front.windowHandle() is not None:
            front.windowHandle().requestActivate()
        cover.screen.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def quit_locked(self) -> None:
        """Quit CoachDesk while locked, touching nothing of the practice: no save (pages
        saved before locking), no closing backup or check (they need the key), no window
        closed (closing saves). The one-instance lock is released; ``ui.app.run`` sees
        ``ctx.quit_while_locked`` and leaves the file alone. The next start asks the
        passphrase."""
        if not self.locked or self.quitting:
            return
        self.quitting = True
        self.ctx.quit_while_locked = True
        self.timer.stop()
        instance_lock = getattr(self.ctx, "lock", None)
        if instance_lock is not None:
            instance_lock.release()
        log.info("CoachDesk quits while locked")
        QApplication.exit(0)  # every event loop, a dialog's exec() too; no window closes

    def screens(self) -> list[LockScreen]:
        return [cover.screen for cover in self._covers.values() if isValid(cover.screen)]

    # -- unlocking -----------------------------------------------------------------------------
    def _try_unlock(self, screen: LockScreen) -> None:
        if not self.locked or self._checking:
            return
        secret = screen.take_secret()
        if not secret.strip():
            screen.wrong(screen.empty_message())
            return
        path = Path(self.ctx.db.path)
        recovery = screen.recovery
        self._checking = True
        for each in self.screens():
            each.busy(True)

        def check() -> None:
            if recovery:
                encryption.unlock(path, recovery_key=secret)
            else:
                encryption.unlock(path, passphrase=secret)

        job = _CheckJob(check, CHECK_FAILED)
        job.signals.done.connect(lambda _none: self._unlocked())
        job.signals.failed.connect(lambda message, s=screen: self._refused(s, message))
        job.start()

    def _refused(self, screen: LockScreen, message: str) -> None:
        self._checking = False
        for each in self.screens():
            each.busy(False)
            each.say("")
        if isValid(screen):
            screen.wrong(message)

    def _unlocked(self) -> None:
        """The secret was right: everything back as it was."""
        self._checking = False
        if not self.locked:
            return
        self.locked = False
        for key, cover in list(self._covers.items()):
            self._uncover(cover)
            del self._covers[key]
        self.window.menuBar().setEnabled(self._menu_bar_enabled)
        for top in self._hidden_windows:
            if isValid(top):
                top.show()
        self._hidden_windows.clear()
        for timer in self._timers:
            if isValid(timer):
                timer.start()
        self._timers = []
        focus, self._focus = self._focus, None
        _give_focus_back(focus)
        QTimer.singleShot(0, lambda: _give_focus_back(focus))  # once the window is active
        log.info("the practice is unlocked")
        self.refresh()
        self.locked_changed.emit(False)

    def _uncover(self, cover: _Cover) -> None:
        screen = cover.screen
        if not isValid(screen):
            return
        top = screen.parentWidget()
        screen.reset()
        screen.hide()
        screen.deleteLater()
        if top is None or not isValid(top):
            return
        top.setWindowTitle(cover.title)
        for child in cover.hidden:
            if isValid(child):
                child.show()
        if cover.sizes is not None:
            minimum, maximum, size = cover.sizes
            top.setMinimumSize(minimum)
            top.setMaximumSize(maximum)
            top.resize(size)
        layout = top.layout()
        if layout is not None and cover.layout_enabled is not None:
            layout.setEnabled(cover.layout_enabled)
            layout.invalidate()
            layout.activate()


def _is_lock_key(event) -> bool:
    """``event`` (a key press) is Ctrl+L (Cmd+L on a Mac)."""
    combo = QKeySequence(LOCK_KEY)[0]
    return event.keyCombination() == combo


def _give_focus_back(widget: QWidget | None) -> None:
    if widget is None or not isValid(widget) or not widget.isVisible():
        return
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)


def flush_all() -> int:
    """Every live autosaver of every window saves what is pending; the number that could
    not write (their text stays on screen, and is retried)."""
    failed = 0
    for top in QApplication.topLevelWidgets():
        for saver in top.findChildren(AutoSaver):
            try:
                if not saver.flush():
                    failed += 1
            except Exception:  # one page's fault must not keep the others from saving
                log.exception("an autosave flush failed before locking")
                failed += 1
    return failed


def install(window, **kwargs) -> Locker:
    """The lock for ``window`` (once); its "Lock now" action is in the File menu."""
    locker = getattr(window, "locker", None)
    if locker is None:
        locker = window.locker = Locker(window, **kwargs)
    return locker
