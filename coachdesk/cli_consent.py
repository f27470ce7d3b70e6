"""``python -m coachdesk consent --engagement ID``: the client's consent in force, in words.

Also what ``report`` shares by default: the indicators the consent in force lists
(:func:`agreed_indicators`). Recording consent is done in the app (the client's
Agreement & invoices tab), where the coach sees every section and indicator it names.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import dates
from .errors import CoachDeskError

HOW_TO_RECORD = ("Record it in CoachDesk: the client's Agreement & invoices tab, Consent, "
                 "Change consent….")


def add_parser(sub) -> None:
    p = sub.add_parser("consent", help="show what the client agreed may go to the sponsor",
                       description="Print the consent in force for an engagement: the report "
                       "sections and the indicators the client agreed may go to the sponsor, "
                       "the day and how it was given, and the earlier records.")
    p.add_argument("--engagement", type=int, required=True, metavar="ID",
                   help="the engagement whose consent to show")


def agreed_indicators(db, engagement_id: int) -> tuple[int, ...]:
    """The indicator ids the consent in force lists (() without consent)."""
    from .services import consent

    state = consent.current(db, engagement_id)
    return state.indicator_ids if state is not None else ()


def lines(db, engagement_id: int) -> list[str]:
    """The consent of the engagement in plain lines (what ``consent`` prints)."""
    from .reports.progress_model import SECTION_TITLES
    from .services import consent, engagements, indicators

    engagements.get(db, engagement_id)  # NotFoundError for an unknown engagement
    records = consent.history(db, engagement_id)
    if not records:
        return [f"Engagement {engagement_id}: no consent recorded, so no report can be made "
                "for the sponsor yet.", HOW_TO_RECORD]
    library = {i.id: i for i in indicators.list_all(db, include_retired=True)}
    state = records[0]
    out = [f"Engagement {engagement_id}: consent in force since "
           f"{dates.short(state.consent_date)}" + (f" ({state.how})" if state.how else "") + "."]
    shown = [k for k in state.sections if k != "indicators"]
    out.append("Sections: " + (", ".join(SECTION_TITLES.get(k, k) for k in shown)
                               if shown else "none") + ".")
    if state.indicator_ids:
        out.append("Indicators:")
        for iid in state.indicator_ids:
            ind = library.get(iid)
            name = ind.name if ind is not None else f"indicator {iid} (deleted)"
            out.append(f"  - {name}" + (" (sensitive)" if ind is not None and ind.sensitive
                                        else ""))
    else:
        out.append("Indicators: none.")
    if len(records) > 1:
        out.append("Earlier records:")
        for r in records[1:]:
            out.append(f"  - {dates.short(r.consent_date)}: "
                       f"{len([k for k in r.sections if k != 'indicators'])} section(s), "
                       f"{len(r.indicator_ids)} indicator(s)" + (f" ({r.how})" if r.how else ""))
    return out


def run(args: argparse.Namespace, db_path: Path, open_for_reading) -> int:
    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    db = open_for_reading(db_path)
    try:
        text = lines(db, args.engagement)
    finally:
        db.close()
    print("\n".join(text))
    return 0
