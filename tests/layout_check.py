"""Does a window fit? Text cut short, widgets outside the window, sideways scrolling.

``check(root, where)`` looks at every visible widget of a window or dialog as it
is laid out now and returns the offenders, each with the room it has and the
room its text needs (font metrics against the part of the widget the style
draws the text in). Kept general: it knows widget classes, not CoachDesk's
pages, so a new page or dialog is checked with no new code.

Checked: labels, buttons (push, tool, check box, radio), combo boxes, text,
date, time and number fields, group box titles, column headings, table cells
on screen (shortened with no tooltip) and tabs.

What is fine: a word-wrapped label that has the height it needs; text that was
shortened on purpose ("…") with the full text in a tooltip; vertical scrolling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionToolButton,
    QTabBar,
    QToolButton,
    QWidget,
)
from ui_helpers import shown_text as tip_shown  # a tooltip as Qt shows it

TOLERANCE = 1  # px: rounding in the style's arithmetic


@dataclass
class Offender:
    where: str  # the page or dialog (and tab)
    path: str  # object names from the window down
    cls: str
    problem: str
    text: str
    needed: int
    available: int

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 70 else self.text[:67] + "..."
        return (f"{self.where}: {self.path} [{self.cls}] {self.problem}: "
                f"“{text}” needs {self.needed}px, has {self.available}px")


def path_of(widget: QWidget, root: QWidget) -> str:
    parts, w = [], widget
    while w is not None and w is not root:
        name = w.objectName()
        if name and not name.startswith("qt_"):
            parts.append(name)
        elif not parts:
            parts.append(f"<{type(w).__name__}>")
        w = w.parentWidget()
    return "/".join(reversed(parts)) or f"<{type(widget).__name__}>"


def shown_text(text: str) -> str:
    """A button's or tab's text as drawn: '&Save' shows 'Save', '&&' shows '&'."""
    return re.sub(r"&(.)", r"\1", text)


def _elided_on_purpose(text: str, tooltip: str) -> bool:
    return "…" in text and bool((tip_shown(tooltip) or "").strip())


# -- text room, per widget class -------------------------------------------------------

def _label(label: QLabel):
    """(problem, text, needed, available) for a label whose text does not fit, else None."""
    text = label.text()
    if not text or not label.pixmap().isNull():
        return None
    fm = QFontMetrics(label.font())
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        plain = doc.toPlainText()
    elif label.buddy() is not None:
        plain = shown_text(text)  # a buddy's label draws '&Name' as 'Name' (N underlined)
    else:
        plain = text
    if not plain.strip():
        return None
    cr = label.contentsRect()
    indent = label.indent() if label.indent() >= 0 else (
        fm.horizontalAdvance("x") // 2 if label.frameWidth() > 0 else 0)
    room = cr.width() - 2 * label.margin() - indent
    if label.wordWrap():
        needed_h = label.heightForWidth(label.width())
        if needed_h > label.height() + TOLERANCE:
            return "wrapped text is taller than the label", plain, needed_h, label.height()
        longest = max((fm.horizontalAdvance(word) for word in plain.split()), default=0)
        if longest > room + TOLERANCE:
            return "a word is wider than the label", plain, longest, room
        return None
    if rich:
        doc.setTextWidth(-1)
        needed = int(doc.idealWidth() + 0.999)
    else:
        needed = max(fm.horizontalAdvance(line) for line in plain.split("\n"))
    if needed > room + TOLERANCE:
        if _elided_on_purpose(plain, label.toolTip()) and needed <= room + TOLERANCE:
            return None
        return "text cut", plain, needed, room
    lines = plain.count("\n") + 1
    needed_h = fm.height() + (lines - 1) * fm.lineSpacing()
    room_h = cr.height() - 2 * label.margin()
    if needed_h > room_h + 2:
        return "text cut (height)", plain, needed_h, room_h
    return None


def _icon_room(button) -> int:
    return button.iconSize().width() + 4 if not button.icon().isNull() else 0


def _button(button: QAbstractButton):
    text = shown_text(button.text())
    if not text.strip():
        return None
    style = button.style()
    fm = QFontMetrics(button.font())
    needed = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    if isinstance(button, QPushButton):
        opt = QStyleOptionButton()
        opt.initFrom(button)
        opt.text = button.text()
        if button.autoDefault() or button.isDefault():
            opt.features |= QStyleOptionButton.ButtonFeature.AutoDefaultButton
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, button).width()
        if button.menu() is not None:
            room -= style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, button)
        needed += _icon_room(button)
    elif isinstance(button, QToolButton):
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly and not button.icon().isNull():
            return None
        opt = QStyleOptionToolButton()
        opt.initFrom(button)
        if button.popupMode() == QToolButton.ToolButtonPopupMode.MenuButtonPopup:
            opt.subControls |= QStyle.SubControl.SC_ToolButtonMenu
            opt.features |= QStyleOptionToolButton.ToolButtonFeature.MenuButtonPopup
        rect = style.subControlRect(QStyle.ComplexControl.CC_ToolButton, opt,
                                    QStyle.SubControl.SC_ToolButton, button)
        room = rect.width() - 2 * style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, opt, button)
        if button.menu() is not None and button.popupMode() == QToolButton.ToolButtonPopupMode.InstantPopup:
            room -= style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, button)
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon:
            needed += _icon_room(button)
    elif isinstance(button, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        opt.initFrom(button)
        element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(button, QCheckBox)
                   else QStyle.SubElement.SE_RadioButtonContents)
        room = style.subElementRect(element, opt, button).width()
        needed += _icon_room(button)
    else:
        return None
    if needed > room + TOLERANCE and not _elided_on_purpose(text, button.toolTip()):
        return "text cut", text, needed, room
    return None


def _combo(combo: QComboBox):
    if combo.isEditable():
        return None  # a line edit: its text scrolls, the coach can see all of it
    text = combo.currentText()
    if not text:
        return None
    opt = QStyleOptionComboBox()
    opt.initFrom(combo)
    opt.editable = False
    opt.currentText = text
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    needed = QFontMetrics(combo.font()).horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        needed += combo.iconSize().width() + 4
    if needed > field.width() + TOLERANCE and text not in tip_shown(combo.toolTip()):
        return "text cut (shown shortened)", text, needed, field.width()
    return None


def _spin_box(box: QAbstractSpinBox):
    """A date, time or number field whose value is shown cut ("8 Aug 20")."""
    return _line_edit(box.findChild(QLineEdit))


def _line_edit(edit: QLineEdit | None):
    """A field whose value is shown cut ("5:00" for 15:00)."""
    if edit is None or not edit.text() or edit.echoMode() != QLineEdit.EchoMode.Normal:
        return None
    margins = edit.textMargins()
    room = edit.contentsRect().width() - margins.left() - margins.right() - 4  # Qt's 2px each side
    needed = QFontMetrics(edit.font()).horizontalAdvance(edit.text())
    if needed > room + TOLERANCE:
        if edit.isReadOnly() and edit.text() and edit.text() in tip_shown(edit.toolTip()):
            return None  # a long path shown read-only: it scrolls, and its tooltip has it all
        return "value cut", edit.text(), needed, room
    return None


def _header_sections(header: QHeaderView):
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    mark = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    fm = QFontMetrics(header.font())
    for section in range(header.count()):
        size = header.sectionSize(section)
        if header.isSectionHidden(section) or size <= 0:
            continue
        text = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        text = str(text)
        room = size - 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            room -= mark + margin
        needed = max(fm.horizontalAdvance(line) for line in text.split("\n"))
        tip = tip_shown(model.headerData(section, Qt.Orientation.Horizontal,
                                         Qt.ItemDataRole.ToolTipRole))
        if needed > room + TOLERANCE and not (tip and text in str(tip)):
            yield section, text, needed, room


def _count(method) -> int:
    """rowCount/columnCount across model kinds (a list model's columnCount is private in Qt)."""
    for args in ((), (QModelIndex(),)):
        try:
            return method(*args)
        except TypeError:
            continue
    return 1


def _cells(view: QAbstractItemView, max_rows: int = 60):
    """Per column, the cells on screen whose text is shortened ("Engage…") with no tooltip."""
    model = view.model()
    if model is None:
        return
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    check_w = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view) + 4
    icon_w = view.iconSize().width() + 4 if view.iconSize().isValid() else 20
    area = view.viewport().rect()
    header = getattr(view, "horizontalHeader", lambda: None)()
    wrap = bool(getattr(view, "wordWrap", lambda: False)())
    for column in range(_count(model.columnCount)):
        if header is not None and header.isSectionHidden(column):
            continue
        cut, worst = 0, None
        shown = 0
        for row in range(_count(model.rowCount)):
            index = model.index(row, column)
            rect = view.visualRect(index)
            if not rect.intersects(area) or rect.width() <= 0:
                continue
            shown += 1
            if shown > max_rows:
                break
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is None or str(text) == "":
                continue
            text = str(text).split("\n")[0]
            font = index.data(Qt.ItemDataRole.FontRole)
            fm = QFontMetrics(font if font is not None else view.font())
            needed = fm.horizontalAdvance(text)
            if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                needed += icon_w
            if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
                needed += check_w
            room = rect.width() - 2 * margin
            if needed > room + TOLERANCE and wrap:  # wrapped: cut only if it needs more lines
                lines = fm.boundingRect(QRect(0, 0, max(room, 1), 100000),
                                        int(Qt.TextFlag.TextWordWrap), text)
                if lines.height() <= rect.height() and lines.width() <= room + TOLERANCE:
                    continue
            tip = tip_shown(index.data(Qt.ItemDataRole.ToolTipRole))
            # The tooltip holds the full text (its opening is enough: "(+5 more)" may differ).
            if needed > room + TOLERANCE and not (tip and text.rstrip("…")[:24] in str(tip)):
                cut += 1
                if worst is None or needed - room > worst[1] - worst[2]:
                    worst = (text, needed, room)
        if cut:
            heading = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            yield column, heading, cut, shown, worst


def _tab_bar(bar: QTabBar):
    fm = QFontMetrics(bar.font())
    style = bar.style()
    hspace = style.pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = shown_text(bar.tabText(i))
        rect = bar.tabRect(i)
        needed = fm.horizontalAdvance(text) + (bar.iconSize().width() + 4 if not bar.tabIcon(i).isNull() else 0)
        room = rect.width() - hspace
        if bar.tabButton(i, QTabBar.ButtonPosition.RightSide) is not None:
            room -= bar.tabButton(i, QTabBar.ButtonPosition.RightSide).width()
        if needed > room + TOLERANCE and text not in bar.tabToolTip(i):
            yield text, "tab text cut", needed, room
        elif rect.right() > bar.width() or rect.left() < 0:
            yield text, "tab out of sight (the tabs scroll)", rect.right() + 1, bar.width()


def _group_box(box: QGroupBox):
    title = shown_text(box.title())
    if not title:
        return None
    needed = QFontMetrics(box.font()).horizontalAdvance(title)
    if box.isCheckable():
        needed += box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, box) + 6
    room = box.width() - 16
    if needed > room + TOLERANCE:
        return "title cut", title, needed, room
    return None


# -- the check ---------------------------------------------------------------------------

def _in_scroll_area(widget: QWidget, root: QWidget) -> QScrollArea | None:
    w = widget.parentWidget()
    while w is not None and w is not root:
        parent = w.parentWidget()
        if isinstance(parent, QScrollArea) and parent.viewport() is w:
            return parent
        w = parent
    return None


def _inside_item_view(widget: QWidget, root: QWidget) -> bool:
    w = widget.parentWidget()
    while w is not None and w is not root:
        if isinstance(w, QAbstractItemView):
            return True
        w = w.parentWidget()
    return False


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def visible_widgets(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget)
            if w.isVisible() and w.window() is root and w.width() > 0 and w.height() > 0]


def check(root: QWidget, where: str) -> list[Offender]:
    """Every offender in ``root`` (a window or dialog, shown and laid out)."""
    out: list[Offender] = []

    def add(widget, problem, text, needed, available):
        out.append(Offender(where, path_of(widget, root), type(widget).__name__, problem,
                            str(text), int(needed), int(available)))

    widgets = visible_widgets(root)
    outside: set[int] = set()
    for w in widgets:
        # -- text that does not fit ---------------------------------------------------
        found = None
        if isinstance(w, QLabel):
            found = _label(w)
        elif isinstance(w, QAbstractButton) and not _inside_item_view(w, root):
            found = _button(w)
        elif isinstance(w, QComboBox):
            found = _combo(w)
        elif isinstance(w, QGroupBox):
            found = _group_box(w)
        elif isinstance(w, QAbstractSpinBox):
            found = _spin_box(w)
        elif isinstance(w, QLineEdit) and not isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)):
            found = _line_edit(w)
        if found:
            add(w, *found)
        if isinstance(w, QHeaderView):
            for section, text, needed, room in _header_sections(w):
                add(w, f"column {section} heading cut", text, needed, room)
        if isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):
            for column, heading, cut, shown, (text, needed, room) in _cells(w):
                add(w, f"cells cut in column {column} “{heading or ''}” ({cut} of {shown} on screen, "
                    "no tooltip)", text, needed, room)
        if isinstance(w, QTabBar):
            for text, problem, needed, room in _tab_bar(w):
                add(w, problem, text, needed, room)
        # -- sideways scrolling ----------------------------------------------------------
        if isinstance(w, QAbstractScrollArea) and not isinstance(w, QHeaderView):
            bar = w.horizontalScrollBar()
            if bar.maximum() > 0:
                kind = "table needs sideways scrolling (columns out of sight)" \
                    if isinstance(w, QAbstractItemView) else "needs sideways scrolling"
                header = getattr(w, "horizontalHeader", getattr(w, "header", None))
                # A table scrolls per column by default: its bar counts columns, not pixels.
                needed = header().length() if callable(header) and header() is not None \
                    else w.viewport().width() + bar.maximum()
                add(w, kind, "", needed, w.viewport().width())
        # -- outside the window or its scroll area -----------------------------------
        parent = w.parentWidget()
        if parent is not None and id(parent) in outside:
            outside.add(id(w))  # its container is already reported
            continue
        if _inside_item_view(w, root):
            continue
        area = _in_scroll_area(w, root)
        if area is not None:
            r = _rect_in(w, area.viewport())
            room = area.viewport().width()
            if r.right() + 1 > room + TOLERANCE and area.horizontalScrollBar().maximum() == 0:
                outside.add(id(w))
                add(w, "cut off at the right of its scroll area", _text_of(w), r.right() + 1, room)
            continue
        r = _rect_in(w, root)
        if not root.rect().adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE).contains(r):
            outside.add(id(w))
            add(w, "outside the window", _text_of(w), max(r.right() + 1, r.bottom() + 1),
                root.width() if r.right() + 1 > root.width() else root.height())
    return out


def _text_of(widget: QWidget) -> str:
    for getter in ("text", "title", "currentText", "windowTitle"):
        value = getattr(widget, getter, None)
        if callable(value):
            try:
                text = value()
            except TypeError:
                continue
            if isinstance(text, str) and text:
                return shown_text(text)
    return ""


def report(offenders: list[Offender]) -> str:
    return "\n".join(str(o) for o in offenders)
