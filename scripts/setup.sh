#!/usr/bin/env bash
# TapDrop set-up (README command 1): installs what is missing, builds, and starts the hub.
#   bash scripts/setup.sh              set up, then `npm start` (Electron where possible, else the headless hub)
#   bash scripts/setup.sh --no-start   set up only (what CI does before `npm test`)
# Safe to run again: each step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

start=1
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    *) echo "setup: unknown option $arg (only --no-start)" >&2; exit 2 ;;
  esac
done

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }

# 1. Debian packages: ffmpeg/ffprobe (transcoding), chromium (browser tests), g++ + make + python3 (native modules:
#    better-sqlite3, nfc-pcsc and our sendfile addon compile at install), curl (the upload benchmark's client),
#    pcscd + vpcd + pcsclite headers (NFC
#    and its virtual reader), CJK fonts (Chinese in screenshots and label PDFs), poppler-utils + zbar-tools (label PDFs rendered and their QR codes decoded in tests), nginx + wrk (benchmarks side by
#    side), xvfb (a display for the Electron window where its binary exists), ceph-mon + ceph-osd + radosgw (the chain's
#    tests start a throw-away single-node Ceph with its S3 gateway on 127.0.0.1: scripts/chain/ceph-cluster.ts; ~58
#    packages, ~25 s; nothing is configured or started system-wide).
PACKAGES=(ffmpeg chromium g++ make python3 curl pcscd libpcsclite-dev vsmartcard-vpcd pcsc-tools fonts-noto-cjk poppler-utils zbar-tools nginx-light wrk xvfb ceph-mon ceph-osd radosgw)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # policy-rc.d keeps apt from starting nginx/pcscd/ceph as services: tests start their own, by PID.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends "${missing[@]}" || { rm -f /usr/sbin/policy-rc.d; exit 1; }
    rm -f /usr/sbin/policy-rc.d
  else
    warn "these Debian packages are missing: ${missing[*]}"
    echo "    install them with:  sudo apt-get install -y ${missing[*]}" >&2
    echo "    (the hub runs without them; transcoding, NFC and some tests need them)" >&2
  fi
elif ! command -v dpkg-query >/dev/null 2>&1; then
  warn "not a Debian system: install ffmpeg, chromium and pcscd (with libpcsclite headers) with your package manager"
fi

# 2. Node.js 20.19 or newer.
say "Checking Node.js"
node -e '
  const [maj, min] = process.versions.node.split(".").map(Number)
  if (maj < 20 || (maj === 20 && min < 19)) { console.error("TapDrop needs Node.js 20.19 or newer; this is " + process.version); process.exit(1) }
  console.log("Node.js " + process.version)'

# 3. npm dependencies, offline-safe: binaries that would be downloaded from outside the npm registry are skipped
#    here and tried separately below; native modules build from source against the local Node headers.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
stamp=node_modules/.tapdrop-lock-sha256
want=$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync("package-lock.json")).digest("hex"))')
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "npm dependencies are up to date"
else
  say "Installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# 4. Binaries from outside the npm registry (Electron): best effort, with a clear message when impossible.
say "Checking optional binaries"
node scripts/fetch-binaries.mjs

# 5. Build main, preload and the admin console.
say "Building"
npm run build --silent

if [ "$start" = 1 ]; then
  say "Starting TapDrop"
  exec npm start --silent
fi
say "Set-up complete. Start the hub with: npm start    Run the tests with: npm test"
