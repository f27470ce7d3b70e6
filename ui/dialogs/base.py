"""Form dialogs that behave the way a person uses them, keyboard and mouse.

``FormBehaviour`` is the contract every form dialog keeps (``FormDialog`` has it, and
a hand-built ``QDialog`` gets it by listing the mixin first among its bases):

- on opening, the cursor is in the first field, so the first word typed lands there;
- Tab walks the fields in the order they are read (rows top to bottom, left to right
  within a row), the dialog's buttons last;
- each form label is its field's buddy: clicking it or pressing Alt+its letter puts the
  cursor in the field;
- Enter presses the default button (Save) from a one-line field, spin box, date or combo;
  in a text of several lines Enter makes a new line and Ctrl+Enter saves;
- Esc, Cancel or the window's close button on a form whose values were changed asks
  "Discard what you typed?" (Keep editing is the default); an untouched form just closes.
  ``reject()`` and ``close()`` called from code close without asking.

``FormDialog`` adds fields with their error labels: a refused Save keeps the dialog
open, shows the engine's sentence under the field it names and puts the cursor there.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError, ValidationError

from ..widgets.fields import ErrorLabel, OptionalDateEdit, with_error

log = logging.getLogger(__name__)

DISCARD_QUESTION = "Discard what you typed?"


# -- reading order ------------------------------------------------------------------------------

def _layout_items(layout: QLayout):
    """A layout's items in reading order."""
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = layout.itemAt(row, role)
                if item is not None:
                    yield item
        return
    indexes = list(range(layout.count()))
    if isinstance(layout, QGridLayout):
        indexes.sort(key=lambda i: layout.getItemPosition(i)[:2])
    elif isinstance(layout, QBoxLayout) and layout.direction() in (
            QBoxLayout.Direction.RightToLeft, QBoxLayout.Direction.BottomToTop):
        indexes.reverse()
    for i in indexes:
        yield layout.itemAt(i)


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def focus_leaves(root: QWidget) -> list[QWidget]:
    """The widgets inside ``root`` that Tab can stop at, in reading order.

    A widget that takes focus itself (a line edit, combo, spin box, text, list) is one
    stop; containers (plain widgets, scroll areas, tab widgets, composite fields with a
    focus proxy) are walked through their layout, row by row.
    """
    found: list[QWidget] = []

    def visit(widget: QWidget, top: bool = False) -> None:
        if not top:
            if widget.isWindow():
                return
            container = (widget.focusProxy() is not None or isinstance(widget, QScrollArea))
            if not container and _takes_tab(widget):
                found.append(widget)
                return
        if isinstance(widget, QTabWidget):
            visit(widget.tabBar())
            for i in range(widget.count()):
                visit(widget.widget(i))
            return
        seen: list[QWidget] = []
        if widget.layout() is not None:
            visit_layout(widget.layout(), seen)
        rest = [c for c in widget.children() if isinstance(c, QWidget) and c not in seen]
        rest.sort(key=lambda c: (c.geometry().top(), c.geometry().left()))
        for child in rest:
            visit(child)

    def visit_layout(layout: QLayout, seen: list[QWidget]) -> None:
        for item in _layout_items(layout):
            if item.widget() is not None:
                seen.append(item.widget())
                visit(item.widget())
            elif item.layout() is not None:
                visit_layout(item.layout(), seen)

    visit(root, top=True)
    return found


def _is_input(widget: QWidget) -> bool:
    """A field a person types into or chooses in (not a button or a tab)."""
    if isinstance(widget, QTabBar):
        return False
    if isinstance(widget, QAbstractButton):
        return isinstance(widget, (QCheckBox, QRadioButton))
    return True


def _input_state(widget: QWidget):
    """What a field holds, to tell a changed form from an untouched one."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


def focus_into(widget: QWidget, reason=Qt.FocusReason.OtherFocusReason) -> QWidget | None:
    """Put the cursor in ``widget`` or, for a composite field, its first enabled part."""
    # Any focus policy will do here: in a group of radio buttons Qt leaves Tab focus to
    # the checked one only, yet a click on another one's words must still reach it.
    takes = widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.focusProxy() is None
    leaves = [widget] if takes else []
    leaves += focus_leaves(widget)
    for leaf in leaves:
        if leaf.isEnabled() and leaf.isVisibleTo(leaf.window()):
            leaf.setFocus(reason)
            return leaf
    return None


def _mnemonic_letters(text: str) -> set[str]:
    letters, i = set(), 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                letters.add(text[i + 1].lower())
            i += 2
        else:
            i += 1
    return letters


def _plain(text: str) -> str:
    """A label's words without its Alt+letter mark or a required-field star."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":* ").strip()


def with_mnemonic(text: str, used: set[str]) -> str:
    """``text`` with an Alt+letter not in ``used`` (a word's first letter if one is free)."""
    if "&" in text:
        return text
    words = [i for i, ch in enumerate(text) if ch.isascii() and ch.isalnum()
             and (i == 0 or not text[i - 1].isalnum())]
    others = [i for i, ch in enumerate(text) if ch.isascii() and ch.isalpha()]
    for i in words + others:
        letter = text[i].lower()
        if letter not in used:
            used.add(letter)
            return text[:i] + "&" + text[i:]
    return text


def ask_discard(parent: QWidget) -> bool:
    """True when the person chooses to throw away what they typed."""
    box = QMessageBox(QMessageBox.Icon.Question, parent.windowTitle() or "CoachDesk",
                      DISCARD_QUESTION, parent=parent)
    box.setObjectName("discardQuestion")
    box.setInformativeText("What you typed in this form has not been saved.")
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    discard.setObjectName("discardButton")
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName("keepEditingButton")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


class _FormKeys(QObject):
    """Clicks on form labels, and Ctrl+Enter in texts of several lines."""

    def __init__(self, dialog: QDialog):
        super().__init__(dialog)
        self.dialog = dialog
        self.form_labels: list[QLabel] = []

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease and isinstance(watched, QLabel):
            buddy = watched.buddy()
            if buddy is not None and event.button() == Qt.MouseButton.LeftButton:
                if isinstance(buddy, QRadioButton):
                    group = buddy.group()
                    if watched in self.form_labels and group and group.checkedButton():
                        buddy = group.checkedButton()  # "Level": the level chosen
                    elif watched not in self.form_labels and buddy.isEnabled():
                        buddy.setChecked(True)  # a choice's own words choose it
                focus_into(buddy, Qt.FocusReason.MouseFocusReason)
        elif kind == QEvent.Type.KeyPress and isinstance(watched, (QPlainTextEdit, QTextEdit)):
            if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                    and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                self.dialog.press_default()
                return True
        return False


class FormBehaviour:
    """The form contract (see the module's docstring) for a ``QDialog`` subclass.

    List it before ``QDialog`` among the bases. Hooks a dialog may override:
    ``first_field()`` (where the cursor starts) and ``press_default()`` (Ctrl+Enter).
    A dialog whose work is done (a draft written) calls ``mark_clean()``.
    """

    _form_ready = False
    _form_state: list = []
    _asking = False

    # -- arranged once, when first shown ----------------------------------------------------
    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self._form_ready:
            self._form_ready = True
            self.arrange_form()

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        super().setVisible(visible)
        field = self.focusWidget() if visible else None
        # QDialog announces the first field with a Tab focus event, which selects a line
        # edit's text: in an edit form, the next key would replace the name. The cursor goes
        # to the end instead (a date or a number stays selected, to be typed over whole).
        if isinstance(field, QLineEdit) and not isinstance(field.parentWidget(),
                                                            OptionalDateEdit):
            field.deselect()
            field.end(False)

    def arrange_form(self) -> None:
        """Tab order, label buddies and keys, the first field's focus, the untouched state."""
        if self.layout() is not None:
            self.layout().activate()
        for button in self.findChildren(QPushButton):
            if button.isDefault():  # said before the button was in the dialog: say it again,
                button.setDefault(True)  # or Qt makes the first button after the field default
        for area in self.findChildren(QScrollArea):
            if area.widget() is not None:
                area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        leaves = focus_leaves(self)
        boxes = self.findChildren(QDialogButtonBox)
        last = [w for w in leaves if any(box.isAncestorOf(w) for box in boxes)]
        chain = [w for w in leaves if w not in last] + last
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self._form_keys = getattr(self, "_form_keys", None) or _FormKeys(self)
        for widget in chain:
            if isinstance(widget, (QPlainTextEdit, QTextEdit)) and not widget.isReadOnly():
                widget.setTabChangesFocus(True)
                widget.installEventFilter(self._form_keys)
        self._label_buddies()
        for widget in chain:  # a screen reader says what the label or the button says
            if isinstance(widget, QTabBar) and not widget.accessibleName():
                widget.setAccessibleName(widget.parentWidget().accessibleName() or "Sections")
            if not widget.accessibleName():
                label = next((lab for lab in self.findChildren(QLabel) if lab.buddy() is widget),
                             None)
                if label is not None:
                    widget.setAccessibleName(_plain(label.text()))
                elif isinstance(widget, QAbstractButton):
                    widget.setAccessibleName(_plain(widget.text()))
        first = self.first_field()
        if first is not None:
            focus_into(first)
        self.mark_clean()

    def _label_buddies(self) -> None:
        used: set[str] = set()
        for widget in self.findChildren(QAbstractButton) + self.findChildren(QLabel):
            used |= _mnemonic_letters(widget.text())
        rows = []
        for form in self.findChildren(QFormLayout):
            for row in range(form.rowCount()):
                label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                if label is None or field is None or not isinstance(label.widget(), QLabel):
                    continue
                parts = ([field.widget()] if field.widget() is not None
                         else _layout_widgets(field.layout()) if field.layout() is not None
                         else [])
                leaves = [leaf for part in parts for leaf in focus_leaves_or_self(part)]
                if leaves and label.widget().text().strip():
                    rows.append((label.widget(), leaves))
                elif label.widget().buddy() is not None and not leaves:
                    label.widget().setBuddy(None)  # addRow(text, a label) made one: no field
        order = {id(w): n for n, w in enumerate(focus_leaves(self))}
        rows.sort(key=lambda row: order.get(id(row[1][0]), len(order)))  # letters in order read
        self._form_keys.form_labels = [label for label, _ in rows]
        for label, leaves in rows:
            # addRow(text, field) buddies the label to the field's box: point it at the field
            if label.buddy() is None or not any(label.buddy() is leaf for leaf in leaves):
                label.setBuddy(leaves[0])
            label.setText(with_mnemonic(label.text(), used))
            group = leaves[0].group() if isinstance(leaves[0], QRadioButton) else None
            if group is not None:  # a choice of several: Alt+letter goes to the one chosen
                def follow(*_, label=label, group=group):
                    if group.checkedButton() is not None:
                        label.setBuddy(group.checkedButton())
                follow()
                group.buttonToggled.connect(follow)
        for label in self.findChildren(QLabel):
            if label.buddy() is not None:
                label.installEventFilter(self._form_keys)  # a click puts the cursor there

    def first_field(self) -> QWidget | None:
        for widget in focus_leaves(self):
            if _is_input(widget) and widget.isEnabled() and widget.isVisibleTo(self):
                return widget
        return None

    def press_default(self) -> None:
        """Ctrl+Enter in a text of several lines: what Enter does elsewhere."""
        for button in self.findChildren(QPushButton):
            if button.isDefault() and button.isVisibleTo(self) and button.isEnabled():
                button.click()
                return

    # -- changed or untouched -------------------------------------------------------------------
    def mark_clean(self) -> None:
        """What the fields hold now counts as untouched (after loading, or after a save)."""
        self._form_state = [(w, _input_state(w)) for w in focus_leaves(self)]

    def mark_field_clean(self, widget: QWidget) -> None:
        """``widget``'s value now counts as untouched: a control that acts at once (a box that
        saves when ticked) is nothing Cancel could discard, so it never asks "Discard…?"."""
        self._form_state = [(w, _input_state(w) if w is widget else state)
                            for w, state in self._form_state]

    def is_changed(self) -> bool:
        for widget, state in self._form_state:
            try:
                if _input_state(widget) != state:
                    return True
            except RuntimeError:  # a field removed since
                continue
        return False

    def may_close(self) -> bool:
        """True when nothing typed would be lost, or the person chose to discard it."""
        if not self._form_ready or not self.is_changed() or self._asking:
            return not self._asking
        self._asking = True
        focused = QApplication.focusWidget()
        try:
            discard = ask_discard(self)
        finally:
            self._asking = False
        if not discard:
            self.activateWindow()
            if focused is not None and self.isAncestorOf(focused):
                focused.setFocus(Qt.FocusReason.OtherFocusReason)
        return discard

    def close_asking(self) -> bool:
        """Cancel and Esc: close, asking first when something typed would be lost."""
        if self.may_close():
            self.reject()
            return True
        return False

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            self.close_asking()
            return
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            event.accept()  # Ctrl+Enter saves from any field, as it does from a long text
            self.press_default()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event):  # noqa: N802
        # The window's close button (a spontaneous event from the window system) asks;
        # close() from code, like reject(), does not.
        if event.spontaneous() and self.isVisible() and not self.may_close():
            event.ignore()
            return
        super().closeEvent(event)


def _layout_widgets(layout: QLayout) -> list[QWidget]:
    out = []
    for item in _layout_items(layout):
        if item.widget() is not None:
            out.append(item.widget())
        elif item.layout() is not None:
            out += _layout_widgets(item.layout())
    return out


def focus_leaves_or_self(widget: QWidget) -> list[QWidget]:
    if _takes_tab(widget) and widget.focusProxy() is None and not isinstance(widget, QScrollArea):
        return [widget]
    return focus_leaves(widget)


def clear_when_changed(widget: QWidget, error) -> None:
    """The red sentence under a field goes as soon as the coach changes the field (a
    choice made, a letter typed): it spoke of what was there, not of the correction."""
    hide = lambda *_args: error.show_error(None)  # noqa: E731
    for w in [widget, *widget.findChildren(QWidget)]:
        if isinstance(w, QLineEdit):
            w.textEdited.connect(hide)
        elif isinstance(w, QComboBox):
            w.activated.connect(hide)
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            w.textChanged.connect(hide)
        elif isinstance(w, QAbstractSpinBox):
            w.editingFinished.connect(hide)
            if hasattr(w, "valueChanged"):
                w.valueChanged.connect(hide)
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            w.toggled.connect(hide)


class StayOpen(Exception):
    """Raised by ``submit()`` when the coach chose to go back to the form (after a
    question): nothing is saved, the form stays open as it is, with no message."""


class FormDialog(FormBehaviour, QDialog):
    """Subclasses add rows with ``add_field`` and implement ``submit()``.

    ``submit()`` returns the saved record, or raises ``CoachDeskError`` to keep the dialog
    open with the message under the field the error names.
    """

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        self.setModal(True)
        self.form = QFormLayout()
        self.errors: dict[str, ErrorLabel] = {}
        #: the widget each field name stands for, so a refusal can put the cursor there
        self.fields: dict[str, QWidget] = {}
        self.general_error = ErrorLabel(f"{object_name}General")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("dialogSave")
        self.save_button.setAccessibleName("Save")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("dialogCancel")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.close_asking)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.save_button.setDefault(True)  # once in the dialog, so the dialog knows it
        self.result_object = None

    def add_field(self, label: str, field: str, widget: QWidget, object_name: str) -> QWidget:
        widget.setObjectName(object_name)
        widget.setAccessibleName(label.rstrip(":*").strip())
        error = ErrorLabel(object_name)
        self.errors[field] = error
        self.fields[field] = widget
        self.form.addRow(QLabel(label), with_error(widget, error))
        clear_when_changed(widget, error)
        return widget

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.show_error(None)
        self.general_error.show_error(None)

    def show_error(self, exc: CoachDeskError) -> None:
        field = getattr(exc, "field", None)
        target = self.errors.get(field) if isinstance(exc, ValidationError) else None
        (target or self.general_error).show_error(str(exc))
        widget = self.fields.get(field) if target is not None else None
        if widget is not None:
            focus_into(widget)

    def check_dates(self) -> bool:
        """Accept every date field's text; False (cursor in the first wrong one, its message
        under it) when one holds text that is not a date or a required one is empty."""
        wrong = None
        for date_field in self.findChildren(OptionalDateEdit):
            date_field.commit()
            if date_field.problem() and wrong is None:
                wrong = date_field
        if wrong is not None:
            focus_into(wrong)
            return False
        return True

    def _on_save(self) -> None:
        self.clear_errors()
        if not self.check_dates():
            return
        try:
            self.result_object = self.submit()
        except StayOpen:
            return
        except CoachDeskError as exc:
            self.show_error(exc)
            return
        except Exception as exc:  # never a traceback in the coach's face
            log.exception("saving %s failed", self.objectName())
            self.general_error.show_error(f"That could not be saved: {exc}")
            return
        self.mark_clean()
        self.accept()

    def submit(self):  # pragma: no cover - abstract
        raise NotImplementedError
