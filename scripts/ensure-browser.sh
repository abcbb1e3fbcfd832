#!/usr/bin/env bash
# Browser tests drive Debian's chromium; Chinese needs a CJK font; the page walk injects axe-core from npm.
# Install what is missing (Debian packages as root).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi" || need+=(fonts-wqy-microhei)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} — run: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# axe-core (the accessibility engine the page walk injects), pinned, from the npm registry.
AXE=.build/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ]; then
  npm install --prefix .build/axe --no-audit --no-fund --silent axe-core@4.14.1
fi
