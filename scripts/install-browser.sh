#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core, which downloads no browser; without the CJK
# fonts every Chinese character renders as a box in the screenshots. The official documents (PDFs) print with the
# same Chromium in TrueType CJK fonts that embed as CID TrueType (AR PL UMing for lists, LXGW WenKai for
# certificates: Noto CJK is CFF, which Chromium embeds as Type 3), and their tests read the PDFs with poppler-utils
# (pdftotext, pdffonts, pdftoppm). Installs what is missing with apt (root or sudo), and says what to install otherwise.
# CHROMIUM_PATH points the tests at another Chromium.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
packages=(fonts-noto-cjk fonts-arphic-uming fonts-lxgw-wenkai poppler-utils)
missing=()
[ -x "$chromium" ] || missing+=(chromium)
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ "${#missing[@]}" -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "[browser] missing: ${missing[*]}: install them with apt, or set CHROMIUM_PATH for another Chromium" >&2
  exit 1
fi
echo "[browser] installing ${missing[*]} with apt (once)…" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
