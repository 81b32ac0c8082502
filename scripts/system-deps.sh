#!/bin/sh
# System packages the test suite needs and PyPI cannot provide: Debian's Chromium for the browser
# tests (Playwright drives it; no browser is downloaded) and the Noto CJK fonts, so Chinese text
# renders in screenshots. Installs them with apt when missing (as root, or through sudo).
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if command -v fc-list >/dev/null 2>&1; then
    fc-list | grep -q "Noto Sans CJK" || missing="$missing fonts-noto-cjk"
elif [ ! -d /usr/share/fonts/opentype/noto ]; then
    missing="$missing fonts-noto-cjk"
fi
[ -z "$missing" ] && exit 0
echo "Installing system packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Please install as root: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y --no-install-recommends $missing
}
