"""Small dialogs to create an organization, a sponsor or a client inline, and to edit
an organization or a sponsor (the People page)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from coachdesk.models import Client, Organization, Sponsor
from coachdesk.services import clients, organizations, sponsors
from coachdesk.services import duplicates as dup

from ..context import AppContext
from .base import FormDialog, StayOpen

KEEP = object()  # PickerWithNew.reload: keep the record selected now


class PickerWithNew(QWidget):
    """A combo of existing records with a “New…” button that creates one inline.

    Subclasses say what to list (``items``) and how to create one (``create_dialog``).
    """

    none_label = "— none —"

    def __init__(self, ctx: AppContext, object_name: str, accessible: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.combo = QComboBox()
        self.combo.setObjectName(f"{object_name}Combo")
        self.combo.setAccessibleName(accessible)
        self.new_button = QPushButton("New…")
        self.new_button.setObjectName(f"{object_name}New")
        self.new_button.setAccessibleName(f"New {accessible.lower()}")
        self.new_button.setToolTip(f"Create a new {accessible.lower()} (Ctrl+N in the list)")
        # No Tab stop (NoFocus: a click still works): Tab from the list goes on to the next
        # field, where the coach goes on typing (a button there swallowed the words, or a
        # space opened this form). The keyboard way is Ctrl+N in the list, shown in its
        # right-click menu.
        self.new_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Ctrl+N is the combo's own key (taken before the window's "New client", see
        # eventFilter), so the menu only names it.
        self.new_action = QAction(f"New {accessible.lower()}…\tCtrl+N", self.combo)
        self.new_action.setObjectName(f"{object_name}NewKey")
        self.combo.addAction(self.new_action)
        self.combo.installEventFilter(self)
        self.combo.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.new_button)
        self.new_button.clicked.connect(self._create)
        self.new_action.triggered.connect(lambda _checked=False: self._create())

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        if watched is self.combo and event.type() in (QEvent.Type.ShortcutOverride,
                                                      QEvent.Type.KeyPress):
            if event.keyCombination() == QKeyCombination(Qt.KeyboardModifier.ControlModifier,
                                                         Qt.Key.Key_N):
                event.accept()  # the override keeps the window's Ctrl+N from taking it
                if event.type() == QEvent.Type.KeyPress:
                    self._create()
                return True
        return super().eventFilter(watched, event)

    @property
    def currentIndexChanged(self):
        return self.combo.currentIndexChanged

    def items(self, current: int | None) -> list[tuple[str, int]]:  # pragma: no cover
        raise NotImplementedError

    def create_dialog(self) -> FormDialog:  # pragma: no cover
        raise NotImplementedError

    def reload(self, select: int | None | object = KEEP) -> None:
        """List the records again and select ``select`` (a record id, or None for
        "— none —"); without it, the record selected now stays selected. An explicit None
        is "none": a page showing a client without an organization after one with
        must not keep the other client's (it was then saved to this one)."""
        current = self.value() if select is KEEP else select
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.none_label, None)
        for label, record_id in self.items(current):
            self.combo.addItem(label, record_id)
        self.combo.blockSignals(False)
        self.set_value(current)

    def value(self) -> int | None:
        return self.combo.currentData() if self.combo.count() else None

    def set_value(self, record_id: int | None) -> None:
        index = self.combo.findData(record_id)
        self.combo.setCurrentIndex(max(index, 0))

    def _create(self) -> None:
        dialog = self.create_dialog()
        if dialog.exec() and dialog.result_object is not None:
            self.reload(select=dialog.result_object.id)
            self.combo.currentIndexChanged.emit(self.combo.currentIndex())


def use_existing(dialog: FormDialog, noun: str, found: list, describe, use_text: str):
    """Before a new ``noun`` is added: when ``found`` (``duplicates.alike``) holds one
    of that name or e-mail, ask. Returns the existing record to use, or None to add the
    new one anyway; raises ``StayOpen`` to go back to the form (Esc)."""
    if not found:
        return None
    box = QMessageBox(dialog)
    box.setObjectName("alreadyThereQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Already in your practice?")
    box.setTextFormat(Qt.TextFormat.PlainText)  # names are text, never markup
    lines = [f"• {describe(r)}" for r in found[:5]]
    if len(found) > 5:
        lines.append(f"• and {len(found) - 5} more")
    box.setText(f"Your practice already has {'a ' + noun if len(found) == 1 else noun + 's'} "
                "with this name or e-mail address:\n" + "\n".join(lines))
    box.setInformativeText(f"Adding another one makes two records of one {noun} (they can "
                           "be merged later on the People page).")
    use = box.addButton(use_text, QMessageBox.ButtonRole.AcceptRole)
    use.setObjectName("useExistingButton")
    add = box.addButton(f"Add a new {noun}", QMessageBox.ButtonRole.DestructiveRole)
    add.setObjectName("addAnywayButton")
    back = box.addButton("Back to the form", QMessageBox.ButtonRole.RejectRole)
    back.setObjectName("backToFormButton")
    box.setDefaultButton(use)
    box.setEscapeButton(back)
    box.exec()
    if box.clickedButton() is use:
        return found[0]
    if box.clickedButton() is add:
        return None
    raise StayOpen


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sponsor_words(ctx, sponsor) -> str:
    org = organizations.get(ctx.db, sponsor.organization_id).name \
        if sponsor.organization_id else ""
    details = [d for d in (sponsor.role, org and f"at {org}", sponsor.email) if d]
    archived = " (archived)" if sponsor.archived else ""
    return _short(sponsor.name) + archived + (f" — {_short(', '.join(details), 80)}"
                                              if details else "")


class OrganizationPicker(PickerWithNew):
    def __init__(self, ctx: AppContext, object_name: str = "organizationPicker", parent=None):
        super().__init__(ctx, object_name, "Organization", parent)
        self.reload()

    def items(self, current):
        return [(org.name, org.id)
                for org in organizations.list_all(self.ctx.db, include_archived=True)
                if not org.archived or org.id == current]

    def create_dialog(self):
        return OrganizationDialog(self.ctx, self)


class OrganizationDialog(FormDialog):
    """Create an organization, or edit one (``organization_id``): Save updates it.

    ``submit()`` returns the saved organization or raises ``CoachDeskError``, which
    keeps the dialog open with the message under its field.
    """

    def __init__(self, ctx: AppContext, parent=None, organization_id: int | None = None):
        self.organization_id = organization_id
        super().__init__("Edit organization" if organization_id else "New organization",
                         "organizationDialog", parent)
        self.ctx = ctx
        self.name = self.add_field("Name *", "name", QLineEdit(), "organizationName")
        self.notes = self.add_field("Notes", "notes", QPlainTextEdit(), "organizationNotes")
        self.notes.setTabChangesFocus(True)  # Tab walks on to the buttons; Enter is a new line
        self.notes.setPlaceholderText("What to remember about them: context, contract terms…")
        self.notes.setMaximumHeight(110)
        # Where invoices go (issue 16): who receives them, at which address.
        self.billing_contact = self.add_field("Billing contact", "billing_contact", QLineEdit(),
                                              "organizationBillingContact")
        self.billing_contact.setPlaceholderText("e.g. Accounts payable, or a person's name")
        self.billing_email = self.add_field("Billing e-mail", "billing_email", QLineEdit(),
                                            "organizationBillingEmail")
        self.billing_address = self.add_field("Billing address", "billing_address",
                                              QPlainTextEdit(), "organizationBillingAddress")
        self.billing_address.setTabChangesFocus(True)
        self.billing_address.setPlaceholderText("Street\nPostcode and town\nCountry")
        self.billing_address.setMaximumHeight(90)
        self.vat_number = self.add_field("VAT number", "vat_number", QLineEdit(),
                                         "organizationVatNumber")
        self.vat_number.setPlaceholderText("e.g. DE123456789")
        if organization_id:
            org = organizations.get(ctx.db, organization_id)
            self.name.setText(org.name)
            self.notes.setPlainText(org.notes)
            self.billing_contact.setText(org.billing_contact)
            self.billing_email.setText(org.billing_email)
            self.billing_address.setPlainText(org.billing_address)
            self.vat_number.setText(org.vat_number)

    def _billing(self) -> dict:
        return dict(billing_contact=self.billing_contact.text(),
                    billing_email=self.billing_email.text(),
                    billing_address=self.billing_address.toPlainText(),
                    vat_number=self.vat_number.text())

    def submit(self):
        if not self.organization_id:
            existing = use_existing(
                self, "organization", dup.alike(self.ctx.db, Organization, self.name.text()),
                lambda o: _short(o.name) + (" (archived)" if o.archived else ""),
                "Use the existing one")
            if existing is not None:
                return existing
        if self.organization_id:
            org = organizations.update(self.ctx.db, self.organization_id, name=self.name.text(),
                                       notes=self.notes.toPlainText(), **self._billing())
        else:
            org = organizations.create(self.ctx.db, name=self.name.text(),
                                       notes=self.notes.toPlainText(), **self._billing())
        self.ctx.notify("organization")
        return org


class SponsorDialog(FormDialog):
    """Create a sponsor (the person who commissions and pays for the coaching), or edit
    one (``sponsor_id``): Save updates it. ``submit()`` as ``OrganizationDialog``'s."""

    def __init__(self, ctx: AppContext, parent=None, organization_id: int | None = None,
                 sponsor_id: int | None = None):
        self.sponsor_id = sponsor_id
        sponsor = sponsors.get(ctx.db, sponsor_id) if sponsor_id else None
        super().__init__("Edit sponsor" if sponsor else "New sponsor", "sponsorDialog", parent)
        self.ctx = ctx
        self.name = self.add_field("Name *", "name", QLineEdit(), "sponsorName")
        self.role = self.add_field("Role", "role", QLineEdit(), "sponsorRole")
        self.role.setPlaceholderText("e.g. HR Business Partner")
        self.email = self.add_field("E-mail", "email", QLineEdit(), "sponsorEmail")
        self.phone = self.add_field("Phone", "phone", QLineEdit(), "sponsorPhone")
        self.org = self.add_field("Organization", "organization_id",
                                  OrganizationPicker(ctx, "sponsorOrg"), "sponsorOrganization")
        self.org.set_value(organization_id)
        if sponsor is not None:
            self.name.setText(sponsor.name)
            self.role.setText(sponsor.role)
            self.email.setText(sponsor.email)
            self.phone.setText(sponsor.phone)
            self.org.reload(select=sponsor.organization_id)  # an archived one stays listed

    def submit(self):
        values = dict(name=self.name.text(), role=self.role.text(), email=self.email.text(),
                      phone=self.phone.text(), organization_id=self.org.value())
        if not self.sponsor_id:
            existing = use_existing(
                self, "sponsor", dup.alike(self.ctx.db, Sponsor, values["name"], values["email"]),
                lambda p: _sponsor_words(self.ctx, p), "Use the existing one")
            if existing is not None:
                return existing
        if self.sponsor_id:
            sponsor = sponsors.update(self.ctx.db, self.sponsor_id, **values)
        else:
            sponsor = sponsors.create(self.ctx.db, **values)
        self.ctx.notify("sponsor")
        return sponsor


class NewClientDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("New client", "newClientDialog", parent)
        self.ctx = ctx
        self.resize(460, 0)
        self.name = self.add_field("Name *", "name", QLineEdit(), "newClientName")
        self.job_title = self.add_field("Job title", "job_title", QLineEdit(), "newClientJobTitle")
        self.org = self.add_field("Organization", "organization_id",
                                  OrganizationPicker(ctx, "newClientOrg"), "newClientOrganization")
        self.email = self.add_field("E-mail", "email", QLineEdit(), "newClientEmail")
        self.phone = self.add_field("Phone", "phone", QLineEdit(), "newClientPhone")

    def submit(self):
        from datetime import date

        existing = use_existing(
            self, "client", dup.alike(self.ctx.db, Client, self.name.text(), self.email.text()),
            lambda c: _short(c.name) + (f" — {_short(c.email)}" if c.email else "")
            + (" (archived)" if c.status.value == "archived" else ""),
            "Open the existing client")
        if existing is not None:
            return existing
        client = clients.create(self.ctx.db, name=self.name.text(), job_title=self.job_title.text(),
                                organization_id=self.org.value(), email=self.email.text(),
                                phone=self.phone.text(), start_date=date.today())
        self.ctx.notify("client")
        return client
