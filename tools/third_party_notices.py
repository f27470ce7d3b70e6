"""Write THIRD-PARTY-NOTICES: every package CoachDesk runs on, with its licence.

    python tools/third_party_notices.py            # writes THIRD-PARTY-NOTICES at the top
    python tools/third_party_notices.py --check    # exit 1 if the file misses a package

The list is not typed by hand, so it cannot forget a package: it starts from the
``dependencies`` of ``pyproject.toml`` and follows each installed distribution's own
requirements (``importlib.metadata``), recursively, keeping those whose environment marker
holds on this system (the Windows and macOS builds run the script again there: keyring's
helpers differ per system). Extras are followed only where a requirement asks for them.

For each package: name, version, licence (``License-Expression``, else ``License``, else
its trove classifiers), and the text of every licence file the distribution ships (in its
``.dist-info`` or inside the package, such as reportlab's font licences); for a wheel that
compiles other projects into its native module, their licences too (``INSIDE``: SQLCipher,
SQLite and OpenSSL in sqlcipher3, the Rust age library in pyrage) and the components its own
SBOM lists (``.dist-info/sboms``). Then the Python
interpreter's licence (a bundled app carries it), the LGPL-3.0 and GPL-3.0 texts with the
source offer for Qt and PySide6, and the fonts' licences from ``resources/fonts/LICENSE-*``.
CoachDesk's own licence (``LICENSE``) comes first.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import platform
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "THIRD-PARTY-NOTICES"
LICENSES = ROOT / "resources" / "licenses"
FONTS = ROOT / "resources" / "fonts"
_LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)|(LICEN[CS]E|COPYING)[^/]*$", re.I)
_QT_PACKAGES = {"pyside6", "pyside6-essentials", "pyside6-addons", "pyside6-pdf", "shiboken6"}
RULE = "=" * 78

#: Code a wheel compiles into its native module that the wheel's metadata does not name:
#: package -> (component, licence, licence files in resources/licenses, written from the
#: components' own licence files). sqlcipher3's wheel links SQLCipher (on SQLite) and
#: OpenSSL 3's libcrypto statically into sqlcipher3/_sqlite3*.so (``ldd`` shows no
#: libcrypto); pyrage's module is the Rust age library (rage) and the crates its SBOM lists.
INSIDE: dict[str, list[tuple[str, str, list[str]]]] = {
    "sqlcipher3": [
        ("SQLCipher community edition, by Zetetic LLC", "BSD-3-Clause",
         ["SQLCipher-LICENSE.md"]),
        ("SQLite, on which SQLCipher is built", "public domain", ["SQLite-blessing.txt"]),
        ("OpenSSL 3 (libcrypto), SQLCipher's cipher provider", "Apache-2.0",
         ["OpenSSL-COPYRIGHT.txt", "Apache-2.0.txt"]),
    ],
    "pyrage": [
        ("age and rage, the Rust implementation of age, by Jack Grigg", "MIT OR Apache-2.0",
         ["rage-LICENSE-MIT.txt", "Apache-2.0.txt"]),
    ],
    "cryptography": [
        ("OpenSSL (libcrypto), linked into cryptography's Rust module", "Apache-2.0",
         ["OpenSSL-COPYRIGHT.txt"]),
    ],
}
#: packages whose metadata names no licence although their own licence file does
LICENCE_FILE_SAYS = {"pyrage": "MIT (its LICENSE file)",
                     "sqlcipher3": "Zlib (its LICENSE file, from pysqlite)"}


def canonical(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503): ``PySide6_Essentials`` →
    ``pyside6-essentials``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(text: str):
    from packaging.requirements import Requirement

    return Requirement(text)


def project_dependencies(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The requirement strings of ``[project] dependencies`` (the runtime ones, no extras)."""
    with open(pyproject, "rb") as fh:
        return list(tomllib.load(fh)["project"]["dependencies"])


def runtime_distributions(requirements: list[str] | None = None) -> dict[str, md.Distribution]:
    """Every installed distribution CoachDesk needs at run time on this system, by
    canonical name: the closure of ``requirements`` (default: pyproject's dependencies).

    Raises ``md.PackageNotFoundError`` naming a required package that is not installed
    (install CoachDesk first: ``pip install -e .``)."""
    found: dict[str, md.Distribution] = {}
    todo = [(r, frozenset()) for r in (requirements or project_dependencies())]
    seen: set[tuple[str, frozenset]] = set()
    while todo:
        text, _parent_extras = todo.pop()
        req = _requirement(text)
        key = (canonical(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        dist = md.distribution(req.name)
        found[canonical(req.name)] = dist
        for sub in dist.requires or []:
            sub_req = _requirement(sub)
            if sub_req.marker is None:
                todo.append((sub, frozenset()))
                continue
            extras = req.extras or {""}
            if any(sub_req.marker.evaluate({"extra": e}) for e in extras):
                todo.append((sub, frozenset()))
    return found


def licence_name(dist: md.Distribution) -> str:
    """What the distribution says its licence is, in one line."""
    meta = dist.metadata
    if not any(meta.get(k) for k in ("License-Expression", "License")) and not any(
            c.startswith("License ::") for c in meta.get_all("Classifier") or []):
        said = LICENCE_FILE_SAYS.get(canonical(meta["Name"]))
        if said:
            return said
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 120:
        return text
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    return text.splitlines()[0][:120] if text else "not stated by the package"


def licence_texts(dist: md.Distribution) -> list[tuple[str, str]]:
    """(file, text) for every licence file the distribution ships, same texts once."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for file in sorted(dist.files or [], key=str):
        if not _LICENCE_FILE.search(file.name) or file.suffix in {".py", ".pyc", ".so"}:
            continue
        try:
            text = Path(file.locate()).read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
        if text and text not in seen:
            seen.add(text)
            out.append((str(file), text))
    return out


def sbom_components(dist: md.Distribution) -> list[tuple[str, str, str]]:
    """(name, version, licence) of every component the distribution's own CycloneDX SBOMs
    (``.dist-info/sboms/*.json``) list: what its native module was built from."""
    import json

    out: set[tuple[str, str, str]] = set()
    for file in dist.files or []:
        if "/sboms/" not in f"/{file}" or file.suffix != ".json":
            continue
        try:
            doc = json.loads(Path(file.locate()).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for item in doc.get("components") or []:
            licences = [entry.get("expression") or (entry.get("license") or {}).get("id")
                        or (entry.get("license") or {}).get("name")
                        for entry in item.get("licenses") or []]
            out.add((str(item.get("name", "?")), str(item.get("version", "")),
                     " AND ".join(x for x in licences if x) or "not stated in the SBOM"))
    return sorted(out)


def inside_versions() -> dict[str, str]:
    """What sqlcipher3's module reports about the libraries linked into it (empty when it
    cannot be loaded here)."""
    try:
        import sqlcipher3.dbapi2 as sqlcipher
    except ImportError:
        return {}
    con = sqlcipher.connect(":memory:")
    try:
        con.execute("PRAGMA key = 'notices'")
        return {"SQLCipher": con.execute("PRAGMA cipher_version").fetchone()[0],
                "SQLite": sqlcipher.sqlite_version,
                "OpenSSL": con.execute("PRAGMA cipher_provider_version").fetchone()[0]}
    except sqlcipher.Error:
        return {}
    finally:
        con.close()


def inside_lines(key: str, dist: md.Distribution) -> list[str]:
    """The notices of what ``dist`` compiles in (``INSIDE``, then its SBOM's components)."""
    lines: list[str] = []
    versions = inside_versions() if key == "sqlcipher3" else {}
    for component, licence, files in INSIDE.get(key, []):
        version = next((v for k, v in versions.items() if component.startswith(k)), "")
        lines += [f"Inside this package: {component}" + (f" ({version})" if version else ""),
                  f"Licence: {licence}", ""]
        for name in files:
            lines += [f"--- {name} ---", (LICENSES / name).read_text(encoding="utf-8").strip(),
                      ""]
    components = sbom_components(dist)
    if components:
        lines += ["Built from (the package's own SBOM):", ""]
        lines += [f"    {name} {version}: {licence}" for name, version, licence in components]
        lines.append("")
    return lines


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join([RULE, self.title, RULE, "", *self.lines, ""])


def qt_source_offer(version: str) -> str:
    return f"""\
Qt and Qt for Python (PySide6, Shiboken6) {version} are used under the GNU Lesser
General Public License version 3 (LGPL-3.0); its text and that of the GNU General Public
License version 3, which it builds on, follow below. CoachDesk uses them unmodified, as
shared libraries: in an installed or bundled CoachDesk they are the separate files of
the PySide6 and shiboken6 folders, and you may replace them with a build of your own
of the same Qt and PySide6 version (or a compatible one).

Source code. The complete corresponding source code of Qt and of Qt for Python of this
version is published by The Qt Company at https://download.qt.io/official_releases/
(QtForPython/pyside6/ for PySide6 and Shiboken6, qt/ for Qt) and in their public
repositories at https://code.qt.io/. For at least three years from the day you received
this copy of CoachDesk, the CoachDesk contributors will also give anyone who asks a copy
of that source code, for no more than the cost of physically providing it.

Qt contains third-party components under their own licences; they are listed in Qt's
documentation ("Licenses Used in Qt", https://doc.qt.io/qt-6/licenses-used-in-qt.html)."""


def build(dists: dict[str, md.Distribution]) -> str:
    """The whole THIRD-PARTY-NOTICES text for ``dists`` (deterministic: sorted by name)."""
    parts = [
        "CoachDesk: third-party notices\n\n"
        "CoachDesk is free software under the MIT licence (below). It is built on the\n"
        "packages listed here, each under its own licence. This file is written by\n"
        "tools/third_party_notices.py from the installed packages; do not edit it by hand.\n"
        f"Written on {platform.system()} with Python {platform.python_version()}.\n",
    ]
    parts.append(Section("CoachDesk", [(ROOT / "LICENSE").read_text(encoding="utf-8").strip()])
                 .render())
    summary = ["Package                         Version        Licence",
               "-" * 78]
    for key in sorted(dists):
        dist = dists[key]
        summary.append(f"{dist.metadata['Name']:<31} {dist.version:<14} {licence_name(dist)}")
    parts.append(Section("Packages CoachDesk runs on", summary).render())
    for key in sorted(dists):
        dist = dists[key]
        lines = [f"Version: {dist.version}", f"Licence: {licence_name(dist)}"]
        home = dist.metadata.get("Home-page") or next(
            (u.split(",", 1)[1].strip() for u in dist.metadata.get_all("Project-URL") or []
             if u.lower().startswith(("homepage", "source", "repository"))), None)
        if home:
            lines.append(f"Home: {home}")
        lines.append("")
        if key in _QT_PACKAGES:
            lines.append("See \"Qt and Qt for Python\" below for the licence and the source offer.")
        texts = licence_texts(dist)
        for name, text in texts:
            lines += [f"--- {name} ---", text, ""]
        if not texts and key not in _QT_PACKAGES:
            lines.append("The package ships no licence file; its licence is named above.")
        lines += inside_lines(key, dist)
        parts.append(Section(f"{dist.metadata['Name']} {dist.version}", lines).render())
    qt_version = next((d.version for k, d in dists.items() if k == "pyside6-essentials"), "6")
    qt = [qt_source_offer(qt_version), ""]
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        qt += [f"--- {name} ---", (LICENSES / name).read_text(encoding="utf-8").strip(), ""]
    parts.append(Section("Qt and Qt for Python (PySide6): LGPL-3.0 and source offer", qt)
                 .render())
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}." \
        f"{sys.version_info[1]}" / "LICENSE.txt"
    if not python_licence.is_file():  # Windows keeps it at the top of the installation
        python_licence = Path(sys.base_prefix) / "LICENSE.txt"
    if python_licence.is_file():
        parts.append(Section(f"Python {platform.python_version()} (in the bundled app)", [
            python_licence.read_text(encoding="utf-8", errors="replace").strip()]).render())
    for font_licence in sorted(FONTS.glob("LICENSE-*")):
        family = font_licence.stem.removeprefix("LICENSE-")
        parts.append(Section(f"Fonts: {family} (resources/fonts)", [
            font_licence.read_text(encoding="utf-8", errors="replace").strip()]).render())
    return "\n".join(parts)


def missing_from(text: str, dists: dict[str, md.Distribution]) -> list[str]:
    """The packages of ``dists`` that ``text`` has no section for (by name)."""
    listed = {canonical(m.group(1)) for m in
              re.finditer(rf"^{RULE}\n(\S+) \S+\n{RULE}$", text, re.M)}
    return sorted(k for k in dists if k not in listed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write CoachDesk's THIRD-PARTY-NOTICES.")
    parser.add_argument("--check", action="store_true",
                        help="only check that the file lists every runtime package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        dists = runtime_distributions()
    except md.PackageNotFoundError as exc:
        print(f"A package CoachDesk needs is not installed ({exc}); install CoachDesk first.",
              file=sys.stderr)
        return 1
    if args.check:
        text = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        missing = missing_from(text, dists)
        if missing:
            print(f"{args.output.name} does not list: {', '.join(missing)}. Run "
                  "tools/third_party_notices.py to write it again.", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(build(dists), encoding="utf-8")
    print(f"{args.output}: {len(dists)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
