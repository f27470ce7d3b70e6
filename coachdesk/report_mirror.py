"""The stored report PDFs travel with the backups.

A backup is the database file; the PDFs of reports as sent live beside it in
``<data folder>/reports`` (services.report_log.reports_dir). They never change once
stored, so each backup folder keeps a mirror, ``<backup folder>/reports``, to which new
ones are copied after each backup; a restore copies back the ones the data folder lacks
(a new computer, a lost folder), never overwriting one. Erasing a client removes their
PDFs from the mirrors too (services.erasure).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Iterable

from . import paths

log = logging.getLogger(__name__)

MIRROR = "reports"


def reports_folder(db_path: Path | str) -> Path:
    """Where the practice at ``db_path`` stores its report PDFs (as report_log.reports_dir)."""
    return Path(db_path).expanduser().resolve().parent / "reports"


def copy_missing(src_root: Path, dest_root: Path) -> int:
    """Copy every file under ``src_root`` that ``dest_root`` lacks (same relative path and
    size counts as there). Returns how many were copied; raises OSError."""
    copied = 0
    if not src_root.is_dir():
        return 0
    for src in sorted(src_root.rglob("*.pdf")):
        if not src.is_file():
            continue
        dest = dest_root / src.relative_to(src_root)
        if dest.exists() and dest.stat().st_size == src.stat().st_size:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.partial")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        copied += 1
    return copied


def mirror_reports(db_path: Path | str, folder: Path) -> str | None:
    """Bring ``folder``'s mirror of the stored reports up to date. Returns a plain
    problem, or None; never fails the backup itself."""
    try:
        copy_missing(reports_folder(db_path), Path(folder) / MIRROR)
    except OSError as exc:
        return (f"The stored report PDFs could not all be copied to {folder} "
                f"({exc.strerror or exc}); the practice itself was backed up.")
    return None


def mirrored_reports(db_path: Path | str, relative: Iterable[Path | str],
                     second_folder: Path | str | None = None) -> list[Path]:
    """The copies, in the backup folders' mirrors, of report files given relative to the
    reports folder (for erasing a client: their reports go from the mirrors too)."""
    roots = [paths.backup_dir(Path(db_path)) / MIRROR]
    if second_folder:
        roots.append(Path(second_folder) / MIRROR)
    return [root / rel for root in roots for rel in relative if (root / rel).is_file()]


def bring_back_reports(backup_folder: Path, db_path: Path | str) -> None:
    """After a restore from ``backup_folder``: copy back the PDFs the data folder lacks."""
    try:
        copy_missing(Path(backup_folder) / MIRROR, reports_folder(db_path))
    except OSError as exc:
        log.warning("report PDFs could not be brought back from %s: %s", backup_folder, exc)
