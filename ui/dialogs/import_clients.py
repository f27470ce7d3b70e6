"""Import clients from a spreadsheet (CSV) or an address book (vCard), in three steps:
choose the file, match its columns to the client's details, check each row and import.

The work is the engine's (``coachdesk.services.client_import``); this dialog shows what
it returns. Reading the file, building the preview and the import itself run off the
GUI thread (one worker, as the dashboard does), so the window never waits on a large
file; each result comes back through a queued signal.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coachdesk.errors import CoachDeskError
from coachdesk.services import client_import as ci

from ..context import AppContext
from ..models.rows import RowsTableModel
from ..plain import plain_tips
from ..theme import colour, css
from ..widgets.fields import name_widget
from .import_encoding import encoding_items, plain_name

log = logging.getLogger(__name__)

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="client-import")
FILE_FILTER = ("Spreadsheets and contacts (*.csv *.tsv *.txt *.vcf *.vcard);;"
               "Spreadsheets (*.csv *.tsv *.txt);;Contacts (*.vcf *.vcard);;All files (*)")
NOT_IN_FILE = "— not in this file —"
STEPS = ("Choose the file", "Match the columns", "Check and import")
DELIMITER_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs"}


@plain_tips
class PreviewModel(RowsTableModel):
    """One line per row of the file: a tick, what it will create, its problems."""

    # Problems sit next to the name and e-mail they concern, where they are seen first.
    HEADERS = ("Import", "Row", "Name", "E-mail", "Problems", "Organisation", "Job title", "Phone",
               "Notes")  # a card's other names ("Also known as: Chen Jing") are seen here
    KEYS = (None, None, "name", "email", None, "organization", "job_title", "phone", "background")
    PROBLEMS = 4
    chosen_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ci.PreviewRow] = []
        self.chosen: set[int] = set()

    def set_rows(self, rows: list[ci.PreviewRow], chosen: set[int]) -> None:
        self.beginResetModel()
        self.rows, self.chosen = rows, set(chosen)
        self.endResetModel()
        self.chosen_changed.emit()

    def set_chosen(self, chosen: set[int]) -> None:
        self.chosen = set(chosen)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.chosen_changed.emit()

    def chosen_count(self) -> int:
        return sum(1 for r in self.rows if r.number in self.chosen and r.importable)

    def flags(self, index):
        if index.column() == 0:
            row = self.rows[index.row()]
            if row.importable:
                return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable \
                    | Qt.ItemFlag.ItemIsSelectable
            return Qt.ItemFlag.NoItemFlags  # no name or a bad e-mail: cannot be ticked
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if column == 0:
            if role == Qt.ItemDataRole.CheckStateRole:
                ticked = row.number in self.chosen and row.importable
                return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole and not row.importable:
                return "This row cannot be imported: " + row.problem_text
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 1:
                return row.label
            if column == self.PROBLEMS:
                if role == Qt.ItemDataRole.ToolTipRole:
                    return row.problem_text or None
                return row.problem_text or "No problem"
            value = row.values[self.KEYS[column]]
            if role == Qt.ItemDataRole.DisplayRole:
                return " ".join(value.split()) if value else ""
            return value or None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.PROBLEMS:
            if not row.problems:
                return colour("grey")
            return colour("red" if not row.importable else "amber")
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.PROBLEMS:
            return row.problem_text or "No problem"
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        if index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        row = self.rows[index.row()]
        if not row.importable:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.chosen.add(row.number)
        else:
            self.chosen.discard(row.number)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.chosen_changed.emit()
        return True


class ImportClientsDialog(QDialog):
    """File → "Import clients from a spreadsheet or vCard…"."""

    #: results from the worker: (generation, Source | PreviewRows | ImportResult | Exception)
    _arrived = Signal(str, int, object)
    _progress = Signal(int, int)
    #: the import finished (for tests and the caller): the result sentence
    finished_import = Signal(str)

    def __init__(self, ctx: AppContext, parent=None, path: str | Path | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import clients")
        self.setObjectName("importClientsDialog")
        self.setModal(True)
        self.resize(980, 620)
        self.source: ci.Source | None = None
        self.rows: list[ci.PreviewRow] = []
        self.result: ci.ImportResult | None = None
        self.busy = False
        self._generation = 0
        self._arrived.connect(self._on_arrived)
        self._progress.connect(self._on_progress)

        self.step_label = QLabel()
        self.step_label.setObjectName("importStep")
        self.step_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.stack = QStackedWidget()
        self.stack.setObjectName("importSteps")
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._preview_page())

        self.progress = name_widget(QProgressBar(), "importProgress", "Progress")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.back_button = name_widget(QPushButton("‹ Back"), "importBack", "Back")
        self.next_button = name_widget(QPushButton("Next ›"), "importNext", "Next")
        self.import_button = name_widget(QPushButton("Import"), "importButton", "Import")
        self.close_button = name_widget(QPushButton("Cancel"), "importClose", "Cancel")
        self.next_button.setDefault(True)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch()
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        if path:
            self.path_edit.setText(str(path))
        self._show_step(0)

    # -- the three pages ---------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "Bring in clients you already keep elsewhere:\n"
            "• a spreadsheet saved as CSV (from Excel, Numbers, LibreOffice or Google Sheets), or\n"
            "• a vCard file (.vcf) exported from Apple Contacts, Google Contacts or Outlook.\n\n"
            "You will see every row before anything is added, and nothing changes until you "
            "press Import.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.path_edit = name_widget(QLineEdit(), "importPath", "File to import")
        self.path_edit.setPlaceholderText("Choose a .csv or .vcf file…")
        self.path_edit.textChanged.connect(lambda _t: self._update_buttons())
        self.path_edit.returnPressed.connect(self.go_next)
        browse = name_widget(QPushButton("Choose file…"), "importBrowse", "Choose file")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.file_message = self._message_label("importFileMessage", "File message")
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addWidget(self.file_message)
        layout.addStretch()
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.file_info = QLabel()
        self.file_info.setObjectName("importFileInfo")
        self.file_info.setTextFormat(Qt.TextFormat.PlainText)
        self.file_info.setWordWrap(True)
        explain = QLabel("Which column holds each detail? CoachDesk guessed from the column "
                         "names; change any guess that is wrong. A full name wins over first "
                         "and last name when a row has both.")
        explain.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.combos: dict[str, QComboBox] = {}
        for field_name in ci.FIELDS:
            label = ci.FIELD_LABELS[field_name]
            combo = name_widget(QComboBox(), f"map_{field_name}", f"Column for {label}")
            combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
            self.combos[field_name] = combo
            form.addRow(label, combo)
        layout = QVBoxLayout(page)
        layout.addWidget(self.file_info)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addStretch()
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.skip_problems = name_widget(QCheckBox("Skip rows with problems"),
                                         "importSkipProblems", "Skip rows with problems")
        self.skip_problems.setChecked(True)
        self.skip_problems.setToolTip(
            "Ticked: only rows without any problem are imported. Untick it to include rows "
            "that look like duplicates; rows without a name or with a wrong e-mail are never "
            "imported.")
        self.skip_problems.toggled.connect(self._on_skip_toggled)
        self.model = PreviewModel(self)
        self.model.chosen_changed.connect(self._update_buttons)
        self.table = name_widget(QTableView(), "importPreview", "Rows to import")
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((56, 64, 180, 200, 330, 160, 150)):
            self.table.setColumnWidth(column, width)
        self.result_label = self._message_label("importResult", "Import result")
        self.encoding_combo = name_widget(QComboBox(), "importEncoding", "Encoding")
        self.encoding_combo.currentIndexChanged.connect(self._encoding_chosen)
        encoding_label = QLabel("&Encoding")
        encoding_label.setBuddy(self.encoding_combo)
        self.encoding_message = self._message_label("importEncodingMessage", "Encoding message")
        encoding_row = QHBoxLayout()
        encoding_row.addWidget(encoding_label)
        encoding_row.addWidget(self.encoding_combo)
        encoding_row.addWidget(self.encoding_message, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addLayout(encoding_row)
        layout.addWidget(self.skip_problems, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_label)
        return page

    @staticmethod
    def _message_label(name: str, accessible: str) -> QLabel:
        label = name_widget(QLabel(), name, accessible)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.hide()
        return label

    def _say(self, label: QLabel, text: str, tone: str | None = None) -> None:
        label.setStyleSheet(f"color: {css(tone)};" if tone else "")
        label.setText(text)
        label.setVisible(bool(text))

    # -- moving between steps ----------------------------------------------------------

    def _show_step(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        vcard = self.source is not None and self.source.fixed_mapping
        total = 2 if vcard else 3
        number = index + 1 if not (vcard and index == 2) else 2
        # before the file is read, how many steps it takes is not known (a vCard has two)
        of = f" of {total}" if self.source is not None else ""
        self.step_label.setText(f"Step {number}{of} · {STEPS[index]}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        index = self.stack.currentIndex()
        done = self.result is not None
        self.back_button.setVisible(index > 0 and not done)
        self.back_button.setEnabled(not self.busy)
        self.next_button.setVisible(index < 2)
        self.next_button.setEnabled(not self.busy and (
            bool(self.path_edit.text().strip()) if index == 0 else self._mapping_has_name()))
        if index == 1 and not self._mapping_has_name():
            self.next_button.setToolTip("Choose the column with the name, or with first and "
                                        "last names.")
        else:
            self.next_button.setToolTip("")
        count = self.model.chosen_count()
        self.import_button.setVisible(index == 2 and not done)
        self.import_button.setText(f"Import {count} client{'' if count == 1 else 's'}")
        self.import_button.setEnabled(count > 0 and not self.busy)
        self.close_button.setText("Close" if done else "Cancel")
        self.close_button.setEnabled(not (self.busy and index == 2))
        if index == 2 and self.rows and not done:
            self._update_summary()

    def _mapping_has_name(self) -> bool:
        m = self.mapping()
        return any(m.get(f) is not None for f in ("name", "first_name", "last_name"))

    def go_back(self) -> None:
        index = self.stack.currentIndex()
        if index == 2 and self.source is not None and not self.source.fixed_mapping:
            self._show_step(1)
        else:
            self._show_step(0)

    def go_next(self) -> None:
        if self.busy:
            return
        if self.stack.currentIndex() == 0:
            self.read_file()
        elif self.stack.currentIndex() == 1:
            self.build_preview()

    def browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Choose a spreadsheet or vCard file", start,
                                              FILE_FILTER)
        if path:
            self.path_edit.setText(path)
            self.read_file()

    # -- work off the GUI thread ---------------------------------------------------------

    def _run(self, kind: str, work) -> None:
        self._generation += 1
        generation = self._generation
        self.busy = True
        self.progress.setRange(0, 0)  # busy until the figures arrive
        self.progress.show()
        self._update_buttons()

        def job():
            try:
                result = work()
            except CoachDeskError as exc:
                result = exc
            except Exception:  # logged with its traceback, shown as a sentence
                log.exception("client import: %s failed", kind)
                # never the error's own text: it may quote a cell of the coach's file
                result = CoachDeskError("Something went wrong while reading the file. Nothing "
                                        "was changed; the details are in the log folder.")
            try:
                self._arrived.emit(kind, generation, result)
            except RuntimeError:  # the dialog was closed meanwhile
                pass

        _WORKER.submit(job)

    def _on_arrived(self, kind: str, generation: int, result) -> None:
        if generation != self._generation:
            return
        self.busy = False
        self.progress.hide()
        if kind == "read":
            self._read_arrived(result)
        elif kind == "reread":
            self._reread_arrived(result)
        elif kind == "preview":
            self._preview_arrived(result)
        else:
            self._import_arrived(result)
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    # -- step 1: read the file ------------------------------------------------------------

    def read_file(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            return
        self._say(self.file_message, "Reading the file…")
        self._run("read", lambda: ci.read_source(path))

    def _read_arrived(self, result) -> None:
        if isinstance(result, Exception):
            self._say(self.file_message, str(result), "red")
            return
        self._say(self.file_message, "")
        self.source = result
        self.result = None
        self._fill_combos(result)
        self._fill_encodings(result)
        if result.fixed_mapping:
            self.build_preview()
        else:
            self._show_step(1)

    def _fill_combos(self, source: ci.Source) -> None:
        name = Path(self.path_edit.text().strip()).name
        encoding = plain_name(source.encoding)
        rows = f"{len(source.rows)} row{'' if len(source.rows) == 1 else 's'}"
        if source.fixed_mapping:
            self.file_info.setText(f"{name} · {rows.replace('row', 'card')}")
        else:
            self.file_info.setText(f"{name} · {rows} · {encoding} text, columns separated by "
                                   f"{DELIMITER_WORDS.get(source.delimiter, source.delimiter)}")
        guessed = ci.default_mapping(source)
        for field_name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for i, header in enumerate(source.headers):
                sample = next((r[i] for r in source.rows if i < len(r) and r[i].strip()), "")
                sample = " ".join(sample.split())
                if len(sample) > 32:
                    sample = sample[:31] + "…"
                combo.addItem(f"{header}   (e.g. {sample})" if sample else header, i)
            chosen = guessed.get(field_name)
            combo.setCurrentIndex(0 if chosen is None else chosen + 1)
            combo.blockSignals(False)

    def _fill_encodings(self, source: ci.Source) -> None:
        """Text files offer the coach a choice of encoding; vCards keep theirs."""
        combo, text = self.encoding_combo, source.kind == "csv"
        combo.blockSignals(True)
        combo.clear()
        for label, codec in encoding_items(source.encoding if text else None):
            combo.addItem(label, codec)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
        combo.setEnabled(text)
        combo.setToolTip("If names look garbled, choose the encoding the file was saved in."
                         if text else "A contacts file says which encoding it uses itself.")
        self._encoding_index = 0
        self._say(self.encoding_message, "")

    def _encoding_chosen(self, index: int) -> None:
        """Re-read the file with the coach's encoding; the preview follows (or stays)."""
        codec, path = self.encoding_combo.itemData(index), self.path_edit.text().strip()
        if index < 0 or not codec or self.source is None or self.result is not None:
            return  # a re-read still running is overtaken: only the latest one counts
        self._say(self.encoding_message, "Reading the file again…")
        self._run("reread", lambda: ci.read_source(path, encoding=codec))

    def _reread_arrived(self, result) -> None:
        if isinstance(result, Exception):  # the sentence beside the box; the old preview stays
            self._say(self.encoding_message, str(result), "red")
            self.encoding_combo.blockSignals(True)
            self.encoding_combo.setCurrentIndex(self._encoding_index)
            self.encoding_combo.blockSignals(False)
            return
        self._say(self.encoding_message, "")
        self._encoding_index = self.encoding_combo.currentIndex()
        kept = self.mapping()  # the coach's column choices survive the re-read
        self.source = result
        self._fill_combos(result)
        for field_name, combo in self.combos.items():
            column = kept.get(field_name)
            if column is None or column < len(result.headers):
                combo.setCurrentIndex(0 if column is None else column + 1)
        self.build_preview()

    def mapping(self) -> dict[str, int | None]:
        if self.source is not None and self.source.fixed_mapping:
            return ci.default_mapping(self.source)
        return {f: combo.currentData() for f, combo in self.combos.items()}

    # -- step 3: preview and import ----------------------------------------------------------

    def build_preview(self) -> None:
        if self.source is None:
            return
        source, mapping, db = self.source, self.mapping(), self.ctx.db
        self._run("preview", lambda: ci.preview(db, source, mapping))

    def _preview_arrived(self, result) -> None:
        if isinstance(result, Exception):
            self._say(self.file_message, str(result), "red")
            self._show_step(0)
            return
        self.rows = result
        self._say(self.result_label, "")
        self.model.set_rows(result, ci.rows_to_import(result, self.skip_problems.isChecked()))
        for column, key in enumerate(PreviewModel.KEYS):  # hide what the file does not have
            if key:
                self.table.setColumnHidden(column, not any(r.values[key] for r in result))
        self._show_step(2)

    def _on_skip_toggled(self, checked: bool) -> None:
        self.model.set_chosen(ci.rows_to_import(self.rows, checked))

    def _update_summary(self) -> None:
        total = len(self.rows)
        with_problems = sum(1 for r in self.rows if r.problems)
        blocked = sum(1 for r in self.rows if not r.importable)
        kind = "card" if self.source and self.source.fixed_mapping else "row"
        text = f"{total} {kind}{'' if total == 1 else 's'} in the file"
        if with_problems:
            text += f"; {with_problems} with a problem (see the Problems column)"
            if blocked:
                text += f", of which {blocked} cannot be imported (no name or a wrong e-mail)"
        else:
            text += ", none with a problem"
        text += f". Ticked rows are imported: {self.model.chosen_count()}."
        self.summary.setText(text)

    def start_import(self) -> None:
        if self.busy or not self.model.chosen_count():
            return
        rows, chosen, db = list(self.rows), set(self.model.chosen), self.ctx.db
        self._say(self.result_label, "Importing…")
        self.encoding_combo.setEnabled(False)  # the rows being imported are these ones

        def work():
            return ci.import_rows(db, rows, chosen, progress=self._report)

        self._run("import", work)

    def _report(self, done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            try:
                self._progress.emit(done, total)
            except RuntimeError:
                pass

    def _import_arrived(self, result) -> None:
        if isinstance(result, Exception):
            self._say(self.result_label, str(result), "red")
            self.encoding_combo.setEnabled(self.source is not None and self.source.kind == "csv")
            return
        self.result = result
        self.skip_problems.setEnabled(False)
        self.table.setEnabled(False)
        sentence = result.sentence()
        self._say(self.result_label, sentence + " They are in your clients list now.", "green")
        self.ctx.notify("client")
        self.ctx.say(sentence)
        self.finished_import.emit(sentence)

    def reject(self) -> None:
        if self.busy and self.stack.currentIndex() == 2:
            return  # an import is being written: it finishes (or rolls back) on its own
        super().reject()
