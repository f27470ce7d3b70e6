"""One private folder per running CoachDesk for the files it makes only to show or print.

The print preview and the report preview build a PDF (a worksheet may hold private notes)
that must exist as a file while it is on screen, but never outlive the app. They go to::

    <data folder>/tmp/<process id>-<random>/<one folder per PDF>/<name>.pdf

The process's folder is made on first use, 0700 (and the data folder's ``tmp`` with it);
the PDFs in it are made 0600 once written (:func:`seal`; the app's umask does that too). It is
removed when the app closes (:func:`remove`, also at interpreter exit), emptied when a
client is erased (:func:`empty`), and at the next start :func:`clean_leftovers` removes the
folders of processes that are gone (a crash, a kill): never another running CoachDesk's,
since two may run at once on two practices. Earlier versions left their previews in the
system temp folder as ``coachdesk-report-*`` and ``coachdesk-print-*``; those go too.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from . import paths

log = logging.getLogger(__name__)

FOLDER_NAME = "tmp"
#: what earlier versions left in the system temp folder
LEGACY_PREFIXES = ("coachdesk-report-", "coachdesk-print-")
#: an earlier version's preview younger than this may still be on screen: left alone
LEGACY_AGE_S = 3600

_lock = threading.Lock()
_folder: Path | None = None
_atexit_registered = False


def root() -> Path:
    """``<data folder>/tmp``: every running CoachDesk's private folder sits in it."""
    return paths.data_dir() / FOLDER_NAME


def folder() -> Path:
    """This process's private folder (0700), made on first use. Raises OSError when it
    cannot be made (a full or read-only disk)."""
    global _folder, _atexit_registered
    with _lock:
        base = root()
        if _folder is not None and _folder.parent == base and _folder.is_dir():
            return _folder
        base.mkdir(parents=True, exist_ok=True)
        paths.keep_private(base)
        _folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))  # always 0700
        if not _atexit_registered:
            atexit.register(remove)
            _atexit_registered = True
        return _folder


def new_folder() -> Path:
    """A fresh, empty 0700 folder inside this process's, for one file: a PDF can keep the
    name the coach will see (``Progress report — … .pdf``) without clashing with another."""
    return Path(tempfile.mkdtemp(dir=folder()))


def seal(path: Path | str) -> Path:
    """Make a file written into the private folder 0600 whatever the process umask (a
    PDF writer creates its file with the usual mode). Returns the path; raises OSError."""
    path = Path(path)
    if os.name == "posix":
        path.chmod(0o600)
    return path


def current() -> Path | None:
    """This process's folder if it was made (and is still there), else None."""
    with _lock:
        return _folder if _folder is not None and _folder.is_dir() else None


def empty() -> int:
    """Delete everything in this process's folder (the folder stays). Returns how many
    entries could not be deleted (0 when all went)."""
    here = current()
    if here is None:
        return 0
    left = 0
    for entry in list(here.iterdir()):
        if not _remove_tree(entry):
            left += 1
    return left


def remove() -> bool:
    """Delete this process's folder and everything in it (the app closing). True when
    nothing is left."""
    global _folder
    with _lock:
        here, _folder = _folder, None
    return here is None or _remove_tree(here)


def clean_leftovers() -> int:
    """Delete the private folders of CoachDesk processes that are no longer running, and
    the previews earlier versions left in the system temp folder (those not touched for an
    hour). Returns how many folders went. Never raises."""
    gone = 0
    try:
        entries = list(root().iterdir()) if root().is_dir() else []
    except OSError:
        entries = []
    for entry in entries:
        pid = _owner(entry.name)
        if pid is None or pid == os.getpid() or pid_alive(pid):
            continue
        gone += _remove_tree(entry)
    gone += _clean_legacy()
    return gone


def _clean_legacy() -> int:
    gone = 0
    try:
        system = Path(tempfile.gettempdir())
        entries = [p for p in system.iterdir() if p.name.startswith(LEGACY_PREFIXES)]
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        try:
            st = entry.lstat()
            if hasattr(os, "getuid") and st.st_uid != os.getuid():
                continue  # another user's: not ours to judge
            if now - st.st_mtime < LEGACY_AGE_S or not entry.is_dir():
                continue
        except OSError:
            continue
        gone += _remove_tree(entry)
    return gone


def _owner(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() and "-" in name else None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running (when in doubt: True, so that another
    running CoachDesk's folder is never deleted)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, as another user's
        return True
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _remove_tree(path: Path) -> bool:
    """Delete a file or a folder with its content; True when it is gone."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        log.warning("a temporary file of CoachDesk could not be deleted")  # no name: it may hold a client's
        return False
    return True
