"""Package names for setuptools (the rest of the metadata is in pyproject.toml).

The source layout stays main.py, coachdesk/, ui/, resources/; installed, the window's
package ui/ becomes ``coachdesk_ui`` and resources/ becomes ``coachdesk_resources``, so a
wheel never puts a top-level ``ui`` or ``resources`` into site-packages. Subpackages are
found, not listed, so a new folder under ui/ or coachdesk/ is installed without an edit.
ui/ uses relative imports only, so it works under either name (tests/test_packaging.py).
"""

from setuptools import find_namespace_packages, setup

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


setup(packages=_packages(), package_dir={new: old for old, new in RENAMED.items()})
