#!/usr/bin/env bash
# The README's two commands on an empty Debian 12, for real: a minimal Debian is built with debootstrap in a folder,
# given what a machine of this kind starts with (this PC's Node.js and npm with its npm settings, its certificate
# authorities, git, g++, make, python3, and nothing of the project's), and a clone of this repository's HEAD runs in it
#   bash scripts/setup.sh      (command 1: the Debian packages, npm ci, the build, then the hub; checked to answer
#                               on its admin and phone ports, and left running)
#   npm test                   (command 2, beside that hub, as a store owner would run them in two terminals)
# This is how `setup.sh`'s package list is known to be complete: on this PC the packages are already installed.
# Needs root (debootstrap, chroot, mounts) and Debian's mirror; takes ~20 minutes. Not part of `npm test`.
# Do not run it while the tests run on this PC: both start pcscd and vpcd's port on the same loopback.
#   bash scripts/check-fresh-machine.sh [--keep] [FOLDER]     FOLDER defaults to tapdrop-fresh in the OS temp folder
#                                                             (emptied first)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
keep=0
# The OS temp folder (TMPDIR, as mktemp uses it).
root="$(dirname "$(mktemp -u)")/tapdrop-fresh"
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -*) echo "check-fresh-machine: unknown option $arg (only --keep)" >&2; exit 2 ;;
    *) root=$arg ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "check-fresh-machine: needs root (debootstrap, chroot and mounts)" >&2; exit 2; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Everything mounted under the folder, the tests' own mounts included, deepest first; then the folder itself.
cleanup() {
  local m
  for m in $(awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  if [ "$keep" = 0 ]; then rm -rf --one-file-system "$root" "$root.command-1.log"; fi
}
trap cleanup EXIT

cleanup
mkdir -p "$root"
say "A minimal Debian 12 in $root"
debootstrap --variant=minbase --include=ca-certificates,git,g++,make,python3,procps bookworm "$root" \
  http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log" >&2; exit 1; }
rm -f "$root.debootstrap.log"

say "This PC's Node.js $(node -v) and npm $(npm -v), as a machine of this kind has them"
node_dir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
{
  if dpkg -S "$(readlink -f "$(command -v node)")" >/dev/null 2>&1; then
    pkg=$(dpkg -S "$(readlink -f "$(command -v node)")" | cut -d: -f1)
    dpkg -L "$pkg" | while read -r f; do if [ -f "$f" ] || [ -L "$f" ]; then echo "${f#/}"; fi; done
  else
    echo "${node_dir#/}/bin/node"
    [ -d "$node_dir/include/node" ] && echo "${node_dir#/}/include/node"
  fi
  echo "${npm_dir#/}"
} | tar -C / -cf - -T - | tar -C "$root" -xf -
ln -sf "../lib/node_modules/npm/bin/npm-cli.js" "$root/usr/bin/npm" 2>/dev/null || true
ln -sf "../lib/node_modules/npm/bin/npx-cli.js" "$root/usr/bin/npx" 2>/dev/null || true
for f in "$HOME/.npmrc" /usr/etc/npmrc /etc/npmrc; do
  if [ -f "$f" ]; then mkdir -p "$root$(dirname "$f")" && cp "$f" "$root$f"; fi
done
# The machine's own certificate authorities (here: the one of the proxy the registries are reached through), and
# the variables that point programs at them.
if [ -d /usr/local/share/ca-certificates ]; then
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
tls_env=()
for v in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR GIT_SSL_CAINFO CURL_CA_BUNDLE; do
  if [ -n "${!v:-}" ]; then tls_env+=("$v=${!v}"); fi
done

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
# /dev with its submounts (pts, shm: Chromium needs both); slave, so nothing mounted inside reaches this PC's /dev.
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
# Name resolution as on any installed machine (debootstrap writes no hosts file: "localhost" would not resolve).
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"

say "A clone of $(git -C "$repo" rev-parse --short HEAD)"
git clone -q "$repo" "$root/tapdrop"

inside() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb "${tls_env[@]}" "$@"
}
started=$(date +%s)

# Command 1 as a store's PC runs it: set up, then start the hub on its embedded defaults (admin 127.0.0.1:7410,
# phones 0.0.0.0:8080). Only mDNS is off: this check announces nothing on the network it runs in.
say "Command 1 (bash scripts/setup.sh), inside, until the hub answers"
log1="$root.command-1.log"
setsid chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb TAPDROP_MDNS=false "${tls_env[@]}" /bin/bash -c 'cd /tapdrop && exec bash scripts/setup.sh' \
  >"$log1" 2>&1 &
hub=$!
up=0
for _ in $(seq 1 1200); do
  if grep -q 'is running' "$log1"; then up=1; break; fi
  kill -0 "$hub" 2>/dev/null || break
  sleep 1
done
answers=""
if [ "$up" = 1 ]; then
  sleep 1
  answers="admin $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:7410/), phones $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz)"
fi
stop_hub() {
  kill -TERM -- "-$hub" 2>/dev/null || true
  wait "$hub" 2>/dev/null || true
}
grep -A8 'is running' "$log1" || tail -30 "$log1"
if [ "$answers" != "admin 200, phones 200" ]; then
  stop_hub
  say "Fresh machine: command 1 did not bring up a hub that answers (${answers:-no start line}; log above)"
  exit 1
fi
echo "The running hub answered: $answers"

# The hub of command 1 keeps its default ports and data directory while the tests run: no test may need them.
say "Command 2 (npm test), inside, beside the running hub"
set +e
inside /bin/bash -c 'cd /tapdrop && npm test'
status=$?
set -e
stop_hub
say "Fresh machine: exit $status after $(($(date +%s) - started)) s"
exit $status
