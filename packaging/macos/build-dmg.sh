#!/bin/sh
# macOS: the CoachDesk.app bundle and a .dmg to hand to a coach. Not run on the Linux
# machine CoachDesk is developed on; CI runs it on macos-latest (.github/workflows/build.yml).
#
#   python3 tools/dev.py dist          # PyInstaller with packaging/coachdesk.spec: on macOS
#                                      # its BUNDLE step makes build/pyinstaller/dist/CoachDesk.app
#   sh packaging/macos/build-dmg.sh    # dist/CoachDesk-<version>-macos-<arch>.dmg
#
# The .app is not signed or notarised here: a coach would have to right-click → Open the
# first time. To sign: codesign --deep --options runtime --sign "Developer ID Application: …"
# CoachDesk.app, then xcrun notarytool submit … --wait and xcrun stapler staple.
set -eu
cd "$(dirname "$0")/../.."
app=build/pyinstaller/dist/CoachDesk.app
[ -d "$app" ] || { echo "No $app: run python3 tools/dev.py dist first" >&2; exit 1; }
version=$(python3 -c 'import ast,sys; t=ast.parse(open("coachdesk/__init__.py").read()); print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__version__"))')
arch=$(uname -m)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"   # drag CoachDesk onto Applications
mkdir -p dist
out="dist/CoachDesk-$version-macos-$arch.dmg"
rm -f "$out"
hdiutil create -volname "CoachDesk $version" -srcfolder "$stage" -ov -format UDZO "$out"
# The frozen command line inside the bundle must answer before the image is handed out.
"$app/Contents/MacOS/coachdesk" --version
echo "built $out"
