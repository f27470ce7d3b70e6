"""Settings: the coaching questions shown for each GROW stage, and the paper size."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPushButton

from coachdesk.reports import worksheet

from ..context import AppContext
from ..widgets.text import FocusOutPlainTextEdit
from .base import FormDialog

STAGE_TITLES = {"goal": "Goal questions", "reality": "Reality questions",
                "options": "Options questions", "will": "Will questions"}


class SettingsDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Settings", "settingsDialog", parent)
        self.ctx = ctx
        self.resize(640, 0)
        self.paper = QComboBox()
        self.paper.addItem("A4", "A4")
        self.paper.addItem("US Letter", "Letter")
        self.add_field("Paper size", "paper", self.paper, "settingsPaper")
        self.paper.setCurrentIndex(max(self.paper.findData(worksheet.get_paper_size(ctx.db)), 0))
        self.prompt_edits: dict[str, FocusOutPlainTextEdit] = {}
        prompts = worksheet.get_prompts(ctx.db)
        for stage in worksheet.STAGES:
            edit = FocusOutPlainTextEdit("One question per line")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(84)
            edit.setPlainText("\n".join(prompts.get(stage, [])))
            self.prompt_edits[stage] = self.add_field(STAGE_TITLES[stage], stage, edit,
                                                      f"settingsPrompts_{stage}")
        self.reset_button = QPushButton("Restore the standard questions")
        self.reset_button.setObjectName("settingsResetPrompts")
        self.reset_button.clicked.connect(self._reset)
        self.form.addRow("", self.reset_button)

    def _reset(self) -> None:
        for stage, edit in self.prompt_edits.items():
            edit.setPlainText("\n".join(worksheet.DEFAULT_PROMPTS[stage]))

    def submit(self):
        prompts = {stage: [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]
                   for stage, edit in self.prompt_edits.items()}
        saved = worksheet.set_prompts(self.ctx.db, prompts)
        worksheet.set_paper_size(self.ctx.db, self.paper.currentData())
        self.ctx.notify("settings")
        self.ctx.say("Settings saved.")
        return saved
