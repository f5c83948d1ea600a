#!/usr/bin/env bash
# A real ClickHouse server on localhost, without Docker, for development, tests and CI.
#
# ClickHouse 26.7 ships on npm as a shared library (libchdb.so, the package below). A ten-line launcher
# (clickhouse-launcher.c) runs it as clickhouse-local with ClickHouse's own HTTP interface switched on, kept open by a
# query that never ends. Tables live under DIR/data and survive a restart.
#
#   src/scripts/clickhouse.sh install             fetch the library (once per machine, cached) and build the launcher
#   src/scripts/clickhouse.sh start [DIR] [PORT] [TCP_PORT]
#                                                 start a server for DIR on 127.0.0.1:PORT (HTTP) and wait until it answers;
#                                                 with TCP_PORT it also listens for the native protocol (a Distributed
#                                                 table's shards are reached that way)
#   src/scripts/clickhouse.sh stop [DIR]          stop it: SIGTERM, then SIGKILL after 20 s
#   src/scripts/clickhouse.sh status [DIR]        exit 0 while it runs
#
# Defaults: DIR=.clickhouse in the project, PORT=8123. The server's pid is in DIR/clickhouse.pid, its log in
# DIR/clickhouse.log. The library is cached in $CHDB_CACHE (default ~/.cache/kalshi-fills-ingester/chdb).
# CLICKHOUSE_CONFIG, if set, is a server config file to start with (the benchmark's turns system.query_log on).
set -euo pipefail

PACKAGE="@chdb/lib-linux-x64-gnu@26.7.3-stable.1"
TARBALL="chdb-lib-linux-x64-gnu-26.7.3-stable.1.tgz"
TARBALL_SHA256="c0d32b129e988f2b9a9a31c9141aecf5e1e2453f9a079efc4d36ab8e3f92b2ad"

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache_dir=${CHDB_CACHE:-$HOME/.cache/kalshi-fills-ingester/chdb}
launcher="$cache_dir/clickhouse-launcher"

die() { echo "clickhouse.sh: $*" >&2; exit 1; }

install() {
    mkdir -p "$cache_dir"
    if [ ! -f "$cache_dir/package/libchdb.so" ]; then
        echo "clickhouse.sh: fetching $PACKAGE (about 180 MB, once per machine) into $cache_dir" >&2
        (cd "$cache_dir" && rm -f "$TARBALL" && npm pack --silent "$PACKAGE" >/dev/null) \
            || die "npm could not fetch $PACKAGE; is the npm registry reachable?"
        echo "$TARBALL_SHA256  $cache_dir/$TARBALL" | sha256sum --check --quiet \
            || die "$TARBALL does not have the pinned SHA-256; refusing to use it"
        tar -xzf "$cache_dir/$TARBALL" -C "$cache_dir" package/libchdb.so
        rm -f "$cache_dir/$TARBALL"
    fi
    if [ ! -x "$launcher" ] || [ "$project_dir/src/scripts/clickhouse-launcher.c" -nt "$launcher" ]; then
        cc -O2 -o "$launcher" "$project_dir/src/scripts/clickhouse-launcher.c" \
            -L "$cache_dir/package" -lchdb -Wl,-rpath,"$cache_dir/package" \
            || die "could not build the launcher; is a C compiler (cc) installed?"
    fi
}

answers() {
    [ "$(curl -s --max-time 2 "http://127.0.0.1:$1/?query=SELECT%201" 2>/dev/null)" = "1" ]
}

running_pid() {
    local pid_file="$1/clickhouse.pid"
    [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null && cat "$pid_file"
}

start() {
    local dir port tcp_port
    dir=$(mkdir -p "$1" && cd "$1" && pwd)
    port=$2
    tcp_port=${3:-}
    install
    if pid=$(running_pid "$dir"); then
        answers "$port" && { echo "clickhouse.sh: already running (pid $pid) on port $port" >&2; return 0; }
        die "a server (pid $pid) runs for $dir but does not answer on port $port"
    fi
    # Another server on the port would answer for this one, which then dies unseen: refuse instead.
    answers "$port" && die "port $port already answers as a ClickHouse server that is not the one of $dir; stop it, or pick another port"
    mkdir -p "$dir/data"
    # A query that never ends keeps clickhouse-local, and with it the HTTP listener, alive. It must use sleep's value:
    # count() over a subquery drops the unused column, and then counts system.numbers flat out on one core.
    local options=() listen="SYSTEM START LISTEN HTTP;"
    [ -n "${CLICKHOUSE_CONFIG:-}" ] && options+=(--config-file="$(cd "$(dirname "$CLICKHOUSE_CONFIG")" && pwd)/$(basename "$CLICKHOUSE_CONFIG")")
    [ -n "$tcp_port" ] && { options+=(--tcp_port="$tcp_port"); listen+=" SYSTEM START LISTEN TCP;"; }
    setsid "$launcher" "${options[@]}" --multiquery --listen_host=127.0.0.1 --http_port="$port" --path="$dir/data/" \
        --query "$listen SELECT sum(sleep(3)) FROM system.numbers SETTINGS max_block_size = 1" \
        >>"$dir/clickhouse.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$dir/clickhouse.pid"
    for _ in $(seq 1 120); do
        answers "$port" && { echo "clickhouse.sh: ClickHouse $(curl -s "http://127.0.0.1:$port/?query=SELECT%20version()") answers on 127.0.0.1:$port (pid $pid, data in $dir/data)" >&2; return 0; }
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$dir/clickhouse.log" >&2; die "the server exited during start-up; its log is above"; }
        sleep 0.5
    done
    stop "$dir"
    die "the server did not answer on port $port within 60 s; see $dir/clickhouse.log"
}

stop() {
    local dir=$1 pid
    pid=$(running_pid "$dir") || { rm -f "$dir/clickhouse.pid"; return 0; }
    kill -TERM "$pid"
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$dir/clickhouse.pid"; return 0; }
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/clickhouse.pid"
}

command=${1:-}
dir=${2:-$project_dir/.clickhouse}
port=${3:-8123}
case "$command" in
    install) install ;;
    start) start "$dir" "$port" "${4:-}" ;;
    stop) stop "$dir" ;;
    status) pid=$(running_pid "$dir") && echo "running (pid $pid)" || { echo "not running"; exit 1; } ;;
    *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
