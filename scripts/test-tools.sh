#!/usr/bin/env bash
# What the suite needs beyond npm packages, installed from Debian's packages when missing, so that
# `npm test` passes on a fresh machine (npm runs this as `pretest`; .ci/run calls it too):
# - openssl: the signed-statement tests make a throw-away certificate (Node cannot issue one);
# - chromium: the browser tests drive it through playwright-core, which downloads no browser
#   (CHROMIUM_PATH names another one instead).
set -euo pipefail

missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "the tests need ${missing[*]}: install Debian's package(s) ${missing[*]} (apt-get install ${missing[*]}), or set CHROMIUM_PATH to a Chromium" >&2
  exit 1
fi
echo "== installing ${missing[*]} for the tests (Debian packages)"
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
  { apt-get update -qq && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
