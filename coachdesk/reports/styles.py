"""Fonts, colours, page sizes and paragraph styles shared by every printed document.

The base font is DejaVu Sans, shipped in ``resources/fonts/`` at the project root
(beside the ``coachdesk`` package) with its licence: it covers Latin with all
accents, Greek and Cyrillic. Arabic, Hebrew, Chinese, Japanese and Korean print in
fallback fonts shipped beside it, Arabic joined and right-to-left text in visual order:
see :mod:`.scripts`, which :func:`markup` uses.

Every piece of text a coach typed goes through :func:`markup` before it
reaches a ``Paragraph``: it is XML-escaped, so ``<b>&"'`` prints as typed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import CoachDeskError, ValidationError
from . import scripts

__all__ = [
    "ReportError", "FONT", "FONT_BOLD", "FONT_ITALIC", "FONT_BOLD_ITALIC", "PAGE_SIZES",
    "register_fonts", "fonts_dir", "page_size", "normalize_paper", "markup", "clean_text",
    "styles", "INK", "MUTED", "ACCENT", "ACCENT_LIGHT", "RULE", "FAINT", "CHOSEN",
    "CHOSEN_LIGHT", "PRIVATE", "PRIVATE_LIGHT", "WHITE",
]


class ReportError(CoachDeskError):
    """A document could not be produced (missing font files, unwritable output…)."""


# -- fonts -------------------------------------------------------------------------------

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_lock = threading.Lock()
_registered = False


def fonts_dir() -> Path:
    """The folder of the TTF files shipped with CoachDesk (``resources/fonts/`` in the
    source tree; found through the package when installed or bundled: ``coachdesk.bundled``).
    Every font file is looked up in this one folder."""
    from .. import bundled

    return bundled.resources_dir() / "fonts"


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) with reportlab, once per process."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = fonts_dir()
        missing = [f for f in _FONT_FILES.values() if not (folder / f).is_file()]
        if missing:
            raise ReportError(
                f"CoachDesk cannot print: its font files are missing from {folder} "
                f"({', '.join(missing)}). Please reinstall CoachDesk.")
        try:
            for name, filename in _FONT_FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        except Exception as exc:  # a damaged font file
            raise ReportError(f"CoachDesk cannot print: a font file in {folder} could not be "
                              f"read ({exc}). Please reinstall CoachDesk.") from exc
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                      boldItalic=FONT_BOLD_ITALIC)
        _registered = True


# -- paper -------------------------------------------------------------------------------

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
_PAPER_ALIASES = {"a4": "A4", "letter": "Letter", "us letter": "Letter", "us-letter": "Letter"}


def normalize_paper(paper: str | None) -> str:
    """``"a4"``, ``"A4"`` → ``"A4"``; ``"letter"``, ``"US Letter"`` → ``"Letter"``."""
    key = str(paper or "").strip().lower()
    if key not in _PAPER_ALIASES:
        raise ValidationError(f"The paper size must be A4 or Letter, not {paper!r}.", "paper")
    return _PAPER_ALIASES[key]


def page_size(paper: str | None) -> tuple[float, float]:
    return PAGE_SIZES[normalize_paper(paper)]


# -- colours: one calm accent, greys, and a distinct one for the coach's private notes ------

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#616E7C")
ACCENT = colors.HexColor("#2F5D7C")
ACCENT_LIGHT = colors.HexColor("#E8EFF4")
RULE = colors.HexColor("#B9C3CC")
FAINT = colors.HexColor("#F4F6F8")
CHOSEN = colors.HexColor("#2E7D4F")
CHOSEN_LIGHT = colors.HexColor("#E5F2EA")
PRIVATE = colors.HexColor("#8A4B14")
PRIVATE_LIGHT = colors.HexColor("#FBF1E6")
WHITE = colors.white


# -- user text -------------------------------------------------------------------------------

# Characters that break a line or a paragraph wherever text comes from: Word's manual line
# break arrives as a vertical tab (U+000B) and its page or section break as a form feed
# (U+000C); both must part the words around them, never glue them together.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x85\u2028]")
_PARAGRAPH_BREAKS = re.compile("[\x0c\x1c\x1d\x1e\u2029]")
# Other control characters (NUL included) have no place in a printout and some upset the
# paragraph parser: they are dropped. Lone surrogates cannot be encoded at all.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: object) -> str:
    """Plain text as typed, minus what cannot be printed (``str`` in, ``str`` out).

    Line breaks of every kind (``\\r\\n``, ``\\r``, U+000B, U+0085, U+2028) become
    ``\\n``; paragraph breaks (U+000C, U+001C-U+001E, U+2029) become a blank line; a tab
    becomes four spaces; other control characters are dropped and a lone surrogate
    becomes U+FFFD. The result is NFC-normalised.
    """
    if text is None:
        return ""
    s = _LINE_BREAKS.sub("\n", str(text))
    s = _PARAGRAPH_BREAKS.sub("\n\n", s).replace("\t", "    ")
    s = _SURROGATE.sub("\ufffd", _CONTROL.sub("", s))
    return unicodedata.normalize("NFC", s)


#: a run of spaces prints at most this wide (in spaces): indentation, not a blank page
MAX_SPACE_RUN = 40


def markup(text: object) -> scripts.Markup:
    """User text made safe for a ``Paragraph`` (``str`` in, markup ``str`` out): cleaned
    (:func:`clean_text`), escaped so ``<b>&"'`` print as typed, newlines as ``<br/>``,
    runs of spaces kept (up to ``MAX_SPACE_RUN`` wide), characters DejaVu lacks in a
    fallback font's ``<font>`` run, right-to-left lines joined and in visual order
    (:mod:`.scripts`). Give it to :class:`.scripts.Paragraph` so right-to-left text
    that wraps keeps its lines in order."""
    register_fonts()
    clean = clean_text(text)
    lines = "<br/>".join(scripts.line_markup(line, FONT) for line in clean.split("\n"))
    return scripts.Markup(lines, clean if scripts.has_rtl(clean) else None)


# -- paragraph styles ----------------------------------------------------------------------

_styles: dict[str, ParagraphStyle] | None = None


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, by name (fonts are registered on first use)."""
    global _styles
    if _styles is not None:
        return _styles
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK,
                          splitLongWords=1, allowWidows=0, allowOrphans=0)
    s = {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=19,
                                leading=23, textColor=ACCENT),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9.5, leading=13,
                                   textColor=MUTED),
        "stage": ParagraphStyle("stage", parent=base, fontName=FONT_BOLD, fontSize=13,
                                leading=16, textColor=ACCENT),
        "stage_letter": ParagraphStyle("stage_letter", parent=base, fontName=FONT_BOLD,
                                       fontSize=15, leading=18, textColor=WHITE,
                                       alignment=TA_CENTER),
        "stage_hint": ParagraphStyle("stage_hint", parent=base, fontSize=8.5, leading=11,
                                     textColor=MUTED),
        "prompt": ParagraphStyle("prompt", parent=base, fontName=FONT_ITALIC, fontSize=9,
                                 leading=12.5, textColor=MUTED, leftIndent=9, bulletIndent=0,
                                 spaceAfter=1),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=8,
                                leading=10.5, textColor=MUTED, spaceBefore=7, spaceAfter=2),
        "empty": ParagraphStyle("empty", parent=base, fontName=FONT_ITALIC, textColor=RULE),
        "meta_label": ParagraphStyle("meta_label", parent=base, fontName=FONT_BOLD,
                                     fontSize=8, leading=11, textColor=MUTED),
        "meta": ParagraphStyle("meta", parent=base, fontSize=10, leading=13),
        "th": ParagraphStyle("th", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10.5,
                             textColor=ACCENT),
        "td": ParagraphStyle("td", parent=base, fontSize=9, leading=12.5),
        "td_muted": ParagraphStyle("td_muted", parent=base, fontSize=8.5, leading=12,
                                   textColor=MUTED),
        "td_center": ParagraphStyle("td_center", parent=base, fontSize=9, leading=12.5,
                                    alignment=TA_CENTER),
        "chosen": ParagraphStyle("chosen", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                                 leading=12, textColor=CHOSEN, alignment=TA_CENTER),
        "done": ParagraphStyle("done", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                               leading=12, textColor=CHOSEN),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "small_right": ParagraphStyle("small_right", parent=base, fontSize=8, leading=10.5,
                                      textColor=MUTED, alignment=TA_RIGHT),
        "private_title": ParagraphStyle("private_title", parent=base, fontName=FONT_BOLD,
                                        fontSize=13, leading=16, textColor=PRIVATE),
        "private_hint": ParagraphStyle("private_hint", parent=base, fontSize=8.5, leading=11,
                                       textColor=PRIVATE),
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
    }
    _styles = s
    return s


# Sizes used by layouts (points).
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
FRAME_PAD = 6  # SimpleDocTemplate's frame padding, on every side
