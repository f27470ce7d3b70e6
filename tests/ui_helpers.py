"""Helpers for the pytest-qt tests: drive modal dialogs the way a user would."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

#: Bumped as each test ends (tests/conftest.py). A watcher for a dialog that never came
#: (Enter opened a page, not a dialog) kept polling into the next test, and there closed
#: that test's own dialog ("Tab from the organization list…" failed after
#: "Enter on a selected row…", in one order of the tests only).
TEST_GENERATION = [0]


def later(poll, generation: int) -> None:
    """Poll again in 20 ms, unless the test that started it has ended."""
    QTimer.singleShot(20, lambda: poll() if generation == TEST_GENERATION[0] else None)


def when_modal(action, attempts: int = 50):
    """Run ``action(dialog)`` as soon as a modal dialog is open (before ``exec`` blocks us)."""
    state = {"done": False, "error": None}
    generation = TEST_GENERATION[0]

    def poll(remaining=attempts):
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if remaining:
                later(lambda: poll(remaining - 1), generation)
            return
        try:
            action(dialog)
        except Exception as exc:  # surfaced by the test after exec returns
            state["error"] = exc
            dialog.reject()
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def type_text(widget, text: str) -> None:
    """Type any text, character by character, as key events.

    QTest.keyClicks only knows Latin-1 (it asserts on 'ọ' or '陈'); a key
    event carrying the character as its text is what an input method sends.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def keys(qtbot, text: str) -> None:
    """Type ``text`` into whatever has the cursor, as a person does. QTest.keyClicks aborts
    on any letter outside ASCII (ë), so those go as the key events an input method sends
    (``type_text``)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(QApplication.focusWidget(), ch)
        else:
            type_text(QApplication.focusWidget(), ch)


def answer_discard(qtbot, button_name: str, seen: list) -> None:
    """Press ``button_name`` ("discardButton" or "keepEditingButton") in the "Discard what
    you typed?" question of a form once it is open; its text is appended to ``seen``."""
    from PySide6.QtWidgets import QAbstractButton, QMessageBox

    generation = TEST_GENERATION[0]

    def poll(left=100):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "discardQuestion":
            seen.append(box.text())
            box.findChild(QAbstractButton, button_name).click()
        elif left:
            later(lambda: poll(left - 1), generation)

    QTimer.singleShot(0, poll)


def shown_text(value: str | None) -> str | None:
    """What Qt shows for a tooltip or a message box's text: markup read as rich text
    (``ui.plain.as_plain`` escapes coach text inside such a frame), otherwise as it is."""
    from PySide6.QtGui import Qt as QtGuiNamespace
    from PySide6.QtGui import QTextDocument

    if not value or not QtGuiNamespace.mightBeRichText(value):
        return value
    doc = QTextDocument()
    doc.setHtml(value)
    return doc.toPlainText()


def when_named(name: str, action, attempts: int = 1500) -> dict:
    """Run ``action(dialog)`` once the active modal dialog is called ``name`` (others may
    come and go before it: the "please wait" of a conversion)."""
    state = {"done": False, "error": None}
    generation = TEST_GENERATION[0]

    def poll(left=attempts):
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != name:
            if left:
                later(lambda: poll(left - 1), generation)
            return
        try:
            if not dialog.isActiveWindow():  # offscreen, a modal over an inactive window
                dialog.activateWindow()
                qtbot_wait(dialog.isActiveWindow)
            action(dialog)
        except Exception as exc:  # surfaced by the test
            state["error"] = exc
            dialog.reject()
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def qtbot_wait(condition, timeout_ms: int = 3000) -> None:
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtTest import QTest

    deadline = QDeadlineTimer(timeout_ms)
    while not condition() and not deadline.hasExpired():
        QTest.qWait(10)


def shown_window(qtbot, db, size: tuple[int, int] = (1366, 768)):
    """A ``MainWindow`` on ``db`` at ``size``, on screen and active (keys reach it)."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)
    return window
