"""How hours are written, wherever they are shown: on screen, in reports, in messages.

One function, so that the session page, the client's engagements, the dashboard and
the sponsor's report never disagree about the same figure ("8.25 h" on screen and
"8.2 h" in the report was what a coach met). Two decimals at most, because sessions
are booked in minutes (15 minutes is 0.25 h); no trailing zeros ("8.5", "8", not
"8.50"). The ICF coaching log's CSV keeps its fixed two decimals: that is a data
column for the ICF's form, not text for a person.
"""

from __future__ import annotations


def hours_text(hours: float | int | None) -> str:
    """'8.25', '8.5', '8', '0.33' (20 minutes): up to two decimals, no trailing zeros."""
    value = round(float(hours or 0), 2)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def hours_short(hours: float | int | None) -> str:
    """'8.25 h'."""
    return f"{hours_text(hours)} h"


def minutes_as_hours(minutes: int | None) -> str:
    """90 minutes -> '1.5'."""
    return hours_text((minutes or 0) / 60)
