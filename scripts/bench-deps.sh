#!/usr/bin/env bash
# Installs the Debian packages `make bench` uses: wrk, the load generator.
# As root on Debian it installs what is missing; otherwise it says what is missing and carries on,
# because the bench falls back to its own (slower) Python client without wrk.
set -euo pipefail

packages=(
  wrk   # HTTP load generator; far cheaper per request than a Python client on a 2-core machine
)

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
  echo "Missing system packages: ${missing[*]} (the bench will use its Python client)" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
fi
