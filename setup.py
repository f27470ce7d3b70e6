"""Package names for setuptools (the rest of the metadata is in pyproject.toml).

The source layout stays main.py, coachdesk/, ui/, resources/; installed, the window's
package ui/ becomes ``coachdesk_ui`` and resources/ becomes ``coachdesk_resources``, so a
wheel never puts a top-level ``ui`` or ``resources`` into site-packages. Subpackages are
found, not listed, so a new folder under ui/ or coachdesk/ is installed without an edit.
ui/ uses relative imports only, so it works under either name (tests/test_packaging.py).
"""

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

RENAMED = {"ui": "coachdesk_ui", "resources": "coachdesk_resources"}


def _packages() -> list[str]:
    # Namespace discovery: folders without __init__.py (migrations/versions, the resource
    # folders) are packages too, as Python sees them, so setuptools does not warn that
    # they "would be ignored" on every install.
    found = find_namespace_packages(include=["coachdesk", "coachdesk.*", "ui", "ui.*",
                                             "resources", "resources.*"],
                                    exclude=["*.__pycache__", "*.__pycache__.*"])
    names = []
    for name in found:
        top, dot, rest = name.partition(".")
        names.append(RENAMED.get(top, top) + dot + rest)
    return names


class BuildPy(build_py):
    """Also installs the top-level LICENSE and THIRD-PARTY-NOTICES among the resources
    (``licenses/``), where Help → About finds them in an installed copy: setuptools'
    default licence patterns miss THIRD-PARTY-NOTICES, and its option for more files is
    deprecated in the setuptools this builds with offline."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "coachdesk_resources" / "licenses"
        target.mkdir(parents=True, exist_ok=True)
        for name in ("LICENSE", "THIRD-PARTY-NOTICES"):
            shutil.copyfile(Path(__file__).parent / name, target / name)


setup(packages=_packages(), package_dir={new: old for old, new in RENAMED.items()},
      cmdclass={"build_py": BuildPy})
