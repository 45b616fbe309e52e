#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine (CI calls this): installs Debian's
# docker-compose (v1.29, Python) when neither it nor `docker compose` is available.
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-docker-compose.yml}"

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "[validate-compose] installing docker-compose with apt-get" >&2
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp)"
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends docker-compose; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "[validate-compose] could not install docker-compose" >&2
    exit 1
  fi
  rm -f "$log"
  compose=(docker-compose)
fi

"${compose[@]}" -f "$FILE" config -q
echo "[validate-compose] $FILE is valid ($("${compose[@]}" version --short 2>/dev/null || echo "${compose[*]}"))"
