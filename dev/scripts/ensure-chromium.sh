#!/usr/bin/env bash
# Installs Debian's Chromium for the Temporal UI browser test (test/ui), unless it is already there.
# playwright-core drives this system browser; it never downloads one of its own.
# Pinned to the version the distribution offered when the test was written; override with
# CHROMIUM_APT_VERSION=<version> (see `apt-cache policy chromium`) once that one is superseded.
set -euo pipefail

chromium_version="${CHROMIUM_APT_VERSION:-156.0.8078.108-1~deb12u1}"
# Without recommends the install is a fifth of the size; the fonts keep screenshots legible.
fonts_version="1:1.07.4-11"
binary=/usr/bin/chromium

if [ -x "$binary" ] && dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
  echo "chromium $(dpkg-query -W -f='${Version}' chromium) is installed at $binary"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: no apt-get here; install Chromium so that $binary exists" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: installing Chromium needs root: run \`sudo $0\`" >&2
  exit 1
fi

started=$SECONDS
echo "ensure-chromium: updating the package lists (apt-get update)..."
apt-get update -qq
# Debian's security archive keeps only its newest build: once the pin is superseded there, take the
# newest build of the same major version (the one the test was written against) and say so.
if ! apt-cache madison chromium | awk '{print $3}' | grep -qxF "$chromium_version"; then
  pinned_major="${chromium_version%%.*}"
  offered="$(apt-cache madison chromium | awk '{print $3}' | grep "^${pinned_major}\." | head -n 1 || true)"
  if [ -n "$offered" ]; then
    echo "ensure-chromium: chromium=$chromium_version is no longer offered; installing $offered, the newest build of Chromium $pinned_major (update the pin in $0)" >&2
    chromium_version="$offered"
  fi
fi
echo "ensure-chromium: installing chromium=$chromium_version..."
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "chromium=$chromium_version" "fonts-liberation=$fonts_version"; then
  echo "ensure-chromium: apt-get could not install chromium=$chromium_version; the versions offered now:" >&2
  apt-cache policy chromium >&2 || true
  echo "ensure-chromium: run again with CHROMIUM_APT_VERSION=<one of them> and update the pin in $0" >&2
  exit 1
fi
echo "ensure-chromium: $("$binary" --version 2>/dev/null) installed at $binary in $((SECONDS - started)) s"
