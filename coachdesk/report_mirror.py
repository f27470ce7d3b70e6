"""The stored report PDFs: where each practice keeps them, and how they travel with backups.

Each practice file owns its folders, named after the file: the PDFs of reports as sent by
the practice ``practice.db`` live in ``<its folder>/reports/practice.db/<engagement>/``
(:func:`reports_folder`, used by services.report_log). Two practice files side by side (a
sync client's "practice (conflicted copy).db" beside "practice.db") therefore never share
a report file, and erasing a client in one never touches the other's.

Earlier versions kept every practice's reports in ``<folder>/reports/<engagement>/``
(:func:`legacy_reports_folder`), shared by all the practice files of a folder; when a
practice is opened, the files its own report log lists are linked (or copied) from there
into its own folder (services.practice_files), and the shared ones are left for the other
practice files until an erasure hands them over.

Stored PDFs never change, so each backup folder keeps a mirror per practice,
``<backup folder>/reports/practice.db/`` (:func:`mirror_folder`), to which new ones are
copied after each backup; a restore copies back the ones the data folder lacks (a new
computer, a lost folder), never overwriting one. Erasing a client removes their PDFs from
the mirrors too (services.erasure).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from . import paths
from .faults import crash_point

log = logging.getLogger(__name__)

MIRROR = "reports"


def _practice(db_path: Path | str) -> Path:
    return Path(db_path).expanduser().resolve()


def reports_folder(db_path: Path | str) -> Path:
    """``<folder of db_path>/reports/<file name of db_path>``: where the practice at
    ``db_path`` stores its report PDFs, one folder per engagement below it (as
    report_log.reports_dir)."""
    practice = _practice(db_path)
    return practice.parent / MIRROR / practice.name


def legacy_reports_folder(db_path: Path | str) -> Path:
    """``<folder of db_path>/reports``: where earlier versions kept the report PDFs of every
    practice file in that folder, together."""
    return _practice(db_path).parent / MIRROR


def mirror_folder(backup_folder: Path | str, db_path: Path | str) -> Path:
    """``<backup_folder>/reports/<file name of db_path>``: this practice's mirror there."""
    return Path(backup_folder) / MIRROR / _practice(db_path).name


def legacy_mirror_folder(backup_folder: Path | str) -> Path:
    """``<backup_folder>/reports``: earlier versions' mirror, shared by every practice."""
    return Path(backup_folder) / MIRROR


def copy_missing(src_root: Path, dest_root: Path) -> int:
    """Copy every file under ``src_root`` that ``dest_root`` lacks (same relative path and
    size counts as there). Returns how many were copied; raises OSError."""
    copied = 0
    clean_partials(dest_root)
    if not src_root.is_dir():
        return 0
    for src in sorted(src_root.rglob("*.pdf")):
        if not src.is_file():
            continue
        dest = dest_root / src.relative_to(src_root)
        if dest.exists() and dest.stat().st_size == src.stat().st_size:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
        try:
            shutil.copyfile(src, tmp)
            crash_point("mirror:before-replace")
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        copied += 1
    return copied


def clean_partials(root: Path) -> int:
    """Remove the unfinished copies ('.<name>.pdf.<pid>.partial') under ``root`` that a
    process killed while copying left (its id no longer runs, or untouched for
    ``debris.STALE_PARTIAL``); a copy being made right now stays. Returns how many went.

    Such a copy is part of a client's report: left, it would outlive the client's erasure.
    """
    from .debris import remove_debris

    try:
        candidates = [p for p in Path(root).rglob(".*.partial") if p.is_file()]
    except OSError:
        return 0
    return remove_debris(candidates)


def mirror_reports(db_path: Path | str, folder: Path) -> str | None:
    """Bring ``folder``'s mirror of the stored reports up to date. Returns a plain
    problem, or None; never fails the backup itself."""
    try:
        copy_missing(reports_folder(db_path), mirror_folder(folder, db_path))
    except OSError as exc:
        return (f"The stored report PDFs could not all be copied to {folder} "
                f"({exc.strerror or exc}); the practice itself was backed up.")
    return None


def mirrored_reports(db_path: Path | str, relative: Iterable[Path | str],
                     second_folder: Path | str | None = None) -> list[Path]:
    """The copies, in this practice's mirrors in the backup folders, of report files given
    relative to its reports folder (``<engagement>/<file>``), and in the mirrors earlier
    versions shared (for erasing a client: their reports go from the mirrors too; another
    practice that also listed a shared copy gets it back in its own mirror at its next
    backup)."""
    folders = [paths.backup_dir(_practice(db_path))]
    if second_folder:
        folders.append(Path(second_folder))
    roots = []
    for folder in folders:
        roots += [mirror_folder(folder, db_path), legacy_mirror_folder(folder)]
    relative = list(relative)
    return [root / rel for root in roots for rel in relative if (root / rel).is_file()]


def bring_back_reports(backup_folder: Path, db_path: Path | str) -> None:
    """After a restore from ``backup_folder``: copy back the PDFs the data folder lacks."""
    try:
        copy_missing(mirror_folder(backup_folder, db_path), reports_folder(db_path))
    except OSError as exc:
        log.warning("report PDFs could not be brought back from %s: %s", backup_folder, exc)
