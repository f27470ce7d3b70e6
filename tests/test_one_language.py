"""One language for dates (issue 12, env case "Dates in the system's language in some
places only"; issue 14, "Dates by locale"): the window's process writes dates as the CLI
and the PDFs do, in the form the system's locale stands for until a practice chooses one,
and a strftime left unconverted never takes the system's language."""

from __future__ import annotations

import locale
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from datetime import date
if sys.argv[1] == "window":
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from ui.one_language import dates_in_one_language
    dates_in_one_language()
from coachdesk.reports import pdfkit
from ui.models.session_table import _fmt_when  # what the sessions list shows
print(date(2026, 11, 29).strftime("%A %d %b %Y"))
print(_fmt_when(date(2026, 11, 30), None))
print(pdfkit.format_date(date(2026, 11, 29)))
"""


def _has_french() -> bool:
    try:
        old = locale.setlocale(locale.LC_TIME)
        locale.setlocale(locale.LC_TIME, "fr_FR.UTF-8")
        locale.setlocale(locale.LC_TIME, old)
        return True
    except locale.Error:
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="setlocale from the environment is Unix")
@pytest.mark.skipif(not _has_french(), reason="the fr_FR.UTF-8 locale is not installed "
                    "(localedef -i fr_FR -f UTF-8 fr_FR.UTF-8)")
def test_a_french_system_gets_the_same_dates_in_the_window_as_in_the_cli():
    env = dict(os.environ, LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8", QT_QPA_PLATFORM="offscreen")
    outputs = {}
    for where in ("window", "cli"):
        out = subprocess.run([sys.executable, "-c", PROBE, where], cwd=ROOT, env=env, text=True,
                             capture_output=True, timeout=60)
        assert out.returncode == 0, out.stderr[-2000:]
        outputs[where] = out.stdout.splitlines()[-3:]
    strftime_text, session_list, report = outputs["window"]
    assert strftime_text == "Sunday 29 Nov 2026"  # Qt's setlocale undone: nothing leaks
    # No setting yet: the French system's form, with French names, in both processes.
    assert session_list == "lun. 30/11/2026"
    assert report == "dimanche 29 novembre 2026"
    assert outputs["cli"][1:] == [session_list, report]
