"""Text in every script for reportlab: a font per run of characters, Arabic joining and
right-to-left order.

reportlab draws the glyphs of one TrueType font, one character after another, left to
right: it neither falls back to another font for a character its font lacks (a box is
printed), nor joins Arabic letters, nor reorders right-to-left text. (reportlab can do
the last two itself only with ``uharfbuzz`` and ``rlbidi``, which CoachDesk does not
install.) This module does all three before reportlab sees the text:

* **fonts** — DejaVu Sans (the base font, :mod:`.styles`) prints Latin, Greek and
  Cyrillic; Noto Sans Arabic and Noto Sans Hebrew print those scripts (better than
  DejaVu's few Arabic glyphs); Nanum Gothic prints Korean; Droid Sans Fallback prints
  Chinese and Japanese. Each is a TrueType font in ``resources/fonts/`` beside its
  licence, read and registered with reportlab only the first time a character needs it,
  so a Latin-only document embeds DejaVu alone (reportlab embeds a subset of the glyphs
  used of each font used, and nothing of a font never drawn with).
* **shaping** — ``arabic-reshaper`` turns Arabic letters into their joined presentation
  forms (initial, medial, final, lam-alef), which the Noto Arabic font maps directly.
* **order** — ``python-bidi`` (the Unicode bidirectional algorithm) puts each *printed
  line* in visual order. Lines are broken first, in logical order, then each line is
  reordered, so an Arabic paragraph that wraps reads from its first line down, and an
  English sentence holding an Arabic name keeps its words in place.

:func:`.styles.markup` uses :func:`line_markup`; :class:`Paragraph` (a drop-in
``reportlab.platypus.Paragraph``) re-breaks right-to-left text at the width it is given;
:func:`draw_string` and :func:`text_width` serve text drawn straight on a canvas (page
headers and footers). Characters no shipped font has (rare scripts, most emoji) print in
the base font, as a box, and never stop a document.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from xml.sax.saxutils import escape

from arabic_reshaper import ArabicReshaper
from bidi import get_base_level, get_display
from bidi.mirror import MIRRORED
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph as _RLParagraph

__all__ = ["FALLBACK_FONTS", "Markup", "Paragraph", "has_rtl", "visual", "runs",
           "line_markup", "text_width", "draw_string", "wrap_lines", "font_has"]

#: registered name → (regular file, bold file or None: the regular face serves for bold)
FALLBACK_FONTS = {
    "CD-NotoSansArabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    "CD-NotoSansHebrew": ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    "CD-NanumGothic": ("NanumGothic.ttf", "NanumGothicBold.ttf"),
    "CD-DroidSansFallback": ("DroidSansFallbackFull.ttf", None),
}
_ARABIC, _HEBREW, _KOREAN, _CJK = FALLBACK_FONTS
# The font a script's letters prefer, by code point range (first match wins); any other
# character takes the base font, or else the first fallback font that has it.
_PREFERRED = [
    (0x0590, 0x05FF, _HEBREW), (0xFB1D, 0xFB4F, _HEBREW),
    (0x0600, 0x06FF, _ARABIC), (0x0750, 0x077F, _ARABIC), (0x08A0, 0x08FF, _ARABIC),
    (0xFB50, 0xFDFF, _ARABIC), (0xFE70, 0xFEFF, _ARABIC),
    (0x1100, 0x11FF, _KOREAN), (0x3130, 0x318F, _KOREAN), (0xA960, 0xA97F, _KOREAN),
    (0xAC00, 0xD7FF, _KOREAN),
    (0x2E80, 0x2FDF, _CJK), (0x3000, 0x30FF, _CJK), (0x31C0, 0x31FF, _CJK),
    (0x3400, 0x4DBF, _CJK), (0x4E00, 0x9FFF, _CJK), (0xF900, 0xFAFF, _CJK),
    (0xFF00, 0xFFEF, _CJK), (0x20000, 0x3FFFF, _CJK),
]
_PREFERRED_RE = re.compile("[" + "".join(
    f"{chr(a)}-{chr(b)}" for a, b, _ in _PREFERRED) + "]")
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
                     "\U0001e800-\U0001efff]")

# Lam-alef must join; the "Allah" word ligature would print one glyph for what the coach
# typed as letters, so it is off. Harakat are kept, moved so they sit on their letter
# once the line is reversed.
_reshaper = ArabicReshaper(configuration={
    "delete_harakat": False, "shift_harakat_position": True, "ARABIC LIGATURE ALLAH": False,
})

_lock = threading.Lock()
_loaded: dict[str, frozenset[str]] = {}  # registered font name → the characters it has


def _load(name: str) -> frozenset[str]:
    """The characters of the registered font ``name``; a fallback font is read from
    ``resources/fonts/`` and registered (with its bold face) the first time.

    Raises ``ReportError`` (a plain sentence, no text of the coach's) when a fallback
    font file is missing or damaged, as :func:`.styles.register_fonts` does for DejaVu.
    """
    chars = _loaded.get(name)
    if chars is not None:
        return chars
    from .styles import ReportError, fonts_dir, register_fonts
    register_fonts()  # the base fonts (DejaVu Sans), once per process
    with _lock:
        if name in _loaded:
            return _loaded[name]
        if name in FALLBACK_FONTS:
            regular, bold = FALLBACK_FONTS[name]
            folder = fonts_dir()  # the one place that finds the fonts folder
            try:
                pdfmetrics.registerFont(TTFont(name, str(folder / regular)))
                bold_name = name
                if bold:
                    bold_name = name + "-Bold"
                    pdfmetrics.registerFont(TTFont(bold_name, str(folder / bold)))
            except Exception as exc:  # noqa: BLE001 - a missing or damaged font file
                raise ReportError(
                    f"CoachDesk cannot print this document: the font file {regular} is "
                    f"missing from {folder} or damaged. Please reinstall CoachDesk.") from exc
            # <b> (or a bold style) around a <font name=...> run picks the bold face
            pdfmetrics.registerFontFamily(name, normal=name, bold=bold_name, italic=name,
                                          boldItalic=bold_name)
        _loaded[name] = frozenset(map(chr, pdfmetrics.getFont(name).face.charToGlyph))
        return _loaded[name]


def font_has(name: str, ch: str) -> bool:
    """Whether the registered (or fallback) font ``name`` has a glyph for ``ch``."""
    return ch in _load(name)


def _preferred(cp: int) -> str | None:
    for a, b, name in _PREFERRED:
        if a <= cp <= b:
            return name
    return None


def _is_letter(ch: str) -> bool:
    # letters, marks and digits decide a run's font; spaces and punctuation stay in the
    # run they are in when its font has them (fewer font changes, same glyphs)
    return ch.isalnum() or ("\u0300" <= ch <= "\u036f") or ("\u064b" <= ch <= "\u065f")


def _font_for(ch: str, base: str, current: str | None) -> str:
    if current is not None and not _is_letter(ch) and ch in _load(current):
        return current
    pref = _preferred(ord(ch))
    if pref is not None and ch in _load(pref):
        return pref
    if ch in _load(base):
        return base
    for name in FALLBACK_FONTS:
        if ch in _load(name):
            return name
    return base  # no shipped font has it: reportlab prints its box


def _bold_of(name: str, base: str) -> str:
    """The face of fallback ``name`` to use beside the base font ``base``."""
    if "Bold" in base and FALLBACK_FONTS.get(name, (None, None))[1]:
        return name + "-Bold"
    return name


def runs(text: str, base: str) -> list[tuple[str, str]]:
    """``text`` cut into ``(run, font name)`` pieces, each printable in its font.

    ``base`` is a registered font (e.g. ``styles.FONT_BOLD``); a run in a fallback font
    carries the fallback's bold face when ``base`` is bold and the fallback has one.
    Text the base font prints whole is one run, found without a look at any other font.
    """
    if not text:
        return []
    base_chars = _load(base)
    if not _PREFERRED_RE.search(text) and set(text) <= base_chars:
        return [(text, base)]
    out: list[tuple[str, str]] = []
    current: str | None = None
    start = 0
    memo: dict[tuple[str, str | None], str] = {}  # a 1 MB paste has few distinct letters
    for i, ch in enumerate(text):
        font = memo.get((ch, current))
        if font is None:
            font = memo[ch, current] = _font_for(ch, base, current)
        if font != current:
            if current is not None:
                out.append((text[start:i], current))
            current, start = font, i
    out.append((text[start:], current))
    return [(t, f if f == base else _bold_of(f, base)) for t, f in out]


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana…)."""
    return bool(_RTL_RE.search(text))


def base_direction(text: str) -> str:
    """``"R"`` when most words of ``text`` are right-to-left ones, else ``"L"``; on a tie,
    the first strong letter decides (the Unicode Bidirectional Algorithm's rule P2).

    The algorithm alone takes the first strong letter, so an English sentence that starts
    with a client's Arabic or Hebrew name ("محمد عبد الله started strong. He will meet
    …") printed right to left, its full stop at the far left. Counting words follows the
    "estimate the direction from the share of right-to-left words" practice of Google's
    Closure bidi utilities (which tip at 40%; a majority here, as our documents are
    written in English around the names)."""
    if not has_rtl(text):
        return "L"
    rtl = ltr = 0
    for word in text.split():
        letter = next((ch for ch in word if ch.isalpha()), None)
        if letter is not None:
            if _RTL_RE.match(letter):
                rtl += 1
            else:
                ltr += 1
    if rtl != ltr:
        return "R" if rtl > ltr else "L"
    return "R" if get_base_level(text) == 1 else "L"


@lru_cache(maxsize=256)  # a paragraph is shaped to break it, then again to print it
def shape(text: str) -> str:
    """Arabic letters in their joined presentation forms (logical order kept)."""
    return _reshaper.reshape(text) if has_rtl(text) else text


def visual(line: str, direction: str | None = None, shaped: bool = False) -> str:
    """One printed line in the order it is drawn, left to right: Arabic joined, right-to-
    left runs reversed (numbers and Latin words inside them kept readable), brackets
    mirrored. ``direction`` ``"L"``/``"R"`` is the paragraph's base direction (default:
    from its first strong letter); ``shaped``: ``line`` comes from :func:`shape` already.
    Text without right-to-left letters keeps its order. Bidi control characters (marks,
    embeddings, isolates) have done their work once the line is ordered: they are left
    out, as they have no glyph in some fonts.
    """
    if not has_rtl(line):
        return _BIDI_CONTROLS.sub("", line)
    text = line if shaped else shape(line)
    base = direction or base_direction(line)
    if not _MIRRORABLE.search(text):  # nothing to mirror: python-bidi's order as it is
        return _BIDI_CONTROLS.sub("", get_display(text, base_dir=base))
    levels = _levels(text, base)
    if levels is None:  # python-bidi changed its report: its order, brackets unmirrored
        return _BIDI_CONTROLS.sub("", get_display(text, base_dir=base))
    return _BIDI_CONTROLS.sub("", _reorder(text, levels, 1 if base == "R" else 0))


_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MIRRORABLE = re.compile("[" + re.escape("".join(MIRRORED)) + "]")
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def _levels(text: str, base: str) -> list[int] | None:
    """The embedding level of each character of ``text`` (a line, one paragraph) by the
    Unicode bidirectional algorithm (python-bidi, brackets paired as UAX #9 says).

    python-bidi 0.5+ orders a line but leaves the mirroring of ``(`` ``[`` ``<`` … in
    right-to-left runs to the caller; its ``debug`` report gives the levels (one per UTF-8
    byte) that mirroring needs. ``None`` when that report cannot be read."""
    report = get_display(text, base_dir=base, debug=True)
    if not isinstance(report, str) or "levels:" not in report:
        return None
    part = report[report.index("levels:"):]
    part = part[:part.index("]")] if "]" in part else ""
    per_byte = [int(n) for n in _LEVEL.findall(part)]
    if len(per_byte) != len(text.encode("utf-8")):
        return None
    out, at = [], 0
    for ch in text:
        out.append(per_byte[at])
        at += len(ch.encode("utf-8"))
    return out


def _reorder(text: str, levels: list[int], base_level: int) -> str:
    """UAX #9 rules L1, L2 and L4 for one line: trailing spaces at the paragraph's level,
    every run at a level or higher reversed from the highest level down to the lowest
    odd one, and a mirrored glyph (``(`` for ``)``…) for each character at an odd level."""
    levels = list(levels)
    i = len(text)
    while i > 0 and text[i - 1].isspace():  # L1
        i -= 1
        levels[i] = base_level
    chars = [MIRRORED.get(c, c) if lv % 2 else c for c, lv in zip(text, levels, strict=False)]  # L4
    order = list(range(len(text)))
    top = max(levels, default=0)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):  # L2
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return "".join(chars[k] for k in order)


def text_width(text: str, font: str, size: float) -> float:
    """Points ``text`` (logical order) takes printed in ``font`` at ``size``, with the
    fonts of :func:`runs` and Arabic joined."""
    return _width(shape(text), font, size)


@lru_cache(maxsize=8192)  # words come back again and again while lines are broken
def _width(shaped: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(t, f, size) for t, f in runs(shaped, font))


def draw_string(canvas, x: float, y: float, text: str, font: str, size: float,
                anchor: str = "start") -> float:
    """Draw one line of ``text`` (logical order) on a reportlab ``canvas`` at ``x, y``
    (points), joined, in visual order and a font per run; ``anchor`` ``"start"``,
    ``"end"`` or ``"middle"`` says which end of the line ``x`` is. Returns the width
    drawn (points). The canvas is left with ``font`` at ``size``."""
    pieces = runs(visual(text), font)
    total = sum(pdfmetrics.stringWidth(t, f, size) for t, f in pieces)
    x -= total if anchor == "end" else total / 2 if anchor == "middle" else 0
    for t, f in pieces:
        if (canvas._fontname, canvas._fontsize) != (f, size):
            canvas.setFont(f, size)
        canvas.drawString(x, y, t)
        x += pdfmetrics.stringWidth(t, f, size)
    if (canvas._fontname, canvas._fontsize) != (font, size):
        canvas.setFont(font, size)
    return total


def _spaces(m: re.Match) -> str:
    from .styles import MAX_SPACE_RUN
    # see styles.markup: a run of spaces stays as wide as typed, and words can still break
    return " " + "&nbsp;" * min(len(m.group()) - 1, MAX_SPACE_RUN) + " "


def line_markup(line: str, base: str, direction: str | None = None,
                shaped: bool = False) -> str:
    """One line of plain text as ``Paragraph`` markup, in visual order: each run escaped
    (``<b>&"'`` print as typed), runs of spaces kept, a run in another font than ``base``
    inside ``<font name=...>``."""
    out = []
    for text, font in runs(visual(line, direction, shaped), base):
        piece = re.sub(r" {2,}", _spaces, escape(text))
        out.append(piece if font == base else f'<font name="{font}">{piece}</font>')
    return "".join(out)


class Markup(str):
    """Paragraph markup (a ``str``) that remembers the plain text it was made from when
    that text holds right-to-left letters (``logical``, else ``None``), so
    :class:`Paragraph` can break its lines before putting each in visual order."""

    logical: str | None = None

    def __new__(cls, markup: str, logical: str | None = None):
        self = super().__new__(cls, markup)
        self.logical = logical
        return self


def wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` (one line, logical order) broken into lines at most ``width`` points wide
    at spaces, a word wider than a line cut where it must. The lines keep logical order,
    Arabic already joined (:func:`shape`: joining never crosses a space)."""
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[str] = []
    current, used = "", 0.0
    for word in shape(text).split(" "):
        w = _width(word, font, size)
        if current and used + space + w <= width:
            current, used = f"{current} {word}", used + space + w
            continue
        if current:
            lines.append(current)
        while w > width and len(word) > 1:  # one word wider than a line: cut it
            n, taken = 0, 0.0
            while n < len(word) - 1:
                step = _width(word[n], font, size)
                if n and taken + step > width:
                    break
                n, taken = n + 1, taken + step
            lines.append(word[:n])
            word = word[n:]
            w = _width(word, font, size)
        current, used = word, w
    lines.append(current)
    return lines


_FONT_TAG = re.compile('<font name="(CD-[A-Za-z]+)">')


#: a right-to-left text of at most this many words on one line keeps its style's alignment
SHORT_WORDS = 4


class Paragraph(_RLParagraph):
    """``reportlab.platypus.Paragraph`` that prints right-to-left text correctly.

    Given :class:`Markup` that holds right-to-left letters, it breaks the plain text into
    lines itself, at the width it is given, puts each line in visual order and aligns a
    right-to-left paragraph to the right (when its style says left). Any other text is
    laid out exactly as by reportlab.
    """

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1,
                 encoding="utf8"):
        logical = getattr(text, "logical", None)
        # (plain line, base direction) for each line the coach typed
        self._src = None if logical is None else [(ln, base_direction(ln))
                                                   for ln in logical.split("\n")]
        self._laid_for: float | None = None
        # a right-to-left paragraph goes to the right; a short value (a name in a table
        # cell beside left-aligned ones, a one-line title) stays where its style puts it
        short = logical is not None and "\n" not in logical and len(logical.split()) <= SHORT_WORDS
        if self._src and style is not None and self._src[0][1] == "R" and not short \
                and style.alignment == TA_LEFT:
            style = ParagraphStyle(style.name + "-rtl", parent=style, alignment=TA_RIGHT)
        if isinstance(text, Markup) and style is not None and "Bold" in style.fontName:
            # a fallback run made by markup() (which knows no style) in its bold face;
            # user text is escaped, so only markup() can have written these tags
            text = _FONT_TAG.sub(lambda m: f'<font name="{_bold_of(m[1], style.fontName)}">',
                                 text)
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)

    def _layout(self, avail: float) -> None:
        if self._src is None or self._laid_for == avail:
            return
        st = self.style
        width = avail - st.leftIndent - st.rightIndent - max(st.firstLineIndent, 0)
        lines = [(piece, d) for ln, d in self._src
                 for piece in wrap_lines(ln, st.fontName, st.fontSize, max(width, 1))]
        self._lines = lines
        text = "<br/>".join(line_markup(ln, st.fontName, d, shaped=True) for ln, d in lines)
        bullet = self.bulletText
        _RLParagraph.__init__(self, text, st, bullet, None, self.caseSensitive, self.encoding)
        self._laid_for = avail

    def wrap(self, availWidth, availHeight):
        self._layout(availWidth)
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth, availHeight):
        if self._src is None:
            return super().split(availWidth, availHeight)
        self._layout(availWidth)
        n, leading = len(self._lines), self.style.leading
        k = int((availHeight + 1e-6) // leading)
        if k >= n:
            return [self]
        if k > 1 and n - k == 1 and not self.style.allowWidows:
            k -= 1
        if k < 1 or (k == 1 and not self.style.allowOrphans):
            return []
        return [self._part(self._lines[:k]), self._part(self._lines[k:], first=False)]

    def _part(self, lines: list[tuple[str, str]], first: bool = True) -> Paragraph:
        logical = "\n".join(ln for ln, _ in lines)
        markup = "<br/>".join(line_markup(ln, self.style.fontName, d, shaped=True)
                              for ln, d in lines)
        p = Paragraph(Markup(markup, logical), self.style, self.bulletText if first else None)
        p._src = list(lines)  # each piece is already one line: keep its direction
        return p
