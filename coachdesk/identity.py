"""Who CoachDesk is to the operating system and to the coach: one place for its names.

``APP_ID`` is the reverse-DNS application id. One name serves everywhere an id is asked
for: ``QGuiApplication.setDesktopFileName`` (so a Linux desktop matches the window to its
launcher), the ``.desktop`` file and the AppStream metainfo in ``packaging/linux/``, and
the icon's name once installed (``hicolor/<size>/apps/<APP_ID>.png``). It must never
change: desktops, software centres and packages know the app by it.
"""

from __future__ import annotations

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
    return _ROOT / "resources" / "icons" / f"coachdesk-{size}.png"


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

__all__ = ["APP_ID", "APP_NAME", "COPYRIGHT", "ICON_SIZES", "LICENSE_NAME", "SUMMARY",
           "__version__", "icon_file"]
