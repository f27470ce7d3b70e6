"""Where the files shipped with CoachDesk are: fonts, documents, icons, templates.

They live in the source tree's ``resources/`` folder. An installed copy (``pip install .``
or the wheel) carries the same folder as the package ``coachdesk_resources``, and the
window's code as ``coachdesk_ui`` (the source tree's ``ui/``): a top-level package named
``ui`` or ``resources`` in site-packages would clash with any other program's. The bundled
app (PyInstaller) keeps them as ``resources/`` and ``ui`` inside its own folder.

Every path to a shipped file is built from :func:`resources_dir`, so all three layouts
work from any current folder. No Qt here: the engine uses it for the PDF fonts.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["RESOURCES_PACKAGE", "UI_PACKAGE", "resources_dir", "resource", "source_root",
           "ui_package_name"]

#: the installed names of ``resources/`` and ``ui/`` (see pyproject.toml, setup.py)
RESOURCES_PACKAGE = "coachdesk_resources"
UI_PACKAGE = "coachdesk_ui"


def source_root() -> Path | None:
    """The source checkout this ``coachdesk`` package runs from (the folder holding
    pyproject.toml, main.py, ``ui/`` and ``resources/``), or None in an installed copy."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "resources").is_dir():
        return root
    return None


def _frozen_root() -> Path | None:
    base = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    return Path(base) if base else None


def resources_dir() -> Path:
    """The folder of shipped files (``fonts/``, ``docs/``…) as an absolute path.

    In order: the bundled app's ``resources/``; the source tree's ``resources/`` (also
    under ``pip install -e .``: the checkout the code runs from, not another one); the
    installed package ``coachdesk_resources``. When none is found, the installed
    package's expected place is returned, so callers report the files as missing.
    """
    frozen = _frozen_root()
    if frozen is not None:
        return frozen / "resources"
    root = source_root()
    if root is not None:
        return root / "resources"
    spec = importlib.util.find_spec(RESOURCES_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return Path(__file__).resolve().parent.parent / RESOURCES_PACKAGE


def resource(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``resource("docs", "retention-signal.md")``.
    The path may not exist (a damaged install): the caller says so in plain words."""
    return resources_dir().joinpath(*parts)


def ui_package_name() -> str:
    """The importable name of the window's package: ``ui`` in the source tree and the
    bundled app, ``coachdesk_ui`` in an installed copy.

    Raises ModuleNotFoundError when neither is there (an engine-only install).
    """
    if _frozen_root() is not None:
        return "ui"  # the bundle's own, collected by packaging/coachdesk.spec
    root = source_root()
    if root is not None and (root / "ui" / "__init__.py").is_file():
        if str(root) not in sys.path:  # started from another folder: `ui` is beside us
            sys.path.insert(0, str(root))
        return "ui"
    if importlib.util.find_spec(UI_PACKAGE) is not None:
        return UI_PACKAGE
    raise ModuleNotFoundError(f"no module named {UI_PACKAGE!r}", name=UI_PACKAGE)
