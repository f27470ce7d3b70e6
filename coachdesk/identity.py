"""Who CoachDesk is to the operating system and to the coach: one place for its names.

``APP_ID`` is the reverse-DNS application id. One name serves everywhere an id is asked
for: ``QGuiApplication.setDesktopFileName`` (so a Linux desktop matches the window to its
launcher), the ``.desktop`` file and the AppStream metainfo in ``packaging/linux/``, and
the icon's name once installed (``hicolor/<size>/apps/<APP_ID>.png``). It must never
change: desktops, software centres and packages know the app by it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import APP_NAME, __version__

APP_ID = "org.coachdesk.CoachDesk"
SUMMARY = "Sessions, goals and progress reports for independent executive coaches"
LICENSE_NAME = "MIT"
COPYRIGHT = "Copyright © 2026 CoachDesk contributors"

_ROOT = Path(__file__).resolve().parents[1]


def icon_file(size: int = 256) -> Path:
    """The icon's PNG of ``size`` pixels (16, 24, 32, 48, 64, 128, 256 or 512) in
    ``resources/icons``; the path is returned whether or not the file is there."""
    from .bundled import resource  # source tree, installed package or bundle alike

    return resource("icons", f"coachdesk-{size}.png")


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
NOTICES_NAME = "THIRD-PARTY-NOTICES"
_TABLE_TITLE = "Packages CoachDesk runs on"


def _candidates(name: str) -> list[Path]:
    """Where a top-level file of the project may be: the source tree, a frozen bundle's
    folder, or the installed distribution's licence files (``license-files``)."""
    places = [_ROOT / name]
    try:
        from .bundled import resource

        places.append(resource("licenses", name))  # an installed wheel (setup.py copies it)
    except Exception:  # noqa: BLE001 - no resources folder at all: the other places
        pass
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        places += [Path(frozen) / name, Path(sys.executable).resolve().parent / name]
    try:
        from importlib import metadata

        dist = metadata.distribution("coachdesk")
        for file in dist.files or []:
            if file.name == name:
                places.append(Path(file.locate()))
    except Exception:  # noqa: BLE001 - not installed (run from the source tree): fine
        pass
    return places


def notices_file() -> Path | None:
    """``THIRD-PARTY-NOTICES`` of this copy of CoachDesk, or None when it is missing."""
    return next((p for p in _candidates(NOTICES_NAME) if p.is_file()), None)


def license_file() -> Path | None:
    """CoachDesk's own ``LICENSE`` (MIT), or None when it is missing."""
    return next((p for p in _candidates("LICENSE") if p.is_file()), None)


def bundled_packages(notices: str) -> list[tuple[str, str, str]]:
    """(name, version, licence) of each package in the summary table of a
    THIRD-PARTY-NOTICES text (``tools/third_party_notices.py`` writes it); [] if none."""
    lines = notices.splitlines()
    try:
        start = lines.index(_TABLE_TITLE)
    except ValueError:
        return []
    rows = []
    for line in lines[start + 5:]:  # title, rule, blank, header, dashes
        if not line.strip() or line.startswith("===="):
            break
        name, version, licence = (line.split(None, 2) + ["", ""])[:3]
        rows.append((name, version, licence))
    return rows

__all__ = ["APP_ID", "APP_NAME", "COPYRIGHT", "ICON_SIZES", "LICENSE_NAME", "SUMMARY",
           "__version__", "bundled_packages", "icon_file", "license_file", "notices_file"]
