#!/usr/bin/env bash
# Builds the service when its sources changed, starts a local ClickHouse (unless CLICKHOUSE_URL points at one), and runs
# the service in the foreground from the project directory. Ctrl-C stops the service, then the local ClickHouse.
#
#   src/scripts/run.sh --demo      against a simulated Kalshi account on localhost: no credentials needed
#   src/scripts/run.sh             against Kalshi: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE first
#
# Any other argument goes to the service; any setting can come from the environment (see application.properties).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

jar=target/kalshi-fills-ingester.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
    mvn -B -q package -DskipTests
fi

if [ -z "${CLICKHOUSE_URL:-}" ]; then
    port=${CLICKHOUSE_HTTP_PORT:-8123}
    src/scripts/clickhouse.sh start .clickhouse "$port"
    trap 'src/scripts/clickhouse.sh stop .clickhouse' EXIT
    export CLICKHOUSE_URL="jdbc:clickhouse://127.0.0.1:$port"
fi

# A class-data archive of the classes the service loads makes start-up about a second faster: written when the service
# stops after its first run with this jar, used from the next start on.
archive=target/kalshi-fills-ingester.jsa
if [ -f "$archive" ] && [ "$archive" -nt "$jar" ]; then
    class_data=-XX:SharedArchiveFile="$archive"
else
    rm -f "$archive"
    class_data=-XX:ArchiveClassesAtExit="$archive"
fi

status=0
java @src/main/jvm/jvm.options "$class_data" -jar "$jar" "$@" || status=$?
exit "$status"
