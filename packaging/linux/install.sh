#!/bin/sh
# Puts CoachDesk in the desktop's application menu for the current user, from the folder
# this script is in (the unpacked CoachDesk-<version>-linux-<arch>.tar.gz). No root needed.
#   ./install.sh            add the menu entry, the icon and ~/.local/bin/coachdesk
#   ./install.sh --remove   take them away again (the practice files stay where they are)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
app_id=org.coachdesk.CoachDesk
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps="$data/applications"
icons="$data/icons/hicolor"
bin="$HOME/.local/bin"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$apps/$app_id.desktop" "$icons/256x256/apps/$app_id.png" \
        "$icons/scalable/apps/$app_id.svg" "$bin/coachdesk"
  echo "CoachDesk was removed from the menu. Its folder $here can now be deleted."
  exit 0
fi

mkdir -p "$apps" "$bin"
# The entry runs this copy: Exec and TryExec point into this folder.
sed -e "s|^Exec=.*|Exec=\"$here/coachdesk\"|" -e "s|^TryExec=.*|TryExec=$here/coachdesk|" \
  "$here/$app_id.desktop" > "$apps/$app_id.desktop"
if [ -f "$here/$app_id.png" ]; then
  mkdir -p "$icons/256x256/apps" && cp "$here/$app_id.png" "$icons/256x256/apps/"
elif [ -f "$here/$app_id.svg" ]; then
  mkdir -p "$icons/scalable/apps" && cp "$here/$app_id.svg" "$icons/scalable/apps/"
fi
ln -sf "$here/coachdesk" "$bin/coachdesk"
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
echo "CoachDesk is in your application menu; in a terminal: coachdesk (from $bin)."
