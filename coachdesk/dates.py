"""Every date a coach reads, written one way: the practice's "Date format" and "Language
for month names" settings (issue 14, "Dates by locale").

The engine's messages, the CLI, the PDFs and the window all format dates here, so a
coach never sees "29 Nov 2026" in one place and "lun. 30 nov. 2026" in another. Month and
day names come from Babel (CLDR data), never from the process locale: Python's
``strftime`` follows ``LC_TIME``, which Qt sets from the system, and ``ui.one_language``
keeps it at "C" so a date not formatted here still cannot change language.

Machine formats are not formatted here and stay ISO: file names, JSON export, .ics,
CSV, the database and logs.

The style in force is process-wide (``use``): the window sets it from the open practice,
the CLI from the practice it works on; until then it is the system's default
(``system_default``), read from ``LC_ALL``/``LC_TIME``/``LANG``.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import get_day_names, get_month_names

#: format key → (what the coach sees in Settings, Babel/CLDR pattern of the short form)
FORMATS: dict[str, tuple[str, str]] = {
    "dmy": ("29/11/2026 (day/month/year)", "dd/MM/y"),
    "mdy": ("11/29/2026 (month/day/year)", "MM/dd/y"),
    "dmy_dots": ("29.11.2026 (day.month.year)", "dd.MM.y"),
    "iso": ("2026-11-29 (year-month-day)", "y-MM-dd"),
    "d_mon_y": ("29 Nov 2026 (day, month name, year)", "d MMM y"),
}
#: the same forms without the year ("29/11", "29 Nov"), for a day in a short list
_NO_YEAR = {"dmy": "dd/MM", "mdy": "MM/dd", "dmy_dots": "dd.MM.", "iso": "MM-dd",
            "d_mon_y": "d MMM"}
#: language key → its name as the coach sees it (in that language, as menus do)
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "de": "Deutsch",
                             "es": "Español"}
_TERRITORY = {"en": "GB", "fr": "FR", "de": "DE", "es": "ES"}
#: month-name forms where a language writes the day otherwise ("29. Nov. 2026" in German)
_NAMED = {"de": ("d. MMM y", "d. MMM")}


@dataclass(frozen=True)
class DateStyle:
    """How dates read: ``format`` a key of ``FORMATS``, ``language`` a key of ``LANGUAGES``."""

    format: str = "d_mon_y"
    language: str = "en"

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"unknown date format {self.format!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")

    @property
    def locale(self) -> str:
        """The Babel locale of the month and day names: "en" (Sep, not en_GB's Sept),
        "fr_FR", "de_DE", "es_ES"."""
        return "en" if self.language == "en" else f"{self.language}_{_TERRITORY[self.language]}"

    @property
    def territory(self) -> str:
        """The country whose calendar conventions go with it ("en_US" for month-first
        English, else "en_GB"; "fr_FR" …): the first day of the week in a calendar."""
        if self.language == "en":
            return "en_US" if self.month_first else "en_GB"
        return f"{self.language}_{_TERRITORY[self.language]}"

    @property
    def month_first(self) -> bool:
        """Typed numeric dates read month first (11/29/2026)."""
        return self.format == "mdy"


PLAIN = DateStyle()  # 29 Nov 2026, English: the C/POSIX locale and any unknown one

_current: DateStyle | None = None
_provider: Callable[[], DateStyle] | None = None
_lock = threading.RLock()


# -- which style --------------------------------------------------------------------------------


def _system_locale_name() -> str:
    """The locale the system asks for dates in, as POSIX orders it: LC_ALL, LC_TIME, LANG."""
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return "C"


@lru_cache(maxsize=32)
def default_for(locale_name: str) -> DateStyle:
    """The style a system locale name ("fr_FR.UTF-8", "en_US", "C") stands for.

    The order of the numbers is the locale's own short date pattern (CLDR); month names are
    in its language when it is one of ``LANGUAGES``, else English. C, POSIX and unknown
    locales give 29 Nov 2026 in English."""
    name = locale_name.split(".")[0].split("@")[0].strip()
    if not name or name in ("C", "POSIX"):
        return PLAIN
    try:
        loc = Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return PLAIN
    language = loc.language if loc.language in LANGUAGES else "en"
    pattern = loc.date_formats["short"].pattern
    day, month, year = (pattern.find(c) for c in "dMy")
    if min(day, month, year) < 0:
        return DateStyle("d_mon_y", language)
    if year < month < day:
        fmt = "iso"
    elif month < day:
        fmt = "mdy"
    elif "." in pattern:
        fmt = "dmy_dots"
    elif "/" in pattern:
        fmt = "dmy"
    else:
        fmt = "d_mon_y"
    return DateStyle(fmt, language)


def system_default() -> DateStyle:
    """The style for this machine's locale, used until a practice says otherwise."""
    return default_for(_system_locale_name())


def use(style: DateStyle | None) -> None:
    """Make ``style`` the one every date is written in from now on (None: the system's)."""
    global _current, _provider
    with _lock:
        _current, _provider = style, None


def use_from(provider: Callable[[], DateStyle]) -> None:
    """Take the style from ``provider()`` when a date is first written, then keep it: the
    window's first frame writes no date, so it need not read the practice for one. The
    provider must not raise (it runs wherever a date is written first, any thread)."""
    global _current, _provider
    with _lock:
        _current, _provider = None, provider


def current() -> DateStyle:
    """The style in force (``use``/``use_from``), else the system's default."""
    global _current, _provider
    style = _current
    if style is not None:
        return style
    if _provider is not None:
        with _lock:
            if _current is None and _provider is not None:
                _current, _provider = _provider(), None
            if _current is not None:
                return _current
    return system_default()


# -- formatting ---------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _pattern(d: date, pattern: str, locale: str) -> str:
    return _babel_date(d, pattern, locale=locale)


def _day(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def short(d: date | datetime | None, style: DateStyle | None = None) -> str:
    """'29/11/2026', '11/29/2026', '29.11.2026', '2026-11-29' or '29 nov. 2026' ("" for None):
    a table cell, a date inside a sentence."""
    if d is None:
        return ""
    st = style or current()
    pattern = FORMATS[st.format][1]
    if st.format == "d_mon_y" and st.language in _NAMED:
        pattern = _NAMED[st.language][0]
    return _pattern(_day(d), pattern, st.locale)


def short_weekday(d: date | datetime, style: DateStyle | None = None) -> str:
    """'Mon 30/11/2026', 'lun. 30 nov. 2026': a short date with its abbreviated weekday."""
    st = style or current()
    return f"{_pattern(_day(d), 'EEE', st.locale)} {short(d, st)}"


def long(d: date | datetime | None, style: DateStyle | None = None) -> str:
    """'Monday 30 November 2026', 'Monday, November 30, 2026', 'lundi 30 novembre 2026',
    'Montag, 30. November 2026' ("" for None): a heading, a report's "Prepared on"."""
    if d is None:
        return ""
    st = style or current()
    if st.language == "en" and not st.month_first:
        return _pattern(_day(d), "EEEE d MMMM y", st.locale)
    return _pattern(_day(d), "full", st.locale)


def day_month(d: date | datetime, style: DateStyle | None = None) -> str:
    """The short form without the year: '29/11', '11/29', '29.11.', '11-29', '29 Nov'."""
    st = style or current()
    pattern = _NO_YEAR[st.format]
    if st.format == "d_mon_y" and st.language in _NAMED:
        pattern = _NAMED[st.language][1]
    return _pattern(_day(d), pattern, st.locale)


def month_year(d: date | datetime | None, style: DateStyle | None = None) -> str:
    """'Nov 2026' ('nov. 2026' in French; '2026-11' with ISO dates), "" for None."""
    if d is None:
        return ""
    st = style or current()
    return _pattern(_day(d), "y-MM" if st.format == "iso" else "MMM y", st.locale)


def month_abbr(d: date | datetime, style: DateStyle | None = None) -> str:
    """The month's short name alone: 'Nov', 'nov.', 'Nov.' (a chart's axis)."""
    st = style or current()
    return _pattern(_day(d), "MMM", st.locale)


def clock(t: time | datetime | None, style: DateStyle | None = None) -> str:
    """'14:30' ('2:30 PM' with US English dates), "" for None."""
    if t is None:
        return ""
    st = style or current()
    value = t.time() if isinstance(t, datetime) else t
    if st.language == "en" and st.month_first:
        return _babel_time(value, "h:mm a", locale="en_US")
    return f"{value.hour:02d}:{value.minute:02d}"


def short_when(dt: datetime, style: DateStyle | None = None) -> str:
    """'29/11/2026, 14:30': a short date and time of day."""
    return f"{short(dt, style)}, {clock(dt, style)}"


def long_when(dt: datetime, style: DateStyle | None = None) -> str:
    """'Sunday 29 November 2026 at 14:30'."""
    return f"{long(dt, style)} at {clock(dt, style)}"


# -- reading what a coach types -----------------------------------------------------------------


def _plain(word: str) -> str:
    """Lower case, accents and the abbreviation dot off: 'Févr.' → 'fevr'."""
    folded = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in folded if not unicodedata.combining(c)).strip(".")


@lru_cache(maxsize=8)
def month_words(language: str) -> dict[str, int]:
    """Month names (wide and abbreviated, English and ``language``), folded by ``_plain``,
    to their month numbers 1-12."""
    words: dict[str, int] = {}
    for lang in dict.fromkeys(("en", language)):
        loc = f"{lang}_{_TERRITORY[lang]}"
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for n, name in get_month_names(width, context, locale=loc).items():
                    words.setdefault(_plain(name), n)
    return words


@lru_cache(maxsize=8)
def weekday_words(language: str) -> frozenset[str]:
    """Weekday names (wide and abbreviated, English and ``language``), folded."""
    words: set[str] = set()
    for lang in dict.fromkeys(("en", language)):
        loc = f"{lang}_{_TERRITORY[lang]}"
        for width in ("wide", "abbreviated"):
            words.update(_plain(n) for n in get_day_names(width, locale=loc).values())
    return frozenset(words)


def month_of(word: str, language: str) -> int | None:
    """The month a word names ('nov', 'novembre', 'März', 'sept'), or None."""
    w = _plain(word)
    words = month_words(language)
    if w in words:
        return words[w]
    if len(w) >= 3:  # the start of an English or chosen-language name ("nove", "septemb")
        found = {n for name, n in words.items() if name.startswith(w)}
        if len(found) == 1:
            return found.pop()
    return None


def is_weekday(word: str, language: str) -> bool:
    w = _plain(word)
    return len(w) >= 2 and any(name.startswith(w) for name in weekday_words(language))


def example(style: DateStyle | None = None) -> str:
    """How the style writes 29 November 2026, for hints: '29/11/2026'."""
    return short(date(2026, 11, 29), style)
