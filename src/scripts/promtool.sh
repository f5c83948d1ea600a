#!/usr/bin/env bash
# Prometheus's promtool, to check and unit-test deploy/prometheus/*.yml, without installing the Prometheus service.
#
# Debian's package `prometheus` ships promtool beside the server; the package is downloaded (not installed) and promtool
# alone is copied out of it into .tools/ in the project (not committed).
#
#   src/scripts/promtool.sh install   put promtool at .tools/promtool, unless one already works there
#   src/scripts/promtool.sh path      print that path (after installing it if needed)
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
promtool="$project_dir/.tools/promtool"

die() { echo "promtool.sh: $*" >&2; exit 1; }

works() { [ -x "$promtool" ] && "$promtool" --version >/dev/null 2>&1; }

install() {
    works && return 0
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    local log="$tmp/apt.log"
    # apt's sandbox user (_apt) cannot write to a private temporary directory; as root, download as root instead.
    local apt=(apt-get -q)
    [ "$(id -u)" = 0 ] && apt+=(-o APT::Sandbox::User=root)
    if ! (cd "$tmp" && "${apt[@]}" download prometheus) >"$log" 2>&1; then
        # A fresh machine has no package lists yet: read them once, then try again.
        "${apt[@]}" update >>"$log" 2>&1 && (cd "$tmp" && "${apt[@]}" download prometheus) >>"$log" 2>&1 \
            || { cat "$log" >&2; die "could not download Debian's package 'prometheus' (apt-get download prometheus); are Debian's packages reachable?"; }
    fi
    dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
    [ -f "$tmp/root/usr/bin/promtool" ] || die "Debian's package 'prometheus' has no usr/bin/promtool"
    mkdir -p "$(dirname "$promtool")"
    cp "$tmp/root/usr/bin/promtool" "$promtool"
    works || die "$promtool does not run"
}

case "${1:-}" in
    install) install; echo "promtool.sh: $("$promtool" --version 2>&1 | head -n 1) at $promtool" >&2 ;;
    path) install; echo "$promtool" ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
