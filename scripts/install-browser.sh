#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core, which downloads no browser; without the CJK
# fonts every Chinese character renders as a box in the screenshots. Installs both with apt when missing (root or
# sudo), and says what to install otherwise. CHROMIUM_PATH points the tests at another Chromium.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then exit 0; fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "[browser] Chromium or fonts-noto-cjk missing: install them with apt (chromium fonts-noto-cjk), or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "[browser] installing chromium and fonts-noto-cjk with apt (once)…" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
