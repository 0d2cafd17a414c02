#!/usr/bin/env bash
# Runs a command with CHROMIUM_PATH pointing at Debian's Chromium, installing it with apt-get when it is missing.
#   bash scripts/report/with-chromium.sh npm test -- test-browser/DemoReport.ts
set -uo pipefail

find_chromium() {
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
}

path=$(find_chromium)
if [ -z "$path" ]; then
  echo "with-chromium: installing Debian's chromium"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  path=$(find_chromium)
fi
if [ -z "$path" ]; then
  echo "with-chromium: no Chromium found or installable"
  exit 1
fi

export CHROMIUM_PATH="$path"
echo "with-chromium: $("$path" --version 2>/dev/null | tail -n 1)"
"$@"
