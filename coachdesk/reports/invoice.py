"""The invoice and credit note PDF, in the reports' look.

What it shows (EU VAT Directive 2006/112/EC art. 226): the seller's name, address and VAT
number; the buyer's name, address (and VAT number under reverse charge); the number and the
issue date; the service period (art. 226(7), ``invoice_period``); each line's description,
quantity, unit price and amount; the net total, the VAT rate and amount, the total; the VAT
note when no VAT is charged (Article 196 reverse charge for an EU buyer, "outside the EU"
Article 44 otherwise: ``invoice_vat.note_for``); the payment terms, the late-payment terms
of the business details, the due date and the bank details. A credit note says so in its title and names the invoice
it corrects.

It is built from an ``InvoiceView`` alone: the lines' descriptions, the buyer's and the
seller's details and the note printed on the invoice. No session note, private or shared,
ever reaches it. Every piece of typed text goes through ``styles.markup`` (escaped).

``save_invoice_pdf`` writes it and keeps a copy under the practice's reports folder
(``<engagement>/invoice-2026-0001-<sha>.pdf``, mirrored beside backups like the reports):
an issued invoice is printed once, and every later copy is that same file.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ..services import business, report_log
from ..services import invoices as inv
from ..storage import Database
from . import pdfkit as kit
from . import styles as st
from .scripts import Paragraph
from .styles import markup

SUBJECT = "Invoice"
MAX_TEXT = 5000  # characters of a note printed on an invoice (it is a page, not a book)

_extra: dict | None = None


def _styles() -> dict:
    global _extra
    if _extra is None:
        s = dict(st.styles())
        s["doc_title"] = ParagraphStyle("doc_title", parent=s["title"], fontSize=22, leading=26,
                                        alignment=TA_RIGHT)
        s["right"] = ParagraphStyle("right", parent=s["td"], alignment=TA_RIGHT)
        s["right_bold"] = ParagraphStyle("right_bold", parent=s["right"], fontName=st.FONT_BOLD)
        s["total"] = ParagraphStyle("total", parent=s["right_bold"], fontSize=11, leading=14,
                                    textColor=st.ACCENT)
        s["total_label"] = ParagraphStyle("total_label", parent=s["total"])
        s["seller_name"] = ParagraphStyle("seller_name", parent=s["body"], fontName=st.FONT_BOLD,
                                          fontSize=12, leading=15)
        s["bold"] = ParagraphStyle("bold_body", parent=s["body"], fontName=st.FONT_BOLD)
        s["note"] = ParagraphStyle("note", parent=s["body"], fontName=st.FONT_BOLD,
                                   textColor=st.PRIVATE)
        s["draft"] = ParagraphStyle("draft", parent=s["doc_title"], textColor=st.PRIVATE,
                                    fontSize=12, leading=15)
        _extra = s
    return _extra


def _p(text: object, style) -> Paragraph:
    return Paragraph(markup(text), style)


def _money(cents: int, currency: str) -> str:
    return business.format_money(cents, currency)


def _quantity(milli: int) -> str:
    whole, part = divmod(abs(int(milli)), 1000)
    text = f"{whole}" if not part else f"{whole}.{part:03d}".rstrip("0")
    return ("-" if milli < 0 else "") + text


def _kind_word(view: inv.InvoiceView) -> str:
    return "Credit note" if view.is_credit_note else "Invoice"


def _header(view: inv.InvoiceView, width: float, logo_bytes: bytes) -> list[Flowable]:
    s = _styles()
    seller = view.seller
    left: list[Flowable] = []
    image = kit.logo(logo_bytes, max_width=40 * mm, max_height=18 * mm) if logo_bytes else None
    if image is not None:
        left += [image, Spacer(1, 2 * mm)]
    left.append(_p(kit.short(seller.name) or "Your business name", s["seller_name"]))
    left += kit.text_flowables(kit.cell_text(seller.address)[:600], s["body"], empty=None)
    if seller.vat_number:
        left.append(_p(f"VAT number: {seller.vat_number}", s["body"]))
    title = "CREDIT NOTE" if view.is_credit_note else "INVOICE"
    right: list[Flowable] = [Paragraph(title, s["doc_title"])]
    if view.is_draft:
        right.append(Paragraph("DRAFT: not issued yet", s["draft"]))
    meta = []
    if view.number:
        meta.append(("Number", view.number))
    if view.issue_date:
        meta.append(("Date", kit.format_date(view.issue_date)))
    if view.is_credit_note and view.credits_number:
        meta.append(("Corrects invoice", view.credits_number))
    elif view.due_date:
        meta.append(("Due date", kit.format_date(view.due_date)))
    rows = [[_p(k, s["meta_label"]), _p(v, s["right_bold"])] for k, v in meta] or [["", ""]]
    box = Table(rows, colWidths=[27 * mm, width * 0.45 - 27 * mm], hAlign="RIGHT")
    box.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 2),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                             ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    right += [Spacer(1, 3 * mm), box]
    top = Table([[left, right]], colWidths=[width * 0.55, width * 0.45])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [top, Spacer(1, 8 * mm)]


def _bill_to(view: inv.InvoiceView, width: float, period: str = "") -> list[Flowable]:
    s = _styles()
    block: list[Flowable] = [_p("Bill to", s["meta_label"]),
                             _p(kit.short(view.bill_to_name), s["bold"])]
    if view.bill_to_contact:
        block.append(_p(kit.short(view.bill_to_contact), s["body"]))
    block += kit.text_flowables(kit.cell_text(view.bill_to_address)[:600], s["body"],
                                empty=None)
    if view.bill_to_vat_number:
        block.append(_p(f"VAT number: {view.bill_to_vat_number}", s["body"]))
    t = Table([[block]], colWidths=[width * 0.55], hAlign="LEFT")
    t.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.8, st.ACCENT),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 3)]))
    out: list[Flowable] = [t, Spacer(1, 6 * mm)]
    if period:
        out += [_p(f"Service period: {period}", s["body"]), Spacer(1, 3 * mm)]
    if view.is_credit_note and view.credits_number:
        out += [_p(f"This credit note corrects invoice {view.credits_number}: the amounts "
                   "below are deducted from it.", s["bold"]), Spacer(1, 4 * mm)]
    return out


def _lines(view: inv.InvoiceView, width: float) -> list[Flowable]:
    s = _styles()
    cur = view.currency
    qty_w, unit_w, amount_w = 16 * mm, 30 * mm, 32 * mm
    desc_w = width - qty_w - unit_w - amount_w
    th_right = ParagraphStyle("th_right", parent=s["th"], alignment=TA_RIGHT)
    rows = [[_p("Description", s["th"]), _p("Qty", th_right), _p("Unit price", th_right),
             _p("Amount", th_right)]]
    for line in view.lines:
        rows.append([_p(kit.short(line.description, 500), s["td"]),
                     _p(_quantity(line.quantity_milli), s["right"]),
                     _p(_money(line.unit_cents, cur), s["right"]),
                     _p(_money(line.amount_cents, cur), s["right"])])
    table = Table(rows, colWidths=[desc_w, qty_w, unit_w, amount_w], repeatRows=1)
    table.setStyle(TableStyle(kit.table_style()))
    return [table, Spacer(1, 4 * mm)]


def _totals(view: inv.InvoiceView, width: float) -> list[Flowable]:
    s = _styles()
    cur = view.currency
    rate = business.rate_text(view.vat_rate)
    note = inv.note_for(view.reverse_charge, view.bill_to_vat_number)
    vat_label = f"VAT {rate} %" if not view.reverse_charge else "VAT (not applicable)" \
        if note == inv.OUTSIDE_EU_NOTE else "VAT (reverse charge)"
    total_label = "Total credited" if view.is_credit_note else "Total due"
    rows = [[_p("Net total", s["right"]), _p(_money(view.subtotal_cents, cur), s["right"])],
            [_p(vat_label, s["right"]), _p(_money(view.vat_cents, cur), s["right"])],
            [_p(total_label, s["total_label"]), _p(_money(view.total_cents, cur), s["total"])]]
    t = Table(rows, colWidths=[45 * mm, 37 * mm], hAlign="RIGHT")
    t.setStyle(TableStyle([("LINEABOVE", (0, 2), (-1, 2), 0.8, st.ACCENT),
                           ("TOPPADDING", (0, 0), (-1, -1), 2),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 5)]))
    out: list[Flowable] = [KeepTogether([t]), Spacer(1, 5 * mm)]
    if note:
        out += [_p(note + ".", s["note"]), Spacer(1, 3 * mm)]
    return out


def _payment(view: inv.InvoiceView) -> list[Flowable]:
    s = _styles()
    out: list[Flowable] = []
    if view.notes:
        out.append(_p("Reason" if view.is_credit_note else "Note", s["label"]))
        out += kit.text_flowables(view.notes[:MAX_TEXT], s["body"], empty=None)
        out.append(Spacer(1, 3 * mm))
    if view.is_credit_note:
        return out
    seller = view.seller
    pay: list[Flowable] = [_p("Payment", s["label"])]
    if view.payment_terms:
        pay.append(_p(view.payment_terms, s["body"]))
    if seller.late_payment_terms:
        pay += kit.text_flowables(kit.short(seller.late_payment_terms, 1000), s["body"],
                                  empty=None)
    if view.due_date:
        pay.append(_p(f"Please pay {_money(view.total_cents, view.currency)} by "
                      f"{kit.format_date(view.due_date)}"
                      + (f", quoting {view.number}." if view.number else "."), s["body"]))
    bank = [("Account holder", seller.account_holder), ("IBAN", seller.iban_grouped),
            ("BIC", seller.bic)]
    bank = [(k, v) for k, v in bank if v]
    if bank:
        rows = [[_p(k, s["meta_label"]), _p(v, s["body"])] for k, v in bank]
        t = Table(rows, colWidths=[32 * mm, 90 * mm], hAlign="LEFT")
        t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        pay += [Spacer(1, 1 * mm), t]
    return out + [KeepTogether(pay)]


def _footer_text(view: inv.InvoiceView) -> list[Flowable]:
    if not view.seller.footer:
        return []
    return [Spacer(1, 6 * mm)] + kit.text_flowables(kit.short(view.seller.footer, 2000),
                                                     _styles()["small"], empty=None)


def build_invoice_pdf(out_path, view: inv.InvoiceView, *, paper: str = "A4",
                      logo: bytes = b"", period: str = "") -> Path:
    """Write the PDF of ``view`` (an invoice, credit note or draft) to ``out_path``
    atomically; returns the path. ``logo``: the coach's logo bytes (PNG/JPEG) or b"".
    ``period``: the service period as printed ("2 Sep – 28 Oct 2026",
    ``invoice_period.period_text``), "" for none. Raises ReportError when the file cannot
    be written."""
    paper = st.normalize_paper(paper)
    width = kit.content_width(paper)
    story: list[Flowable] = (_header(view, width, logo) + _bill_to(view, width, period)
                             + _lines(view, width) + _totals(view, width) + _payment(view)
                             + _footer_text(view))
    word = _kind_word(view)
    title = f"{word} {view.number}" if view.number else f"Draft {word.lower()}"
    seller = kit.short(view.seller.name, 120)
    deco = kit.Decorations(seller or word, title, f"{title} · {kit.short(view.bill_to_name, 80)}")
    doc_title = f"{title} — {seller}" if seller else title

    def build(tmp: Path) -> None:
        kit.new_doc(tmp, paper, doc_title, subject=SUBJECT, keywords=[word.lower()],
                    author=seller or "CoachDesk").build(story,
                                                        canvasmaker=kit.canvas_maker(deco))

    return kit.write_pdf(out_path, build)


def _logo_bytes(db: Database) -> bytes:
    from ..services import settings
    from .progress_model import _decoded

    data = _decoded(settings.get_setting(db, settings.COACH_LOGO_IMAGE_KEY) or "")
    if data:
        return data
    path = settings.get_setting(db, settings.COACH_LOGO_KEY) or ""
    try:
        return Path(path).read_bytes() if path and Path(path).is_file() else b""
    except OSError:
        return b""


def _period(db: Database, view: inv.InvoiceView) -> str:
    from ..services.invoice_period import period_text, service_period

    return period_text(service_period(db, view.id))


def kept_copy(db: Database, view: inv.InvoiceView) -> Path | None:
    """The stored PDF of an issued invoice, or None when none was kept (or it is gone)."""
    if not view.pdf_file:
        return None
    path = report_log.reports_dir(db) / view.pdf_file
    return path if path.is_file() else None


def _keep(db: Database, view: inv.InvoiceView) -> Path:
    """Build the issued invoice's PDF once, store it under the reports folder and record
    it on the invoice; returns the stored file. A full disk or an unwritable folder is a
    ReportError in a plain sentence (nothing recorded; the next try builds it again)."""
    from ..faults import disk_full_message
    from ..tempfiles import new_folder
    from .worksheet_settings import get_paper_size

    folder_name = str(view.engagement_id) if view.engagement_id is not None else "invoices"
    folder = report_log.reports_dir(db) / folder_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = build_invoice_pdf(new_folder() / f"invoice-{view.id}.pdf", view,
                                paper=get_paper_size(db), logo=_logo_bytes(db),
                                period=_period(db, view))
        try:
            stem = ("credit-note-" if view.is_credit_note else "invoice-") + view.number
            name, digest = report_log._store(tmp, folder, stem)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise st.ReportError("The invoice's PDF could not be kept: "
                                 + disk_full_message(folder)) from None
        raise st.ReportError(f"The invoice's PDF could not be kept in {folder} "
                             f"({exc.strerror or 'a file error'}).") from None
    inv.record_pdf(db, view.id, f"{folder_name}/{name}", digest)
    return folder / name


def save_invoice_pdf(db: Database, invoice_id: int, out=None) -> Path:
    """The PDF of an invoice or credit note, written to ``out`` when given.

    A draft is built afresh each time (marked DRAFT, nothing kept). An issued one is
    built once and kept under the reports folder (``<engagement>/invoice-<number>-<sha>.pdf``;
    ``invoices/`` for one whose client was erased), recorded on the invoice; later calls
    copy that kept file. Returns ``out``, or the kept copy when ``out`` is None (a draft
    then goes to the app's private temp folder).

    Raises NotFoundError, ReportError (the file cannot be written).
    """
    from ..tempfiles import new_folder

    view = inv.get(db, invoice_id)
    if view.is_draft:
        target = Path(out) if out is not None else new_folder() / "Draft invoice.pdf"
        from .worksheet_settings import get_paper_size

        return build_invoice_pdf(target, view, paper=get_paper_size(db), logo=_logo_bytes(db),
                                 period=_period(db, view))
    kept = kept_copy(db, view)
    if kept is None:
        kept = _keep(db, view)
    if out is None:
        return kept
    target = Path(out).expanduser()
    return kit.write_pdf(target, lambda tmp: shutil.copyfile(kept, tmp))
