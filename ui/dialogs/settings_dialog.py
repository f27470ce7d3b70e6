"""Settings: the coaching questions for each GROW stage, the paper size, how dates read,
and for sponsor reports the coach's name and logo and the mail server (its password goes to the system
keyring only, never into the practice file)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from coachdesk import dates, mail
from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.reports import worksheet
from coachdesk.services import settings as settings_service

from ..context import AppContext
from ..plain import as_plain
from ..widgets.text import FocusOutPlainTextEdit
from . import settings_business, settings_privacy
from .base import FormDialog
from .settings_agreement import AgreementSettings

STAGE_TITLES = {"goal": "Goal questions", "reality": "Reality questions",
                "options": "Options questions", "will": "Will questions"}


class SettingsDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("Settings", "settingsDialog", parent)
        self.ctx = ctx
        self.resize(680, 620)
        # Two tabs: the worksheet (paper, questions) and reports & e-mail. ``add_field`` puts
        # rows into ``self.form``, so each tab gets its own form in turn.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setAccessibleName("Settings sections")
        self.layout().insertWidget(0, self.tabs, 1)
        self._tab_of_field: dict[str, int] = {}
        self._new_tab("Sessions && worksheets")
        self.session_minutes = QSpinBox()
        self.session_minutes.setRange(settings_service.SESSION_MINUTES_MIN,
                                      settings_service.SESSION_MINUTES_MAX)
        self.session_minutes.setSingleStep(5)
        self.session_minutes.setSuffix(" min")
        self.session_minutes.setValue(settings_service.default_session_minutes(ctx.db))
        self.session_minutes.setToolTip("The length a new session starts with; "
                                        "you can still change it for each session.")
        self.add_field("Default session length", "default_session_minutes", self.session_minutes,
                       "settingsSessionMinutes")
        self.paper = QComboBox()
        self.paper.addItem("A4", "A4")
        self.paper.addItem("US Letter", "Letter")
        self.add_field("Paper size", "paper", self.paper, "settingsPaper")
        self.paper.setCurrentIndex(max(self.paper.findData(worksheet.get_paper_size(ctx.db)), 0))
        self._build_date_fields()
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
        self._build_reports_tab()
        self._build_backups_tab()
        self.agreement = AgreementSettings(self)
        settings_business.add_tab(self)  # "Business & invoices": its own check and save
        settings_privacy.add_tab(self)  # "Privacy & lock": encryption, keyring, idle lock

    def _build_date_fields(self) -> None:
        """"Date format" and "Language for month names": kept in the practice file, so the
        reports and the CLI write dates as the window does on any computer."""
        style = settings_service.date_style(self.ctx.db)
        self.date_format = QComboBox()
        for key, (label, _pattern) in dates.FORMATS.items():
            self.date_format.addItem(label, key)
        self.date_format.setCurrentIndex(max(self.date_format.findData(style.format), 0))
        self.date_format.setToolTip("How dates read in lists, reports and messages.")
        self.add_field("Date format", "date_format", self.date_format, "settingsDateFormat")
        self.date_language = QComboBox()
        for key, label in dates.LANGUAGES.items():
            self.date_language.addItem(label, key)
        self.date_language.setCurrentIndex(max(self.date_language.findData(style.language), 0))
        self.date_language.setToolTip("The language of month and weekday names, as in "
                                      "“lundi 30 novembre 2026”.")
        self.add_field("Language for month names", "date_language", self.date_language,
                       "settingsDateLanguage")

    def _new_tab(self, title: str) -> None:
        page = QWidget()
        self.form = QFormLayout(page)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, title)

    def add_field(self, label, field, widget, object_name):
        self._tab_of_field[field] = self.tabs.count() - 1
        return super().add_field(label, field, widget, object_name)

    def show_error(self, exc: CoachDeskError) -> None:
        field = getattr(exc, "field", None)
        if isinstance(exc, ValidationError) and field in self._tab_of_field:
            self.tabs.setCurrentIndex(self._tab_of_field[field])  # first, so the cursor can go there
        super().show_error(exc)

    # -- reports & e-mail ----------------------------------------------------------------------
    def _section(self, text: str) -> None:
        label = QLabel(text)
        label.setStyleSheet("font-weight: 600; margin-top: 8px;")
        self.form.addRow(label)

    def _build_reports_tab(self) -> None:
        self._new_tab("Reports && e-mail")
        profile = settings_service.coach_profile(self.ctx.db)
        self._section("On the cover of your reports")
        self.coach_name = self.add_field("Your name", "name", QLineEdit(profile.name),
                                         "settingsCoachName")
        self.coach_name.setPlaceholderText("As the sponsor should read it")
        self.credentials = self.add_field("Credentials", "credentials",
                                          QLineEdit(profile.credentials), "settingsCredentials")
        self.credentials.setPlaceholderText("For example: ICF PCC, MSc Coaching Psychology")
        self.logo_path = QLineEdit(str(profile.logo_path or ""))
        self.logo_path.setPlaceholderText("No logo (optional): a PNG or JPEG file")
        self.logo_button = QPushButton("Choose…")
        self.logo_button.setObjectName("settingsLogoChoose")
        self.logo_button.setAccessibleName("Choose a logo")
        self.logo_clear = QPushButton("Remove")
        self.logo_clear.setObjectName("settingsLogoRemove")
        self.logo_clear.setAccessibleName("Remove the logo")
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("settingsLogoPreview")
        self.logo_preview.setAccessibleName("Logo preview")
        self.logo_preview.setFixedSize(120, 48)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid palette(mid);")
        logo_row = QWidget()
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo_path, 1)
        row.addWidget(self.logo_button)
        row.addWidget(self.logo_clear)
        row.addWidget(self.logo_preview)
        self.add_field("Logo", "logo_path", logo_row, "settingsLogo")
        self.logo_path.setObjectName("settingsLogoPath")
        self.logo_path.setAccessibleName("Logo file")
        self.logo_button.clicked.connect(self._choose_logo)
        self.logo_clear.clicked.connect(lambda: self.logo_path.clear())
        self.logo_path.textChanged.connect(self._show_logo)
        self._show_logo()

        smtp = mail.get_smtp_settings(self.ctx.db)
        self._section("Sending e-mail from CoachDesk (optional)")
        hint = QLabel("Without this, “E-mail to sponsor” opens a draft in your own mail program. "
                      "Your provider’s help pages give these values.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow(hint)
        self.smtp_server = self.add_field("Mail server", "server", QLineEdit(smtp.server),
                                          "settingsSmtpServer")
        self.smtp_server.setPlaceholderText("smtp.example.org")
        self.smtp_security = QComboBox()
        for label, key in (("STARTTLS (usually port 587)", "starttls"),
                           ("SSL/TLS (usually port 465)", "ssl"), ("None (not encrypted)", "none")):
            self.smtp_security.addItem(label, key)
        self.smtp_security.setCurrentIndex(max(self.smtp_security.findData(smtp.security), 0))
        self.add_field("Security", "security", self.smtp_security, "settingsSmtpSecurity")
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(int(smtp.port or 587))
        self.add_field("Port", "port", self.smtp_port, "settingsSmtpPort")
        self.smtp_user = self.add_field("User name", "user", QLineEdit(smtp.user),
                                        "settingsSmtpUser")
        self.smtp_user.setPlaceholderText("Often your e-mail address; empty if no login")
        self.smtp_password = self.add_field("Password", "password", QLineEdit(),
                                            "settingsSmtpPassword")
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self._saved_password = False
        try:
            self._saved_password = bool(smtp.user and mail.get_smtp_password(smtp.user))
        except CoachDeskError:
            pass
        self.smtp_password.setPlaceholderText(
            "Kept in your system keyring; type to change it" if self._saved_password
            else "Kept in your system keyring, never in the practice file")
        self.smtp_sender = self.add_field("From address", "sender", QLineEdit(smtp.sender),
                                          "settingsSmtpSender")
        self.smtp_sender.setPlaceholderText("Your Name <you@example.org>")
        self._last_security = smtp.security
        self.smtp_security.currentIndexChanged.connect(self._security_changed)
        # A login without encryption is said at once, under Security (and refused on Save):
        # connected after the field's own "clear when changed", so it speaks last
        for signal in (self.smtp_security.currentIndexChanged, self.smtp_security.activated,
                       self.smtp_server.textChanged, self.smtp_user.textChanged):
            signal.connect(self._warn_plain_login)
        self._warn_plain_login()

    def _security_changed(self, *_):
        new = self.smtp_security.currentData()
        if self.smtp_port.value() == mail.DEFAULT_PORTS.get(self._last_security):
            self.smtp_port.setValue(mail.DEFAULT_PORTS[new])
        self._last_security = new

    def _warn_plain_login(self, *_):
        error = self.errors["security"]
        if mail.plain_login_refused(self._smtp_values()):
            error.show_error(mail.PLAIN_LOGIN_REFUSED)
        elif error.text() == mail.PLAIN_LOGIN_REFUSED:
            error.show_error(None)

    def _choose_logo(self) -> None:
        start = self.logo_path.text().strip() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Choose your logo", start,
                                              "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo_path.setText(path)

    def _show_logo(self, *_):
        path = self.logo_path.text().strip()
        pixmap = QPixmap(path) if path else QPixmap()
        if pixmap.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("not an image" if path else "no logo")
        else:
            self.logo_preview.setPixmap(pixmap.scaled(
                self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def _smtp_values(self) -> mail.SmtpSettings:
        return mail.SmtpSettings(server=self.smtp_server.text(), port=self.smtp_port.value(),
                                 security=self.smtp_security.currentData(),
                                 user=self.smtp_user.text(), sender=self.smtp_sender.text())

    def _check_smtp(self) -> mail.SmtpSettings | None:
        """The mail server settings checked (None when not set up); writes nothing."""
        values = self._smtp_values()
        password = self.smtp_password.text()
        if not (values.server.strip() or values.sender.strip() or values.user.strip() or password):
            return None
        clean = mail.validate_smtp_settings(values)
        if password and not clean.user:
            raise ValidationError("Please give the user name that goes with the password.", "user")
        return clean

    def _save_reports(self, clean: mail.SmtpSettings | None) -> None:
        settings_service.set_coach_profile(self.ctx.db, self.coach_name.text().strip(),
                                           self.credentials.text().strip(),
                                           self.logo_path.text().strip())
        if clean is None:
            settings_service.put_json(self.ctx.db, mail.SETTINGS_KEY, None)  # not set up
            return
        password = self.smtp_password.text()
        if password:
            mail.set_smtp_password(clean.user, password)  # the keyring only
        mail.set_smtp_settings(self.ctx.db, clean)

    def _reset(self) -> None:
        for stage, edit in self.prompt_edits.items():
            edit.setPlainText("\n".join(worksheet.DEFAULT_PROMPTS[stage]))

    # -- data & backups -------------------------------------------------------------------------
    def _build_backups_tab(self) -> None:
        from coachdesk import backups, paths

        self._new_tab("Data && backups")
        current = backups.get_settings(self.ctx.db)
        self._section("Your practice")
        self.data_folder = QLineEdit(str(Path(self.ctx.db.path).parent))
        self.data_folder.setReadOnly(True)
        self.data_folder.setToolTip(as_plain(str(self.ctx.db.path)))
        self.data_folder_open = QPushButton("Open")
        self.data_folder_open.setObjectName("settingsDataFolderOpen")
        self.data_folder_open.setAccessibleName("Open the data folder")
        self.data_folder_open.clicked.connect(
            lambda: self._open_folder(Path(self.ctx.db.path).parent))
        data_row = QWidget()
        row = QHBoxLayout(data_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.data_folder, 1)
        row.addWidget(self.data_folder_open)
        self.add_field("Data folder", "data_folder", data_row, "settingsDataFolder")
        self.data_folder.setObjectName("settingsDataFolderPath")
        self.data_folder.setAccessibleName("Data folder")
        # A path as a field, like the data folder: a label cannot wrap inside a long path
        # (a synced Documents folder, a deep test folder) and pushed the dialog wider.
        usual = QLineEdit(str(paths.backup_dir(self.ctx.db.path)))
        usual.setReadOnly(True)
        usual.setToolTip(as_plain(usual.text()))
        usual.setCursorPosition(0)
        self.backups_folder = self.add_field("Backups folder", "backups_folder", usual,
                                             "settingsUsualBackups")
        usual.setAccessibleName("Backups folder")

        self._section("Backups")
        self.backup_rhythm = QComboBox()
        for key, label in backups.RHYTHMS.items():
            self.backup_rhythm.addItem(label, key)
        self.backup_rhythm.setCurrentIndex(max(self.backup_rhythm.findData(current.rhythm), 0))
        self.add_field("Make backups", "rhythm", self.backup_rhythm, "settingsBackupRhythm")
        self.second_folder = QLineEdit(str(current.second_folder or ""))
        self.second_folder.setReadOnly(True)
        self.second_folder.setPlaceholderText("None: backups stay on this computer only")
        # A long path scrolls in the field; its tooltip always says it whole.
        self.second_folder.textChanged.connect(
            lambda text: self.second_folder.setToolTip(as_plain(text)))
        self.second_folder.setToolTip(as_plain(self.second_folder.text()))
        self.second_folder_choose = QPushButton("Choose…")
        self.second_folder_choose.setObjectName("settingsSecondFolderChoose")
        self.second_folder_choose.setAccessibleName("Choose a second backup folder")
        self.second_folder_clear = QPushButton("Clear")
        self.second_folder_clear.setObjectName("settingsSecondFolderClear")
        self.second_folder_clear.setAccessibleName("No second backup folder")
        self.second_folder_choose.clicked.connect(self._choose_second_folder)
        self.second_folder_clear.clicked.connect(lambda: self.second_folder.clear())
        second_row = QWidget()
        row = QHBoxLayout(second_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.second_folder, 1)
        row.addWidget(self.second_folder_choose)
        row.addWidget(self.second_folder_clear)
        self.add_field("Second backup folder", "second_folder", second_row,
                       "settingsSecondFolder")
        self.second_folder.setObjectName("settingsSecondFolderPath")
        self.second_folder.setAccessibleName("Second backup folder")
        hint = QLabel("A copy of every backup also goes here: a USB stick, an external drive "
                      "or a synced folder, so a lost or broken laptop does not take your "
                      "practice with it. If the drive is not plugged in, the backup is still "
                      "made on this computer and CoachDesk tells you.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", hint)

    def _choose_second_folder(self) -> None:
        start = self.second_folder.text().strip() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose a second backup folder", start)
        if folder:
            self.second_folder.setText(folder)

    def _open_folder(self, folder: Path) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _save_backups(self) -> None:
        from coachdesk import backups

        backups.save_settings(self.ctx.db, self.backup_rhythm.currentData(),
                              self.second_folder.text().strip() or None)

    def submit(self):
        prompts = {stage: [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]
                   for stage, edit in self.prompt_edits.items()}
        # Every field is checked before anything is written: a wrong mail server or logo
        # leaves the questions, the paper and the rest as they were.
        worksheet.validate_prompts(prompts)
        settings_service.check_logo(self.logo_path.text().strip())
        smtp = self._check_smtp()
        self._save_backups()  # checks its folder (the one check that writes when it passes)
        saved = worksheet.set_prompts(self.ctx.db, prompts)
        worksheet.set_paper_size(self.ctx.db, self.paper.currentData())
        settings_service.set_default_session_minutes(self.ctx.db, self.session_minutes.value())
        settings_service.set_date_style(self.ctx.db, self.date_format.currentData(),
                                        self.date_language.currentData())
        self._save_reports(smtp)
        self.ctx.notify("settings")
        self.ctx.say("Settings saved.")
        return saved
