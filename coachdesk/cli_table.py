"""Tables for a terminal: columns that line up whatever the script of the names."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def _cell(text: str, width: int) -> str:
    """``text`` cut and padded to ``width`` terminal columns: 陈静 takes four, an accent
    combined with its letter none (wcwidth, after Unicode's East Asian Width)."""
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def print_clients(rows) -> None:
    """`coachdesk clients`: one line per row of ``clients.list_rows``, columns aligned
    in terminal columns (at most 40 each)."""
    headers = ("ID", "Name", "Organization", "Sponsor", "Status", "Engagement")
    data = [(str(r.id), r.name, r.organization, r.sponsor, r.status,
             f"{r.engagement} ({r.engagement_status})" if r.engagement else "") for r in rows]
    widths = [min(40, max(len(h), *(max(wcswidth(d[i]), len(d[i])) for d in data)))
              if data else len(h) for i, h in enumerate(headers)]
    print("  ".join(_cell(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for d in data:
        print("  ".join(_cell(c, w) for c, w in zip(d, widths, strict=True)).rstrip())
