"""Hearing the system's own screen lock, where the system tells us. Qt has no portable
signal for it, so each platform has its part, and each fails soft: no session bus, no API,
an error of any kind → CoachDesk only locks when idle (``ui.lock``), and the log says why.

- Linux: the session bus's ``ActiveChanged(bool)`` of ``org.freedesktop.ScreenSaver``
  (KDE, Xfce, LXQt, …) and ``org.gnome.ScreenSaver`` (GNOME, Cinnamon, MATE), via QtDBus.
- Windows: ``WTSRegisterSessionNotification`` (ctypes) for the window, then
  ``WM_WTSSESSION_CHANGE`` / ``WTS_SESSION_LOCK`` in a ``QAbstractNativeEventFilter``.
- macOS: nothing yet (the screen-lock notification needs pyobjc, which CoachDesk does not
  ship); the idle lock still works.

``SystemLockWatcher.screen_locked`` is emitted when the system locks the screen.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import SLOT, QAbstractNativeEventFilter, QObject, Signal, Slot

log = logging.getLogger(__name__)

#: (D-Bus interface, object path) that say ActiveChanged(bool) when the screen locks
DBUS_SCREENSAVERS = (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                     ("org.freedesktop.ScreenSaver", "/ScreenSaver"),
                     ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"))
WM_WTSSESSION_CHANGE = 0x02B1
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0


class _Msg(ctypes.Structure):
    """Win32 ``MSG`` (written out here: ``ctypes.wintypes`` is Windows' alone on some
    Pythons, and the tests read a message on Linux too)."""

    _fields_ = [("hwnd", ctypes.c_void_p), ("message", ctypes.c_uint),
                ("wParam", ctypes.c_size_t), ("lParam", ctypes.c_ssize_t),
                ("time", ctypes.c_uint32), ("pt_x", ctypes.c_long), ("pt_y", ctypes.c_long)]


def is_session_lock(message: int, wparam: int) -> bool:
    """True for the Windows message that says this session was locked."""
    return message == WM_WTSSESSION_CHANGE and wparam == WTS_SESSION_LOCK


class WindowsSessionFilter(QAbstractNativeEventFilter):
    """Reads each native Windows message; ``on_lock()`` is called for a session lock."""

    def __init__(self, on_lock):
        super().__init__()
        self.on_lock = on_lock

    def nativeEventFilter(self, event_type, message):  # noqa: N802 - Qt's name
        try:
            if bytes(event_type) in (b"windows_generic_MSG", b"windows_dispatcher_MSG"):
                msg = _Msg.from_address(int(message))
                if is_session_lock(msg.message, msg.wParam):
                    self.on_lock()
        except Exception:  # a filter must never break the event loop
            log.debug("reading a native message failed", exc_info=True)
        return False, 0


class SystemLockWatcher(QObject):
    """Emits ``screen_locked`` when the system locks the screen (see the module).
    ``available`` says whether any source could be heard; ``bus``: a ``QDBusConnection``
    to listen on (tests give a private bus; default: the session bus)."""

    screen_locked = Signal()

    def __init__(self, window, bus=None):
        super().__init__(window)
        self.available = False
        self._native = None
        try:
            if sys.platform == "win32":
                self.available = self._listen_windows(window)
            elif sys.platform != "darwin":
                self.available = self._listen_dbus(bus)
        except Exception:  # fail soft: the idle lock still works
            log.info("the system's screen lock cannot be heard; locking when idle only",
                     exc_info=True)
            self.available = False

    @Slot(bool)
    def on_active_changed(self, active: bool) -> None:
        """The screensaver (the screen lock) came on (True) or went (False)."""
        if active:
            self.screen_locked.emit()

    def _listen_dbus(self, bus) -> bool:
        from PySide6.QtDBus import QDBusConnection

        bus = QDBusConnection.sessionBus() if bus is None else bus
        if not bus.isConnected():
            log.info("no session bus: the system's screen lock is not heard")
            return False
        heard = False
        for interface, path in DBUS_SCREENSAVERS:
            heard |= bus.connect("", path, interface, "ActiveChanged", self,
                                 SLOT("on_active_changed(bool)"))
        self._bus = bus  # a private bus must live as long as we listen
        return heard

    def _listen_windows(self, window) -> bool:
        from PySide6.QtCore import QCoreApplication

        wtsapi = ctypes.windll.wtsapi32  # type: ignore[attr-defined]
        if not wtsapi.WTSRegisterSessionNotification(int(window.winId()),
                                                     NOTIFY_FOR_THIS_SESSION):
            return False
        self._native = WindowsSessionFilter(self.screen_locked.emit)
        QCoreApplication.instance().installNativeEventFilter(self._native)
        return True
