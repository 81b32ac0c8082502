#!/bin/sh
# System packages Scopeline needs that PyPI cannot provide, installed with apt when missing
# (as root, or through sudo):
#   pdf      Pango (WeasyPrint renders change orders to PDF with it) and the Noto fonts (Latin
#            and CJK), so every language renders in PDFs and screenshots;
#   browser  Debian's Chromium, which the browser tests drive through Playwright (no browser
#            is ever downloaded);
#   imap     Debian's dovecot, the real IMAP server the e-mail intake tests start on their own
#            (tests/web/test_imap.py; the package's own service stays as apt leaves it).
# Usage: system-deps.sh [pdf] [browser] [imap]   (no argument: all three)
set -eu
want=${*:-pdf browser imap}
missing=""
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
for part in $want; do
    case "$part" in
    pdf)
        has_lib "libpango-1.0.so.0" || missing="$missing libpango-1.0-0"
        has_lib "libpangoft2-1.0.so.0" || missing="$missing libpangoft2-1.0-0"
        if command -v fc-list >/dev/null 2>&1; then
            fc-list | grep -q "Noto Sans CJK" || missing="$missing fonts-noto-cjk"
            fc-list | grep -q "NotoSans-Regular" || missing="$missing fonts-noto-core"
        else
            [ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
            [ -d /usr/share/fonts/truetype/noto ] || missing="$missing fonts-noto-core"
        fi
        ;;
    browser)
        command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
        ;;
    imap)
        [ -x /usr/sbin/dovecot ] || missing="$missing dovecot-imapd"
        ;;
    *)
        echo "system-deps.sh: unknown part '$part' (use pdf, browser, imap)" >&2
        exit 2
        ;;
    esac
done
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
