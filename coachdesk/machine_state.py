"""What belongs to this computer, not to the practice file that travels between computers.

A practice file is copied to a laptop, restored from a backup, synced to another desk; a
folder on one of them (a USB stick's mount point, a synced folder) means nothing on the
others. So the choices that name this machine's folders live here, in a small JSON file of
this machine's own:

- ``COACHDESK_HOME/machine-state.json`` when ``COACHDESK_HOME`` is set (tests, the bench,
  a practice kept on an encrypted volume), else ``machine-state.json`` in the platform's
  config folder (``platformdirs.user_config_path("CoachDesk")``).
- Per practice, by the practice file's full path: ``second_backup_folder``.

Window size, splitters and columns live in QSettings (``ui.window_state``), the last
practice opened in ``paths.remember_practice``'s marker in this machine's data folder:
neither was ever in the practice file.

The file is advice, not data: unreadable or of another shape, it counts as empty (and is
written anew on the next change); a write goes to a temporary file first, then replaces
the old one, so a crash leaves the old file or the new one, never half of one. Writing
raises ``StorageError`` (a plain sentence) when the folder cannot be written.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from platformdirs import user_config_path

from . import APP_NAME, paths
from .errors import StorageError

log = logging.getLogger(__name__)

FILE_NAME = "machine-state.json"
FORMAT = 1
SECOND_FOLDER = "second_backup_folder"


def state_file() -> Path:
    """This machine's state file (it may not exist yet)."""
    override = os.environ.get("COACHDESK_HOME")
    base = Path(override) if override else user_config_path(APP_NAME, appauthor=False)
    return base / FILE_NAME


def _key(db_path: Path | str) -> str:
    """A practice as this machine names it: its full path, links resolved."""
    try:
        return str(Path(db_path).expanduser().resolve())
    except (OSError, RuntimeError):
        return str(Path(db_path).expanduser().absolute())


def _load() -> dict:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": FORMAT, "practices": {}}
    except (OSError, ValueError):
        log.warning("the machine state file could not be read; starting afresh")
        return {"format": FORMAT, "practices": {}}
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("practices"), dict):
        return {"format": FORMAT, "practices": {}}
    return data


def _save(data: dict) -> None:
    target = state_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".machine-state-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError(f"CoachDesk could not save this computer's settings in "
                           f"{target.parent} ({exc.strerror or 'a file error'}).") from exc
    paths.keep_private(target)


def practice_state(db_path: Path | str) -> dict | None:
    """What this machine keeps for the practice at ``db_path``, or None if nothing yet."""
    entry = _load()["practices"].get(_key(db_path))
    return entry if isinstance(entry, dict) else None


def knows_second_folder(db_path: Path | str) -> bool:
    """Has this machine a second-folder choice (a folder, or "none") for this practice?"""
    entry = practice_state(db_path)
    return entry is not None and SECOND_FOLDER in entry


def second_folder(db_path: Path | str) -> Path | None:
    """The second backup folder chosen on this machine for the practice, or None."""
    entry = practice_state(db_path) or {}
    value = entry.get(SECOND_FOLDER)
    return Path(value) if isinstance(value, str) and value else None


def set_second_folder(db_path: Path | str, folder: Path | str | None) -> None:
    """Remember ``folder`` (None: no second folder) for the practice, on this machine."""
    data = _load()
    entry = data["practices"].setdefault(_key(db_path), {})
    entry[SECOND_FOLDER] = str(folder) if folder else None
    _save(data)


def adopt_old_second_folder(db, old_key: str) -> Path | None:
    """An older version kept the second folder in the practice file (setting ``old_key``):
    read it, write it here, then drop it from the file. Only a folder that is on this
    machine is adopted; one that is not (the file came from another computer, or the stick
    is not plugged in) is not used, and stays in the file until it is here or the coach
    chooses again. Where this machine's file cannot be written, the old value keeps working.
    Returns the folder to use now, or None."""
    from .services.settings import get_setting, put_setting

    value = get_setting(db, old_key)
    if not value or not Path(value).is_dir():
        return None
    folder = Path(value)
    try:
        set_second_folder(db.path, folder)
    except StorageError:
        log.warning("the second backup folder could not be remembered on this machine")
        return folder
    if not getattr(db, "read_only", False):
        try:
            put_setting(db, old_key, None)
        except Exception:  # noqa: BLE001 - moved already; the old copy is only ignored
            log.warning("the old second-folder setting stays in the practice file")
    log.info("the second backup folder moved to this machine's settings")
    return folder
