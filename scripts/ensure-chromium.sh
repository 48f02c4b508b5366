#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (no browser download: the network here
# reaches package registries only). Install it when missing and we may.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
  echo "chromium is not installed: browser tests will be skipped (install Debian's chromium package)" >&2
fi
