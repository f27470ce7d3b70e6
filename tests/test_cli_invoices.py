"""``coachdesk invoice`` and ``coachdesk invoices``: invoicing from a terminal, and the CSV
for the accountant."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from invoice_helpers import practice, set_billing
from pypdf import PdfReader

from coachdesk import cli, storage
from coachdesk.practice_lock import PracticeLock
from coachdesk.services import invoice_csv
from coachdesk.services import invoices as inv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def file(isolated_home, tmp_path):
    path = tmp_path / "practice" / "coachdesk.db"
    path.parent.mkdir()
    db = storage.open_database(path)
    p = practice(db, held=3)
    db.close()
    return path, p


def one_line_error(capsys, code: int) -> str:
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coachdesk: "), out.err
    return lines[0]


def text_of(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages).split())


def test_invoice_issues_all_uninvoiced_sessions_and_writes_the_pdf(file, tmp_path, capsys):
    path, p = file
    out = tmp_path / "inv.pdf"
    code = cli.main(["--db", str(path), "invoice", "--engagement", str(p.engagement_id),
                     "--date", "2026-02-01", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Invoice 2026-0001 (3 sessions, €1,606.50) written to" in printed
    assert "Add the organization's VAT number to check which VAT applies" in printed
    assert "Total due €1,606.50" in text_of(out)
    db = storage.open_database(path)
    try:
        assert inv.session_counts(db, p.engagement_id).to_invoice == 0
        assert inv.list_invoices(db)[0].pdf_file  # the kept copy
    finally:
        db.close()
    # nothing left to invoice: said plainly, no number used
    code = cli.main(["--db", str(path), "invoice", "--engagement", str(p.engagement_id),
                     "--out", str(tmp_path / "again.pdf")])
    assert "no delivered session left to invoice" in one_line_error(capsys, code)


@pytest.mark.parametrize("buyer_vat, says", [
    ("DE999999999", "No VAT charged. Reverse charge: VAT to be accounted for by the recipient"),
    ("CHE-123.456.789", "No VAT charged. VAT not applicable: place of supply outside the EU"),
])
def test_invoice_vat_follows_the_buyer_and_says_so(file, tmp_path, capsys, buyer_vat, says):
    path, p = file
    db = storage.open_database(path)
    try:
        set_billing(db, p.org_id, vat_number=buyer_vat)
    finally:
        db.close()
    code = cli.main(["--db", str(path), "invoice", "--engagement", str(p.engagement_id),
                     "--date", "2026-02-01", "--out", str(tmp_path / "v.pdf")])
    printed = capsys.readouterr().out
    assert code == 0 and says in printed and "(3 sessions, €1,350.00)" in printed
    assert says.removeprefix("No VAT charged. ") in text_of(tmp_path / "v.pdf")


def test_chosen_sessions_a_price_and_a_draft(file, tmp_path, capsys):
    path, p = file
    out = tmp_path / "draft.pdf"
    code = cli.main(["--db", str(path), "invoice", "--engagement", str(p.engagement_id),
                     "--sessions", f"{p.session_ids[0]},{p.session_ids[2]}", "--price",
                     "300.00", "--draft", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "Draft invoice (2 sessions, €714.00)" in printed
    assert "DRAFT" in text_of(out)
    db = storage.open_database(path)
    try:
        draft = inv.list_invoices(db)[0]
        assert draft.is_draft and [li.session_id for li in draft.lines] == \
            [p.session_ids[0], p.session_ids[2]]
    finally:
        db.close()
    code = cli.main(["--db", str(path), "invoice", "--id", str(draft.id),
                     "--out", str(tmp_path / "again.pdf")])
    assert code == 0 and "Draft invoice written to" in capsys.readouterr().out


def test_a_refused_issue_leaves_no_draft_and_no_number(file, tmp_path, capsys):
    path, p = file
    db = storage.open_database(path)
    set_billing(db, p.org_id, billing_address="")
    db.close()
    code = cli.main(["--db", str(path), "invoice", "--engagement", str(p.engagement_id),
                     "--out", str(tmp_path / "x.pdf")])
    assert "billing address" in one_line_error(capsys, code)
    assert not (tmp_path / "x.pdf").exists()
    db = storage.open_database(path)
    try:
        assert inv.list_invoices(db) == []
    finally:
        db.close()


@pytest.mark.parametrize("args, words", [
    (["--engagement", "999"], "no longer exists"),
    (["--engagement", "1", "--sessions", "a,b"], "--sessions"),
    (["--engagement", "1", "--sessions", "999"], "cannot be invoiced"),
    (["--engagement", "1", "--price", "abc"], "amount"),
    (["--engagement", "1", "--date", "31/02/2026"], "date like"),
])
def test_bad_arguments_are_one_plain_line(file, tmp_path, capsys, args, words):
    path, _p = file
    code = cli.main(["--db", str(path), "invoice", *args, "--out", str(tmp_path / "x.pdf")])
    assert words in one_line_error(capsys, code)


def test_invoice_is_refused_while_the_app_holds_the_practice(file, tmp_path, capsys):
    path, p = file
    with PracticeLock(path):
        code = cli.main(["--db", str(path), "invoice", "--engagement", str(p.engagement_id),
                         "--out", str(tmp_path / "x.pdf")])
    one_line_error(capsys, code)
    db = storage.open_database(path)
    try:
        assert inv.list_invoices(db) == []
    finally:
        db.close()


def test_invoices_csv_for_the_accountant(file, tmp_path, capsys):
    path, p = file
    db = storage.open_database(path)
    try:
        set_billing(db, p.org_id, name="=HYPERLINK(\"http://x\")", vat_number="DE999999999")
        first = inv.issue(db, inv.create_draft(db, p.engagement_id, inv.session_lines(
            db, p.engagement_id, p.session_ids[:2]), reverse_charge=False).id, "2026-02-01")
        inv.mark_sent(db, first.id, "2026-02-02")
        inv.mark_paid(db, first.id, "2026-02-20")
        inv.credit_note(db, first.id, [first.lines[0].id], issue_date="2026-02-21")
        inv.create_draft(db, p.engagement_id, [inv.LineInput("Draft only", 100)])
        half = inv.create_draft(db, p.engagement_id, [inv.LineInput("Half", 50)],
                                vat_rate="0.5")
        inv.issue(db, half.id, "2026-03-01")
    finally:
        db.close()
    out = tmp_path / "invoices.csv"
    code = cli.main(["--db", str(path), "invoices", "--csv", str(out)])
    assert code == 0 and "3 invoices and credit notes written to" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with its BOM
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == invoice_csv.HEADER
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["Number"] for r in body] == ["2026-0001", "CN-2026-0001", "2026-0002"]
    inv1, cn, half_row = body
    assert (inv1["Issue date"], inv1["Due date"], inv1["Paid on"], inv1["Sent on"]) == \
        ("2026-02-01", "2026-03-03", "2026-02-20", "2026-02-02")
    assert (inv1["Net"], inv1["VAT rate %"], inv1["VAT"], inv1["Total"]) == \
        ("900.00", "19", "171.00", "1071.00")
    assert (cn["Type"], cn["Corrects"], cn["Total"], cn["VAT"]) == \
        ("Credit note", "2026-0001", "-535.50", "-85.50")
    assert (half_row["VAT rate %"], half_row["VAT"], half_row["Total"]) == ("0.5", "0.00", "0.50")
    assert inv1["Buyer"] == "'=HYPERLINK(\"http://x\")"  # text, never a formula
    assert inv1["Client"] == "Jo Client" and inv1["Reverse charge"] == "no"
    code = cli.main(["--db", str(path), "invoices", "--state", "overdue"])
    assert code == 0


def test_invoices_lists_them(file, capsys):
    path, p = file
    code = cli.main(["--db", str(path), "invoices"])
    assert code == 0 and "No invoices." in capsys.readouterr().out
    db = storage.open_database(path)
    inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 12345)])
    db.close()
    assert cli.main(["--db", str(path), "invoices"]) == 0
    listed = capsys.readouterr().out
    assert "draft" in listed and "€146.91" in listed and "Acme GmbH" in listed


def test_the_commands_run_as_python_m_coachdesk(file, tmp_path):
    path, p = file
    done = subprocess.run([sys.executable, "-m", "coachdesk", "--db", str(path), "invoice",
                           "--engagement", str(p.engagement_id), "--out",
                           str(tmp_path / "i.pdf"), "--date", "2026-02-01"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "i.pdf").read_bytes().startswith(b"%PDF")
