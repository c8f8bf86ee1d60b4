#!/bin/sh
# Qt needs system libraries that a minimal Linux may lack: some to load at all, more to
# open a window on X11 (the xcb platform plugin). Find what is missing; install it when
# running as root with apt-get, otherwise say exactly what to install.
PY="$1"  # the virtualenv's python; add --window to require what opening a window needs
PKGS="libgl1 libegl1 libpulse0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0"

missing() {
  # Qt itself must import.
  "$PY" -c 'import PySide6.QtWidgets, PySide6.QtGui' 2>/dev/null || { echo "Qt libraries"; return; }
  [ "$(uname -s)" = Linux ] || return
  qt=$("$PY" -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))')
  # The X11 plugin and its helper library must find every library they link to ...
  for lib in "$qt/plugins/platforms/libqxcb.so" "$qt/lib/libQt6XcbQpa.so.6"; do
    [ -f "$lib" ] && ldd "$lib" 2>/dev/null | grep -q "not found" && { echo "$(basename "$lib")"; return; }
  done
  # ... and Qt 6.5+ loads libxcb-cursor at run time, which ldd cannot see.
  if command -v ldconfig >/dev/null 2>&1; then
    ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor\.so\.0' || { echo "libxcb-cursor"; return; }
    # QtMultimedia (camera scanning) needs PulseAudio's client library to load.
    ldconfig -p 2>/dev/null | grep -q 'libpulse\.so\.0' || { echo "libpulse"; return; }
  fi
}

what=$(missing)
[ -z "$what" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the system libraries Qt needs to open a window ($what is missing): $PKGS"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS >/dev/null
  what=$(missing)
  [ -z "$what" ] && exit 0
fi
echo "Qt cannot open a window: system libraries are missing ($what). On Debian or Ubuntu run:"
echo "  sudo apt-get install $PKGS"
echo "(The tests run without a window, and the command line, learner-wallet with a"
echo "subcommand, works without these libraries.)"
# With --window (before starting the app) a missing library is an error; otherwise only
# a Qt that cannot be imported at all is, since the tests run without a window.
[ "$2" = "--window" ] && exit 1
"$PY" -c 'import PySide6.QtWidgets' 2>/dev/null
