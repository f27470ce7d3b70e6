"""How much memory a process has used at most, in MB (for the start-up probe and the bench).

No Qt and no CoachDesk imports: the bench's bare-window floor imports it too, and must stay
a bare window.
"""

from __future__ import annotations

import resource
import sys


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """``getrusage(who).ru_maxrss`` in MB (Linux reports kilobytes, macOS bytes). For
    ``RUSAGE_SELF`` after a fork it can carry the parent's peak: see ``peak_rss_mb``."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB: Linux's ``VmHWM`` (which belongs to
    this program alone), else ``maxrss_mb()``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return maxrss_mb()
