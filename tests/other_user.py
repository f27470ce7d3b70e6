"""Run a Python snippet as another user (``nobody``), with the code under test, wherever the
checkout and the virtual environment live.

A checkout cloned into ``mktemp -d`` (mode 0700) or a venv inside it cannot be read by
another user, and a venv with an editable install would quietly hand that user the
*installed* copy of CoachDesk instead of the one under test. So ``OtherUser`` copies the
``coachdesk`` package and the third-party packages it imports to a folder everyone may
read, and runs the interpreter with ``-S`` (no site-packages) and ``-I`` (no
environment, no current folder) on those copies only. When even the interpreter cannot
be run by that user, ``start`` skips the test and says why.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")

#: run before a rehearsal (as the current user, with site-packages): at exit, writes the
#: file of each top-level module outside the standard library that was imported
_LIST_DEPENDENCIES = """
import atexit, site, sys, sysconfig
sys.path.insert(0, {code!r})
def _list_dependencies(before=set(sys.modules)):
    base = {{"base": sys.base_prefix, "platbase": sys.base_exec_prefix}}
    std = tuple(sysconfig.get_path(k, vars=base) + "/" for k in ("stdlib", "platstdlib"))
    sites = tuple(p + "/" for p in site.getsitepackages() + [site.getusersitepackages()])
    with open({listing!r}, "w", encoding="utf-8") as fh:
        for name in set(sys.modules) - before:
            origin = getattr(sys.modules[name], "__file__", None)
            if "." not in name and origin and (origin.startswith(sites)
                                               or not origin.startswith(std)):
                print(origin, file=fh)
atexit.register(_list_dependencies)
"""


def _reachable(folder: Path) -> bool:
    """Whether every folder from / down to ``folder`` lets others pass (o+x)."""
    folder = folder.resolve()
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [folder, *folder.parents])


def shared_temp_folder() -> Path:
    """A new folder (0755) that another user can reach; skips when there is none."""
    for where in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        if os.path.isdir(where) and _reachable(Path(where)):
            made = Path(tempfile.mkdtemp(prefix="coachdesk-other-user-", dir=where))
            os.chmod(made, 0o755)
            return made
    pytest.skip("no temporary folder another user can reach (TMPDIR, /tmp and /var/tmp "
                "are all private)")


def _open_to_all(top: Path) -> None:
    """Make a copied tree readable by everyone (the checkout may be 0700/0600 by umask)."""
    for folder, _dirs, files in os.walk(top):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


class OtherUser:
    """Runs snippets as ``nobody`` (root drops privileges with ``setpriv``; a normal user
    already is another user for the files it makes read-only) on copies under ``base``."""

    def __init__(self, base: Path):
        self.base = base
        self.code = base / "code"
        self.as_root = os.geteuid() == 0

    def start(self, rehearsal: str) -> OtherUser:
        """Copy the code under test, and the packages ``rehearsal`` (a script, run once
        here as the current user on throwaway files) imports; skip if the other user
        cannot run this interpreter at all."""
        if self.as_root and not shutil.which("setpriv"):
            pytest.skip("needs setpriv to drop root privileges")
        self.code.mkdir()
        shutil.copytree(ROOT / "coachdesk", self.code / "coachdesk", ignore=_IGNORE)
        listing = self.base / "dependencies.txt"
        prologue = _LIST_DEPENDENCIES.format(code=str(self.code), listing=str(listing))
        subprocess.run([sys.executable, "-c", prologue + rehearsal], capture_output=True,
                       timeout=60, cwd=self.base)
        own = str(self.code) + os.sep
        for origin in sorted(set(listing.read_text(encoding="utf-8").splitlines())):
            if origin.startswith(own):
                continue
            source = Path(origin)
            if source.name.startswith("__init__."):  # a package: all of it
                source = source.parent
            target = self.code / source.name
            if source.is_dir():
                shutil.copytree(source, target, ignore=_IGNORE)
            else:
                shutil.copy2(source, target)
        listing.unlink()
        _open_to_all(self.code)
        probe = self.run("import sqlite3, json")
        if probe.returncode != 0:
            pytest.skip(f"user {NOBODY} cannot run {sys.executable} (its interpreter or "
                        "standard library is not readable by other users)")
        return self

    def command(self, script: str) -> list[str]:
        prologue = f"import sys\nsys.path.insert(0, {str(self.code)!r})\n"
        command = [sys.executable, "-I", "-S", "-c", prologue + script]
        if self.as_root:
            command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                       *command]
        return command

    def run(self, script: str, **options) -> subprocess.CompletedProcess:
        """Run ``script`` as the other user, from ``base``; returns the completed process
        (text output captured)."""
        return subprocess.run(self.command(script), capture_output=True, text=True,
                              timeout=60, cwd=self.base, **options)
