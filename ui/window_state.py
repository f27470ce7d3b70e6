"""Remember how the coach arranged the window, per machine: size, splitters, table columns.

Per-machine state lives in QSettings, never in the practice file (the file
travels between a laptop and a desktop; their screens differ). ``save(window)``
walks the window's splitters and table headers and stores each under the path
of object names from the window down to it (``clientPage/clientTable/header``),
so a new table or splitter is remembered with no code of its own. ``restore``
puts back what was saved; widgets built later (a tab or page made on first
show) are restored when their tab or page first comes up.

Saved state is advice, not data: anything unreadable, from another layout (a
table that now has a different number of columns) or from an older format is
ignored, and the window opens as it would the first time.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from coachdesk import APP_NAME

from .widgets import fit

log = logging.getLogger(__name__)

GROUP = "windowState"
FORMAT = 1  # raise to forget every state saved by an older layout
DEFAULT_SIZE = QSize(1280, 800)
_RESTORED = "coachdeskStateRestored"
_HOOKED = "coachdeskStateHooked"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.#/-]")
_COMPOSITES = (QCalendarWidget, QComboBox, QFileDialog)


def settings() -> QSettings:
    """CoachDesk's per-machine settings: an INI file in ``COACHDESK_HOME`` when that is set
    (``coachdesk.paths.machine_settings_file``), else the platform's usual place."""
    from coachdesk import paths

    file = paths.machine_settings_file()
    if file is not None:
        return QSettings(str(file), QSettings.Format.IniFormat)
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, APP_NAME, APP_NAME)


# -- naming ---------------------------------------------------------------------

def _is_internal(widget: QWidget, root: QWidget) -> bool:
    """Part of a Qt composite (a calendar's table, a file dialog's list): not the coach's."""
    if widget.objectName().startswith("qt_"):
        return True
    w = widget.parentWidget()
    while w is not None and w is not root:
        if isinstance(w, _COMPOSITES):
            return True
        w = w.parentWidget()
    return False


def widget_path(widget: QWidget, root: QWidget) -> str:
    """The object names from ``root`` (excluded) down to ``widget``, joined by '/'.

    Qt's own parts (``qt_tabwidget_stackedwidget``, ``qt_scrollarea_viewport``) are left out.
    """
    parts, w = [], widget
    while w is not None and w is not root:
        name = w.objectName()
        if name and not name.startswith("qt_"):
            parts.append(_UNSAFE.sub("_", name))
        w = w.parentWidget()
    return "/".join(reversed(parts))


def keyed(root: QWidget, kind) -> dict[str, QWidget]:
    """Every ``kind`` widget under ``root`` by its path; unnamed ones get their class and a number."""
    out: dict[str, QWidget] = {}
    unnamed: dict[str, int] = {}
    for widget in root.findChildren(kind):
        if widget.window() is not root or _is_internal(widget, root):
            continue  # in a dialog of its own, or a part of one of Qt's composite widgets
        if kind is QHeaderView:
            view = widget.parentWidget()
            if not isinstance(view, QAbstractItemView) or widget.orientation() != Qt.Orientation.Horizontal:
                continue
            base = widget_path(view, root) or type(view).__name__
            if not view.objectName():
                n = unnamed.get(base + "#view", 0)
                unnamed[base + "#view"] = n + 1
                base = f"{base}/{type(view).__name__}{n}"
            key = base + "/header"
        else:
            key = widget_path(widget, root)
            if not widget.objectName():
                n = unnamed.get(key, 0)
                unnamed[key] = n + 1
                key = f"{key}/{type(widget).__name__}{n}" if key else f"{type(widget).__name__}{n}"
        if key in out:
            log.info("window state: two widgets at %s, the second is not remembered", key)
            continue
        out[key] = widget
    return out


def ui_font() -> str:
    """The UI font the window is drawn in, as fontconfig resolved it ("Noto Sans 9").

    Column widths are pixels worked out from it: saved under another font (the desktop
    got Noto Sans where it had DejaVu Sans), they would be taken for the coach's own
    and hold the columns too wide, so a narrow window hid one or scrolled sideways."""
    font = QGuiApplication.font()
    return f"{QFontInfo(font).family()} {font.pointSizeF():g}"


def _prefix(window: QWidget) -> str:
    return f"{GROUP}/{_UNSAFE.sub('_', window.objectName() or type(window).__name__)}"


# -- saving -----------------------------------------------------------------------

def save(window: QWidget) -> None:
    """Store the window's geometry (with its maximised state), splitters and table headers."""
    store = settings()
    prefix = _prefix(window)
    try:
        store.setValue(f"{prefix}/format", FORMAT)
        store.setValue(f"{prefix}/geometry", window.saveGeometry())
        store.setValue(f"{prefix}/font", ui_font())
        for key, splitter in keyed(window, QSplitter).items():
            store.setValue(f"{prefix}/splitters/{key}/state", splitter.saveState())
            store.setValue(f"{prefix}/splitters/{key}/count", splitter.count())
        for key, header in keyed(window, QHeaderView).items():
            if header.count() == 0:
                continue
            store.setValue(f"{prefix}/headers/{key}/state", header.saveState())
            store.setValue(f"{prefix}/headers/{key}/columns", header.count())
        store.sync()
    except Exception:  # closing must never fail over remembering a column width
        log.exception("saving the window state failed")


# -- restoring --------------------------------------------------------------------

def _bytes(value) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, (bytes, bytearray)) and value:
        return QByteArray(bytes(value))
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def default_geometry(window: QWidget, preferred: QSize = DEFAULT_SIZE) -> None:
    """The first-time size: ``preferred``, shrunk to fit the screen, centred on it.

    On a screen smaller than the window's minimum the minimum gives way, so the
    window never opens larger than the screen.
    """
    area = fit.available_geometry(window)
    room = _minimum_gives_way(window, area)
    size = preferred.boundedTo(room).expandedTo(window.minimumSize())
    QWidget.resize(window, size)
    extra = fit.frame_extra(window)
    QWidget.move(window, area.x() + max((area.width() - size.width() - extra.width()) // 2, 0),
                area.y() + max((area.height() - size.height() - extra.height()) // 2, 0))


def _minimum_gives_way(window: QWidget, area) -> QSize:
    """On a screen smaller than the window's minimum, lower the minimum to the screen."""
    room = fit.room_for(window, area)
    minimum = window.minimumSize()
    if minimum.width() > room.width() or minimum.height() > room.height():
        log.info("screen smaller than the window's minimum: %s", room)
        window.setMinimumSize(minimum.boundedTo(room))
    return room


def restore(window: QWidget, preferred: QSize = DEFAULT_SIZE) -> bool:
    """Put back what ``save`` stored for this window; returns whether its geometry was restored.

    Without usable saved geometry the window gets ``default_geometry``. Splitters
    and headers built later are restored when their tab or page first comes up.
    """
    store = settings()
    prefix = _prefix(window)
    geometry_restored = False
    if _int(store.value(f"{prefix}/format")) == FORMAT:
        geometry = _bytes(store.value(f"{prefix}/geometry"))
        try:
            geometry_restored = bool(geometry) and window.restoreGeometry(geometry)
        except Exception:
            log.exception("restoring the window geometry failed")
            geometry_restored = False
    if geometry_restored:
        _minimum_gives_way(window, fit.available_geometry(window))
        fit.fit_to_screen(window)  # a screen smaller than last time
    else:
        default_geometry(window, preferred)
    restore_children(window)
    return geometry_restored


def restore_children(window: QWidget) -> None:
    """Restore the splitters and headers not restored yet; hook tabs and pages for later ones."""
    store = settings()
    prefix = _prefix(window)
    if _int(store.value(f"{prefix}/format")) == FORMAT:
        for splitter in keyed(window, QSplitter).values():
            if not splitter.property(_RESTORED):
                splitter.setProperty(_RESTORED, True)
                _restore_splitter_when_shown(splitter, window)
        same_font = store.value(f"{prefix}/font") == ui_font()  # else widths from the font
        for key, header in keyed(window, QHeaderView).items():
            if not header.property(_RESTORED) and header.count() > 0:
                header.setProperty(_RESTORED, True)
                if same_font:
                    _restore_header(header, store, f"{prefix}/headers/{key}")
    for switcher in window.findChildren(QTabWidget) + window.findChildren(QStackedWidget):
        # Not a tab widget's own inner stack: it switches while a tab is being moved in.
        if not switcher.property(_HOOKED) and not switcher.objectName().startswith("qt_"):
            switcher.setProperty(_HOOKED, True)
            switcher.currentChanged.connect(lambda _i, w=window: restore_children(w))


class _SplitterOnShow(QObject):
    """Restores a splitter on its first Show, when its layout has given it its real size
    (restored earlier, the layout's first resize would spread the difference by stretch)."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            _restore_splitter(obj, obj.window())
        return False


_on_show = _SplitterOnShow()


def _restore_splitter_when_shown(splitter: QSplitter, window: QWidget) -> None:
    if splitter.isVisible():
        _restore_splitter(splitter, window)
    else:
        splitter.installEventFilter(_on_show)


def _restore_splitter(splitter: QSplitter, window: QWidget) -> None:
    """Its key is worked out now, where it finally sits (a tab is built before it is moved in)."""
    key = next((k for k, w in keyed(window, QSplitter).items() if w is splitter), None)
    if key is None:
        return
    store = settings()
    key = f"{_prefix(window)}/splitters/{key}"
    if _int(store.value(f"{_prefix(window)}/format")) != FORMAT:
        return
    state = _bytes(store.value(f"{key}/state"))
    if state is None or _int(store.value(f"{key}/count")) != splitter.count():
        return
    try:
        if not splitter.restoreState(state):
            log.info("window state: %s could not be restored", key)
    except Exception:
        log.exception("window state: restoring %s failed", key)


def _restore_header(header: QHeaderView, store: QSettings, key: str) -> None:
    state = _bytes(store.value(f"{key}/state"))
    if state is None or _int(store.value(f"{key}/columns")) != header.count():
        return  # a table whose columns changed since: its defaults are better than a guess
    try:
        if not header.restoreState(state):
            log.info("window state: %s could not be restored", key)
    except Exception:
        log.exception("window state: restoring %s failed", key)
