#!/bin/sh
# Qt needs a few system libraries that a minimal Linux may lack. Check by loading Qt;
# when something is missing, install it (as root with apt-get) or say what to install.
PY="$1"
if "$PY" -c 'import PySide6.QtWidgets, PySide6.QtGui' 2>/dev/null; then
  exit 0
fi
PKGS="libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the system libraries Qt needs: $PKGS"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PKGS >/dev/null
fi
if ! "$PY" -c 'import PySide6.QtWidgets, PySide6.QtGui' 2>/dev/null; then
  echo "Qt cannot start: some system libraries are missing. On Debian or Ubuntu run:"
  echo "  sudo apt-get install $PKGS"
  echo "(The command line, learner-wallet with a subcommand, works without them.)"
  exit 1
fi
