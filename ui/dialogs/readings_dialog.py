"""Quick entry of indicator readings (issue 5). Being built: see the issue."""

from __future__ import annotations

from datetime import date


def rate_indicators(ctx, parent, client_id: int, engagement_id: int | None = None,
                    day: date | None = None) -> bool:
    """Open the quick-entry form; True when readings were saved."""
    return False
