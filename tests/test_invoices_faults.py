"""Invoice numbers under faults: a write lock held by another program, kill -9 in the
middle of issuing, and issues racing each other. The counter and the invoice commit
together, so a number is used exactly when an invoice carries it: no gap, no reuse."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from invoice_helpers import practice
from sqlalchemy import select

from coachdesk import storage
from coachdesk.errors import PracticeBusyError, ValidationError
from coachdesk.models import Invoice, InvoiceCounter
from coachdesk.services import invoices as inv

ROOT = Path(__file__).resolve().parent.parent


def counters(db) -> dict:
    with db.session() as s:
        return {(c.series, c.year): c.last_sequence
                for c in s.exec(select(InvoiceCounter)).scalars()}


def numbers(db) -> list[str]:
    with db.session() as s:
        return sorted(n for n in s.exec(select(Invoice.number)).scalars() if n)


def test_a_write_lock_held_elsewhere_gives_a_plain_message_and_uses_no_number(db):
    p = practice(db, held=0)
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    other = sqlite3.connect(db.path, timeout=0.1)
    try:
        other.execute("BEGIN IMMEDIATE")  # a sync client or a second program writing
        with storage.patience(200), pytest.raises(PracticeBusyError) as err:
            inv.issue(db, draft.id, "2026-02-01")
        assert "Another program is using the practice file" in str(err.value)
        assert "INSERT" not in str(err.value) and "invoice_counter" not in str(err.value)
    finally:
        other.rollback()
        other.close()
    assert counters(db) == {}
    assert inv.get(db, draft.id).status == "draft"
    assert inv.issue(db, draft.id, "2026-02-01").number == "2026-0001"


def test_a_credit_note_under_a_held_lock_is_not_written_either(db):
    p = practice(db, held=0)
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    issued = inv.issue(db, draft.id, "2026-02-01")
    other = sqlite3.connect(db.path, timeout=0.1)
    try:
        other.execute("BEGIN IMMEDIATE")
        with storage.patience(200), pytest.raises(PracticeBusyError):
            inv.credit_note(db, issued.id, issue_date="2026-02-02")
    finally:
        other.rollback()
        other.close()
    assert counters(db) == {("invoice", 2026): 1}
    assert inv.credit_note(db, issued.id, issue_date="2026-02-02").number == "CN-2026-0001"


ISSUE = """
import sys
from coachdesk.storage import open_database
from coachdesk.services import invoices
db = open_database(sys.argv[1])
print("ISSUED", invoices.issue(db, int(sys.argv[2]), "2026-02-01").number)
"""


@pytest.mark.skipif(os.name != "posix" or not hasattr(signal, "SIGKILL"),
                    reason="kill -9 of a child process needs POSIX (SIGKILL)")
@pytest.mark.parametrize("point", ["invoice-issue:counter-raised",
                                   "invoice-issue:before-commit"])
def test_kill_9_in_the_middle_of_issuing_leaves_no_gap(db, tmp_path, point):
    p = practice(db, held=1)
    first = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)])
    assert inv.issue(db, first.id, "2026-01-15").number == "2026-0001"
    draft = inv.create_draft(db, p.engagement_id, inv.session_lines(db, p.engagement_id))
    env = dict(os.environ, PYTHONPATH=str(ROOT), COACHDESK_TEST_KILL_AT=point)
    child = subprocess.run([sys.executable, "-c", ISSUE, str(db.path), str(draft.id)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert "ISSUED" not in child.stdout
    db.close()
    again = storage.open_database(db.path)
    try:
        assert counters(again) == {("invoice", 2026): 1}
        assert numbers(again) == ["2026-0001"]
        view = inv.get(again, draft.id)
        assert view.status == "draft" and view.number is None
        assert inv.issue(again, draft.id, "2026-02-01").number == "2026-0002"
        assert storage.check_file(db.path).ok
    finally:
        again.close()


def test_issues_racing_from_two_programs_never_share_a_number(db):
    p = practice(db, held=0)
    drafts = [inv.create_draft(db, p.engagement_id, [inv.LineInput(f"Fee {i}", 10000)]).id
              for i in range(12)]
    start = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(ids):
        own = storage.Database(db.path)  # its own engine and connections: a second program
        try:
            start.wait()
            for invoice_id in ids:
                results.append(inv.issue(own, invoice_id, "2026-02-01").number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(drafts[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(results) == [f"2026-{n:04d}" for n in range(1, 13)]
    assert counters(db) == {("invoice", 2026): 12}


def test_the_same_draft_issued_twice_at_once_gets_one_number(db):
    p = practice(db, held=0)
    draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 10000)]).id
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def worker():
        own = storage.Database(db.path)
        try:
            start.wait()
            outcomes.append(inv.issue(own, draft, "2026-02-01").number)
        except Exception as exc:  # noqa: BLE001 - the refusals are counted
            outcomes.append(type(exc).__name__)
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes.count("2026-0001") == 1
    assert set(outcomes) - {"2026-0001"} <= {"ValidationError"}
    assert counters(db) == {("invoice", 2026): 1}


def test_a_counter_behind_the_numbers_used_catches_up_instead_of_reusing(db):
    p = practice(db, held=0)
    for _ in range(2):
        inv.issue(db, inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)]).id,
                  "2026-02-01")
    with db.session() as s:  # as a practice file edited by hand or imported might have it
        row = s.get(InvoiceCounter, ("invoice", 2026))
        row.last_sequence = 0
        s.add(row)
    third = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
    assert inv.issue(db, third.id, "2026-02-02").number == "2026-0003"
    assert counters(db) == {("invoice", 2026): 3}


def test_any_sequence_of_drafts_issues_deletes_and_credits_keeps_each_series_gap_free(
        db_path, practice_templates):
    """Hypothesis drives random work (drafts made, deleted, refused, issued on random days
    of two years, credit notes): each series and year always reads 0001 … N, N being its
    counter."""
    from conftest import copy_practice
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    db = storage.open_database(copy_practice(practice_templates["new"], db_path))
    try:
        p = practice(db, held=0)
        steps = st.lists(st.tuples(st.sampled_from(["issue", "delete", "refused", "credit"]),
                                   st.sampled_from(["2026-03-01", "2027-01-02"])),
                         min_size=1, max_size=12)

        @settings(max_examples=15, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(steps)
        def run(ops):
            for op, day in ops:
                draft = inv.create_draft(db, p.engagement_id, [inv.LineInput("Fee", 100)])
                if op == "delete":
                    inv.delete_draft(db, draft.id)
                elif op == "refused":
                    inv.update_draft(db, draft.id, due_date="2026-01-01")
                    with pytest.raises(ValidationError):  # due before issue: refused
                        inv.issue(db, draft.id, day)
                    inv.delete_draft(db, draft.id)
                else:
                    issued = inv.issue(db, draft.id, day)
                    if op == "credit":
                        inv.credit_note(db, issued.id, issue_date=day)
            with db.session() as s:
                rows = s.exec(select(Invoice.kind, Invoice.year, Invoice.sequence, Invoice.number)
                              .where(Invoice.number.is_not(None))).all()
            found: dict = {}
            for kind, year, seq, number in rows:
                found.setdefault((kind.value, year), []).append(seq)
                assert number == inv.number_for(kind.value, year, seq)
            assert {k: sorted(v) for k, v in found.items()} == \
                {k: list(range(1, n + 1)) for k, n in counters(db).items()}

        run()
    finally:
        db.close()
