#!/usr/bin/env bash
# Sets up Forum Kiosk on Debian/Ubuntu: system packages (Qt's libraries, a CJK font, CUPS with the
# cups-pdf queue, Xvfb, poppler) and a virtual environment in .venv with the app and its test tools.
# Elsewhere it installs the Python part and says exactly which system packages are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv python3-dev
  # Qt 6 (PySide6) on X11/Xvfb: xcb plugin and its libraries
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0
  libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libasound2
  libpulse0            # QtMultimedia (sounds, camera)
  fonts-wqy-zenhei     # a TrueType-outline CJK font ReportLab can embed
  xvfb xauth xdotool   # a virtual screen for machines without one, and typing into it
  poppler-utils        # pdftoppm / pdftotext (tests and the docs' pictures)
  cups cups-client cups-bsd printer-driver-cups-pdf  # print queues (tests print to a real cups-pdf queue)
  chromium             # the hub's live page is checked in headless Chromium
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "Not a Debian/Ubuntu machine: install these yourself (names as on Debian): ${APT_PACKAGES[*]}" >&2
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "Set up: .venv/bin/kiosk is ready."
