"""Names and text in every script print correctly in every PDF (issue 14, "PDFs in every
script"): the sponsor report, the GROW worksheet (blank and filled) and the subject-access
summary, for clients named 陈静, محمد عبد الله, דוד כהן, 김민준, 山田 花子, Αλέξανδρος,
Игорь Загорский.

How the text is checked:

* pypdf reads the glyphs in the order they are drawn (left to right) and turns each run of
  right-to-left characters back into logical order; spaces around such a run come out
  shifted. So a correct PDF gives, spaces aside, the runs of a line in *visual* order with
  each right-to-left run *logical*: "Meeting with محمد about" stays as written, while an
  Arabic line that was never reordered would come out reversed. Arabic is printed in its
  joined presentation forms (U+FB50–U+FEFF); NFKC turns them back into the letters typed.
* pdftotext (poppler) puts a right-to-left line into logical order, with embedding marks:
  with the marks stripped, the lines of a wrapped Arabic paragraph joined in page order
  give the paragraph back only when the lines are in the right order.
* every character is drawn in a font that has its glyph (no box), and a Latin-only
  document embeds DejaVu only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from test_pdf_text_shapes import report_data, subject_access_data

from coachdesk.reports import progress, scripts, subject_access, worksheet
from coachdesk.reports import styles as st
from coachdesk.reports.worksheet_model import ActionRow, OptionRow, WorksheetData

NAMES = {
    "Chinese": "陈静", "Arabic": "محمد عبد الله", "Hebrew": "דוד כהן", "Korean": "김민준",
    "Japanese": "山田 花子", "Greek": "Αλέξανδρος", "Cyrillic": "Игорь Загорский",
}
RTL = {"Arabic", "Hebrew"}
#: the font a script's letters must be embedded in
SCRIPT_FONT = {"Chinese": "DroidSansFallback", "Japanese": "DroidSansFallback",
               "Korean": "NanumGothic", "Arabic": "NotoSansArabic",
               "Hebrew": "NotoSansHebrew", "Greek": "DejaVuSans", "Cyrillic": "DejaVuSans"}
FALLBACKS = ("DroidSansFallback", "NanumGothic", "NotoSansArabic", "NotoSansHebrew")

# A long Arabic paragraph (sentences numbered in words, so a line out of order shows) that
# wraps to several lines in the report's body. (Digits in Arabic text are checked in
# test_mixed_lines_keep_each_run_in_its_place: pypdf shuffles them inside wrapped lines.)
ORDINALS = ["الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة",
            "الثامنة", "التاسعة", "العاشرة"]
ARABIC_PARAGRAPH = " ".join(
    f"الجملة {o} تتحدث عن أهداف التدريب والقيادة في الشركة." for o in ORDINALS)
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", BIDI_MARKS.sub("", text))


def bare(text: str) -> str:
    """NFKC, without bidi marks and without any whitespace (pypdf shifts spaces)."""
    return re.sub(r"\s+", "", nfkc(text))


def pypdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


def poppler_lines(path: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return [nfkc(ln).strip() for ln in out.splitlines()]


def embedded_fonts(path: Path) -> set[str]:
    """The base names of the fonts in the PDF's page resources (subset tag removed)."""
    names = set()
    for page in PdfReader(str(path)).pages:
        for ref in page["/Resources"]["/Font"].values():
            names.add(str(ref.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def sentence(name: str) -> str:
    return f"Met {name} on 3 March about the 2026 plan."


def report_for(name: str, out: Path, text: str = "") -> Path:
    text = text or sentence(name)
    data = report_data(
        client_name=name, sponsor_name=name, organization=f"{name} & <Co>",
        goals=(progress.GoalLine(text, -1, 0, 1, text, "Up 2 levels since the start."),),
        actions=(progress.ActionLine(text, "client", None, "open"),),
        sessions=(progress.SessionSummary(date(2025, 2, 3), 60, text),),
        coach_summary=text, next_steps=name)
    return progress.build_report_pdf(out, data)


def worksheet_for(name: str, out: Path, text: str = "") -> Path:
    text = text or sentence(name)
    data = WorksheetData(
        client_name=name, session_date=date(2025, 3, 6), organization=name,
        goal_session=text, goal_long_term=name, reality_facts=text, reality_tried=text,
        reality_obstacles=text, will_what=text, will_when=text, commitment=7,
        options=[OptionRow(text, name, True)], actions=[ActionRow(text, "client", None, "open")],
        private_notes=None)
    return worksheet.build_filled_worksheet(out, data)


def subject_access_for(name: str, out: Path, text: str = "") -> Path:
    return subject_access.build_subject_access_pdf(
        out, subject_access_data(text or sentence(name), name=name))


BUILDERS = {"report": report_for, "worksheet": worksheet_for,
            "subject access": subject_access_for}


# -- every script, every document ---------------------------------------------------------------


@pytest.mark.parametrize("script", NAMES)
@pytest.mark.parametrize("kind", BUILDERS)
def test_a_name_in_every_script_prints_in_every_document(tmp_path, kind, script):
    name = NAMES[script]
    pdf = BUILDERS[kind](name, tmp_path / f"{kind}.pdf")
    got = pypdf_text(pdf)
    flat = bare(got)
    # the English sentence around the name keeps its order; the name reads as typed
    assert bare(sentence(name)) in flat, (kind, script)
    assert flat.count(bare(name)) >= 3  # title or cover, header, text
    if script == "Arabic":  # joined: printed in presentation forms, not bare letters
        assert re.search("[\ufe70-\ufeff]", got) and not re.search("[\u0621-\u064a]", got)
    fonts = embedded_fonts(pdf)
    assert SCRIPT_FONT[script] in {f.removesuffix("-Regular").removesuffix("-Bold")
                                   for f in fonts}, (kind, fonts)
    others = {f for f in FALLBACKS if f != SCRIPT_FONT[script]}
    assert not {f.split("-")[0] for f in fonts} & others, fonts  # only the font it needs


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_character_is_drawn_in_a_font_that_has_it(kind):
    texts = list(NAMES.values()) + [sentence(n) for n in NAMES.values()] + [
        ARABIC_PARAGRAPH,
        # bidi controls typed or pasted (isolates have no glyph in DejaVu): left out
        "\u2067محمد\u2069 met \u2066Zoë\u2069 \u200f(\u202bדוד\u202c)"]
    for base in (st.FONT, st.FONT_BOLD):
        for text in texts:
            for run, font in scripts.runs(scripts.visual(text), base):
                missing = [c for c in run if not scripts.font_has(font, c)]
                assert not missing, (text, font, missing)  # else: a box in the PDF


def test_the_header_and_footer_names_print_in_their_script(tmp_path):
    ar, zh, ko = NAMES["Arabic"], NAMES["Chinese"], NAMES["Korean"]
    name = f"{ar} · {zh} · {ko}"
    pdf = worksheet.build_blank_worksheet(tmp_path / "b.pdf", client_name=name)
    pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    assert len(pages) == 2  # still the two pages
    for page in pages:  # the header (drawn on the canvas): a left-to-right line, as typed
        assert bare(f"GROW worksheet — {name}") in bare(page)
    # the name alone (the "Client" field) is a right-to-left line: read from the right,
    # محمد… then "陈静 · 김민준" (one left-to-right run: the dot between two
    # left-to-right names joins them), so drawn from the left: 陈静 · 김민준 · محمد…
    assert bare(f"Client {zh} · {ko} · {ar}") in bare(pages[0])
    assert {"NotoSansArabic-Bold", "DroidSansFallback", "NanumGothicBold"} <= embedded_fonts(pdf)


# -- bidirectional order ---------------------------------------------------------------------------


def test_mixed_lines_keep_each_run_in_its_place(tmp_path):
    ar, he = NAMES["Arabic"], NAMES["Hebrew"]
    # (typed, what pypdf gives for the printed line: runs left to right, each right-to-left
    # run in logical order), written out by hand
    cases = [
        (f"Meeting with {ar} about the 2026 budget.",
         f"Meeting with {ar} about the 2026 budget."),
        # an Arabic sentence with digits and a Latin word: read from the right
        ("الفصل 12 من كتاب Leadership بتاريخ 2026",
         "2026 بتاريخ Leadership من كتاب 12 الفصل"),
        # a Hebrew or Arabic name first in an English sentence: still read from the left
        # (most of its words are left-to-right), its full stop at the end
        (f"{he} met Игорь and Αλέξανδρος.", f"{he} met Игорь and Αλέξανδρος."),
        (f"{ar} started strong. He will meet {he} in January.",
         f"{ar} started strong. He will meet {he} in January."),
        # mostly Hebrew with one English name: right to left, the full stop at the far left
        (f"פגישה עם Anna ועם {he} בשבוע הבא.", f". ועם {he} בשבוע הבא Anna פגישה עם"),
    ]
    text = "\n".join(typed for typed, _ in cases)
    pdf = subject_access_for("Zoë", tmp_path / "s.pdf", text=text)
    got = [bare(ln) for ln in pypdf_text(pdf).splitlines()]
    for typed, printed in cases:
        assert bare(printed) in got, typed
    reversed_arabic = bare(ar)[::-1]
    assert reversed_arabic not in bare(pypdf_text(pdf))  # never drawn in logical order


@pytest.mark.parametrize("typed", [
    "تفويض تقرير المجلس (Board pack) قبل 30 مارس", "محمد [عبد] <الله> {ملاحظة}",
    "מחיר 1,234.50 ₪ (כולל מע\"מ)", "Call (محمد) today", "(דוד כהן)"])
def test_brackets_around_right_to_left_text_face_the_right_way(typed):
    # drawn left to right, a pair always shows its opening glyph on the left: in a
    # right-to-left run the typed "(" is the right one and prints mirrored
    shown = scripts.visual(typed)
    for left, right in ("()", "[]", "<>", "{}"):
        if left in typed:
            assert shown.index(left) < shown.index(right), (typed, shown)
    assert sorted(nfkc(shown)) == sorted(nfkc(scripts.shape(typed)))  # nothing lost


def test_a_long_arabic_paragraph_wraps_with_its_lines_in_order(tmp_path):
    pdf = report_for(NAMES["Arabic"], tmp_path / "r.pdf", text=ARABIC_PARAGRAPH)
    want = bare(ARABIC_PARAGRAPH)
    # pypdf: each printed line in logical order; lines top to bottom (the summary's
    # first, right-aligned paragraph). The full stop ending a right-to-left line is drawn
    # at its left end, where pypdf leaves it: it goes back to the end here.
    lines = [bare(ln) for ln in pypdf_text(pdf).splitlines()]
    lines = [ln[1:] + "." if ln.startswith(".") else ln for ln in lines]
    start = lines.index("Summary") + 1
    joined, n = "", 0
    for ln in lines[start:]:
        if not want.startswith(joined + ln):
            break
        joined, n = joined + ln, n + 1
    assert joined == want and n >= 3, (n, joined[:40])
    # poppler agrees (it puts each right-to-left line in logical order itself)
    plines = poppler_lines(pdf)
    start = plines.index("Summary") + 1
    got = ""
    for ln in plines[start:]:
        if ln.startswith("Next steps"):
            break
        got += bare(ln)
    assert got == want


def test_a_wrapped_arabic_paragraph_is_right_aligned_and_split_over_pages(tmp_path):
    text = "\n\n".join([ARABIC_PARAGRAPH] * 40)  # several pages
    pdf = progress.build_report_pdf(tmp_path / "r.pdf", report_data(
        client_name=NAMES["Arabic"], sponsor_name="Priya", coach_summary=text))
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 3
    # every paragraph whole, in order, even where a page break cuts it (poppler puts the
    # right-to-left lines in logical order; the page header and footer are left out)
    text_lines = [ln for ln in poppler_lines(pdf)
                  if re.search("[\u0600-\u06ff]", ln) and not ln.startswith(
                      ("Coaching", "محمد"))]
    assert "".join(map(bare, text_lines)) == bare(ARABIC_PARAGRAPH) * 40
    para = scripts.Paragraph(st.markup(ARABIC_PARAGRAPH), st.styles()["body"])
    para.wrap(300, 1000)
    assert para.style.alignment == 2  # TA_RIGHT
    assert len(para._lines) >= 3
    first, rest = para.split(300, para.style.leading * 2 + 1)
    assert first.wrap(300, 1000)[1] == para.style.leading * 2 and rest.wrap(300, 1000)
    assert [ln for ln, _ in first._lines + rest._lines] == [ln for ln, _ in para._lines]


# -- hostile text, fonts, size ---------------------------------------------------------------------


def test_hostile_text_in_every_script_prints_as_typed(tmp_path):
    hostile = '<b>&"\' ' + " ".join(NAMES.values()) + " 😀 </para>"
    for kind, build in BUILDERS.items():
        got = pypdf_text(build(hostile, tmp_path / f"{kind}.pdf", text=hostile * 3))
        assert '<b>&"\'' in got and "</para>" in got, kind
        for script, name in NAMES.items():
            assert bare(name) in bare(got), (kind, script)


def test_a_megabyte_of_arabic_still_makes_a_report(tmp_path):
    text = ((ARABIC_PARAGRAPH + "\n") * (1_000_000 // len(ARABIC_PARAGRAPH)))[:1_000_000]
    pdf = progress.build_report_pdf(tmp_path / "big.pdf", report_data(
        client_name="Zoë", coach_summary=text + " آخر الكلام"))
    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 50
    last = "".join(bare(p.extract_text()) for p in reader.pages[-3:])
    assert bare("آخر الكلام") in last  # nothing lost at the end


def test_a_latin_only_report_embeds_dejavu_alone_and_loads_no_other_font(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setattr(scripts, "_loaded", {})
    pdf = report_for("Zoë Whitfield", tmp_path / "latin.pdf")
    assert embedded_fonts(pdf) <= {"Helvetica", "DejaVuSans", "DejaVuSans-Bold",
                                   "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"}
    assert not set(scripts._loaded) & set(scripts.FALLBACK_FONTS)  # never even read


def test_chen_jing_of_the_demo_prints_in_chinese_not_boxes(demo_db, tmp_path):
    from sqlmodel import select

    from coachdesk.models import Client, Engagement
    with demo_db.session() as s:
        eid = s.exec(select(Engagement.id).join(Client, Client.id == Engagement.client_id)
                     .where(Client.name.contains("陈静"))).first()
    pdf = progress.build_report_pdf(tmp_path / "chen.pdf", progress.report_data(demo_db, eid))
    assert "陈静" in pypdf_text(pdf)
    assert {"DroidSansFallback", "DejaVuSans-Bold"} <= embedded_fonts(pdf)


def test_fallback_fonts_and_their_licences_are_shipped():
    folder = st.fonts_dir()
    for regular, bold in scripts.FALLBACK_FONTS.values():
        for name in filter(None, (regular, bold)):
            assert (folder / name).is_file(), name
    for licence, words in {"LICENSE-NotoSans.txt": "SIL OPEN FONT LICENSE",
                           "LICENSE-NanumGothic.txt": "SIL OPEN FONT LICENSE",
                           "LICENSE-DroidSansFallback.txt": "Apache License"}.items():
        assert words.lower() in (folder / licence).read_text(encoding="utf-8").lower()


def test_a_missing_fallback_font_is_a_plain_error(tmp_path, monkeypatch):
    monkeypatch.setattr(scripts, "_loaded", {})
    monkeypatch.setattr(st, "fonts_dir", lambda: tmp_path / "fonts")
    with pytest.raises(st.ReportError, match="Please reinstall CoachDesk") as err:
        report_for(NAMES["Korean"], tmp_path / "k.pdf")
    assert NAMES["Korean"] not in str(err.value)  # no text of the coach's in the message
    assert not (tmp_path / "k.pdf").exists()


@pytest.mark.parametrize("text, bold_face", [
    ("Kim 김민준", "CD-NanumGothic-Bold"), ("محمد عبد الله", "CD-NotoSansArabic-Bold"),
    ("Chen 陈静", "CD-DroidSansFallback")])  # Droid has no bold: its regular face
def test_bold_places_print_a_fallback_script_in_its_bold_face(text, bold_face):
    styles = st.styles()
    for style, face in ((styles["title"], bold_face),
                        (styles["body"], bold_face.removesuffix("-Bold"))):
        para = scripts.Paragraph(st.markup(text), style)
        para.wrap(400, 100)
        lines = para.blPara.lines
        words = [w for ln in lines for w in getattr(ln, "words", ())]  # several fonts
        fonts = {getattr(w, "fontName", None) for w in words} or {para.blPara.fontName}
        assert face in fonts, (style.name, fonts)


def test_a_short_right_to_left_value_keeps_its_columns_alignment():
    # a client's name in a table cell beside left-aligned values stays left (a new coach
    # found the Arabic name alone pushed to the right margin of the report's cover)
    body = st.styles()["body"]
    name = scripts.Paragraph(st.markup(NAMES["Arabic"]), body)
    assert name.style.alignment == TA_LEFT
    paragraph = scripts.Paragraph(st.markup(ARABIC_PARAGRAPH), body)
    assert paragraph.style.alignment == TA_RIGHT
