"""A form dialog whose service errors appear next to the field they concern."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError, ValidationError

from ..widgets.fields import ErrorLabel, with_error

log = logging.getLogger(__name__)


class FormDialog(QDialog):
    """Subclasses add rows with ``add_field`` and implement ``submit()``."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        self.setModal(True)
        self.form = QFormLayout()
        self.errors: dict[str, ErrorLabel] = {}
        self.general_error = ErrorLabel(f"{object_name}General")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("dialogSave")
        self.save_button.setAccessibleName("Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("dialogCancel")
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.result_object = None

    def add_field(self, label: str, field: str, widget: QWidget, object_name: str) -> QWidget:
        widget.setObjectName(object_name)
        widget.setAccessibleName(label.rstrip(":*").strip())
        error = ErrorLabel(object_name)
        self.errors[field] = error
        self.form.addRow(QLabel(label), with_error(widget, error))
        return widget

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.show_error(None)
        self.general_error.show_error(None)

    def show_error(self, exc: CoachDeskError) -> None:
        field = getattr(exc, "field", None)
        target = self.errors.get(field) if isinstance(exc, ValidationError) else None
        (target or self.general_error).show_error(str(exc))

    def _on_save(self) -> None:
        self.clear_errors()
        try:
            self.result_object = self.submit()
        except CoachDeskError as exc:
            self.show_error(exc)
            return
        except Exception as exc:  # never a traceback in the coach's face
            log.exception("saving %s failed", self.objectName())
            self.general_error.show_error(f"That could not be saved: {exc}")
            return
        self.accept()

    def submit(self):  # pragma: no cover - abstract
        raise NotImplementedError
