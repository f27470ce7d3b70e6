"""Printed GROW worksheets: blank and filled PDFs, read back with pypdf.

Worksheets are built from rows created directly through the models, so these
tests depend only on the schema, not on the services.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date, time
from pathlib import Path

import pytest
from pypdf import PdfReader

from coachdesk.errors import CoachDeskError, NotFoundError, ValidationError
from coachdesk.models import (
    ActionItem,
    ActionOwner,
    ActionStatus,
    Client,
    CoachingSession,
    Engagement,
    GrowOption,
    GrowWorksheet,
    Organization,
    Setting,
)
from coachdesk.reports import styles
from coachdesk.reports import worksheet as ws

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<b>&"\''
CANARY = "CANARY-PRIVATE-7f3a"
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


# -- helpers --------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def page_sizes(path: Path) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
            for p in PdfReader(str(path)).pages}


def flat(text: str) -> str:
    """Extracted text with line breaks as spaces (a paragraph may wrap anywhere)."""
    return " ".join(text.split())


def make_session(db, *, client_name="José Łukasz Zoë Müller", org_name="Nordlicht GmbH",
                 worksheet=True, options=(), actions=(), private_notes="", **grow) -> int:
    """Organization, client, engagement and one session (with a worksheet); its id."""
    with db.session() as s:
        org = Organization(name=org_name)
        s.add(org)
        s.flush()
        client = Client(name=client_name, organization_id=org.id)
        s.add(client)
        s.flush()
        eng = Engagement(client_id=client.id, start_date=date(2025, 1, 6))
        s.add(eng)
        s.flush()
        session = CoachingSession(engagement_id=eng.id, client_id=client.id,
                                  session_date=date(2025, 3, 6), start_time=time(14, 30),
                                  duration_minutes=90, private_notes=private_notes,
                                  shared_summary="A summary for the sponsor.")
        s.add(session)
        s.flush()
        if worksheet:
            sheet = GrowWorksheet(session_id=session.id, **grow)
            s.add(sheet)
            s.flush()
            for i, (text, notes, chosen) in enumerate(options):
                s.add(GrowOption(worksheet_id=sheet.id, position=i, text=text, notes=notes,
                                 chosen=chosen))
        for text, owner, due, status in actions:
            s.add(ActionItem(session_id=session.id, client_id=client.id, text=text,
                             owner=ActionOwner(owner), due_date=due, status=ActionStatus(status)))
        return session.id


GROW = dict(
    goal_session="Leave with a plan for the restructuring conversation.",
    goal_long_term="Be seen as a calm, strategic leader by December.",
    reality_facts="The team grew from 8 to 23 people in a year.",
    reality_tried="Delegating the weekly report.",
    reality_obstacles="No clear second-in-command.",
    will_what="Talk to Anna about the deputy role.",
    will_when="Before the next session.",
    commitment=7,
)
OPTIONS = [
    ("Appoint a deputy", "Anna is ready.", False),
    ("Restructure into two teams", "Needs the board's support.", True),
    ("Hire an operations manager", "No budget until Q3.", False),
]
ACTIONS = [
    ("Talk to Anna about the deputy role", "client", date(2025, 3, 13), "open"),
    ("Send the coach the new org chart", "client", date(2025, 3, 10), "done"),
    ("Share the article on delegation", "coach", None, "open"),
]


@pytest.fixture
def session_id(db):
    return make_session(db, options=OPTIONS, actions=ACTIONS,
                        private_notes=f"{CANARY} tired today; explore the board next time.",
                        **GROW)


# -- blank worksheets -----------------------------------------------------------------------


@pytest.mark.parametrize("paper, size", [("A4", A4), ("Letter", LETTER)])
def test_blank_worksheet_fits_two_pages_of_the_right_size(tmp_path, paper, size):
    out = ws.build_blank_worksheet(tmp_path / "blank.pdf", paper=paper)
    assert out == tmp_path / "blank.pdf"
    reader = PdfReader(str(out))
    assert len(reader.pages) == 2
    assert page_sizes(out) == {size}
    text = flat(pdf_text(out))
    for stage in ("Goal", "Reality", "Options", "Will"):
        assert stage in text
    for questions in ws.DEFAULT_PROMPTS.values():
        for q in questions:
            assert q in text
    assert "Action" in text and "Who" in text and "By when" in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert not list(tmp_path.glob(".*partial")), "the temporary file is left behind"


def test_blank_worksheet_client_name_date_and_own_prompts(tmp_path):
    prompts = {"goal": ["What matters most today?"], "reality": ["Où en êtes-vous ?"],
               "options": [], "will": ["What is the very first step?"]}
    out = ws.build_blank_worksheet(tmp_path / "b.pdf", client_name="Zoë O'Brien & <Co>",
                                   session_date=date(2025, 3, 6), prompts=prompts,
                                   paper="letter")
    text = flat(pdf_text(out))
    assert "Zoë O'Brien & <Co>" in text
    assert "Thursday 6 March 2025" in text
    assert "What matters most today?" in text and "Où en êtes-vous ?" in text
    assert ws.DEFAULT_PROMPTS["goal"][0] not in text
    assert PdfReader(str(out)).metadata.title == \
        "GROW worksheet — Zoë O'Brien & <Co> — Thursday 6 March 2025"


def test_blank_worksheet_without_client_has_lines_to_write_on(tmp_path):
    text = flat(pdf_text(ws.build_blank_worksheet(tmp_path / "b.pdf")))
    assert "Client" in text and "Date" in text
    assert "Confidential once completed" in text


def test_bad_paper_size_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="A4 or Letter"):
        ws.build_blank_worksheet(tmp_path / "b.pdf", paper="A5")
    assert not (tmp_path / "b.pdf").exists()


def test_output_folder_must_exist(tmp_path):
    with pytest.raises(CoachDeskError, match="does not exist"):
        ws.build_blank_worksheet(tmp_path / "nope" / "b.pdf")


# -- the read model -------------------------------------------------------------------------


def test_worksheet_data_reads_the_session(db, session_id):
    data = ws.worksheet_data(db, session_id)
    assert data.client_name == "José Łukasz Zoë Müller"
    assert data.organization == "Nordlicht GmbH"
    assert data.session_date == date(2025, 3, 6) and data.start_time == time(14, 30)
    assert data.duration_minutes == 90
    assert data.goal_session == GROW["goal_session"] and data.commitment == 7
    assert [tuple(o) for o in data.options] == OPTIONS
    assert [tuple(a) for a in data.actions] == ACTIONS
    assert data.private_notes is None
    assert CANARY in ws.worksheet_data(db, session_id, include_private=True).private_notes


def test_session_without_worksheet_prints_empty_stages(db, tmp_path):
    sid = make_session(db, worksheet=False)
    data = ws.worksheet_data(db, sid)
    assert data.goal_session == "" and data.options == [] and data.commitment is None
    text = flat(pdf_text(ws.build_filled_worksheet(tmp_path / "e.pdf", data)))
    assert "Not recorded" in text
    assert "No options were recorded." in text
    assert "No actions were recorded for this session." in text


def test_missing_session_is_a_plain_not_found(db):
    with pytest.raises(NotFoundError, match="no session with id 4242"):
        ws.worksheet_data(db, 4242)


# -- filled worksheets ----------------------------------------------------------------------


def test_filled_worksheet_prints_every_stage(db, session_id, tmp_path):
    out = ws.build_filled_worksheet(tmp_path / "f.pdf", ws.worksheet_data(db, session_id))
    text = flat(pdf_text(out))
    for value in GROW.values():
        if isinstance(value, str):
            assert value in text
    for option, notes, _ in OPTIONS:
        assert option in text and notes in text
    for action, *_ in ACTIONS:
        assert action in text
    assert "13 Mar 2025" in text and "Done" in text and "Coach" in text
    assert "7 out of 10" in text
    assert "Nordlicht GmbH" in text and "14:30" in text and "1 h 30 min" in text
    # The chosen option, and only it, is marked.
    assert text.count("✓ Chosen") == 1
    chosen = text.index("Restructure into two teams")
    assert chosen < text.index("✓ Chosen") < text.index("Hire an operations manager")
    # The shared summary is not part of the worksheet.
    assert "A summary for the sponsor." not in text


def test_header_footer_and_metadata_on_every_page(db, tmp_path):
    sid = make_session(db, reality_facts=" ".join(["reality"] * 3000))
    out = ws.build_filled_worksheet(tmp_path / "f.pdf", ws.worksheet_data(db, sid),
                                    paper="Letter")
    pages = page_texts(out)
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        assert "José Łukasz Zoë Müller" in page
        assert "Thursday 6 March 2025" in page
        assert f"Page {n} of {len(pages)}" in page
        assert "Confidential — coach's working document" in page
    assert page_sizes(out) == {LETTER}
    meta = PdfReader(str(out)).metadata
    assert meta.title == "GROW worksheet — José Łukasz Zoë Müller — Thursday 6 March 2025"
    assert meta.author == "CoachDesk"
    assert "GROW" in meta.subject


def test_private_notes_only_when_asked_for(db, session_id, tmp_path):
    default = ws.build_filled_worksheet(tmp_path / "shared.pdf", ws.worksheet_data(db, session_id))
    text = pdf_text(default)
    assert CANARY not in text
    assert "Private notes" not in text
    assert CANARY.encode() not in default.read_bytes()

    private = ws.build_filled_worksheet(
        tmp_path / "private.pdf", ws.worksheet_data(db, session_id, include_private=True))
    text = flat(pdf_text(private))
    assert "Private notes (coach only)" in text
    assert CANARY in text


def test_hostile_text_prints_literally(db, tmp_path):
    sid = make_session(
        db, client_name=f"Client {HOSTILE}", org_name=f"Org {HOSTILE}",
        goal_session=f"goal {HOSTILE} end", reality_facts=f"line one {HOSTILE}\nline two </para>",
        options=[(f"option {HOSTILE}", f"notes {HOSTILE}", True)],
        actions=[(f"action {HOSTILE}", "client", None, "open")],
        private_notes=f"private {HOSTILE} <font size=80>big</font> &amp; &#65; \x00\x0b end")
    out = ws.build_filled_worksheet(tmp_path / "h.pdf",
                                    ws.worksheet_data(db, sid, include_private=True))
    text = pdf_text(out)
    for expected in (f"Client {HOSTILE}", f"Org {HOSTILE}", f"goal {HOSTILE} end",
                     f"line one {HOSTILE}", "line two </para>", f"option {HOSTILE}",
                     f"notes {HOSTILE}", f"action {HOSTILE}",
                     f"private {HOSTILE} <font size=80>big</font> &amp; &#65;"):
        assert expected in text, expected
    # The newline inside the reality text is kept as a line break; the NUL is dropped and
    # the vertical tab (Word's manual line break) is a line break too, not glue.
    assert f"line one {HOSTILE}\nline two" in text
    assert "&#65;\nend" in text.replace(" \n", "\n").replace("\n ", "\n")


def test_accents_greek_cyrillic_print_and_other_scripts_do_not_crash(db, tmp_path):
    sid = make_session(db, client_name="José Łukasz Zoë",
                       goal_session="Ελληνικά и русский текст; naïve café; Dvořák; Øystein",
                       reality_facts="中文 日本語 한국어 العربية עברית 😀 end-of-scripts")
    out = ws.build_filled_worksheet(tmp_path / "u.pdf", ws.worksheet_data(db, sid))
    text = pdf_text(out)
    for word in ("José", "Łukasz", "Zoë", "Ελληνικά", "русский", "naïve", "café", "Dvořák",
                 "Øystein", "end-of-scripts"):
        assert word in text, word


def test_long_worksheet_flows_over_pages(db, tmp_path):
    words = " ".join(f"word{i}" for i in range(5000))
    options = [(f"Option number {i} " + "consider " * (i % 25), "notes " * (i % 40), i == 31)
               for i in range(40)]
    options.append(("x" * 4000 + " LONG-OPTION-END", "why " * 2000 + "LONG-NOTES-END", False))
    sid = make_session(
        db, reality_facts=words + " REALITY-LAST-WORDS", goal_session="y" * 15000 + " GOAL-END",
        options=options,
        actions=[(f"Action {i} " + "step " * 30, "client", None, "open") for i in range(25)],
        private_notes=("A private paragraph. " * 60 + "\n\n") * 80 + "PRIVATE-LAST-WORDS",
        commitment=10)
    out = ws.build_filled_worksheet(tmp_path / "long.pdf",
                                    ws.worksheet_data(db, sid, include_private=True))
    pages = page_texts(out)
    assert len(pages) > 6
    text = flat("\n".join(pages))
    for marker in ("REALITY-LAST-WORDS", "word4999", "GOAL-END", "Option number 39",
                   "LONG-OPTION-END", "LONG-NOTES-END", "Action 24", "PRIVATE-LAST-WORDS"):
        assert marker in text, marker
    assert text.count("✓ Chosen") == 1
    # The options table repeats its header on the pages it continues on.
    assert sum("What it would take" in p for p in pages) >= 2


# -- settings -------------------------------------------------------------------------------


def test_prompts_default_round_trip_and_reset(db):
    assert ws.get_prompts(db) == ws.DEFAULT_PROMPTS
    mine = {"Goal": ["  What do you want?  "], "reality": ["What is so?", "And then?"],
            "OPTIONS": ["What else?"], "will": []}
    saved = ws.set_prompts(db, mine)
    assert saved == {"goal": ["What do you want?"], "reality": ["What is so?", "And then?"],
                     "options": ["What else?"], "will": []}
    assert ws.get_prompts(db) == saved
    with db.session() as s:
        assert json.loads(s.get(Setting, "grow_prompts").value) == saved
    assert ws.set_prompts(db, None) == ws.DEFAULT_PROMPTS
    assert ws.get_prompts(db) == ws.DEFAULT_PROMPTS
    # The defaults handed out are copies: changing them changes nothing.
    ws.get_prompts(db)["goal"].append("mutated")
    assert "mutated" not in ws.DEFAULT_PROMPTS["goal"]


@pytest.mark.parametrize("bad, message", [
    (["Goal"], "each stage"),
    ({"goal": ["a"], "reality": ["b"], "options": ["c"]}, "missing for: Will"),
    ({"goal": ["a"], "reality": ["b"], "options": ["c"], "will": ["d"], "wish": ["e"]},
     "not a GROW stage"),
    ({"goal": "What?", "reality": ["b"], "options": ["c"], "will": ["d"]}, "list of questions"),
    ({"goal": ["a", "  "], "reality": ["b"], "options": ["c"], "will": ["d"]},
     "Goal question 2 is empty"),
    ({"goal": ["a"], "reality": [3], "options": ["c"], "will": ["d"]}, "Reality question 1"),
    ({"goal": ["a"], "reality": ["b"], "options": ["c"] * 13, "will": ["d"]}, "12 questions"),
    ({"goal": ["a"], "reality": ["b"], "options": ["c"], "will": ["d" * 301]}, "too long"),
])
def test_bad_prompts_are_refused_plainly(db, bad, message):
    with pytest.raises(ValidationError, match=message):
        ws.set_prompts(db, bad)
    assert ws.get_prompts(db) == ws.DEFAULT_PROMPTS


def test_damaged_prompts_setting_falls_back_to_defaults(db):
    with db.session() as s:
        s.add(Setting(key="grow_prompts", value="{not json"))
    assert ws.get_prompts(db) == ws.DEFAULT_PROMPTS


def test_paper_size_setting(db):
    assert ws.get_paper_size(db) == "A4"
    assert ws.set_paper_size(db, "letter") == "Letter"
    assert ws.get_paper_size(db) == "Letter"
    with pytest.raises(ValidationError, match="A4 or Letter"):
        ws.set_paper_size(db, "Legal")
    assert ws.get_paper_size(db) == "Letter"


# -- fonts ----------------------------------------------------------------------------------


def test_fonts_and_licence_are_shipped():
    folder = styles.fonts_dir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        assert (folder / name).is_file()
    assert "Bitstream" in (folder / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")


def test_missing_fonts_give_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(styles, "_registered", False)
    monkeypatch.setattr(styles, "fonts_dir", lambda: tmp_path / "fonts")
    with pytest.raises(styles.ReportError, match="font files are missing"):
        styles.register_fonts()


def test_reports_work_with_qt_blocked(tmp_path):
    code = textwrap.dedent(f"""
        import importlib.abc, sys
        class BlockQt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
                    raise ImportError(name)
        sys.meta_path.insert(0, BlockQt())
        from coachdesk.reports import worksheet
        worksheet.build_blank_worksheet({str(tmp_path / "q.pdf")!r})
        assert not [m for m in sys.modules if m.startswith("PySide6")]
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# -- rendering: nothing drawn off the page --------------------------------------------------


def _render_gray(pdf: Path, out_prefix: Path, dpi: int = 40) -> list[tuple[int, int, bytes]]:
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(out_prefix)], check=True,
                   timeout=60)
    images = []
    for pgm in sorted(out_prefix.parent.glob(out_prefix.name + "*.pgm")):
        data = pgm.read_bytes()
        # Binary PGM: "P5", width, height, maxval, each separated by whitespace.
        fields, pos = [], 0
        while len(fields) < 4:
            while data[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not data[pos:pos + 1].isspace():
                pos += 1
            fields.append(data[start:pos])
        assert fields[0] == b"P5"
        w, h = int(fields[1]), int(fields[2])
        images.append((w, h, data[pos + 1:pos + 1 + w * h]))
    return images


@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm (poppler-utils) is not installed")
def test_rendered_pages_keep_clear_of_the_paper_edge(db, tmp_path):
    """Nothing may be drawn in the outer margin: text cut at the edge would show there."""
    sid = make_session(db, client_name="W" * 300, goal_session="W" * 3000,
                       options=[("W" * 2000, "M" * 2000, True)],
                       actions=[("W" * 1500, "coach", None, "done")])
    pdfs = [ws.build_blank_worksheet(tmp_path / "blank.pdf", paper="Letter",
                                     client_name="W" * 300),
            ws.build_filled_worksheet(tmp_path / "filled.pdf", ws.worksheet_data(db, sid))]
    dpi = 40
    strip = int(8 / 25.4 * dpi)  # 8 mm: header, footer and margins keep further in
    for pdf in pdfs:
        images = _render_gray(pdf, tmp_path / pdf.stem, dpi)
        assert len(images) == len(PdfReader(str(pdf)).pages)
        for w, h, pixels in images:
            rows = [pixels[y * w:(y + 1) * w] for y in range(h)]
            edge = rows[:strip] + rows[-strip:] + [r[:strip] + r[-strip:] for r in rows]
            darkest = min(min(r) for r in edge)
            assert darkest > 240, f"{pdf.name}: something is drawn at the paper's edge"
            assert min(pixels) < 200  # and the page is not blank


# -- the CLI ---------------------------------------------------------------------------------


def _cli_all(db_path: Path, *commands) -> list[subprocess.CompletedProcess]:
    """Run several ``coachdesk worksheet`` command lines at once (faster); results in order."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("COACHDESK_DB", None)
    procs = [(args, subprocess.Popen(
        [sys.executable, "-m", "coachdesk", "--db", str(db_path), "worksheet", *map(str, args)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8")) for args in commands]
    results = []
    for args, proc in procs:
        out, err = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return results


def test_cli_worksheets(db, db_path, session_id, tmp_path):
    """Run as a coach would: separate processes (started together, to keep this quick)."""
    with db.session() as s:
        client_id = s.get(CoachingSession, session_id).client_id
    ws.set_paper_size(db, "Letter")
    db.close()  # the CLI opens the file itself

    blank, filled, unknown = _cli_all(
        db_path,
        ["--blank", "--client", client_id, "--out", tmp_path / "b.pdf"],
        ["--session", session_id, "--out", tmp_path / "s.pdf", "--paper", "A4"],
        ["--session", 999, "--out", tmp_path / "x.pdf"])

    assert blank.returncode == 0, blank.stderr
    assert "b.pdf" in blank.stdout
    assert page_sizes(tmp_path / "b.pdf") == {LETTER}  # the practice's paper setting
    assert "José Łukasz Zoë Müller" in pdf_text(tmp_path / "b.pdf")

    assert filled.returncode == 0, filled.stderr
    text = flat(pdf_text(tmp_path / "s.pdf"))
    assert GROW["reality_facts"] in text and CANARY not in text
    assert page_sizes(tmp_path / "s.pdf") == {A4}

    assert unknown.returncode == 1, unknown
    assert unknown.stderr.strip() == "coachdesk: There is no session with id 999."
    assert not (tmp_path / "x.pdf").exists()


def test_cli_private_notes_and_errors(db, db_path, session_id, tmp_path, capsys):
    """The same entry point in-process: each error is one line and exit status 1."""
    from coachdesk import cli

    db.close()
    base = ["--db", str(db_path), "worksheet"]
    assert cli.main(base + ["--session", str(session_id), "--out", str(tmp_path / "p.pdf"),
                            "--include-private"]) == 0
    assert "private notes" in capsys.readouterr().out
    assert CANARY in pdf_text(tmp_path / "p.pdf")

    for args, message in [
        (["--blank", "--client", "999", "--out", str(tmp_path / "x.pdf")],
         "There is no client with id 999."),
        (["--blank", "--out", str(tmp_path / "no" / "x.pdf")], "does not exist"),
        (["--blank", "--paper", "A5", "--out", str(tmp_path / "x.pdf")], "A4 or Letter"),
        (["--blank", "--include-private", "--out", str(tmp_path / "x.pdf")], "--session"),
        (["--session", "999", "--out", str(tmp_path)], "There is no session"),
    ]:
        assert cli.main(base + args) == 1, args
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_cli_blank_worksheet_needs_no_practice_file(tmp_path, capsys):
    from coachdesk import cli

    missing = tmp_path / "none.db"
    assert cli.main(["--db", str(missing), "worksheet", "--blank", "--out",
                     str(tmp_path / "b.pdf")]) == 0
    assert not missing.exists()
    assert len(PdfReader(str(tmp_path / "b.pdf")).pages) == 2
