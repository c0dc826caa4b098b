#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (browser tests, PDF checks, fast WeasyPrint),
# or the packages named as arguments. As root on Debian it installs what is missing; otherwise
# it names what is missing and fails.
set -euo pipefail

default_packages=(
  chromium            # browser tests (Playwright drives Debian's build)
  poppler-utils       # pdftotext, pdfinfo, pdffonts: checking the PDFs we make
  qpdf                # qpdf --check
  zbar-tools          # zbarimg: decoding QR codes
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; without harfbuzz-subset it is ~8x slower
  fonts-dejavu-core fonts-noto-core                     # fonts for Latin, Greek, Cyrillic, Arabic
  fonts-noto-cjk      # Chinese certificates (and Japanese, Korean names)
  gettext             # compilemessages
)

if [ $# -gt 0 ]; then packages=("$@"); else packages=("${default_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
